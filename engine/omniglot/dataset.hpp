// Character data for the one-shot task: the project's glyph set (assets/glyphs/glyphs.npz, made by
// tools/glyphs/make_glyphs from Noto fonts) and the real Omniglot in its standard layout
// <root>/<alphabet>/<character>/<drawer>.png, as folders or as the zips Lake et al. distribute
// (read in place through libzip; PNGs decoded by stb_image), or packed by the project
// (assets/omniglot/*.npz: the two small subsets, 1-bit drawings, see assets/omniglot/README.md). Every image is reduced to the
// network's side (31 px) by area averaging and kept as ink in [0, 1] (0 = paper), one byte a pixel.
// Also: N-way K-shot episode sampling with random 90-degree rotations as new classes.
#pragma once
#include <cstdint>
#include <functional>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>
#include "rng.hpp"

namespace ps::omni {

struct DataError : std::runtime_error { using std::runtime_error::runtime_error; };

struct CharSet {
    int side = 31;
    std::string source;                    // what was loaded (for messages)
    std::vector<std::string> alphabets;
    std::vector<int> char_alphabet;        // alphabet index of each character
    std::vector<std::string> char_name;    // "Latin/U+0041", "Greek/character01"
    std::vector<int> char_first{0};        // first image of each character; size num_chars() + 1
    std::vector<uint8_t> pixels;           // image i at i·side², row-major, ink·255 rounded

    int num_chars() const { return int(char_alphabet.size()); }
    int num_images() const { return char_first.back(); }
    int drawers(int c) const { return char_first[size_t(c) + 1] - char_first[size_t(c)]; }
    const uint8_t* image(int c, int k) const {
        return &pixels[size_t(char_first[size_t(c)] + k) * size_t(side) * size_t(side)];
    }
    // Appends one character (its images already at `side`).
    void add_char(const std::string& alphabet, const std::string& name, const std::vector<std::vector<uint8_t>>& imgs);
};

enum class GlyphSplit { Background = 0, Evaluation = 1, All = 2 };

// The glyph npz (format plastiscope-glyphs-1, see tools/glyphs/make_glyphs.cpp). Throws DataError
// naming the file and what is wrong with it.
CharSet load_glyphs(const std::string& path, GlyphSplit split);
// Real Omniglot from a folder or a .zip: every *.png whose path ends in alphabet/character/file
// (any leading folders, e.g. images_background/, are ignored); or from the project's packed .npz
// (the same drawings, so the same bytes). Characters with fewer than 2 drawings are dropped.
// Sorted by alphabet, character and file name. Throws DataError.
CharSet load_omniglot(const std::string& path, int side = 31);
// One PNG (any bit depth, grey or colour, square) -> side² ink values in [0, 1]. The ink is the
// minority colour, so black-on-white (Omniglot) and white-on-black both work.
std::vector<float> decode_png_ink(const void* data, size_t size, int side, const std::string& label);
// The set without the named alphabets (to keep evaluation alphabets out of the training ones).
CharSet without_alphabets(const CharSet& cs, const std::vector<std::string>& names);

// Default locations: $PS_GLYPHS or <data folder, data_dir.hpp>/glyphs/glyphs.npz; $PS_OMNIGLOT_DIR or
// <data folder, data_dir.hpp>/omniglot (the two small real subsets the project ships, packed).
std::string default_glyphs_path();
std::string default_omniglot_root();
// <root>/<name> if that folder exists, else <root>/<name>.zip, else <root>/<name>.npz if that file
// exists, else throws DataError listing all three.
std::string find_omniglot_part(const std::string& root, const std::string& name);
// Loads once per key and shares the result (thread-safe); loader errors propagate (and a later
// call tries again). Waits for a load of the same key already under way on another thread.
std::shared_ptr<const CharSet> cached_charset(const std::string& key, const std::function<CharSet()>& load);

// The same cache without waiting, for a thread that draws frames: the set if it is loaded; else
// the load starts on a thread of its own (once per key) and `pending` is set; a failed load gives
// its error (not retried here: the next blocking cached_charset call tries again).
struct CharsetStatus {
    std::shared_ptr<const CharSet> set;
    bool pending = false;
    std::string error;
};
CharsetStatus charset_if_ready(const std::string& key, const std::function<CharSet()>& load);
// Waits up to `ms` milliseconds for a load charset_if_ready started; then as charset_if_ready.
CharsetStatus charset_wait_for(const std::string& key, const std::function<CharSet()>& load, int ms);
// How many loads (glyph sets, Omniglot folders, zips or packed files) ran on the calling thread
// through the cache (tests check that a live view never loads on its own thread).
int64_t charset_loads_on_this_thread();
// Waits for every load under way (a program that started some waits before it exits).
void charset_wait_all();

// One N-way K-shot episode: T = ways·shots support steps in a random order, then the query.
// The label of a support step is its class (0..ways-1); classes are distinct random characters,
// each turned by a random multiple of 90 degrees when `rotate` (a new class, as in the DP paper).
struct Episode {
    int ways = 0, shots = 0, side = 0;
    std::vector<float> images;      // T x side², ink in [0, 1]
    std::vector<int> labels;        // T: support labels, then the query's target
    std::vector<int> chars, rots;   // per class: character index, quarter turns
    std::vector<int> drawer;        // T: drawer index of each image
    int steps() const { return int(labels.size()); }
};
Episode sample_episode(const CharSet& cs, int ways, int shots, bool rotate, Rng& rng);

}  // namespace ps::omni
