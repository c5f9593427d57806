// The finite-difference check every network's backward pass gets: each element of each trained
// tensor is moved by ±h, the loss recomputed, and the central difference compared with the
// analytic gradient. Two guards: the analytic gradient is non-zero, and not the numeric one copied.
#pragma once
#include <catch2/catch.hpp>
#include <algorithm>
#include <cmath>
#include <functional>
#include <string>
#include <vector>
#include "tensor.hpp"

namespace ps_test {

struct FdTolerance {
    double max_rel_err = 1e-6;   // |a - n| / max(|a|, |n|, floor) must stay under this
    double abs_floor = 1e-6;     // the floor: max(abs_floor, rel_floor · the tensor's largest |a|)
    double rel_floor = 0;
    double h = 1e-6;
};

// params and grads list the same tensors in the same order; loss() recomputes the loss from the
// current parameters. `label` prefixes the messages.
inline void check_fd(const ps::ParamList<ps::MatR<double>>& params, const ps::ParamList<const ps::MatR<double>>& grads,
                     const std::function<double()>& loss, const FdTolerance& tol, const std::string& label) {
    REQUIRE(params.size() == grads.size());
    for (size_t k = 0; k < params.size(); ++k) {
        ps::MatR<double>& P = *params[k].second;
        const ps::MatR<double>& G = *grads[k].second;
        REQUIRE(P.size() == G.size());
        const double floor = std::max(tol.abs_floor, G.size() ? tol.rel_floor * G.cwiseAbs().maxCoeff() : 0.0);
        double max_err = 0, gnorm = 0;
        bool identical = true;
        for (Eigen::Index i = 0; i < P.size(); ++i) {
            const double keep = P.data()[i];
            P.data()[i] = keep + tol.h;
            const double lp = loss();
            P.data()[i] = keep - tol.h;
            const double lm = loss();
            P.data()[i] = keep;
            const double num = (lp - lm) / (2 * tol.h), ana = G.data()[i];
            max_err = std::max(max_err, std::fabs(ana - num) / std::max({std::fabs(ana), std::fabs(num), floor}));
            gnorm += ana * ana;
            if (ana != num) identical = false;
        }
        INFO(label << " param " << params[k].first << " max corrected rel err " << max_err);
        CHECK(max_err < tol.max_rel_err);
        CHECK(gnorm > 1e-12);      // the analytic gradient is non-zero
        CHECK_FALSE(identical);    // and not the numeric one copied
    }
}

}  // namespace ps_test
