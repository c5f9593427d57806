// Episodes for the FLP tasks (docs/science.md §4):
//  - continual sine regression: 10 functions y = A sin(x + phase), A ~ U[0.1, 5.1],
//    phase ~ U[0, pi], x ~ U[-5, 5]; input = onehot(function id, 10) ++ x; the inner loop sees
//    `steps_per_func` minibatches of `batch` points of function 1, then of function 2, ...
//    (iid = true: the same points shuffled across functions); query: `query_per_func` fresh
//    points of every function;
//  - continual image classification: `ways` classes, each given a random label, `shots` images of
//    each shown one at a time class after class (iid: shuffled), query on `query_shots` more
//    images per class. Two image sets: the Omniglot-like glyphs (assets/glyphs/glyphs.npz;
//    training episodes draw characters of the background alphabets, evaluation episodes
//    characters of the held-out alphabets, so evaluation classes are new) or MNIST digits
//    (assets/mnist/digits.bin; the same 10 classes in both, split 80 / 20 % by image).
#pragma once
#include <cstdint>
#include <string>
#include <vector>
#include "flp/flp_net.hpp"
#include "rng.hpp"

namespace ps::flp {

struct SineConfig {
    int n_funcs = 10;
    int steps_per_func = 10;
    int batch = 16;
    int query_per_func = 32;
    bool iid = false;
    double amp_lo = 0.1, amp_hi = 5.1, phase_hi = 3.14159265358979323846, x_lim = 5.0;
};

// What the inner loop is looking at (for live views and the interference analysis).
struct EpisodeInfo {
    std::vector<int> step_group;       // per inner step: function / class shown (-1: mixed, iid)
    std::vector<int> query_group;      // per query row: its function / class
    std::vector<double> amp, phase;    // sine: per function
    std::vector<int> digit;            // classification: the digit behind each label
    std::vector<int> step_image;       // classification: dataset index of each inner-step image
};

Episode<float> make_sine_episode(const SineConfig& c, Rng& rng, EpisodeInfo* info = nullptr);
inline int sine_input_dim(const SineConfig& c) { return c.n_funcs + 1; }

// ---- labelled image sets (MNIST digits, glyph characters)
struct DigitSet {
    int rows = 28, cols = 28;
    std::string kind = "digit";        // what a class is ("digit", "character"), for messages
    std::vector<int> label;            // per image: its class
    std::vector<uint8_t> pixels;       // image i at i*rows*cols, ink * 255
    std::vector<std::vector<int>> train, test;   // per class: image indices of each split (may be empty)
    std::vector<std::string> class_name;         // per class (glyphs: "Script/U+XXXX"; digits: "0".."9")
    int size() const { return int(label.size()); }
    int classes() const { return int(train.size()); }
    const uint8_t* image(int i) const { return &pixels[size_t(i) * size_t(rows * cols)]; }
};
// Loads digits.bin (layout in tools/make_mnist.sh); throws std::runtime_error naming the file and
// the problem. The default path is mnist/digits.bin in the data folder (data_dir.hpp).
DigitSet load_digits(const std::string& path);
const DigitSet& default_digits();      // loaded once, thread-safe
std::string default_digits_path();
// The glyph set as classes: background characters have only training images, evaluation
// characters only test images (all 20 drawers each). Throws omni::DataError naming the file.
DigitSet load_glyph_classes(const std::string& path);
const DigitSet& default_glyph_classes();   // loaded once from omni::default_glyphs_path(), thread-safe

struct DigitConfig {
    int ways = 5, shots = 5, query_shots = 5;
    bool iid = false;
};
// Classes with at least shots + query_shots images in the split are eligible; `ways` of them are
// drawn at random. Y rows are onehot labels (ways columns); X rows are pixels / 255.
Episode<float> make_digit_episode(const DigitConfig& c, const DigitSet& d, bool test_split, Rng& rng,
                                  EpisodeInfo* info = nullptr);

}  // namespace ps::flp
