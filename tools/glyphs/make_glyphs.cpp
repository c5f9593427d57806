// make_glyphs: builds the Omniglot-like glyph data set (assets/glyphs/glyphs.npz) from the Noto
// fonts of Debian's fonts-noto-core (OFL-1.1). For every script in scripts.hpp it renders each
// letter with FreeType (outline scaled so its larger side is --glyph-px, centred in a 105 x 105
// box, coverage >= 50 % = ink), drops glyphs that are tiny or have no advance (combining marks),
// drops near-duplicates (Pearson correlation > --dup of the canonical drawing at 28 x 28 against
// every glyph kept before), thins each glyph to a skeleton and makes --drawers synthetic drawers
// (engine/omniglot/glyph_synth.hpp). Alphabets are split into background / evaluation by a
// seeded shuffle. Everything is seeded: the same fonts and flags give the same file, byte for
// byte (the zip entries carry a fixed time stamp).
//
// Storage: each drawer is stored as what the network uses, its 31 x 31 area-downsampled ink
// fraction quantised to 4 bits (16 levels), two pixels per byte, in a deflated npz; see
// docs/omniglot.md for the size trade-off.
#include <ft2build.h>
#include FT_FREETYPE_H
#include FT_OUTLINE_H
#include <zip.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

#include "omniglot/glyph_synth.hpp"
#include "npz_out.hpp"
#include "rng.hpp"
#include "scripts.hpp"
#include "tool_args.hpp"

#include <stb_image_write.h>

using ps::omni::BinImage;

namespace {

constexpr int kSide = 105;    // Omniglot's image size
constexpr int kNet = 31;      // what the network sees (docs/science.md: 105 -> 31)
constexpr int kDup = 28;      // near-duplicate test resolution

struct Options {
    std::string fonts, out, preview;
    uint64_t seed = 20181;    // fixed default: the committed asset was made with it
    int drawers = 20;
    int max_chars = 40;       // per alphabet (Omniglot's alphabets hold 14-55 characters)
    int min_chars = 14;
    int alphabets = 0;        // 0 = every script in the table; N = the first N (tests)
    double glyph_px = 64;
    double dup = 0.92;
    double eval_fraction = 0.4;
};

Options parse(int argc, char** argv) {
    Options o;
    ToolArgs args("make_glyphs", "  DIR holds the Noto .ttf files (fonts-noto-core: usr/share/fonts/truetype/noto)\n");
    args.text("--fonts", "DIR", o.fonts).text("--out", "FILE.npz", o.out).text("--preview", "FILE.png", o.preview);
    args.number("--seed", "N", o.seed, 0, 9e15).number("--drawers", "N", o.drawers, 1, 100);
    args.number("--max-chars", "N", o.max_chars, 1, 1000).number("--min-chars", "N", o.min_chars, 1, 1000);
    args.number("--alphabets", "N", o.alphabets, 0, 1000).number("--glyph-px", "PX", o.glyph_px, 10, 95);
    args.number("--dup", "R", o.dup, 0, 1);
    args.parse(argc, argv, {"--fonts", "--out"});
    return o;
}

// ---------------------------------------------------------------- FreeType rendering
struct Renderer {
    FT_Library lib = nullptr;
    std::map<std::string, FT_Face> faces;
    explicit Renderer() {
        if (FT_Init_FreeType(&lib)) throw std::runtime_error("FreeType initialisation failed");
    }
    ~Renderer() {
        for (auto& [k, f] : faces) FT_Done_Face(f);
        FT_Done_FreeType(lib);
    }
    FT_Face face(const std::string& path) {
        auto it = faces.find(path);
        if (it != faces.end()) return it->second;
        FT_Face f = nullptr;
        if (FT_New_Face(lib, path.c_str(), 0, &f)) throw std::runtime_error("cannot open font " + path);
        faces[path] = f;
        return f;
    }
    // The glyph of code point cp as a 105 x 105 binary image, or an empty image when the font has
    // no outline for it, it has no advance (a combining mark) or it is too small to be a letter.
    BinImage render(FT_Face f, unsigned cp, double glyph_px) {
        BinImage img;
        const FT_UInt gi = FT_Get_Char_Index(f, cp);
        if (!gi) return img;
        if (FT_Set_Char_Size(f, 0, 256 * 64, 72, 72)) return img;   // 1 em = 256 px, 26.6 units
        if (FT_Load_Glyph(f, gi, FT_LOAD_NO_HINTING | FT_LOAD_NO_BITMAP)) return img;
        FT_GlyphSlot g = f->glyph;
        if (g->format != FT_GLYPH_FORMAT_OUTLINE || g->advance.x <= 0) return img;
        FT_BBox cb;
        FT_Outline_Get_CBox(&g->outline, &cb);
        const double w = (cb.xMax - cb.xMin) / 64.0, h = (cb.yMax - cb.yMin) / 64.0;
        if (std::max(w, h) < 0.15 * 256) return img;    // dots, strokes of punctuation size
        const double s = glyph_px / std::max(w, h);
        FT_Matrix m{FT_Fixed(std::lround(s * 65536)), 0, 0, FT_Fixed(std::lround(s * 65536))};
        FT_Outline_Transform(&g->outline, &m);
        FT_Outline_Get_CBox(&g->outline, &cb);
        // Centre the box on the image centre (FreeType's y points up; row 0 of a positive-pitch
        // bitmap is its top).
        const FT_Pos cx = (cb.xMin + cb.xMax) / 2, cy = (cb.yMin + cb.yMax) / 2;
        FT_Outline_Translate(&g->outline, FT_Pos(kSide * 32) - cx, FT_Pos(kSide * 32) - cy);
        std::vector<unsigned char> buf(size_t(kSide) * kSide, 0);
        FT_Bitmap bm;
        std::memset(&bm, 0, sizeof bm);
        bm.rows = kSide; bm.width = kSide; bm.pitch = kSide; bm.buffer = buf.data();
        bm.pixel_mode = FT_PIXEL_MODE_GRAY; bm.num_grays = 256;
        if (FT_Outline_Get_Bitmap(lib, &g->outline, &bm)) return img;
        img = BinImage(kSide, kSide);
        for (size_t i = 0; i < buf.size(); ++i) img.px[i] = buf[i] >= 128;
        return img;
    }
};

}  // namespace

int main(int argc, char** argv) try {
    const Options o = parse(argc, argv);
    Renderer ren;
    const auto& table = glyphs::scripts();
    const size_t n_scripts = o.alphabets > 0 ? std::min<size_t>(size_t(o.alphabets), table.size()) : table.size();

    struct Char { int alphabet; unsigned cp; BinImage skel; std::vector<float> canon; };
    std::vector<Char> kept;
    std::vector<std::string> alph_names, alph_fonts;
    std::vector<int> dropped_dup(n_scripts, 0), dropped_small(n_scripts, 0);
    for (size_t si = 0; si < n_scripts; ++si) {
        const auto& sc = table[si];
        FT_Face f = ren.face(o.fonts + "/" + sc.font);
        std::vector<Char> mine;
        for (const auto& r : sc.ranges)
            for (unsigned cp = r.lo; cp <= r.hi && int(mine.size()) < o.max_chars; cp += r.stride) {
                BinImage g = ren.render(f, cp, o.glyph_px);
                if (g.px.empty() || g.count() < 40) { ++dropped_small[si]; continue; }
                BinImage sk = g;
                ps::omni::thin_zhang_suen(sk);
                if (sk.count() < 15) { ++dropped_small[si]; continue; }
                Char c{int(alph_names.size()), cp, sk, {}};
                c.canon = ps::omni::area_downsample(ps::omni::draw_skeleton(sk, ps::omni::identity_drawer(2.5)), kDup);
                bool dup = false;
                for (const auto* list : {&kept, &mine})
                    for (const auto& k : *list)
                        if (ps::omni::correlation(k.canon, c.canon) > o.dup) { dup = true; break; }
                if (dup) { ++dropped_dup[si]; continue; }
                mine.push_back(std::move(c));
            }
        std::fprintf(stderr, "%-20s %3zu kept, %2d near-duplicates, %2d small/empty\n", sc.name, mine.size(),
                     dropped_dup[si], dropped_small[si]);
        if (int(mine.size()) < o.min_chars) {
            std::fprintf(stderr, "%-20s dropped: fewer than %d characters\n", sc.name, o.min_chars);
            continue;
        }
        alph_names.push_back(sc.name);
        alph_fonts.push_back(sc.font);
        for (auto& c : mine) kept.push_back(std::move(c));
    }
    if (alph_names.size() < 2) throw std::runtime_error("fewer than 2 alphabets survived; check --fonts");

    // Split by alphabet: a seeded shuffle, the first eval_fraction of it is the evaluation set.
    std::vector<int> order(alph_names.size());
    for (size_t i = 0; i < order.size(); ++i) order[i] = int(i);
    ps::Rng split_rng(o.seed);
    split_rng.shuffle(order.begin(), order.end());
    const int n_eval = std::max(1, int(std::lround(o.eval_fraction * double(order.size()))));
    std::vector<int64_t> alph_split(alph_names.size(), 0);
    for (int i = 0; i < n_eval; ++i) alph_split[size_t(order[size_t(i)])] = 1;

    // Drawers: 31 x 31 ink fraction, 4 bits per pixel (value q means ink q/15), two pixels a byte
    // (the first pixel in the low nibble).
    const int npx = kNet * kNet, nbytes = (npx + 1) / 2;
    std::vector<uint8_t> packed(kept.size() * size_t(o.drawers) * size_t(nbytes), 0);
    std::vector<int64_t> char_alph, char_cp;
    ps::omni::DrawerRanges ranges;
    std::vector<float> preview_px;
    for (size_t ci = 0; ci < kept.size(); ++ci) {
        char_alph.push_back(kept[ci].alphabet);
        char_cp.push_back(int64_t(kept[ci].cp));
        for (int d = 0; d < o.drawers; ++d) {
            ps::Rng rng(o.seed * 0x100000001b3ull + ci * 1000u + unsigned(d));
            const auto p = ps::omni::random_drawer(rng, ranges);
            const BinImage im = ps::omni::draw_skeleton(kept[ci].skel, p);
            const auto small = ps::omni::area_downsample(im, kNet);
            uint8_t* dst = &packed[(ci * size_t(o.drawers) + size_t(d)) * size_t(nbytes)];
            for (int i = 0; i < npx; ++i) {
                const int q = std::clamp(int(std::lround(double(small[size_t(i)]) * 15.0)), 0, 15);
                dst[i / 2] |= uint8_t(i % 2 ? q << 4 : q);
            }
            // Preview: the first character of every alphabet (one row each), 12 drawers, 105 px.
            const bool first_of_alph = ci == 0 || kept[ci - 1].alphabet != kept[ci].alphabet;
            if (!o.preview.empty() && first_of_alph && d < 12) {
                const size_t row = size_t(kept[ci].alphabet), W = 12 * 106;
                if (preview_px.size() < (row + 1) * 106 * W) preview_px.resize((row + 1) * 106 * W, 255.f);
                for (int y = 0; y < kSide; ++y)
                    for (int x = 0; x < kSide; ++x)
                        preview_px[(row * 106 + size_t(y)) * W + size_t(d) * 106 + size_t(x)] = im.at(x, y) ? 0.f : 255.f;
            }
        }
    }

    NpzOut z;
    z.add_u8("images", {int64_t(kept.size()) * o.drawers, nbytes}, packed);
    z.add_i64("char_alphabet", char_alph);
    z.add_i64("char_codepoint", char_cp);
    z.add_i64("alphabet_split", alph_split);
    std::string names, fonts;
    for (size_t i = 0; i < alph_names.size(); ++i) {
        names += (i ? "\n" : "") + alph_names[i];
        fonts += (i ? "\n" : "") + alph_fonts[i];
    }
    z.add_text("alphabet_names", names);
    z.add_text("alphabet_fonts", fonts);
    MetaJson meta;
    meta.text("format", "plastiscope-glyphs-1").whole("side", kNet).whole("bits", 4).whole("drawers", o.drawers);
    meta.whole("seed", (long long)o.seed).real("glyph_px", o.glyph_px).real("dup", o.dup);
    meta.whole("max_chars", o.max_chars).whole("min_chars", o.min_chars).text("source", "Debian fonts-noto-core");
    meta.text("license", "OFL-1.1 (fonts); images generated by tools/glyphs/make_glyphs");
    z.add_text("meta", meta.str());
    z.write(o.out);

    int n_bg = 0, c_bg = 0, c_ev = 0;
    for (size_t a = 0; a < alph_names.size(); ++a) n_bg += alph_split[a] == 0;
    for (auto a : char_alph) (alph_split[size_t(a)] ? c_ev : c_bg)++;
    std::fprintf(stderr, "make_glyphs: %zu alphabets (%d background, %d evaluation), %zu characters (%d / %d), "
                 "%d drawers each -> %s\n", alph_names.size(), n_bg, int(alph_names.size()) - n_bg, kept.size(),
                 c_bg, c_ev, o.drawers, o.out.c_str());
    if (!o.preview.empty() && !preview_px.empty()) {
        std::vector<unsigned char> px(preview_px.begin(), preview_px.end());
        if (!stbi_write_png(o.preview.c_str(), 12 * 106, int(px.size() / (12 * 106)), 1, px.data(), 12 * 106))
            throw std::runtime_error("cannot write " + o.preview);
    }
    return 0;
} catch (const std::exception& e) {
    std::fprintf(stderr, "make_glyphs: %s\n", e.what());
    return 1;
}
