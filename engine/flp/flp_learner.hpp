// One learner of the FLP experiments in float, with its outer loop: FLP (meta-learned feedback
// and Oja plasticity), OML (inner SGD on the head, meta-learned representation and initial head)
// or plain online SGD (every layer learns from a fresh He init each episode; its rate is tuned
// on training episodes over a log grid). Shared by the FLP tasks, the live view and the report.
#pragma once
#include <cstdint>
#include <functional>
#include <string>
#include <vector>
#include "arrays.hpp"
#include "fields.hpp"
#include "flp/flp_net.hpp"
#include "optim.hpp"
#include "task.hpp"

namespace ps::flp {

enum class Learner { Flp = 0, Oml = 1, Sgd = 2 };

struct LearnerConfig {
    int learner = 0;               // Learner
    int width = 64;                // hidden width (every hidden layer)
    int rep_layers = 2;            // representation layers (fixed in the inner loop); plain SGD: none
    int head_layers = 2;           // layers that learn in the inner loop (incl. the output layer)
    int p_grain = 0;               // PGrain: synapse / neuron / layer / shared
    double p_init = 0.0;
    double beta_init = 0.5;
    double fb_gain = 1.0;
    double inner_lr = 0.03;        // OML: initial inner rate; SGD: current rate (tuned)
    bool learn_inner_lr = true;    // OML: meta-learn the inner rate
    double lr = 1e-3;              // outer Adam
    double p_lr_scale = 0.1;       // flp: the rates P step with lr * p_lr_scale (own Adam)
    int p_warmup = 0;              // flp: P's rate ramps up linearly over this many outer steps
    bool project = true;           // flp: after each outer step P >= 0 and beta in [0, 1]
    double backoff = 0.7;          // flp: P *= backoff after a batch with a diverged episode
    double clip = 10.0;            // outer gradient-norm clip
    int meta_batch = 4;            // episodes per outer step
    int ckpt = 0;                  // backward memory: 0 = keep every step's weights; k = every k-th
    int episodes = 20000;          // the preset's training budget (training episodes)
};
std::vector<Field> learner_fields(LearnerConfig& c);

// Log grid of plain-SGD rates, 1e-3 .. 1 in quarter decades.
std::vector<double> sgd_rate_grid();

class FlpLearner {
public:
    LearnerConfig lc;
    NetConfig cfg;
    Params<float> p;
    Adam<float> adam;              // every meta-parameter but P
    Adam<float> adam_p;            // flp: P, at lr * p_lr_scale (P must stay ~1/(batch · x̃²) small)
    std::vector<double> grid_sum;  // plain SGD: summed query loss per grid rate
    std::vector<int64_t> grid_n;

    // (Re)builds the network for n_in -> n_out and initialises it from seed.
    void build(const LearnerConfig& c, int n_in, int n_out, Loss loss, bool clamp_output, uint64_t seed);
    Learner kind() const { return Learner(lc.learner); }
    bool meta_learned() const { return kind() != Learner::Sgd; }
    void apply_live();             // learning rates and clip from lc

    // Parameters used in one episode: the meta-learned ones, or a fresh init (plain SGD).
    Params<float> episode_params(Rng& init_rng) const;
    // Forward only; returns the query loss and leaves the query predictions in u.qX.back().
    float run(const Episode<float>& ep, const Params<float>& pe, Unroll<float>& u) const;

    // One outer step on these episodes (plain SGD: one grid-tuning step on the first).
    // metric(ep, Ŷ_query) gives the task's metric; StepStats averages it over the episodes.
    using MetricFn = std::function<double(const Episode<float>&, const MatR<float>&)>;
    StepStats train(const std::vector<Episode<float>>& eps, Rng& init_rng, const MetricFn& metric);

    // Parameters (and the inner rate), then both optimisers' moments (Task::tensors).
    void tensors(std::vector<TensorRef>& out) const;
    void save(ArrayMap& out, bool with_optimizer) const;
    void load(const ArrayMap& in, bool with_optimizer);
    // Exact meta-gradient of one episode in double (plain SGD: of the initial weights and the rate).
    void grad_dump(const Episode<float>& ep, Rng& init_rng, ArrayMap& out) const;

    // Adam's parameter lists (names as Params::each): every meta-parameter but P, and P.
    using List = std::vector<std::pair<std::string, MatR<float>*>>;
    List param_list(Params<float>& q, bool rates) const;
};

}  // namespace ps::flp
