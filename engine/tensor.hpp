// The matrix types every network uses, and the one shape of a network's parameter list.
//
// MatR<S> is the row-major matrix of the engine: the networks follow the row-vector convention of
// the DP code (x(t) is a row, matrices are (pre, post)), so a row of a batch or of a weight matrix
// is contiguous. MatC<S> is column-major and only the Omniglot encoder uses it: its im2col layout
// keeps a pixel's channels contiguous (engine/omniglot/conv.hpp).
//
// ParamList<M> names a network's trained tensors in a fixed order. Optimisers, checkpoints,
// gradient dumps and finite-difference tests all walk it. M is MatR<S> (or MatC<S>) to change
// the tensors and `const MatR<S>` to read them: a parameter struct offers both from one template
// (ParamLists below), so nothing needs a const_cast.
#pragma once
#include <cstdint>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>
#include <Eigen/Dense>

namespace ps {

template <class S>
using MatR = Eigen::Matrix<S, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
template <class S>
using MatC = Eigen::Matrix<S, Eigen::Dynamic, Eigen::Dynamic>;
template <class S>
using RowV = Eigen::Matrix<S, 1, Eigen::Dynamic>;

template <class M>
using ParamList = std::vector<std::pair<std::string, M*>>;

// M, or const M when Self is const: list_of(Self&) returns ParamList<LikeConst<Self, M>>.
template <class Self, class M>
using LikeConst = std::conditional_t<std::is_const_v<Self>, const M, M>;

// The two list() of a parameter struct P (CRTP: P derives from ParamLists<P, M>), the changing and
// the reading one, from P's one static template list_of(Self& p, args...) with Self = P or const P.
// The arguments are what the list depends on besides the struct (a network's config).
template <class P, class M>
struct ParamLists {
    template <class... A>
    ParamList<M> list(const A&... a) { return P::list_of(static_cast<P&>(*this), a...); }
    template <class... A>
    ParamList<const M> list(const A&... a) const { return P::list_of(static_cast<const P&>(*this), a...); }
};

// A parameter struct P<S> with a fixed set of matrices (CRTP: P<S> derives from FixedParams<P, S>)
// names them once, in checkpoint order:
//   template <class Self, class F> static void each(Self& p, F&& f)   f("W", p.W); f("A", p.A); ...
//   static bool trained(const std::string& name, const MatR<S>& m, args...)   whether the list holds it
// and gets from that its list() (ParamLists) and cast<T>(), the same struct in another scalar type.
template <template <class> class P, class S>
struct FixedParams : ParamLists<P<S>, MatR<S>> {
    template <class Self, class... A>
    static ParamList<LikeConst<Self, MatR<S>>> list_of(Self& p, const A&... a) {
        ParamList<LikeConst<Self, MatR<S>>> l;
        P<S>::each(p, [&](const char* name, auto& m) {
            if (P<S>::trained(name, m, a...)) l.emplace_back(name, &m);
        });
        return l;
    }
    // Every matrix, trained or not, converted to T.
    template <class T>
    P<T> cast() const {
        std::vector<const MatR<S>*> from;
        P<S>::each(static_cast<const P<S>&>(*this), [&](const char*, const MatR<S>& m) { from.push_back(&m); });
        P<T> r;
        size_t k = 0;
        P<T>::each(r, [&](const char*, MatR<T>& m) { m = from[k++]->template cast<T>(); });
        return r;
    }
};

// The read-only view of a list (what an optimiser reads the gradients through).
template <class M>
ParamList<const M> as_const_list(const ParamList<M>& l) {
    ParamList<const M> r;
    r.reserve(l.size());
    for (const auto& [n, m] : l) r.emplace_back(n, m);
    return r;
}

// A float tensor of a task's state, by its checkpoint name, for the parameter count and the
// search for non-finite values (Task::tensors). Storage order does not matter to either.
struct TensorRef {
    std::string name;        // "W", "conv1/W", or an optimiser's "optim/v/W"
    const float* data = nullptr;
    int64_t size = 0;
    bool param = true;       // a trained parameter (counted by Task::num_params)
};

template <class M>
void add_tensors(std::vector<TensorRef>& out, const ParamList<M>& l, bool param = true, const std::string& prefix = "") {
    for (const auto& [n, m] : l) out.push_back({prefix + n, m->data(), int64_t(m->size()), param});
}

}  // namespace ps
