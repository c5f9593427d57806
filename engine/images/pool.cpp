// Normalised patch pools of the images task (pool.hpp).
#include "images/pool.hpp"
#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <map>
#include <mutex>

namespace ps::images {

namespace {
void normalise(const uint8_t* p, int n, float* out) {
    double m = 0;
    for (int i = 0; i < n; ++i) m += p[i];
    m /= n;
    double mx = 0;
    for (int i = 0; i < n; ++i) mx = std::max(mx, std::abs(p[i] - m));
    for (int i = 0; i < n; ++i) out[i] = float((p[i] - m) / (mx + 1e-8));
}

}  // namespace

std::shared_ptr<const Pool> make_pool(const PatchSet& s, int side) {
    if (s.side != side && s.side != 2 * side)
        throw DataError("image set '" + s.source + "' has " + std::to_string(s.side) + "x" + std::to_string(s.side) +
                        " images; side " + std::to_string(side) + " needs " + std::to_string(side) + " or " + std::to_string(2 * side));
    auto pool = std::make_shared<Pool>();
    pool->side = side;
    pool->source = s.source;
    const int P = side * side;
    for (int part = 0; part < 2; ++part) {
        const int64_t n = part ? s.n_heldout() : s.n_train();
        auto& dst = part ? pool->held : pool->train;
        dst.resize(size_t(n) * size_t(P));
        for (int64_t i = 0; i < n; ++i) {
            const uint8_t* p = part ? s.heldout_patch(i) : s.train_patch(i);
            if (s.side == side) {
                normalise(p, P, &dst[size_t(i) * size_t(P)]);
            } else {
                const auto h = halve_patch(p, s.side);
                normalise(h.data(), P, &dst[size_t(i) * size_t(P)]);
            }
        }
    }
    return pool;
}

std::shared_ptr<const Pool> shared_pool(int source, int side) {
    static std::mutex mu;
    static std::map<std::pair<int, int>, std::shared_ptr<const Pool>> cache;
    std::lock_guard<std::mutex> lock(mu);
    auto& slot = cache[{source, side}];
    if (slot) return slot;
    PatchSet s;
    if (source == 0) {
        s = load_patch_set(default_patch_set_path());
    } else if (source == 1) {
        const char* e = std::getenv("PS_CIFAR_DIR");
        if (!e || !*e) throw DataError("source=cifar needs PS_CIFAR_DIR, the folder holding CIFAR-10's data_batch_*.bin (binary version)");
        s = load_cifar_dir(e);
    } else {
        const char* e = std::getenv("PS_IMAGES_DIR");
        if (!e || !*e) throw DataError("source=folder needs PS_IMAGES_DIR, a folder of PNG/JPEG photos");
        s = load_folder(e, 32);
    }
    slot = make_pool(s, side);
    return slot;
}

double masked_corr(const float* x, const std::vector<float>& y, const std::vector<uint8_t>& mask) {
    double sx = 0, sy = 0, n = 0;
    for (size_t j = 0; j < y.size(); ++j)
        if (mask[j]) { sx += x[j]; sy += y[j]; n += 1; }
    if (n < 2) return 0;
    const double mx = sx / n, my = sy / n;
    double cxy = 0, cxx = 0, cyy = 0;
    for (size_t j = 0; j < y.size(); ++j)
        if (mask[j]) {
            const double a = x[j] - mx, b = y[j] - my;
            cxy += a * b; cxx += a * a; cyy += b * b;
        }
    if (cxx <= 1e-20 || cyy <= 1e-20) return 0;
    return cxy / std::sqrt(cxx * cyy);
}

}  // namespace ps::images
