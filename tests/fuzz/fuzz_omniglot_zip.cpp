// libFuzzer target: real Omniglot as a .zip (load_omniglot in engine/omniglot/dataset.cpp: member
// names -> alphabet/character/drawer, PNG members decoded) and, from the same bytes, as the
// project's packed .npz (assets/omniglot: meta, paths, 1-bit ink) on arbitrary bytes.
// Properties: a CharSet of >= 2 characters with >= 2 drawings each and consistent indices, or one
// DataError naming the file on one line.
#include "omniglot/dataset.hpp"
#include "fuzz_util.hpp"

using namespace ps;

namespace {
void try_load(const std::string& path) {
    fuzz::expect_data_error<omni::DataError>("load_omniglot", path, [&] {
        const omni::CharSet cs = omni::load_omniglot(path, 31);
        if (cs.num_chars() < 2 || cs.pixels.size() != size_t(cs.num_images()) * 31 * 31)
            fuzz::fuzz_fail("load_omniglot returned inconsistent sizes");
        for (int c = 0; c < cs.num_chars(); ++c)
            if (cs.drawers(c) < 2) fuzz::fuzz_fail("a character with fewer than 2 drawings");
    });
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    try_load(fuzz::scratch_file("images_background.zip", data, size));
    try_load(fuzz::scratch_file("images_background.npz", data, size));
    return 0;
}
