// The images task's view of a patch set: every patch normalised to floats (x = p - mean(p),
// x /= max|x|), at the task's side (the set's own, or its 2x2 means), split into the training
// and the held-out photos' patches. Loaded once per process and shared by every task object
// (the GUI's live task and its trainer thread's copy).
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <vector>
#include "images/image_data.hpp"

namespace ps::images {

struct Pool {
    int side = 0;
    std::vector<float> train, held;   // side*side floats per image
    std::string source;
    int64_t n_train() const { return int64_t(train.size()) / (side * side); }
    int64_t n_held() const { return int64_t(held.size()) / (side * side); }
    // part 0: training photos, 1: held-out photos.
    const float* get(int part, int64_t i) const { return (part ? held : train).data() + size_t(i) * size_t(side * side); }
    int64_t count(int part) const { return part ? n_held() : n_train(); }
};

// The set's patches at `side` (its own side or half of it; DataError otherwise).
std::shared_ptr<const Pool> make_pool(const PatchSet& s, int side);
// source 0: the committed set, 1: CIFAR-10 in $PS_CIFAR_DIR, 2: the photos in $PS_IMAGES_DIR;
// cached per (source, side). Throws DataError naming what is missing.
std::shared_ptr<const Pool> shared_pool(int source, int side);

// Pearson correlation of x and y over the entries with mask[j] != 0; 0 if either is constant.
double masked_corr(const float* x, const std::vector<float>& y, const std::vector<uint8_t>& mask);

}  // namespace ps::images
