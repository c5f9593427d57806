// The part of the three BOHP tasks (engine/tasks/bohp_*.cpp) that does not depend on the task:
// the ps::Task interface over one BOHP network trained one episode per step with its online
// gradient, checkpoints, the exact gradient dump (online and BPTT, in double) and live stepping
// with the views the GUI shows side by side: the Hebbian traces and the online gradient traces.
// A task supplies its shape, its episode generator, its presets and a few words.
#pragma once
#include <string>
#include <vector>
#include "bohp/bohp_net.hpp"
#include "bohp/bohp_optim.hpp"
#include "task.hpp"
#include "task_state.hpp"

namespace ps::bohp {

struct TaskConfig {
    double gamma = 0.5;           // trace rate: H = (1-γ)H + γ x y
    double init_scale = 0.1;      // w, alpha, out_w ~ s·N(0, 1); biases 0
    int optimizer = OptConfig::RmsProp;
    double lr = 0.03, clip = 0.1, l1 = 1e-3, l2 = 1e-4;
    bool clip_alpha_nonneg = false;
    bool frozen = false;          // train_step measures the loss but does not update
    int episodes = 5000;          // length of the paper's protocol (sweep's default)
};

class BohpTask : public Task {
public:
    using Task::Task;
    std::vector<Field> fields() override;
    void init(uint64_t seed) override;
    StepStats train_step() override;
    double eval_episode(Rng& rng) override;
    void save(ArrayMap& out, bool with_optimizer) const override;
    void load(const ArrayMap& in, bool with_optimizer) override;
    void grad_dump(uint64_t seed, ArrayMap& out) override;
    void live_reset(uint64_t episode_seed) override;
    void live_restart() override;
    bool live_step() override;
    void live_views(LiveViews& v) override;

    // For tests and tools.
    const Params<float>& params() const { return p_; }
    const TaskConfig& config() const { return cfg_; }
    Shape net_shape() const { return shape(); }
    void episode(Rng& rng, Episode<double>& ep) const { make_episode(rng, ep); }

protected:
    virtual Shape shape() const = 0;
    virtual void make_episode(Rng& rng, Episode<double>& ep) const = 0;
    virtual std::vector<Field> task_fields() { return {}; }
    virtual std::vector<std::pair<int, std::string>> marks() const { return {}; }
    // Names of the inputs and the outputs in the task view's diagram (default "input k", "output j").
    virtual std::vector<std::string> input_names() const;
    virtual std::vector<std::string> output_names() const;
    virtual void add_stats(StepStats&) const {}
    // One line under the live views after `t` steps (1-based step t was the last one).
    virtual std::string live_status(int t) const;
    void tensors(std::vector<TensorRef>& out) const override;
    OptConfig opt_config() const;

    TaskConfig cfg_;
    Shape shape_;
    Params<float> p_;

private:
    Optimizer opt_;
    RunState run_;
    // training buffers
    Episode<double> ep_d_;
    Episode<float> ep_f_;
    Params<float> g_;
    OnlineNet<float> net_;
    // live stepping
    Episode<float> live_ep_;
    OnlineNet<float> live_net_;
    MatR<float> live_act_, live_in_, live_eff_, live_dy_db_;
    double live_loss_ = 0;
    int live_scored_ = 0, live_correct_ = 0;
};

}  // namespace ps::bohp
