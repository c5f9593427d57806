// The alphabets of the glyph data set: one Noto font (fonts-noto-core, OFL-1.1) and Unicode
// ranges per script. Letters only where the block allows it (combining marks, digits and
// punctuation are left out by the ranges; what slips through is filtered by ink and advance).
// Order matters: near-duplicates are dropped against every glyph kept before them.
#pragma once
#include <vector>

namespace glyphs {

struct Range { unsigned lo, hi, stride; };
struct Script {
    const char* name;
    const char* font;                 // file name in the font directory
    std::vector<Range> ranges;
};

inline const std::vector<Script>& scripts() {
    static const std::vector<Script> s = {
        {"Latin", "NotoSans-Regular.ttf", {{0x41, 0x5A, 1}}},
        {"Cyrillic", "NotoSans-Regular.ttf", {{0x410, 0x42F, 1}}},
        {"Armenian", "NotoSansArmenian-Regular.ttf", {{0x531, 0x556, 1}}},
        {"Georgian", "NotoSansGeorgian-Regular.ttf", {{0x10D0, 0x10F0, 1}}},
        {"Hebrew", "NotoSansHebrew-Regular.ttf", {{0x5D0, 0x5EA, 1}}},
        {"Arabic", "NotoSansArabic-Regular.ttf", {{0x627, 0x64A, 1}}},
        {"Syriac", "NotoSansSyriac-Regular.ttf", {{0x710, 0x72C, 1}}},
        {"Thaana", "NotoSansThaana-Regular.ttf", {{0x780, 0x7A5, 1}}},
        {"NKo", "NotoSansNKo-Regular.ttf", {{0x7CA, 0x7EA, 1}}},
        {"Samaritan", "NotoSansSamaritan-Regular.ttf", {{0x800, 0x815, 1}}},
        {"Mandaic", "NotoSansMandaic-Regular.ttf", {{0x840, 0x858, 1}}},
        {"Devanagari", "NotoSansDevanagari-Regular.ttf", {{0x905, 0x939, 1}}},
        {"Bengali", "NotoSansBengali-Regular.ttf", {{0x985, 0x9B9, 1}}},
        {"Gurmukhi", "NotoSansGurmukhi-Regular.ttf", {{0xA05, 0xA39, 1}}},
        {"Gujarati", "NotoSansGujarati-Regular.ttf", {{0xA85, 0xAB9, 1}}},
        {"Oriya", "NotoSansOriya-Regular.ttf", {{0xB05, 0xB39, 1}}},
        {"Tamil", "NotoSansTamil-Regular.ttf", {{0xB85, 0xBB9, 1}}},
        {"Telugu", "NotoSansTelugu-Regular.ttf", {{0xC05, 0xC39, 1}}},
        {"Kannada", "NotoSansKannada-Regular.ttf", {{0xC85, 0xCB9, 1}}},
        {"Malayalam", "NotoSansMalayalam-Regular.ttf", {{0xD05, 0xD39, 1}}},
        {"Sinhala", "NotoSansSinhala-Regular.ttf", {{0xD85, 0xDC6, 1}}},
        {"Thai", "NotoSansThai-Regular.ttf", {{0xE01, 0xE2E, 1}}},
        {"Myanmar", "NotoSansMyanmar-Regular.ttf", {{0x1000, 0x102A, 1}}},
        {"Ethiopic", "NotoSansEthiopic-Regular.ttf", {{0x1200, 0x1357, 8}}},
        {"Cherokee", "NotoSansCherokee-Regular.ttf", {{0x13A0, 0x13F4, 1}}},
        {"Canadian_Aboriginal", "NotoSansCanadianAboriginal-Regular.ttf", {{0x1401, 0x166C, 5}}},
        {"Runic", "NotoSansRunic-Regular.ttf", {{0x16A0, 0x16EA, 1}}},
        {"Tagalog", "NotoSansTagalog-Regular.ttf", {{0x1700, 0x1711, 1}}},
        {"Khmer", "NotoSansKhmer-Regular.ttf", {{0x1780, 0x17B3, 1}}},
        {"Mongolian", "NotoSansMongolian-Regular.ttf", {{0x1820, 0x1877, 1}}},
        {"Limbu", "NotoSansLimbu-Regular.ttf", {{0x1900, 0x191E, 1}}},
        {"Tai_Le", "NotoSansTaiLe-Regular.ttf", {{0x1950, 0x196D, 1}}},
        {"Balinese", "NotoSansBalinese-Regular.ttf", {{0x1B05, 0x1B33, 1}}},
        {"Batak", "NotoSansBatak-Regular.ttf", {{0x1BC0, 0x1BE5, 1}}},
        {"Lepcha", "NotoSansLepcha-Regular.ttf", {{0x1C00, 0x1C23, 1}}},
        {"Glagolitic", "NotoSansGlagolitic-Regular.ttf", {{0x2C00, 0x2C2E, 1}}},
        {"Coptic", "NotoSansCoptic-Regular.ttf", {{0x2C80, 0x2CE3, 2}}},
        {"Tifinagh", "NotoSansTifinagh-Regular.ttf", {{0x2D30, 0x2D67, 1}}},
        {"Bamum", "NotoSansBamum-Regular.ttf", {{0xA6A0, 0xA6EF, 1}}},
        {"Saurashtra", "NotoSansSaurashtra-Regular.ttf", {{0xA882, 0xA8B3, 1}}},
        {"Javanese", "NotoSansJavanese-Regular.ttf", {{0xA984, 0xA9B2, 1}}},
        {"Linear_B", "NotoSansLinearB-Regular.ttf", {{0x10000, 0x1005D, 1}}},
        {"Old_Persian", "NotoSansOldPersian-Regular.ttf", {{0x103A0, 0x103C3, 1}}},
        {"Shavian", "NotoSansShavian-Regular.ttf", {{0x10450, 0x1047F, 1}}},
        {"Osmanya", "NotoSansOsmanya-Regular.ttf", {{0x10480, 0x1049D, 1}}},
        {"Phoenician", "NotoSansPhoenician-Regular.ttf", {{0x10900, 0x10915, 1}}},
        {"Kharoshthi", "NotoSansKharoshthi-Regular.ttf", {{0x10A10, 0x10A33, 1}}},
        {"Old_Turkic", "NotoSansOldTurkic-Regular.ttf", {{0x10C00, 0x10C48, 1}}},
        {"Old_Hungarian", "NotoSansOldHungarian-Regular.ttf", {{0x10C80, 0x10CB2, 1}}},
        {"Brahmi", "NotoSansBrahmi-Regular.ttf", {{0x11003, 0x11037, 1}}},
        {"Adlam", "NotoSansAdlam-Regular.ttf", {{0x1E900, 0x1E921, 1}}},
    };
    return s;
}

}  // namespace glyphs
