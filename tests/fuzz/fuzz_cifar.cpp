// libFuzzer target: a CIFAR-10 binary batch as the images task reads it (images::load_cifar_dir on
// a folder holding data_batch_1.bin, engine/images/image_data.cpp) on arbitrary bytes. The first
// byte picks whether the same bytes also serve as test_batch.bin (both code paths of the split).
// Properties: a PatchSet of 32x32 gray images with >= 3 in each part and photo indices in range,
// or one DataError naming the folder or the file on one line.
#include <filesystem>

#include "images/image_data.hpp"
#include "fuzz_util.hpp"

using namespace ps;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    if (size < 1) return 0;
    const std::string dir = fuzz::scratch_dir() + "/cifar";
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    const bool with_test = data[0] & 1;
    const std::string train = fuzz::scratch_file("cifar/data_batch_1.bin", data + 1, size - 1);
    std::filesystem::remove(dir + "/test_batch.bin", ec);
    if (with_test) fuzz::scratch_file("cifar/test_batch.bin", data + 1, size - 1);
    try {
        const images::PatchSet s = images::load_cifar_dir(dir, (data[0] & 2) ? 7 : 0);
        if (s.side != 32 || s.train.size() % 1024 || s.heldout.size() % 1024) fuzz::fuzz_fail("load_cifar_dir returned ragged images");
        if (s.n_train() < 3 || s.n_heldout() < 3) fuzz::fuzz_fail("load_cifar_dir returned a part with fewer than 3 images");
        if ((data[0] & 2) && (s.n_train() > 7 || s.n_heldout() > 7)) fuzz::fuzz_fail("load_cifar_dir ignored max_images");
        if (s.train_photo.size() != size_t(s.n_train()) || s.heldout_photo.size() != size_t(s.n_heldout()))
            fuzz::fuzz_fail("load_cifar_dir's photo indices do not match its images");
    } catch (const images::DataError& e) {
        const std::string m = e.what();
        if (m.find(dir) == std::string::npos) fuzz::fuzz_fail("the error names neither the folder nor the file: " + m);
        fuzz::check_message(m, dir);
    } catch (const std::exception& e) {
        fuzz::fuzz_fail(std::string("load_cifar_dir threw something other than DataError: ") + e.what());
    }
    return 0;
}
