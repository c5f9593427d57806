// libFuzzer target: the images task's patch set file (images::load_patch_set, format
// plastiscope-images-1: an .npz with meta, photos, train, heldout and their photo indices;
// engine/images/image_data.cpp over engine/npz.cpp) on arbitrary bytes, as PS_IMAGES_SET may
// point at any file.
// Properties: a PatchSet whose parts are n x side x side with >= 3 patches and photo indices in
// range, or one DataError naming the file on one line.
#include "images/image_data.hpp"
#include "fuzz_util.hpp"
#include "patch_set_check.hpp"

using namespace ps;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string path = fuzz::scratch_file("patches.npz", data, size);
    fuzz::expect_data_error<images::DataError>("load_patch_set", path, [&] {
        const images::PatchSet s = images::load_patch_set(path);
        if (s.side < 4) fuzz::fuzz_fail("load_patch_set returned patches smaller than 4 x 4");
        fuzz::check_patch_set(s, "load_patch_set", 3);
    });
    return 0;
}
