// Judging learning the way an experimenter would, so that a verdict holds on every machine.
// A training run is a chaotic trajectory: gcc and clang, and CPUs with different vector widths
// (SSE2, AVX2, AVX-512: the kernels' `omp simd` reductions add in another order) round
// differently, and two builds' runs of the same seed part after some hundred updates. A learning
// test therefore trains several seeds and judges the median, with margins set from the spread
// measured on several builds (docs/reliability.md, "Learning tests"). PS_LEARNING_REPORT=1 prints
// every seed's figures, which is how those margins were measured.
#pragma once
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

namespace ps_test {

inline double median(std::vector<double> v) {
    if (v.empty()) return 0;
    std::sort(v.begin(), v.end());
    const size_t n = v.size();
    return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

// One line per quantity, for measuring margins across builds: "learning: NAME: v1 v2 v3 | median m".
inline void learning_report(const std::string& name, const std::vector<double>& v) {
    const char* e = std::getenv("PS_LEARNING_REPORT");
    if (!e || std::string(e) != "1") return;
    std::fprintf(stderr, "learning: %s:", name.c_str());
    for (double x : v) std::fprintf(stderr, " %.4g", x);
    std::fprintf(stderr, " | median %.4g\n", median(v));
}

inline std::string join(const std::vector<double>& v) {
    std::string s;
    for (double x : v) s += (s.empty() ? "" : " ") + std::to_string(x);
    return s;
}

}  // namespace ps_test
