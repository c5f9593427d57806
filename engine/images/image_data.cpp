// Natural-image loaders and the patch cutter (see image_data.hpp).
#include "image_data.hpp"


#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>

#include "fields.hpp"
#include "image_decode.hpp"
#include "npz.hpp"
#include "npz_data_set.hpp"
#include "data_dir.hpp"

namespace ps::images {

namespace fs = std::filesystem;

Gray to_gray(const uint8_t* data, int w, int h, int channels) {
    if (w <= 0 || h <= 0 || channels < 1 || channels > 4) throw DataError("to_gray: bad image shape");
    Gray g;
    g.w = w; g.h = h;
    g.px.resize(size_t(w) * size_t(h));
    for (size_t i = 0; i < g.px.size(); ++i) {
        const uint8_t* p = data + i * size_t(channels);
        // 1 or 2 channels: gray (+ alpha); 3 or 4: RGB (+ alpha). Alpha is ignored.
        g.px[i] = channels < 3 ? p[0] : uint8_t((unsigned(p[0]) + p[1] + p[2] + 1) / 3);
    }
    return g;
}

Gray decode_file(const std::string& path) {
    // Photos: up to 16384 px per side and 32 Mpx (ImageLimits' defaults), files up to 256 MB.
    DecodedImage img;
    try {
        img = decode_image_file(path, 0);
    } catch (const ImageDecodeError& e) {
        throw DataError("image " + std::string(e.what()));
    }
    return to_gray(img.px.data(), img.w, img.h, img.channels);
}

Gray read_raw_rgb(const std::string& path, int w, int h) {
    std::ifstream f(path, std::ios::binary);
    if (!f) throw DataError("raw image '" + path + "': cannot open");
    std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
    if (bytes.size() != size_t(w) * size_t(h) * 3)
        throw DataError("raw image '" + path + "': " + std::to_string(bytes.size()) + " bytes, expected " +
                        std::to_string(size_t(w) * size_t(h) * 3) + " (" + std::to_string(w) + "x" + std::to_string(h) + " RGB)");
    return to_gray(bytes.data(), w, h, 3);
}

// Output pixel i covers source [i·num/den, (i+1)·num/den); in units of 1/den: [i·num, (i+1)·num),
// source pixel k covers [k·den, (k+1)·den). Overlaps are integers; the box area is num² (in
// (1/den)² units), so out = round(Σ wᵣ w_c px / num²) exactly.
Gray downscale(const Gray& g, int num, int den) {
    if (num < den || den < 1) throw DataError("downscale: factor must be >= 1");
    Gray o;
    o.h = int(int64_t(g.h) * den / num);
    o.w = int(int64_t(g.w) * den / num);
    o.px.assign(size_t(o.h) * size_t(o.w), 0);
    // 1-D weights: for output i, list of (source k, overlap).
    auto weights = [&](int n_out) {
        std::vector<std::vector<std::pair<int, int64_t>>> wt(static_cast<size_t>(n_out));
        for (int i = 0; i < n_out; ++i) {
            const int64_t a = int64_t(i) * num, b = a + num;
            for (int64_t k = a / den; k * den < b; ++k) {
                const int64_t lo = std::max(a, k * den), hi = std::min(b, (k + 1) * den);
                if (hi > lo) wt[size_t(i)].push_back({int(k), hi - lo});
            }
        }
        return wt;
    };
    const auto wr = weights(o.h), wc = weights(o.w);
    const int64_t area = int64_t(num) * num;
    for (int r = 0; r < o.h; ++r)
        for (int c = 0; c < o.w; ++c) {
            int64_t s = 0;
            for (auto [kr, ar] : wr[size_t(r)])
                for (auto [kc, ac] : wc[size_t(c)]) s += ar * ac * g.at(kr, kc);
            o.px[size_t(r) * size_t(o.w) + size_t(c)] = uint8_t((s + area / 2) / area);
        }
    return o;
}

std::vector<uint8_t> halve_patch(const uint8_t* p, int side) {
    const int h = side / 2;
    std::vector<uint8_t> o(size_t(h) * size_t(h));
    for (int r = 0; r < h; ++r)
        for (int c = 0; c < h; ++c) {
            const unsigned s = unsigned(p[(2 * r) * side + 2 * c]) + p[(2 * r) * side + 2 * c + 1] +
                               p[(2 * r + 1) * side + 2 * c] + p[(2 * r + 1) * side + 2 * c + 1];
            o[size_t(r * h + c)] = uint8_t((s + 2) / 4);
        }
    return o;
}

double patch_std(const uint8_t* p, int n) {
    double s = 0, s2 = 0;
    for (int i = 0; i < n; ++i) { s += p[i]; s2 += double(p[i]) * p[i]; }
    const double m = s / n;
    return std::sqrt(std::max(0.0, s2 / n - m * m));
}

// std >= s  <=>  n Σx² - (Σx)² >= s² n²  (all integers).
bool std_at_least(const uint8_t* p, int n, int s) {
    int64_t a = 0, a2 = 0;
    for (int i = 0; i < n; ++i) { a += p[i]; a2 += int64_t(p[i]) * p[i]; }
    return int64_t(n) * a2 - a * a >= int64_t(s) * s * int64_t(n) * n;
}

std::vector<uint8_t> cut_patches(const Gray& g, const CutOptions& o, Rng& rng) {
    const int side = o.side;
    std::vector<Gray> scaled;
    int64_t total_area = 0;
    for (auto [num, den] : o.scales) {
        scaled.push_back(downscale(g, num, den));
        const Gray& s = scaled.back();
        if (s.h >= side && s.w >= side) total_area += int64_t(s.h - side + 1) * (s.w - side + 1);
    }
    std::vector<uint8_t> out;
    if (total_area == 0) return out;
    std::vector<uint8_t> patch(size_t(side) * size_t(side));
    for (size_t si = 0; si < scaled.size(); ++si) {
        const Gray& s = scaled[si];
        if (s.h < side || s.w < side) continue;
        const int64_t area = int64_t(s.h - side + 1) * (s.w - side + 1);
        // This scale's share of the cap, in proportion to its number of positions (at least 1).
        const int64_t want = std::max<int64_t>(1, (int64_t(o.cap) * area) / total_area);
        std::vector<std::pair<int, int>> kept;
        for (int64_t tr = 0; tr < want * o.tries_per_patch && int64_t(kept.size()) < want; ++tr) {
            const int r0 = int(rng.below(uint64_t(s.h - side + 1))), c0 = int(rng.below(uint64_t(s.w - side + 1)));
            bool near = false;
            for (auto [kr, kc] : kept)
                if (std::abs(kr - r0) < o.min_gap && std::abs(kc - c0) < o.min_gap) { near = true; break; }
            if (near) continue;
            for (int r = 0; r < side; ++r)
                std::copy_n(&s.px[size_t(r0 + r) * size_t(s.w) + size_t(c0)], side, &patch[size_t(r) * size_t(side)]);
            if (!std_at_least(patch.data(), side * side, o.min_std)) continue;
            kept.push_back({r0, c0});
            out.insert(out.end(), patch.begin(), patch.end());
        }
    }
    // Cap the photo's share exactly (rounding up to 1 per scale may overshoot).
    out.resize(std::min(out.size(), size_t(o.cap) * size_t(side) * size_t(side)));
    return out;
}

// ---------------------------------------------------------------- the committed set
std::string default_patch_set_path() {
    if (const char* e = std::getenv("PS_IMAGES_SET"); e && *e) return e;
    return data_path("images/patches.npz");
}

PatchSet load_patch_set(const std::string& path) {
    NpzDataSet<DataError> f("image set", path, path, int64_t(256) << 20,
                            "rebuild it with tools/images/make_images.sh, see assets/images/LICENSES.md", "plastiscope-images-1");
    auto fail = [&](const std::string& why) { return f.fail(why); };
    auto get = [&](const std::string& n, Array::Dtype dt, size_t ndim) -> const Array& { return f.get(n, dt, ndim); };
    auto& meta = f.meta;
    PatchSet s;
    s.source = path;
    s.side = std::atoi(meta["side"].c_str());
    if (s.side < 4 || s.side > 256) throw fail("bad patch side " + meta["side"]);
    std::string names = array_text(get("photos", Array::Dtype::U8, 1));
    for (size_t a = 0; a <= names.size();) {
        size_t b = names.find('\n', a);
        if (b == std::string::npos) b = names.size();
        if (b > a) s.photos.push_back(names.substr(a, b - a));
        a = b + 1;
    }
    for (const char* part : {"train", "heldout"}) {
        const Array& p = get(part, Array::Dtype::U8, 3);
        const Array& ph = get(std::string(part) + "_photo", Array::Dtype::I64, 1);
        if (p.shape[1] != s.side || p.shape[2] != s.side) throw fail(std::string("array '") + part + "' is not n x side x side");
        if (p.shape[0] < 3) throw fail(std::string("part '") + part + "' has fewer than 3 patches");
        if (ph.shape[0] != p.shape[0]) throw fail(std::string("array '") + part + "_photo' does not match '" + part + "'");
        for (int64_t v : ph.i64)
            if (v < 0 || v >= int64_t(s.photos.size())) throw fail(std::string("array '") + part + "_photo' names a photo out of range");
        (std::string(part) == "train" ? s.train : s.heldout) = p.u8;
        (std::string(part) == "train" ? s.train_photo : s.heldout_photo) = ph.i64;
    }
    return s;
}

// ---------------------------------------------------------------- CIFAR-10
std::vector<uint8_t> load_cifar_batch(const std::string& path) {
    constexpr size_t kRec = 1 + 3072;
    std::ifstream f(path, std::ios::binary);
    if (!f) throw DataError("CIFAR-10 batch '" + path + "': cannot open");
    std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
    if (bytes.empty() || bytes.size() % kRec != 0)
        throw DataError("CIFAR-10 batch '" + path + "': " + std::to_string(bytes.size()) +
                        " bytes is not a whole number of 3073-byte records (label + 32x32 R, G, B planes); is it the binary version?");
    const size_t n = bytes.size() / kRec;
    std::vector<uint8_t> out(n * 1024);
    for (size_t i = 0; i < n; ++i) {
        const uint8_t* r = bytes.data() + i * kRec;
        if (r[0] > 9) throw DataError("CIFAR-10 batch '" + path + "': record " + std::to_string(i) + " has label " + std::to_string(r[0]) + " (expected 0..9)");
        for (int p = 0; p < 1024; ++p) out[i * 1024 + size_t(p)] = uint8_t((unsigned(r[1 + p]) + r[1 + 1024 + p] + r[1 + 2048 + p] + 1) / 3);
    }
    return out;
}

PatchSet load_cifar_dir(const std::string& dir, int64_t max_images) {
    std::error_code ec;
    if (!fs::is_directory(dir, ec)) throw DataError("CIFAR-10 folder '" + dir + "' does not exist (set PS_CIFAR_DIR to the folder holding data_batch_1.bin ... test_batch.bin)");
    std::vector<std::string> batches;
    for (auto& e : fs::directory_iterator(dir, ec)) {
        const std::string n = e.path().filename().string();
        if (n.rfind("data_batch_", 0) == 0 && n.size() > 4 && n.substr(n.size() - 4) == ".bin") batches.push_back(e.path().string());
    }
    std::sort(batches.begin(), batches.end());
    if (batches.empty()) throw DataError("CIFAR-10 folder '" + dir + "': no data_batch_*.bin files (the binary version of CIFAR-10 is needed)");
    PatchSet s;
    s.side = 32;
    s.source = dir;
    s.photos = {"cifar-10"};
    for (auto& b : batches) {
        auto v = load_cifar_batch(b);
        s.train.insert(s.train.end(), v.begin(), v.end());
        if (max_images > 0 && s.n_train() >= max_images) break;
    }
    const std::string test = dir + "/test_batch.bin";
    if (fs::is_regular_file(test, ec)) {
        s.heldout = load_cifar_batch(test);
    } else {   // no test batch: hold out the last sixth of the training images
        const int64_t n = s.n_train(), k = std::max<int64_t>(3, n / 6);
        if (n < 6) throw DataError("CIFAR-10 folder '" + dir + "': too few images and no test_batch.bin");
        s.heldout.assign(s.train.end() - k * 1024, s.train.end());
        s.train.resize(size_t(n - k) * 1024);
    }
    if (max_images > 0) {
        s.train.resize(std::min(s.train.size(), size_t(max_images) * 1024));
        s.heldout.resize(std::min(s.heldout.size(), size_t(max_images) * 1024));
    }
    if (s.n_train() < 3 || s.n_heldout() < 3) throw DataError("CIFAR-10 folder '" + dir + "': fewer than 3 images in a part");
    s.train_photo.assign(size_t(s.n_train()), 0);
    s.heldout_photo.assign(size_t(s.n_heldout()), 0);
    return s;
}

// ---------------------------------------------------------------- a user's folder
static bool is_image_name(const std::string& n) {
    std::string l = n;
    for (auto& ch : l) ch = char(std::tolower(static_cast<unsigned char>(ch)));
    for (const char* ext : {".png", ".jpg", ".jpeg", ".bmp", ".tga", ".gif"})
        if (l.size() > std::strlen(ext) && l.compare(l.size() - std::strlen(ext), std::string::npos, ext) == 0) return true;
    return false;
}

PatchSet load_folder(const std::string& path, int side, uint64_t seed, int cap) {
    std::error_code ec;
    std::vector<std::string> files;
    if (fs::is_directory(path, ec)) {
        for (auto& e : fs::directory_iterator(path, ec))
            if (e.is_regular_file(ec) && is_image_name(e.path().filename().string())) files.push_back(e.path().string());
        std::sort(files.begin(), files.end());
        if (files.empty()) throw DataError("image folder '" + path + "' holds no .png / .jpg / .jpeg / .bmp / .tga / .gif file");
    } else if (fs::is_regular_file(path, ec)) {
        files.push_back(path);
    } else {
        throw DataError("'" + path + "' is neither an image file nor a folder");
    }
    PatchSet s;
    s.side = side;
    s.source = path;
    Rng rng(seed);
    std::string skipped;
    int held = 0, kept_photos = 0;
    for (auto& f : files) {
        Gray g;
        try {
            g = decode_file(f);
        } catch (const DataError& e) {
            skipped += std::string(skipped.empty() ? "" : "; ") + e.what();
            continue;
        }
        if (g.h < side || g.w < side) {
            skipped += std::string(skipped.empty() ? "" : "; ") + printable(fs::path(f).filename().string()) + " is smaller than " +
                       std::to_string(side) + "x" + std::to_string(side);
            continue;
        }
        CutOptions o;
        o.side = side;
        o.cap = cap;
        // Big photos: also whole-photo and half-photo scales, so patches show objects, not texture.
        const int m = std::min(g.h, g.w);
        if (m >= 4 * side) o.scales.push_back({m / 2, side});
        if (m >= 3 * side) o.scales.push_back({m, side});
        auto p = cut_patches(g, o, rng);
        if (p.empty()) {
            skipped += std::string(skipped.empty() ? "" : "; ") + printable(fs::path(f).filename().string()) + " has no patch with enough contrast";
            continue;
        }
        const int64_t idx = int64_t(s.photos.size());
        s.photos.push_back(fs::path(f).filename().string());
        const int64_t np = int64_t(p.size()) / (int64_t(side) * side);
        const bool hold = files.size() >= 2 && kept_photos % 4 == 3;
        ++kept_photos;
        if (hold) ++held;
        auto& dst = hold ? s.heldout : s.train;
        dst.insert(dst.end(), p.begin(), p.end());
        (hold ? s.heldout_photo : s.train_photo).insert((hold ? s.heldout_photo : s.train_photo).end(), size_t(np), idx);
    }
    if (s.photos.empty()) throw DataError("image folder '" + path + "': no usable image (" + skipped + ")");
    // One photo, or too few held-out patches: split the patches 3:1 instead.
    const size_t P = size_t(side) * size_t(side);
    if (s.n_heldout() < 3) {
        s.train.insert(s.train.end(), s.heldout.begin(), s.heldout.end());
        s.train_photo.insert(s.train_photo.end(), s.heldout_photo.begin(), s.heldout_photo.end());
        s.heldout.clear(); s.heldout_photo.clear();
        const int64_t n = s.n_train(), k = n / 4;
        if (k >= 3) {
            s.heldout.assign(s.train.end() - k * int64_t(P), s.train.end());
            s.heldout_photo.assign(s.train_photo.end() - k, s.train_photo.end());
            s.train.resize(size_t(n - k) * P);
            s.train_photo.resize(size_t(n - k));
        } else {   // tiny: the same patches serve both parts
            s.heldout = s.train;
            s.heldout_photo = s.train_photo;
        }
    }
    if (s.n_train() < 3) throw DataError("image folder '" + path + "': only " + std::to_string(s.n_train()) + " patch(es) with enough contrast; at least 3 are needed" +
                                         (skipped.empty() ? "" : " (" + skipped + ")"));
    return s;
}

}  // namespace ps::images
