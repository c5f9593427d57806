// libFuzzer target: the glyph-set loader (engine/omniglot/dataset.cpp, load_glyphs: an .npz with a
// JSON meta array, 4-bit packed images and index arrays) on arbitrary bytes, every split.
// Properties: a CharSet whose indices are consistent, or one DataError naming the file on one line.
#include "omniglot/dataset.hpp"
#include "fuzz_util.hpp"

using namespace ps;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string path = fuzz::scratch_file("glyphs.npz", data, size);
    for (auto split : {omni::GlyphSplit::Background, omni::GlyphSplit::Evaluation, omni::GlyphSplit::All}) {
        fuzz::expect_data_error<omni::DataError>("load_glyphs", path, [&] {
            const omni::CharSet cs = omni::load_glyphs(path, split);
            const size_t px = size_t(cs.side) * size_t(cs.side);
            if (cs.char_first.size() != size_t(cs.num_chars()) + 1 || cs.char_name.size() != size_t(cs.num_chars()) ||
                cs.pixels.size() != size_t(cs.num_images()) * px)
                fuzz::fuzz_fail("load_glyphs returned inconsistent sizes");
            for (int c = 0; c < cs.num_chars(); ++c)
                if (cs.char_alphabet[size_t(c)] < 0 || size_t(cs.char_alphabet[size_t(c)]) >= cs.alphabets.size() || cs.drawers(c) < 1)
                    fuzz::fuzz_fail("load_glyphs returned a bad character index");
        });
    }
    return 0;
}
