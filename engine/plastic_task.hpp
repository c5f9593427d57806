// The base of the tasks that train one PlasticNet (plastic_net.hpp) to store a few items in its
// Hebbian trace and complete one of them (patterns, images). Their episodes share one layout:
//
//   cycle 1: item k1 for `prestime` steps, `delay` zero steps, item k2 ..., (order shuffled per
//   cycle), ... `cycles` cycles, then the probe (one item, degraded) for `prestime_test` steps;
//   T = cycles · n_items · (prestime + delay) + prestime_test.
//
// Loss: squared error of the first S units (the item's size) against the target at step T,
//   L = Σ_j (x_j(T) - target_j)²,  dL/dx_j(T) = 2 (x_j(T) - target_j),
// averaged over a batch of episodes; the task gives the metric.
//
// This base owns what the tasks share: the network and its gradients, Adam (with the geometric
// learning-rate decay), the checkpoint state (task_state.hpp's keys), the NaN search, the exact
// gradient dump in double, live stepping, and the H / W+A*H / W / A views. A task supplies its
// fields, presets, input mode (configure_net), episodes (items, probe, target: make_episode), its
// metric and its extra views; engine/tasks/patterns.cpp is a complete example.
#pragma once
#include <cstdint>
#include <string>
#include <vector>
#include "optim.hpp"
#include "plastic_net.hpp"
#include "task.hpp"
#include "task_state.hpp"

namespace ps {

// The settings every plastic task has (each task binds them to its own keys in fields()).
struct PlasticConfig {
    // episode layout
    int n_items = 3;              // items shown per episode; the probe is one of them
    int prestime = 6, prestime_test = 6, delay = 4, cycles = 2;
    int hidden = 0;               // free neurons beyond the item's units and the bias unit
    // network
    int rule = 0;                 // Rule
    int alpha = 0;                // AlphaMode
    int eta_mode = 0;             // EtaMode
    double eta_init = 0.01;
    double init_scale = 0.01;     // W, A ~ init_scale · N(0, 1)
    double eta_override = -1;     // live stepping only: >= 0 replaces the learned eta
    int memory = 0;               // MemoryMode
    // training
    double lr = 3e-4;
    double lr_end = 0;            // 0: constant lr; else lr decays geometrically to lr_end ...
    int lr_decay_episodes = 0;    // ... over this many episodes (decayed_lr, optim.hpp)
    double clip = 0;              // gradient-norm clip (0 = off)
    int batch = 1;

    int T() const { return cycles * n_items * (prestime + delay) + prestime_test; }
    // Learning rate of the optimisation step whose batch starts at episode e (0-based).
    double lr_at(int64_t e) const { return decayed_lr(lr, lr_end, lr_decay_episodes, e); }
};

// One episode: what it shows and what the network must answer.
struct PlasticEpisode {
    MatR<float> u;                        // (T, n) inputs (lay_out fills it; the net adds the bias unit)
    std::vector<MatR<float>> items;       // each (1, S)
    MatR<float> probe;                    // (1, S): the degraded item shown last
    std::vector<float> target;            // (S): what the first S units must output at step T
    std::vector<uint8_t> hidden;          // (S): 1 where the probe hides the target (may be empty)
};

// The loss of one episode (above), L = Σ_{j<n} (x_j - target_j)², from its output row x(T); writes
// g_j = (dL/dx_j) / divisor (the batch mean: divisor = batch). Serves every network trained on
// these episodes (the plastic arm here, the LSTM arm in engine/tasks/lstm.cpp).
template <class S>
double item_loss(const S* x, const std::vector<float>& target, int n, S* g, S divisor) {
    double loss = 0;
    for (int j = 0; j < n; ++j) {
        const double d = double(x[j]) - target[size_t(j)];
        loss += d * d;
        g[j] = S(2 * d) / divisor;
    }
    return loss;
}
// The episode part of a gradient dump: "inputs" (T, k), "target" (1, S) and "loss".
void dump_episode(ArrayMap& out, const MatR<double>& inputs, const std::vector<float>& target, double loss);

class PlasticTask : public Task {
public:
    using Task::Task;

    void init(uint64_t seed) override;
    void apply_live_changes() override;
    int episodes_per_step() const override { return pc_.batch; }
    StepStats train_step() override;
    double eval_episode(Rng& rng) override;
    void save(ArrayMap& out, bool with_optimizer) const override;
    // A file without optimiser state (e.g. a shipped checkpoint stripped to stay small) starts a
    // fresh Adam (AdamRun::read); one with part of it is refused.
    void load(const ArrayMap& in, bool with_optimizer) override;
    void grad_dump(uint64_t seed, ArrayMap& out) override;
    void live_reset(uint64_t episode_seed) override;
    void live_restart() override;
    bool live_step() override;
    void live_views(LiveViews& v) override;
    std::shared_ptr<const LiveState> live_save() const override;
    void live_load(const LiveState& s) override;
    void describe(ArrayMap& out) override;

    const PlasticNet<float>& net() const { return net_; }

    // The episodes and their metric, for baselines that train another network on the same
    // episodes (the LSTM arm, engine/tasks/lstm.cpp): an episode as training, evaluation or the
    // live view draws it; the metric of an output row x(T) of item_size() values.
    enum class Purpose { Train, Eval, Live };
    PlasticEpisode draw_episode(Rng& rng, Purpose why) { return episode(rng, why); }
    double episode_metric(const float* x, const PlasticEpisode& ep) const { return metric(x, ep); }
    int episode_item_size() const { return item_size(); }
    float episode_input_scale() const { return input_scale(); }
    const PlasticConfig& layout() const { return pc_; }

protected:
    // Units per item (S): the pattern's bits, the image's pixels.
    virtual int item_size() const = 0;
    // The input mode and bias of the network (the rest comes from PlasticConfig); called again
    // after live changes, which may change the bias value.
    virtual void configure_net(NetConfig& nc) const = 0;
    // Inputs are the items times this (patterns' input_boost).
    virtual float input_scale() const { return 1.f; }
    // Draws the items, the probe and the target (not u) of a fresh episode.
    virtual PlasticEpisode make_episode(Rng& rng, Purpose why) = 0;
    // The metric of one episode from the output row x(T) (S values read).
    virtual double metric(const float* x, const PlasticEpisode& ep) const = 0;
    // The views beyond the common ones (images, scalars, status), after live_views filled those.
    virtual void add_views(LiveViews& v) = 0;
    virtual void add_stats(StepStats&) const {}
    // Called before init builds the network (data sets are loaded here).
    virtual void prepare() {}

    void tensors(std::vector<TensorRef>& out) const override;

    // Field builders over pc_; the task puts them in its order among its own fields.
    // n_items (as items_key) .. cycles; noun names an item ("pattern"), probe how it is degraded.
    std::vector<Field> layout_fields(const std::string& items_key, const std::string& noun, int max_items,
                                     const std::string& probe);
    Field hidden_field(int hi, const std::string& help);
    std::vector<Field> network_fields();                                   // rule .. init_scale
    // lr, [lr_end, lr_decay_episodes if schedule], clip, batch, memory (+ memory_note).
    std::vector<Field> training_fields(bool schedule, const std::string& memory_note);

    int n() const { return item_size() + 1 + pc_.hidden; }

    PlasticConfig pc_;
    PlasticNet<float> net_;
    // live
    PlasticEpisode live_ep_;
    int live_t_ = 0;
    MatR<float> activity_, inputs_, eff_;

private:
    // make_episode, then ep.u: the items in an order shuffled per cycle (drawn from rng after the
    // task's draws), then the probe, times input_scale(), over the first S units.
    PlasticEpisode episode(Rng& rng, Purpose why);
    NetConfig net_config() const;
    void clamp_eta();

    NetParams<float> grads_;
    AdamRun<float> training_;
    uint64_t param_version_ = new_content_version();   // W and A's MatrixView::version
};

}  // namespace ps
