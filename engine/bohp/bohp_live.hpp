// What the BOHP task view (app/gui/panel_bohp.cpp) draws as a diagram, as typed data: the small
// network (K inputs -> M plastic units -> O outputs) with its fixed weights w, plasticity
// coefficients alpha and Hebbian traces (K x M each, row-major, [k * M + j] = input k -> unit j),
// the readout, and the values at the step shown. BohpTask::live_views fills it; the tasks name
// their inputs and outputs (BohpTask::input_names / output_names).
#pragma once
#include <string>
#include <vector>
#include "task.hpp"

namespace ps::bohp {

struct BohpLive final : LivePayload {
    int K = 0, M = 0, O = 0;
    int t = 0, T = 0;
    bool scored = false;                   // the step shown is scored
    bool softmax = false;                  // readout: softmax(v y + c); else identity (output j = unit j + c_j)
    std::vector<std::string> input_names, output_names;
    std::vector<float> w, alpha, hebb, effective;   // K x M: effective = w + alpha * hebb
    std::vector<float> v;                  // M x O readout weights (softmax only)
    std::vector<float> x, y, out, target;  // input (K), units (M), output (O), target (O) at the step shown
    float at(const std::vector<float>& m, int k, int j) const { return m[size_t(k) * size_t(M) + size_t(j)]; }
};

}  // namespace ps::bohp
