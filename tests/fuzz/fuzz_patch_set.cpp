// libFuzzer target: the images task's patch set file (images::load_patch_set, format
// plastiscope-images-1: an .npz with meta, photos, train, heldout and their photo indices;
// engine/images/image_data.cpp over engine/npz.cpp) on arbitrary bytes, as PS_IMAGES_SET may
// point at any file.
// Properties: a PatchSet whose parts are n x side x side with >= 3 patches and photo indices in
// range, or one DataError naming the file on one line.
#include "images/image_data.hpp"
#include "fuzz_util.hpp"

using namespace ps;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string path = fuzz::scratch_file("patches.npz", data, size);
    try {
        const images::PatchSet s = images::load_patch_set(path);
        const size_t P = size_t(s.side) * size_t(s.side);
        if (s.side < 4 || s.train.size() % P || s.heldout.size() % P) fuzz::fuzz_fail("load_patch_set returned ragged patches");
        if (s.n_train() < 3 || s.n_heldout() < 3) fuzz::fuzz_fail("load_patch_set returned a part with fewer than 3 patches");
        if (s.train_photo.size() != size_t(s.n_train()) || s.heldout_photo.size() != size_t(s.n_heldout()))
            fuzz::fuzz_fail("load_patch_set's photo indices do not match its patches");
        for (int64_t v : s.train_photo)
            if (v < 0 || v >= int64_t(s.photos.size())) fuzz::fuzz_fail("a photo index out of range");
        for (int64_t v : s.heldout_photo)
            if (v < 0 || v >= int64_t(s.photos.size())) fuzz::fuzz_fail("a photo index out of range");
    } catch (const images::DataError& e) {
        fuzz::check_message(e.what(), path);
    } catch (const std::exception& e) {
        fuzz::fuzz_fail(std::string("load_patch_set threw something other than DataError: ") + e.what());
    }
    return 0;
}
