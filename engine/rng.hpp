// Seeded random numbers for the engine: one generator per stream, the same seed gives the same
// sequence on every machine (no std::normal_distribution, whose algorithm is library-defined).
#pragma once
#include <cmath>
#include <cstdint>

namespace ps {

// xoshiro256** seeded through splitmix64.
class Rng {
public:
    explicit Rng(uint64_t seed = 0) { reseed(seed); }
    void reseed(uint64_t seed) {
        uint64_t z = seed;
        for (auto& v : s_) v = splitmix(z);
        has_spare_ = false;
    }
    uint64_t next() {
        const uint64_t r = rotl(s_[1] * 5, 7) * 9, t = s_[1] << 17;
        s_[2] ^= s_[0]; s_[3] ^= s_[1]; s_[1] ^= s_[2]; s_[0] ^= s_[3];
        s_[2] ^= t; s_[3] = rotl(s_[3], 45);
        return r;
    }
    double uniform() { return double(next() >> 11) * 0x1.0p-53; }             // [0, 1)
    double uniform(double lo, double hi) { return lo + (hi - lo) * uniform(); }
    // Unbiased integer in [0, n) (Lemire's method would do; rejection is simple and exact).
    uint64_t below(uint64_t n) {
        const uint64_t lim = UINT64_MAX - UINT64_MAX % n;
        uint64_t r;
        do { r = next(); } while (r >= lim);
        return r % n;
    }
    double normal() {  // Marsaglia polar method, deterministic
        if (has_spare_) { has_spare_ = false; return spare_; }
        double u, v, s;
        do { u = 2 * uniform() - 1; v = 2 * uniform() - 1; s = u * u + v * v; } while (s >= 1 || s == 0);
        const double m = std::sqrt(-2 * std::log(s) / s);
        spare_ = v * m; has_spare_ = true;
        return u * m;
    }
    // A child stream, independent of this one's future draws (for per-episode data).
    Rng split() { return Rng(next() ^ 0x9E3779B97F4A7C15ull); }
    template <class It> void shuffle(It first, It last) {
        for (auto n = last - first; n > 1; --n) std::swap(first[n - 1], first[below(uint64_t(n))]);
    }

private:
    static uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
    static uint64_t splitmix(uint64_t& z) {
        uint64_t r = (z += 0x9E3779B97F4A7C15ull);
        r = (r ^ (r >> 30)) * 0xBF58476D1CE4E5B9ull;
        r = (r ^ (r >> 27)) * 0x94D049BB133111EBull;
        return r ^ (r >> 31);
    }
    uint64_t s_[4];
    bool has_spare_ = false;
    double spare_ = 0;
};

// The random stream of episode k of a run seeded with `seed`: the same data whatever ran before,
// so a resumed run continues the exact sequence and a batch can be replayed. `salt` tells apart
// several streams of one episode (the maze's environment and its actions) and the tasks'.
inline Rng episode_rng(uint64_t seed, int64_t k, uint64_t salt = 1) {
    return Rng(seed * 0x9E3779B97F4A7C15ull + uint64_t(k) * 0xD1B54A32D192ED03ull + salt);
}

}  // namespace ps
