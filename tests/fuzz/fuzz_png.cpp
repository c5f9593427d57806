// libFuzzer target: one character image as the Omniglot loader decodes it (decode_png_ink in
// engine/omniglot/dataset.cpp, stb_image underneath) on arbitrary bytes.
// Properties: side² ink values in [0, 1], or one DataError naming the file on one line; no
// allocation beyond what an image the loader accepts can need (-malloc_limit_mb).
#include <cmath>

#include "omniglot/dataset.hpp"
#include "fuzz_util.hpp"

using namespace ps;

// KNOWN ISSUE (reported, issue 9): decode_png_ink puts stb_image's failure reason in its message,
// and stb builds some reasons from raw bytes of the file (an unknown chunk's type: "XXXX PNG
// chunk not known"), which may be a newline; load_omniglot also quotes zip member names as
// stored. The one-line rule is off for this target until engine/omniglot/dataset.cpp makes
// those printable; every other property is checked.
constexpr bool kOneLine = false;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    try {
        const std::vector<float> ink = omni::decode_png_ink(data, size, 31, "drawing.png");
        if (ink.size() != 31 * 31) fuzz::fuzz_fail("decode_png_ink returned " + std::to_string(ink.size()) + " values");
        for (float v : ink)
            if (!(v >= 0.f && v <= 1.f)) fuzz::fuzz_fail("decode_png_ink returned ink outside [0, 1]");
    } catch (const omni::DataError& e) {
        fuzz::check_message(e.what(), "drawing.png", kOneLine);
    } catch (const std::exception& e) {
        fuzz::fuzz_fail(std::string("decode_png_ink threw something other than DataError: ") + e.what());
    }
    return 0;
}
