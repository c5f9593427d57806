// The part of the FLP tasks (engine/tasks/flp_sine.cpp, flp_classify.cpp) that does not depend on
// the data: the Task interface over an FlpLearner (outer loop, evaluation, checkpoints, gradient
// dumps) and live stepping, where one live step is one inner-loop step.
//
// Live views every FLP task gives (the task adds its own images / status):
//   matrices  "dW<l>"  the last inner update of head layer l (signed; rows = post, cols = pre)
//             "W<l>"   head layer l's current weights
//             "B<l>"   flp: the feedback weights of layer l (rows = neuron, cols = teaching signal)
//   scalars   "step_loss" (the minibatch's loss before its update), "query_loss", the task's metric
//             on the query ("query_<metric>"), "group" (function / class being shown)
//   marks     (step, "f3") / (step, "class 3") where a new function / class starts.
//   activity  T × width raster: the last hidden layer's activity on the first example of each
//             inner step's minibatch (rows after the current step are zero);
//   input     T × n_in raster of that example's input (tasks with small inputs, e.g. sine).
//   scalars   "align_cos": cosine between the last update of the head weights and the true negative
//             gradient of that step's minibatch loss at the same weights (1 for SGD learners);
//   images    "alignment"  that cosine per inner step so far: T columns (2 px each) × 41 rows,
//                          row 0 = +1, row 20 = 0 (grey line), row 40 = -1; the dot is 1;
//             "forgetting" per group (row) the query loss of that group after every inner step
//                          (column; 2 px each), scaled to the largest loss so far (lo 0, hi 1):
//                          an earlier group's row brightening later on is interference.
#pragma once
#include <cstdint>
#include <string>
#include <vector>
#include "flp/flp_data.hpp"
#include "flp/flp_learner.hpp"
#include "flp/flp_live.hpp"
#include "task.hpp"
#include "task_state.hpp"

namespace ps::flp {

// The presets every FLP task has, one per learner, with the task's help texts: flp, oml, sgd
// (plain online SGD with its rate tuned), each also as NAME-iid (the same data in random order
// instead of one group after another), and quick (FLP, small: tests).
std::vector<PresetInfo> learner_presets(const std::string& flp, const std::string& oml, const std::string& sgd,
                                        const std::string& flp_iid, const std::string& quick);

class FlpTaskBase : public Task {
public:
    using Task::Task;
    std::vector<Field> fields() override;
    void init(uint64_t seed) override;
    void apply_live_changes() override;
    StepStats train_step() override;
    int episodes_per_step() const override { return lc_.meta_batch; }
    double eval_episode(Rng& rng) override;
    void save(ArrayMap& out, bool with_optimizer) const override;
    void load(const ArrayMap& in, bool with_optimizer) override;
    void grad_dump(uint64_t seed, ArrayMap& out) override;

    void live_restart() override;
    bool live_step() override;
    void live_views(LiveViews& v) override;

    // For the report and tests.
    FlpLearner& learner() { return learner_; }
    // A fresh episode: train split (meta-training) or test split (evaluation).
    virtual Episode<float> make_episode(Rng& rng, bool train, EpisodeInfo* info) = 0;
    // The task's metric on query predictions Ŷ (Q × n_out).
    virtual double metric(const Episode<float>& ep, const MatR<float>& Yq_hat) const = 0;

protected:
    virtual std::vector<Field> data_fields() = 0;
    virtual int n_in() const = 0;
    virtual int n_out() const = 0;
    virtual Loss loss_kind() const = 0;
    virtual bool clamp_output() const = 0;
    virtual std::string group_mark(int g) const = 0;
    // Extra rows evaluated after every live step (e.g. the sine curves); results in live_.extra_pred.
    virtual void live_extra_rows(MatR<float>& X) { X.resize(0, n_in()); }
    virtual bool live_input_raster() const { return false; }

    void tensors(std::vector<TensorRef>& out) const override { learner_.tensors(out); }
    // The learner of a preset of learner_presets() (quick: FLP); sgd also gets its rate-tuning
    // budget (400 episodes, one a step). Returns the name without "-iid"; iid = whether it had it.
    std::string apply_learner_preset(const std::string& name, bool& iid);

    struct Live {
        bool ready = false;
        Episode<float> ep;
        EpisodeInfo info;
        Params<float> pe;                  // parameters of this episode
        std::vector<MatR<float>> rep;       // representation of [inner; query; extra] rows
        int extra_rows = 0;
        HeadState<float> st;
        StepWork<float> w;
        int t = 0;
        double step_loss = 0;
        std::vector<MatR<float>> dW, Wv, Bv;
        MatR<float> qpred, extra_pred;
        MatR<float> act, inp;               // activity / input rasters (T × n)
        std::vector<double> cos;           // per done step: update / negative-gradient cosine
        MatR<float> gloss;                  // groups × (T + 1): query loss of each group after step t (col 0: start)
    };
    Live live_;
    LearnerConfig lc_;
    FlpLearner learner_;
    Rng data_rng_{1}, init_rng_{2};
    RunState run_;                         // episode: training episodes drawn from data_rng_ (exact resume)
    // Episodes of the data stream a load() has yet to skip: the next train_step draws and drops
    // them first (catch_up_stream). Doing it in load() made every load cost the whole run so far
    // (0.2 ms an episode: half a second after 2 500 episodes, and growing), and the live view loads
    // the trainer's parameters at every new episode, on the GUI thread.
    int64_t stream_behind_ = 0;
    void catch_up_stream();
    bool built_ = false;

    void ensure_built();
    void live_predict();
    void live_group_losses(int col);
    // The shared part of the task view's payload (flp_live.hpp), as of the live step now.
    void fill_live(FlpLive& p, const std::string& group_word, const std::string& loss_name) const;
};

}  // namespace ps::flp
