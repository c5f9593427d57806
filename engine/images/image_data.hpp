// Natural-image data for the images task (DP 2018 image completion, docs/science.md §3 and §5):
// grayscale decoding (stb_image), area-average rescaling, the random patch cutter shared by the
// asset builder (tools/images/make_images) and the user-folder loader, the committed patch set
// (assets/images/patches.npz), and CIFAR-10 binary batches converted to grayscale.
//
// Every loader validates its input and throws DataError naming the file and the problem.
// The patch cutter uses integer arithmetic only (rational scales, integer box weights, integer
// variance test), so the same photos and seed give the same bytes on every machine and compiler.
#pragma once
#include <cstdint>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>
#include "rng.hpp"

namespace ps::images {

struct DataError : std::runtime_error { using std::runtime_error::runtime_error; };

// An 8-bit grayscale image, row-major.
struct Gray {
    int h = 0, w = 0;
    std::vector<uint8_t> px;
    uint8_t at(int r, int c) const { return px[size_t(r) * size_t(w) + size_t(c)]; }
};

// RGB(A) or gray 8-bit pixels -> gray: (R + G + B + 1) / 3 in integers (the paper sums the
// channels; scaling does not matter after per-image normalisation).
Gray to_gray(const uint8_t* data, int w, int h, int channels);
// Decodes a PNG / JPEG / BMP / ... file with stb_image. Throws DataError.
Gray decode_file(const std::string& path);
// Raw interleaved RGB bytes (scipy's face.dat after bunzip2): w*h*3 bytes. Throws DataError.
Gray read_raw_rgb(const std::string& path, int w, int h);
// Area-average downscale by the rational factor num/den >= 1 (exact fractional box coverage in
// integers), rounded to nearest.
Gray downscale(const Gray& g, int num, int den);
// Mean of each 2x2 block (side must be even): used to make 16x16 patches from 32x32 ones.
std::vector<uint8_t> halve_patch(const uint8_t* p, int side);
// Standard deviation of n bytes; and the exact integer test std >= s for integer s.
double patch_std(const uint8_t* p, int n);
bool std_at_least(const uint8_t* p, int n, int s);

struct CutOptions {
    int side = 32;                            // patch side in pixels
    std::vector<std::pair<int, int>> scales{{1, 1}, {3, 2}, {2, 1}};   // num/den: x1, x1.5, x2
    int min_std = 10;                         // flat patches (std below this) are dropped
    int cap = 200;                            // at most this many patches per photo
    int tries_per_patch = 4;                  // random positions tried per wanted patch
    int min_gap = 10;                         // two kept patches of one scale differ by >= this in x or y
};
// Random patches of one photo: for each scale, the photo is downscaled, then positions are drawn
// uniformly; a patch is kept if its std >= min_std and it does not sit within min_gap of a kept
// one. The photo's share (cap) is spread over the scales in proportion to their areas. Returns
// patches of side*side bytes, concatenated.
std::vector<uint8_t> cut_patches(const Gray& g, const CutOptions& o, Rng& rng);

// The patch set of the images task.
struct PatchSet {
    int side = 0;
    std::vector<uint8_t> train, heldout;      // n * side * side bytes each
    std::vector<int64_t> train_photo, heldout_photo;   // source photo index of each patch
    std::vector<std::string> photos;          // names of the source photos
    std::string source;                       // where it came from (for messages)
    int64_t n_train() const { return side ? int64_t(train.size()) / (int64_t(side) * side) : 0; }
    int64_t n_heldout() const { return side ? int64_t(heldout.size()) / (int64_t(side) * side) : 0; }
    const uint8_t* train_patch(int64_t i) const { return train.data() + size_t(i) * size_t(side) * size_t(side); }
    const uint8_t* heldout_patch(int64_t i) const { return heldout.data() + size_t(i) * size_t(side) * size_t(side); }
};

// The committed set (format plastiscope-images-1). Throws DataError.
PatchSet load_patch_set(const std::string& path);
// $PS_IMAGES_SET, else images/patches.npz in the data folder (data_dir.hpp).
std::string default_patch_set_path();

// CIFAR-10 binary batches: every data_batch_*.bin in dir (sorted) -> train, test_batch.bin ->
// heldout; each record is 1 label byte + 3072 bytes (R, G, B planes of 32x32). Grayscale as in
// the paper (sum of channels, here their rounded mean). max_images (0 = all) limits each part.
PatchSet load_cifar_dir(const std::string& dir, int64_t max_images = 0);
// One batch file -> n*1024 gray bytes. Throws DataError for a wrong size or unreadable file.
std::vector<uint8_t> load_cifar_batch(const std::string& path);

// A user's PNG / JPEG files (a folder, not recursive, or one file), cut into side x side patches
// with cut_patches (fixed seed). Every 4th photo is held out; with fewer than 4 photos (or fewer
// than 3 held-out patches) the patches themselves are split 3:1 instead. Photos larger than 3-4
// patches across are also cut at whole- and half-photo scales.
PatchSet load_folder(const std::string& path, int side = 32, uint64_t seed = 1, int cap = 200);

}  // namespace ps::images
