// The PatchSet properties the image fuzz targets share (fuzz_image_file, fuzz_patch_set): both
// parts whole side x side patches, enough of them, one photo index per patch and each in range.
#pragma once
#include <string>
#include "images/image_data.hpp"
#include "fuzz_util.hpp"

namespace ps::fuzz {

inline void check_patch_set(const images::PatchSet& s, const std::string& loader, int min_heldout) {
    const size_t P = size_t(s.side) * size_t(s.side);
    if (s.train.size() % P || s.heldout.size() % P) fuzz_fail(loader + " returned ragged patches");
    if (s.n_train() < 3 || s.n_heldout() < min_heldout)
        fuzz_fail(loader + " returned too few patches (needs >= 3 training, >= " + std::to_string(min_heldout) +
                  " held out)");
    if (s.train_photo.size() != size_t(s.n_train()) || s.heldout_photo.size() != size_t(s.n_heldout()))
        fuzz_fail(loader + "'s photo indices do not match its patches");
    for (const auto* idx : {&s.train_photo, &s.heldout_photo})
        for (int64_t v : *idx)
            if (v < 0 || v >= int64_t(s.photos.size())) fuzz_fail("a photo index out of range");
}

}  // namespace ps::fuzz
