// Adam (Kingma & Ba) over the Omniglot network's parameter list, as PyTorch implements it:
//   m ← β1 m + (1-β1) g ;  v ← β2 v + (1-β2) g² ;  θ ← θ - lr · (m / (1-β1^t)) / (√(v / (1-β2^t)) + ε)
// The moments are saved in checkpoints by parameter name.
#pragma once
#include <cmath>
#include <string>
#include <vector>
#include "arrays.hpp"
#include "omniglot/conv.hpp"

namespace ps::omni {

template <class S>
struct Adam {
    double beta1 = 0.9, beta2 = 0.999, eps = 1e-8;
    int64_t steps = 0;
    std::vector<MatC<S>> m, v;

    void reset(const std::vector<MatC<S>>& p) {
        m.clear(); v.clear();
        for (const auto& x : p) { m.push_back(MatC<S>::Zero(x.rows(), x.cols())); v.push_back(MatC<S>::Zero(x.rows(), x.cols())); }
        steps = 0;
    }
    void step(std::vector<MatC<S>>& p, const std::vector<MatC<S>>& g, double lr) {
        ++steps;
        const S b1 = S(beta1), b2 = S(beta2);
        const S c1 = S(1.0 / (1.0 - std::pow(beta1, double(steps))));
        const S c2 = S(1.0 / (1.0 - std::pow(beta2, double(steps))));
        for (size_t k = 0; k < p.size(); ++k) {
            m[k] = b1 * m[k] + (S(1) - b1) * g[k];
            v[k] = b2 * v[k] + (S(1) - b2) * g[k].cwiseAbs2();
            p[k].array() -= S(lr) * (m[k].array() * c1) / ((v[k].array() * c2).sqrt() + S(eps));
        }
    }
    bool finite() const {
        for (size_t k = 0; k < m.size(); ++k) if (!m[k].allFinite() || !v[k].allFinite()) return false;
        return true;
    }
    void save(ArrayMap& out, const std::vector<std::string>& names) const {
        for (size_t k = 0; k < m.size(); ++k) {
            out["optim/m/" + names[k]] = to_array(m[k]);
            out["optim/v/" + names[k]] = to_array(v[k]);
        }
        out["optim/steps"] = i64_array({steps});
    }
    // Throws std::runtime_error naming a missing or malformed array.
    void load(const ArrayMap& in, const std::vector<std::string>& names, const std::vector<MatC<S>>& p) {
        std::vector<MatC<S>> mm(p.size()), vv(p.size());
        for (size_t k = 0; k < p.size(); ++k) {
            from_array(in, "optim/m/" + names[k], mm[k], p[k].rows(), p[k].cols());
            from_array(in, "optim/v/" + names[k], vv[k], p[k].rows(), p[k].cols());
            if ((vv[k].array() < S(0)).any()) throw std::runtime_error("array 'optim/v/" + names[k] + "' has negative entries");
        }
        const double s = scalar_from(in, "optim/steps");
        if (s < 0 || s != std::floor(s)) throw std::runtime_error("array 'optim/steps' is not a non-negative integer");
        m = std::move(mm); v = std::move(vv); steps = int64_t(s);
    }
};

}  // namespace ps::omni
