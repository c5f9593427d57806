// Episode generators of the FLP tasks (see flp_data.hpp) and the digits.bin reader.
#include "flp/flp_data.hpp"
#include "data_dir.hpp"
#include "omniglot/dataset.hpp"
#include <cmath>
#include <cstring>
#include <fstream>
#include <mutex>
#include <numeric>
#include <stdexcept>

namespace ps::flp {

Episode<float> make_sine_episode(const SineConfig& c, Rng& rng, EpisodeInfo* info) {
    const int nf = c.n_funcs, T = nf * c.steps_per_func, m = c.batch, R = T * m, Q = nf * c.query_per_func;
    std::vector<double> amp(static_cast<size_t>(nf)), ph(static_cast<size_t>(nf));
    for (int k = 0; k < nf; ++k) { amp[size_t(k)] = rng.uniform(c.amp_lo, c.amp_hi); ph[size_t(k)] = rng.uniform(0, c.phase_hi); }
    auto row = [&](MatR<float>& X, MatR<float>& Y, int r, int k) {
        const double x = rng.uniform(-c.x_lim, c.x_lim);
        X.row(r).setZero();
        X(r, k) = 1;
        X(r, nf) = float(x);
        Y(r, 0) = float(amp[size_t(k)] * std::sin(x + ph[size_t(k)]));
    };
    Episode<float> ep;
    ep.X.resize(R, nf + 1); ep.Y.resize(R, 1);
    std::vector<int> group(static_cast<size_t>(R));
    for (int r = 0; r < R; ++r) { group[size_t(r)] = r / (c.steps_per_func * m); row(ep.X, ep.Y, r, group[size_t(r)]); }
    if (c.iid) {                                        // same points, order shuffled across functions
        std::vector<int> perm(static_cast<size_t>(R));
        std::iota(perm.begin(), perm.end(), 0);
        rng.shuffle(perm.begin(), perm.end());
        MatR<float> X = ep.X, Y = ep.Y;
        for (int r = 0; r < R; ++r) { ep.X.row(r) = X.row(perm[size_t(r)]); ep.Y.row(r) = Y.row(perm[size_t(r)]); }
    }
    for (int t = 0; t <= T; ++t) ep.start.push_back(t * m);
    ep.Xq.resize(Q, nf + 1); ep.Yq.resize(Q, 1);
    for (int r = 0; r < Q; ++r) row(ep.Xq, ep.Yq, r, r / c.query_per_func);
    if (info) {
        *info = EpisodeInfo{};
        info->amp = amp; info->phase = ph;
        for (int t = 0; t < T; ++t) info->step_group.push_back(c.iid ? -1 : t / c.steps_per_func);
        for (int r = 0; r < Q; ++r) info->query_group.push_back(r / c.query_per_func);
    }
    return ep;
}

DigitSet load_digits(const std::string& path) {
    std::ifstream f(path, std::ios::binary);
    if (!f) throw std::runtime_error("digits: cannot open '" + path + "' (build it with tools/make_mnist.sh)");
    std::string bytes((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
    auto fail = [&](const std::string& why) { return std::runtime_error("digits: '" + path + "': " + why); };
    if (bytes.size() < 16 || bytes.compare(0, 8, "PSDIGIT1") != 0) throw fail("not a PSDIGIT1 file");
    auto u = [&](size_t at, int n) { uint32_t v = 0; for (int k = n - 1; k >= 0; --k) v = v * 256 + uint8_t(bytes[at + size_t(k)]); return v; };
    const uint32_t count = u(8, 4), rows = u(12, 2), cols = u(14, 2);
    if (count == 0 || count > 1000000 || rows == 0 || cols == 0 || rows > 256 || cols > 256) throw fail("bad header");
    const size_t need = 16 + size_t(count) + size_t(count) * rows * cols;
    if (bytes.size() != need)
        throw fail("size " + std::to_string(bytes.size()) + " bytes, header says " + std::to_string(need));
    DigitSet d;
    d.rows = int(rows); d.cols = int(cols);
    d.label.assign(reinterpret_cast<const uint8_t*>(bytes.data()) + 16, reinterpret_cast<const uint8_t*>(bytes.data()) + 16 + count);
    d.pixels.assign(bytes.begin() + 16 + long(count), bytes.end());
    std::vector<std::vector<int>> by(10);
    for (uint32_t i = 0; i < count; ++i) {
        if (d.label[i] > 9) throw fail("label " + std::to_string(d.label[i]) + " at image " + std::to_string(i));
        by[d.label[i]].push_back(int(i));
    }
    d.train.resize(10); d.test.resize(10);
    for (int k = 0; k < 10; ++k) {
        const size_t ntr = by[size_t(k)].size() * 4 / 5;
        if (ntr < 20 || by[size_t(k)].size() - ntr < 20) throw fail("too few images of digit " + std::to_string(k));
        d.train[size_t(k)].assign(by[size_t(k)].begin(), by[size_t(k)].begin() + long(ntr));
        d.test[size_t(k)].assign(by[size_t(k)].begin() + long(ntr), by[size_t(k)].end());
        d.class_name.push_back(std::to_string(k));
    }
    return d;
}

DigitSet load_glyph_classes(const std::string& path) {
    DigitSet d;
    d.kind = "character";
    bool first = true;
    for (auto split : {omni::GlyphSplit::Background, omni::GlyphSplit::Evaluation}) {
        const omni::CharSet cs = omni::load_glyphs(path, split);
        if (first) { d.rows = d.cols = cs.side; first = false; }
        const size_t npx = size_t(cs.side) * size_t(cs.side);
        for (int ch = 0; ch < cs.num_chars(); ++ch) {
            const int k = d.classes();
            std::vector<int> idx;
            for (int j = 0; j < cs.drawers(ch); ++j) {
                idx.push_back(d.size());
                d.label.push_back(k);
                d.pixels.insert(d.pixels.end(), cs.image(ch, j), cs.image(ch, j) + npx);
            }
            d.train.push_back(split == omni::GlyphSplit::Background ? idx : std::vector<int>{});
            d.test.push_back(split == omni::GlyphSplit::Background ? std::vector<int>{} : idx);
            d.class_name.push_back(cs.char_name[size_t(ch)]);
        }
    }
    return d;
}

const DigitSet& default_glyph_classes() {
    static std::once_flag once;
    static DigitSet d;
    std::call_once(once, [] { d = load_glyph_classes(omni::default_glyphs_path()); });
    return d;
}

std::string default_digits_path() { return data_path("mnist/digits.bin"); }

const DigitSet& default_digits() {
    static std::once_flag once;
    static DigitSet d;
    std::call_once(once, [] { d = load_digits(default_digits_path()); });
    return d;
}

Episode<float> make_digit_episode(const DigitConfig& c, const DigitSet& d, bool test_split, Rng& rng, EpisodeInfo* info) {
    if (c.ways < 2) throw std::invalid_argument("image classes: ways must be >= 2");
    const auto& pool = test_split ? d.test : d.train;
    std::vector<int> digits;                             // the eligible classes (MNIST: 0..9)
    for (int k = 0; k < int(pool.size()); ++k)
        if (int(pool[size_t(k)].size()) >= c.shots + c.query_shots) digits.push_back(k);
    if (int(digits.size()) < c.ways)
        throw std::invalid_argument("image classes: " + std::to_string(c.ways) + "-way episodes need " + std::to_string(c.ways) +
                                    " " + d.kind + "s with " + std::to_string(c.shots + c.query_shots) + " images each in the " +
                                    (test_split ? "test" : "training") + " split; there are " + std::to_string(digits.size()));
    rng.shuffle(digits.begin(), digits.end());
    digits.resize(size_t(c.ways));                       // label k <- class digits[k]
    const int npx = d.rows * d.cols, T = c.ways * c.shots;
    std::vector<int> step_img, step_lab, q_img, q_lab;
    for (int k = 0; k < c.ways; ++k) {
        const auto& imgs = pool[size_t(digits[size_t(k)])];
        std::vector<int> pick;                            // shots + query_shots distinct images
        while (int(pick.size()) < c.shots + c.query_shots) {
            const int i = imgs[size_t(rng.below(imgs.size()))];
            bool dup = false;
            for (int j : pick) dup = dup || j == i;
            if (!dup) pick.push_back(i);
        }
        for (int s = 0; s < c.shots; ++s) { step_img.push_back(pick[size_t(s)]); step_lab.push_back(k); }
        for (int s = 0; s < c.query_shots; ++s) { q_img.push_back(pick[size_t(c.shots + s)]); q_lab.push_back(k); }
    }
    if (c.iid) {
        std::vector<int> perm(static_cast<size_t>(T));
        std::iota(perm.begin(), perm.end(), 0);
        rng.shuffle(perm.begin(), perm.end());
        auto a = step_img, b = step_lab;
        for (int t = 0; t < T; ++t) { step_img[size_t(t)] = a[size_t(perm[size_t(t)])]; step_lab[size_t(t)] = b[size_t(perm[size_t(t)])]; }
    }
    auto fill = [&](MatR<float>& X, MatR<float>& Y, const std::vector<int>& img, const std::vector<int>& lab) {
        X.resize(long(img.size()), npx); Y.setZero(long(img.size()), c.ways);
        for (size_t r = 0; r < img.size(); ++r) {
            const uint8_t* px = d.image(img[r]);
            for (int j = 0; j < npx; ++j) X(long(r), j) = float(px[j]) * (1.0f / 255.0f);
            Y(long(r), lab[r]) = 1;
        }
    };
    Episode<float> ep;
    fill(ep.X, ep.Y, step_img, step_lab);
    fill(ep.Xq, ep.Yq, q_img, q_lab);
    for (int t = 0; t <= T; ++t) ep.start.push_back(t);
    if (info) {
        *info = EpisodeInfo{};
        info->digit = digits;
        info->step_image = step_img;
        info->step_group = step_lab;
        info->query_group = q_lab;
    }
    return ep;
}

}  // namespace ps::flp
