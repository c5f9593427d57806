// libFuzzer target: one photo as the image-folder loader reads it (images::load_folder on a single
// file: engine/images/image_data.cpp decodes it through engine/image_decode.cpp, converts it to
// gray, rescales it and cuts it into patches) on arbitrary bytes. The file name's extension comes
// from the first byte, so every format stb_image knows is reached.
// Properties: a PatchSet of side-32 patches with >= 3 training and >= 1 held-out patches and photo
// indices in range, or one DataError naming the file on one line; no allocation over the limits
// (-malloc_limit_mb), no input slower than 10 s.
#include "images/image_data.hpp"
#include "fuzz_util.hpp"
#include "patch_set_check.hpp"

using namespace ps;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    if (size < 1) return 0;
    static const char* const kExt[] = {".png", ".jpg", ".bmp", ".gif", ".tga", ".jpeg"};
    const std::string path = fuzz::scratch_file(std::string("photo") + kExt[data[0] % 6], data + 1, size - 1);
    fuzz::expect_data_error<images::DataError>("load_folder", path, [&] {
        const images::PatchSet s = images::load_folder(path, 32, 1, 20);
        if (s.side != 32) fuzz::fuzz_fail("load_folder returned patches of another side");
        fuzz::check_patch_set(s, "load_folder", 1);
    });
    return 0;
}
