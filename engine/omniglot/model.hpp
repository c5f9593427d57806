// The one-shot classifier of DP section 4.3 (Miconi, Clune & Stanley 2018): a convolutional
// encoder (4 layers of 3x3, stride 2, 64 channels, tanh; 31 -> 15 -> 7 -> 3 -> 1) feeding a plastic
// (channels -> ways) output layer whose Hebbian trace follows Oja's rule, trained end to end
// through episodes with an exact hand-written backward pass.
//
// One episode: T = ways·shots + 1 steps. At step t the image gives a feature column x(t) (channels)
// and the head computes, with H(0) = 0,
//     a(t)   = (w + α ⊙ H(t))ᵀ x(t) + boost · onehot(label(t))     (support steps only: the label
//     y(t)   = softmax(a(t))                                         clamps the output, boost=1000)
//     H(t+1) = H(t) + η (x(t) 1ᵀ - H(t) ⊙ 1 y(t)ᵀ) ⊙ 1 y(t)ᵀ      Oja, (pre, post) = (channels, ways)
//            = H(t) ⊙ 1 (1 - η y(t)²)ᵀ + η x(t) y(t)ᵀ
// and the loss is the cross-entropy of the query step, -log y(T-1)[target].
//
// Backward through the trace, with g_H the gradient on H(t+1) (docs/science.md §1, Oja variant):
//     g_η     += Σ g_H ⊙ (x yᵀ - H(t) ⊙ 1 (y²)ᵀ)
//     g_x(t)  += η g_H y
//     g_y(t)_j = η (g_Hᵀ x)_j - 2 η y_j Σ_i g_H,ij H(t)_ij
//     g_H(t)   = g_H ⊙ 1 (1 - η y²)ᵀ
// and through the output of every step, with M(t) = w + α ⊙ H(t), g_a = y ⊙ (g_y - yᵀg_y):
//     G = x g_aᵀ ;  g_w += G ;  g_α += G ⊙ H(t) ;  g_H(t) += G ⊙ α ;  g_x(t) += M(t) g_a
// then g_x goes back through the encoder (conv.hpp), one batch for all the episode's images.
#pragma once
#include <string>
#include <vector>
#include "conv.hpp"
#include "rng.hpp"

namespace ps::omni {

struct NetShape {
    int side = 31;       // input image side
    int channels = 64;   // every conv layer
    int layers = 4;      // 3x3 stride-2 layers; side must shrink to exactly 1
    int ways = 5;        // output units of the plastic layer
};

// Parameter list layout: conv{l}/W (channels, 9·cin), conv{l}/b (channels, 1) for l = 1..layers,
// then w (channels, ways), alpha (channels, ways), eta (1, 1).
template <class S>
struct OmniNet : ParamLists<OmniNet<S>, MatC<S>> {
    NetShape shape;
    std::vector<ConvShape> conv;
    std::vector<std::string> names;
    std::vector<MatC<S>> p;

    // Throws std::invalid_argument if the encoder does not end at 1x1.
    void build(const NetShape& s);
    // PyTorch's defaults for the convolutions (U(±1/√fan_in) for weights and biases), and the DP
    // code's w = 0.01·N(0,1), α = alpha0·U(0,1), η = eta0 (paper: alpha0 = eta0 = 0.01).
    void init(Rng& rng, double alpha0 = 0.01, double eta0 = 0.01);
    int nconv() const { return shape.layers; }
    const MatC<S>& W(int l) const { return p[size_t(2 * l)]; }
    const MatC<S>& b(int l) const { return p[size_t(2 * l + 1)]; }
    const MatC<S>& w() const { return p[size_t(2 * nconv())]; }
    const MatC<S>& alpha() const { return p[size_t(2 * nconv() + 1)]; }
    S eta() const { return p[size_t(2 * nconv() + 2)](0, 0); }
    int iw() const { return 2 * nconv(); }
    int ialpha() const { return 2 * nconv() + 1; }
    int ieta() const { return 2 * nconv() + 2; }
    int64_t num_params() const;
    std::vector<MatC<S>> zeros_like() const;
    // list(): (name, tensor) in the layout above.
    // Tensors laid out like p (gradients), under the parameters' names.
    ParamList<const MatC<S>> named(const std::vector<MatC<S>>& g) const {
        ParamList<const MatC<S>> l;
        for (size_t k = 0; k < g.size(); ++k) l.emplace_back(names[k], &g[k]);
        return l;
    }

private:
    friend struct ParamLists<OmniNet, MatC<S>>;
    template <class Self>
    static ParamList<LikeConst<Self, MatC<S>>> list_of(Self& net) {
        ParamList<LikeConst<Self, MatC<S>>> l;
        for (size_t k = 0; k < net.p.size(); ++k) l.emplace_back(net.names[k], &net.p[k]);
        return l;
    }
};

// B episodes of T steps each; step t of episode e is image / label number e·T + t. The first T-1
// labels of an episode are the support labels (clamped), the last is the query's target.
template <class S>
struct EpisodeBatch {
    int B = 0, T = 0;
    MatC<S> images;             // (1, B·T·side²), each image row-major
    std::vector<int> labels;    // B·T
};

template <class S>
struct NetCache {
    std::vector<MatC<S>> cols, act;   // per conv layer: im2col input, tanh output
    std::vector<MatC<S>> H;           // B·T traces: H[e·T + t] = H(t) of episode e
    MatC<S> Y;                        // (ways, B·T) outputs y(t)
    MatC<S> Aq;                       // (ways, B) pre-softmax query logits
    std::vector<int> pred;            // B predictions (argmax of the query logits)
    S loss = 0;                       // mean query cross-entropy
    int correct = 0;
};

// Encoder forward for N images (1, N·side²) -> features (channels, N) = c.act.back().
template <class S> void encode(const OmniNet<S>& net, const MatC<S>& images, int N, NetCache<S>& c);
// Encoder backward: g_feat (channels, N) -> accumulates the conv gradients in g (net layout).
template <class S> void encode_backward(const OmniNet<S>& net, const NetCache<S>& c, const MatC<S>& g_feat,
                                        std::vector<MatC<S>>& g);

// One head step (a single episode): H holds H(t) on entry and H(t+1) on exit; label < 0 = no
// clamp. Writes y (ways) and returns nothing; used by the live view and by forward().
template <class S> void head_step(const OmniNet<S>& net, const S* x, int label, S boost, MatC<S>& H, S* y,
                                  S* logits = nullptr);

// Full forward over a batch: returns the mean query loss.
template <class S> S forward(const OmniNet<S>& net, const EpisodeBatch<S>& eb, S boost, NetCache<S>& c);
// Gradient of the mean query loss, into g (net layout, overwritten).
template <class S> void backward(const OmniNet<S>& net, const EpisodeBatch<S>& eb, S boost, const NetCache<S>& c,
                                 std::vector<MatC<S>>& g);

}  // namespace ps::omni
