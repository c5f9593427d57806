// The LSTM arm of the DP 2018 comparisons (docs/science.md §3): an LSTM (engine/lstm_net.hpp)
// trained on the very episodes of a plastic task — the 50-bit patterns (the paper's 2000-cell arm,
// Adam 3e-5, clamped inputs ×100, and a smaller one) or the quick image completion. The episodes,
// their layout and the metric come from the plastic task itself (PlasticTask::draw_episode), so
// both arms see the same data; only the network differs.
//
// Inputs: the item units of the plastic task's input u(t) (its input gain divided out), times
// `input_scale`. Output: the first S cells of h(T). Loss: Σ_j (h_j(T) - target_j)², as the
// plastic arm's (plastic_task.hpp), batch mean; metric: the plastic task's.
#include <cmath>
#include <memory>
#include <stdexcept>
#include "lstm_net.hpp"
#include "optim.hpp"
#include "plastic_task.hpp"
#include "task.hpp"
#include "task_state.hpp"

namespace ps {
namespace {

// The plastic tasks (and presets) whose episodes the LSTM can learn.
const std::vector<std::pair<std::string, std::string>> kSources = {
    {"patterns", "bits50"}, {"patterns", "quick"}, {"images", "quick"}};

// The presets, one row each: what the lab and `plastiscope tasks` show, and the settings.
struct LstmPreset {
    const char* name;
    const char* summary;
    int source;            // index into kSources
    int cells;
    double lr, input_scale;
};
const LstmPreset kPresets[] = {
    {"quick", "patterns/bits50 episodes, 64 cells, Adam 1e-3: a first look in a minute", 0, 64, 1e-3, 100},
    {"bits50-paper", "patterns/bits50, 2000 cells, Adam 3e-5, clamped inputs x100 (the paper's arm)", 0, 2000, 3e-5, 100},
    {"bits50-small", "patterns/bits50, 200 cells, Adam 1e-4, clamped inputs x100", 0, 200, 1e-4, 100},
    {"images-quick", "images/quick episodes (16x16 photos), 512 cells, Adam 1e-4", 2, 512, 1e-4, 1},
};

TaskInfo lstm_info() {
    std::vector<PresetInfo> presets;
    for (const LstmPreset& p : kPresets) presets.push_back({p.name, p.summary});
    return {"lstm",
            "LSTM baseline (DP 2018): an LSTM trained on the same episodes as a plastic network. Each cell has "
            "input, forget and output gates, so it can hold a value over time, but what it stores must go through "
            "its slowly trained weights: nothing in it changes within an episode except its activity. Compare "
            "with the patterns task's plastic network, which stores the patterns in its Hebbian trace: the paper's "
            "2000-cell LSTM needs hundreds of thousands of episodes where the 51-unit plastic network needs a few "
            "thousand.",
            "wrong-sign fraction", true,   // the episodes' task's metric: set by init()
            std::move(presets)};
}

class LstmTask final : public Task {
public:
    LstmTask() : Task(lstm_info()) { set_preset("quick"); }

    std::vector<Field> fields() override {
        std::vector<std::string> names;
        for (const auto& [t, p] : kSources) names.push_back(t + "/" + p);
        return {
            Field::choice("episodes", &source_, names, "Whose episodes the LSTM learns: a plastic task and its preset (their layout, data and metric).", Apply::Rebuild),
            Field::integer("cells", &cells_, 1, 4096, "cells", "LSTM cells; the output is the first S of them (S = the item's size).", Apply::Rebuild),
            Field::boolean("clamp", &clamp_, "Cells 0..S-1 show their input bit: their cell input is fixed to 10 u_k, the forget gate shut and the input and output gates open (the paper's arm).", Apply::Rebuild),
            Field::real("input_scale", &input_scale_, 0, 1000, "x", "The item's values are multiplied by this before they reach the LSTM (the paper: 100).", Apply::Episode),
            Field::real("init", &init_, 0, 10, "", "Weights and biases ~ U(-init, init); 0: 1/sqrt(cells), as torch.", Apply::Rebuild),
            Field::real("lr", &lr_, 1e-7, 1, "", "Adam learning rate.", Apply::Live, true),
            Field::real("clip", &clip_, 0, 1e6, "", "Gradient-norm clip (0 = off).", Apply::Live),
            Field::integer("batch", &batch_, 1, 64, "episodes", "Episodes per optimisation step.", Apply::Live),
        };
    }

    void init(uint64_t seed) override {
        const auto& [tname, preset] = kSources[size_t(source_)];
        auto t = make_task(tname);
        if (!dynamic_cast<PlasticTask*>(t.get())) throw std::logic_error("lstm: " + tname + " is not a plastic task");
        src_.reset(static_cast<PlasticTask*>(t.release()));
        src_->set_preset(preset);
        src_->init(seed);
        set_metric(src_->metric_name(), src_->metric_lower_is_better());
        S_ = src_->episode_item_size();
        LstmConfig c;
        c.k = S_;
        c.h = std::max(cells_, S_);
        c.out = S_;
        c.clamp = clamp_ ? S_ : 0;
        c.init = init_;
        net_.configure(c);
        Rng rng(seed);
        net_.init(rng);
        training_.start(seed);
        apply_live_changes();
        live_ep_ = {};
        live_t_ = 0;
    }
    void apply_live_changes() override {
        training_.adam.cfg.lr = lr_;
        training_.adam.cfg.clip_norm = clip_;
    }
    int episodes_per_step() const override { return batch_; }

    StepStats train_step() override {
        const int B = batch_, T = src_->layout().T();
        std::vector<PlasticEpisode> eps;
        for (int e = 0; e < B; ++e) {
            Rng rng = episode_rng(training_.run.seed, training_.run.episode + e);
            eps.push_back(src_->draw_episode(rng, PlasticTask::Purpose::Train));
        }
        training_.run.episode += B;
        run_episodes(net_, eps, T);
        double loss = 0, metric_sum = 0;
        const MatR<float>& h = net_.h(T);
        MatR<float>& gh = net_.grad_h(T);
        for (int e = 0; e < B; ++e) {
            const PlasticEpisode& ep = eps[size_t(e)];
            loss += item_loss(h.row(e).data(), ep.target, S_, gh.row(e).data(), float(B));
            metric_sum += src_->episode_metric(h.row(e).data(), ep);
        }
        net_.backward(grads_);
        net_.zero_clamped(grads_);
        StepStats st;
        st.loss = loss / B;
        st.metric = metric_sum / B;
        st.extra["grad_norm"] = training_.adam.step(net_.p.list(), grads_.list());
        net_.reimpose_clamp();
        return st;
    }

    double eval_episode(Rng& rng) override {
        const PlasticEpisode ep = src_->draw_episode(rng, PlasticTask::Purpose::Eval);
        const int T = src_->layout().T();
        run_episodes(net_, {ep}, T);
        return src_->episode_metric(net_.h(T).row(0).data(), ep);
    }

    void save(ArrayMap& out, bool with_optimizer) const override { training_.save(out, net_.p.list(), with_optimizer); }
    // A file without optimiser state starts a fresh Adam; one with part of it is refused.
    void load(const ArrayMap& in, bool with_optimizer) override {
        LstmParams<float> p = net_.p;
        AdamRun<float> train = training_.read(in, p.list(), with_optimizer, true);
        net_.p = std::move(p);
        net_.reimpose_clamp();
        training_ = std::move(train);
        apply_live_changes();
    }

    void grad_dump(uint64_t seed, ArrayMap& out) override {
        Rng rng(seed);
        const PlasticEpisode ep = src_->draw_episode(rng, PlasticTask::Purpose::Train);
        const int T = src_->layout().T();
        LstmNet<double> net(net_.config());
        net.p = net_.p.cast<double>();
        run_episodes(net, {ep}, T);
        const double loss = item_loss(net.h(T).data(), ep.target, S_, net.grad_h(T).data(), 1.0);
        LstmParams<double> g;
        net.backward(g);
        net.zero_clamped(g);
        MatR<double> U(T, S_);
        for (int t = 0; t < T; ++t) U.row(t) = inputs_of(ep, t).cast<double>();
        dump_episode(out, U, ep.target, loss);
        save_params(out, net.p.list());
        save_params(out, g.list(), "grad/");
    }

    // ---- live: the episode step by step; views of the cells' state and output over time.
    void live_reset(uint64_t episode_seed) override {
        Rng rng(episode_seed);
        live_ep_ = src_->draw_episode(rng, PlasticTask::Purpose::Live);
        Task::live_reset(episode_seed);
    }
    void live_restart() override {
        const int T = src_->layout().T();
        if (live_ep_.u.rows() != T) {
            Rng rng(uint64_t(live_episode()) * 7919 + 1);
            live_ep_ = src_->draw_episode(rng, PlasticTask::Purpose::Live);
        }
        net_.begin(1, T);
        live_t_ = 0;
        cells_view_.setZero(T, net_.config().h);
        h_view_.setZero(T, net_.config().h);
        in_view_.setZero(T, S_);
        for (int t = 0; t < T; ++t) in_view_.row(t) = inputs_of(live_ep_, t);
    }
    bool live_step() override {
        const int T = src_->layout().T();
        if (live_t_ >= T) return false;
        net_.step(inputs_of(live_ep_, live_t_));
        ++live_t_;
        cells_view_.row(live_t_ - 1) = net_.c(live_t_).row(0);
        h_view_.row(live_t_ - 1) = net_.h(live_t_).row(0);
        return live_t_ < T;
    }
    void live_views(LiveViews& v) override {
        const int T = src_->layout().T();
        v.t = live_t_;
        v.T = T;
        v.episode = live_episode();
        v.matrices = {{"c over the episode", &cells_view_, true,
                       "Cell states c(t), one row per step (rows: time, columns: cells). The LSTM's only "
                       "memory within an episode: what it stores must be written here through its trained gates."},
                      {"Wh", &net_.p.Wh, true, "Recurrent weights (cells x 4 gates: input | forget | cell | output), trained across episodes."}};
        v.activity = &h_view_;
        v.input = &in_view_;
        v.target = live_ep_.target;
        v.images.clear();
        v.scalars.clear();
        v.marks.clear();
        const PlasticConfig& c = src_->layout();
        const int t0 = T - c.prestime_test;
        v.marks.push_back({t0, "probe"});
        if (live_t_ > t0) v.scalars[metric_name() + " now"] = src_->episode_metric(net_.h(live_t_).data(), live_ep_);
        v.status = live_t_ >= T ? "episode over: the first S cells of h(T) are the answer"
                                : (live_t_ >= t0 ? "probe shown: completing" : "storing items");
    }

protected:
    void apply_preset(const std::string& p) override {
        for (const LstmPreset& r : kPresets) {
            if (p != r.name) continue;
            source_ = r.source; cells_ = r.cells; lr_ = r.lr; input_scale_ = r.input_scale;
            clamp_ = true; init_ = 0; clip_ = 0; batch_ = 1;
        }
    }
    void tensors(std::vector<TensorRef>& out) const override {
        training_.tensors(out, net_.p.list());
    }

private:
    // What the plastic task's inputs are multiplied by to become ours: its gain divided out, ours
    // applied.
    float input_factor() const {
        const float gain = src_->episode_input_scale();
        return float(input_scale_ / (gain != 0 ? gain : 1.f));
    }
    // Row t (0-based) of the plastic task's input, the item units only, as the LSTM sees it: (1, S).
    MatR<float> inputs_of(const PlasticEpisode& ep, int t) const { return ep.u.row(t).head(S_) * input_factor(); }
    template <class S>
    void run_episodes(LstmNet<S>& net, const std::vector<PlasticEpisode>& eps, int T) const {
        const int B = int(eps.size());
        const float k = input_factor();   // in float, as inputs_of: the double dump sees the same inputs
        net.begin(B, T);
        MatR<S> u(B, S_);
        for (int t = 0; t < T; ++t) {
            for (int e = 0; e < B; ++e) u.row(e) = (eps[size_t(e)].u.row(t).head(S_) * k).template cast<S>();
            net.step(u);
        }
    }

    int source_ = 0, cells_ = 64, batch_ = 1;
    bool clamp_ = true;
    double input_scale_ = 100, init_ = 0, lr_ = 1e-3, clip_ = 0;

    std::unique_ptr<PlasticTask> src_;   // the plastic task whose episodes and metric are used
    int S_ = 0;
    LstmNet<float> net_;
    LstmParams<float> grads_;
    AdamRun<float> training_;
    PlasticEpisode live_ep_;
    int live_t_ = 0;
    MatR<float> cells_view_, h_view_, in_view_;
};

}  // namespace

PS_REGISTER_TASK("lstm", "DP 2018 LSTM baseline on the plastic tasks' episodes (quick, bits50-paper 2000 cells, bits50-small, images-quick)", LstmTask);

}  // namespace ps
