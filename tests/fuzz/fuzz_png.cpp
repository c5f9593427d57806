// libFuzzer target: one character image as the Omniglot loader decodes it (decode_png_ink in
// engine/omniglot/dataset.cpp, the shared decoder engine/image_decode.cpp and stb_image underneath)
// on arbitrary bytes.
// Properties: side² ink values in [0, 1], or one DataError naming the file on one line; no
// allocation beyond what an image the loader accepts can need (-malloc_limit_mb).
#include <cmath>

#include "omniglot/dataset.hpp"
#include "fuzz_util.hpp"

using namespace ps;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    fuzz::expect_data_error<omni::DataError>("decode_png_ink", "drawing.png", [&] {
        const std::vector<float> ink = omni::decode_png_ink(data, size, 31, "drawing.png");
        if (ink.size() != 31 * 31) fuzz::fuzz_fail("decode_png_ink returned " + std::to_string(ink.size()) + " values");
        for (float v : ink)
            if (!(v >= 0.f && v <= 1.f)) fuzz::fuzz_fail("decode_png_ink returned ink outside [0, 1]");
    });
    return 0;
}
