// libFuzzer target: the MNIST digit file loader of the FLP tasks (load_digits in
// engine/flp/flp_data.cpp; layout in tools/make_mnist.sh) on arbitrary bytes.
// Properties: a DigitSet whose splits index real images of the right digit, or one
// std::runtime_error naming the file on one line.
#include "flp/flp_data.hpp"
#include "fuzz_util.hpp"

using namespace ps;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string path = fuzz::scratch_file("digits.bin", data, size);
    try {
        const auto d = flp::load_digits(path);
        if (d.pixels.size() != size_t(d.size()) * size_t(d.rows) * size_t(d.cols)) fuzz::fuzz_fail("pixel count");
        for (int k = 0; k < 10; ++k)
            for (const auto* split : {&d.train[size_t(k)], &d.test[size_t(k)]})
                for (int i : *split)
                    if (i < 0 || i >= d.size() || d.label[size_t(i)] != k) fuzz::fuzz_fail("a split indexes a wrong image");
    } catch (const std::runtime_error& e) {
        fuzz::check_message(e.what(), path);
    } catch (const std::exception& e) {
        fuzz::fuzz_fail(std::string("load_digits threw something other than runtime_error: ") + e.what());
    }
    return 0;
}
