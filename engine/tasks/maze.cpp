// Maze exploration (DP 2018 section "maze", Backpropamine 2019; docs/science.md §3): a recurrent
// agent with plastic connections, trained with advantage actor-critic, must find a hidden reward
// cell in a labyrinth and, after each teleport, get back to it. Plasticity lets it remember within
// the episode where the reward was; the slow weights only learn how to explore and how to use the
// trace. Presets: plastic (Oja, α per connection), non-plastic, shared-α, backpropamine (learned
// neuromodulation of the trace), quick (small maze and net, for tests and a first look).
//
// Metric: reward per episode (higher is better). The eval-only field `eval_window` makes the metric
// the reward collected in one 25-step window, for the within-episode curve (docs/maze.md).
#include <algorithm>
#include <cmath>
#include "maze/a2c.hpp"
#include "maze/maze_live.hpp"
#include "maze/maze_env.hpp"
#include "maze/maze_net.hpp"
#include "maze/rollout.hpp"
#include "optim.hpp"
#include "task.hpp"
#include "task_state.hpp"

// In ps::maze (not a using-directive): the maze's names stay out of files built beside this one.
namespace ps::maze {
namespace {

struct MazeTaskConfig {
    int size = 9;
    int steps = 250;
    double reward = 10;
    double wall_penalty = 0.1;
    int hidden = 200;
    int alpha = int(AlphaMode::Independent);
    int rule = 0;                // TraceRule: oja, hebb, neuromod
    double clip = 0;
    double w_init = 1.0;
    double a_init = 0.01;
    double eta_init = 0.01;
    double gamma = 0.9;
    double value_coef = 0.03;
    double pi_penalty = 0.1;
    double lr = 1e-4;
    double lr_end = 0;           // 0: constant lr; else lr decays geometrically to lr_end ...
    int lr_decay_episodes = 0;   // ... over this many episodes, then stays at lr_end
    double grad_clip = 0;
    int batch = 8;
    int episodes = 20000;        // suggested run length (sweep's default)
    int window = 25;             // steps per window of the within-episode reward curve
    int eval_window = -1;        // eval only: >= 0 makes eval's metric the reward of that window

    // Learning rate of the A2C update whose batch starts at episode e (0-based), the images task's
    // schedule (decayed_lr, engine/optim.hpp). Why: at a constant lr the 200-unit plastic runs had
    // late gradient spikes and one collapse (docs/maze.md); a decay damps the late steps.
    double lr_at(int64_t e) const { return decayed_lr(lr, lr_end, lr_decay_episodes, e); }
};

// Two streams per episode k (episode_rng): its maze draws (which = 0) and its action samples
// (which = 1).
Rng stream(uint64_t seed, int64_t k, uint64_t which) { return episode_rng(seed, k, 1 + which * 0x8CB92BA72F3D8DD7ull); }

TaskInfo maze_info() {
    // name, description, metric, whether lower is better, presets (the first is the default)
    return {"maze",
            "Maze exploration (Miconi, Clune & Stanley 2018; Backpropamine 2019). The agent sees only the 3x3 cells "
            "around it, its previous action and reward, and must find a hidden reward cell (+10), after which it is "
            "teleported away and should come back as fast as it can; bumping a wall costs 0.1. It is a 200-unit "
            "recurrent network trained across episodes with advantage actor-critic. Plastic connections (Oja rule) let it "
            "store where the reward was during the episode: watch the reward events come faster after the first one, "
            "and the trace H change when it does. Use the arrow keys in play mode to try the task yourself.",
            "reward per episode", false,
            {{"plastic", "9x9 maze, 200 units, Oja plasticity, alpha per connection; A2C batch 8 (see docs/maze.md for times)"},
             {"non-plastic", "same agent without plastic connections (the baseline)"},
             {"shared-alpha", "plastic, one alpha shared by all connections"},
             {"backpropamine", "plastic, trace gated by a learned neuromodulatory signal M(t), clipped to +-2"},
             {"quick", "7x7 maze, 48 units, 100 steps, lr 1e-3: learns to collect reward within a few seconds"}}};
}

class MazeTask final : public Task {
public:
    MazeTask() : Task(maze_info()) { set_preset("plastic"); }

    std::vector<Field> fields() override {
        auto& c = cfg_;
        return {
            Field::integer("size", &c.size, 7, 15, "cells", "Maze side (odd): border walls, pillars at (even, even), centre cleared.", Apply::Episode).every(2),
            Field::integer("steps", &c.steps, 2, 2000, "steps", "Episode length T.", Apply::Episode),
            Field::real("reward", &c.reward, 0, 1000, "", "Reward for reaching the reward cell (then the agent is teleported).", Apply::Episode),
            Field::real("wall_penalty", &c.wall_penalty, 0, 100, "", "Penalty for a move into a wall (the agent stays).", Apply::Episode),
            Field::integer("hidden", &c.hidden, 2, 2048, "units", "Recurrent tanh units.", Apply::Rebuild),
            alpha_field(&c.alpha),
            Field::choice("rule", &c.rule, {"oja", "hebb", "neuromod"}, "oja: H += eta x(t)(x(t-1) - H x(t)); hebb: H = (1-eta)H + eta x(t-1)^T x(t); neuromod: H = clip(H + M(t) x(t-1)^T x(t)), M(t) = tanh(x(t) Wm + bm) learned.", Apply::Rebuild),
            Field::real("clip", &c.clip, 0, 100, "", "Trace clip |H| <= clip after each update (0 = off; the neuromod rule needs > 0).", Apply::Rebuild),
            Field::real("w_init", &c.w_init, 0, 10, "", "W ~ w_init * N(0,1) / sqrt(hidden).", Apply::Rebuild),
            Field::real("a_init", &c.a_init, 0, 10, "", "A ~ a_init * U(0,1).", Apply::Rebuild),
            Field::real("eta_init", &c.eta_init, 0, 1, "1/step", "Initial plasticity rate (learned, kept in [0,1]).", Apply::Rebuild),
            Field::real("gamma", &c.gamma, 0, 1, "", "Discount of the return R(t) = r(t) + gamma R(t+1).", Apply::Live),
            Field::real("value_coef", &c.value_coef, 0, 100, "", "Weight of the value loss (R - v)^2.", Apply::Live),
            Field::real("pi_penalty", &c.pi_penalty, 0, 100, "", "Weight of the sum pi^2 penalty (against a deterministic policy).", Apply::Live),
            Field::real("lr", &c.lr, 1e-7, 1, "", "Adam learning rate (the start of the schedule if lr_end > 0).", Apply::Live, true),
            Field::real("lr_end", &c.lr_end, 0, 1, "", "Learning-rate schedule: if > 0, lr decays geometrically from lr to lr_end over lr_decay_episodes episodes, lr(e) = lr * (lr_end/lr)^min(1, e/lr_decay_episodes), then stays at lr_end (0 = constant lr).", Apply::Live),
            Field::integer("lr_decay_episodes", &c.lr_decay_episodes, 0, 1000000000, "episodes", "Episodes over which lr decays to lr_end (counted from episode 0 of the run, so a resumed run continues it; 0 = no decay).", Apply::Live),
            Field::real("grad_clip", &c.grad_clip, 0, 1e6, "", "Gradient-norm clip: gradients rescaled to at most this L2 norm (0 = off).", Apply::Live),
            Field::integer("batch", &c.batch, 1, 256, "episodes", "Episodes per A2C update (run as one batch).", Apply::Live),
            Field::integer("episodes", &c.episodes, 1, 100000000, "episodes", "Suggested training length (the default of `plastiscope sweep`).", Apply::Live),
            Field::integer("window", &c.window, 1, 2000, "steps", "Steps per window of the within-episode reward curve.", Apply::Live),
            Field::integer("eval_window", &c.eval_window, -1, 2000, "", "Eval only: -1 = the metric is the reward per episode; k >= 0 = the reward collected in steps [k*window, (k+1)*window).", Apply::Live),
        };
    }
    void init(uint64_t seed) override {
        net_.configure(net_config());
        Rng rng(seed);
        net_.init(rng);
        training_.start(seed);
        apply_live_changes();
        live_restart();
    }
    void apply_live_changes() override {
        training_.adam.cfg.lr = cfg_.lr_at(training_.run.episode);
        training_.adam.cfg.clip_norm = cfg_.grad_clip;
    }
    int episodes_per_step() const override { return cfg_.batch; }

    StepStats train_step() override {
        const int B = cfg_.batch, T = cfg_.steps;
        envs_.resize(size_t(B));
        env_rng_.resize(size_t(B));
        act_rng_.resize(size_t(B));
        const EnvConfig ec = env_config();
        training_.adam.cfg.lr = cfg_.lr_at(training_.run.episode);   // this batch's episodes start here
        for (int e = 0; e < B; ++e) {
            envs_[size_t(e)].configure(ec);
            env_rng_[size_t(e)] = stream(training_.run.seed, training_.run.episode + e, 0);
            act_rng_[size_t(e)] = stream(training_.run.seed, training_.run.episode + e, 1);
            envs_[size_t(e)].reset(env_rng_[size_t(e)]);
        }
        training_.run.episode += B;
        run_batch(net_, envs_, env_rng_, act_rng_, T, roll_, u_);
        const A2CLoss L = a2c_loss_grad(net_, roll_.actions, roll_.rewards, a2c_config());
        net_.backward(grads_);
        StepStats st;
        st.loss = L.total;
        double tot = 0, hits = 0;
        for (int e = 0; e < B; ++e) { tot += roll_.totals[size_t(e)]; hits += roll_.hits[size_t(e)]; }
        st.metric = tot / B;
        st.extra["grad_norm"] = training_.adam.step(net_.p.list(), grads_.list());
        if (net_.p.eta.size()) net_.p.eta = net_.p.eta.cwiseMax(0.f).cwiseMin(1.f);
        st.extra["hits"] = hits / B;
        st.extra["lr"] = training_.adam.cfg.lr;
        st.extra["loss_policy"] = L.policy;
        st.extra["loss_value"] = L.value;
        if (net_.p.eta.size()) st.extra["eta"] = double(net_.p.eta(0, 0));
        if (net_.p.A.size()) st.extra["alpha_abs_mean"] = double(net_.p.A.cwiseAbs().mean());
        return st;
    }

    double eval_episode(Rng& rng) override {
        std::vector<MazeEnv> env(1, MazeEnv(env_config()));
        std::vector<Rng> er{rng.split()}, ar{rng.split()};
        env[0].reset(er[0]);
        Rollout r;
        run_batch(net_, env, er, ar, cfg_.steps, r, u_);
        if (cfg_.eval_window < 0) return r.totals[0];
        double s = 0;
        const int t0 = cfg_.eval_window * cfg_.window, t1 = std::min(cfg_.steps, t0 + cfg_.window);
        for (int t = t0; t < t1; ++t) s += r.rewards[size_t(t)];
        return s;
    }

    void save(ArrayMap& out, bool with_optimizer) const override { training_.save(out, net_.p.list(), with_optimizer); }
    void load(const ArrayMap& in, bool with_optimizer) override {
        Params<float> p = net_.p;
        AdamRun<float> train = training_.read(in, p.list(), with_optimizer);
        net_.p = std::move(p);
        training_ = std::move(train);
    }

    void grad_dump(uint64_t seed, ArrayMap& out) override {
        MazeNet<double> net(net_config());
        net.p = net_.p.cast<double>();
        std::vector<MazeEnv> env(1, MazeEnv(env_config()));
        std::vector<Rng> er{stream(seed, 0, 0)}, ar{stream(seed, 0, 1)};
        env[0].reset(er[0]);
        Rollout r;
        MatR<double> u;
        run_batch(net, env, er, ar, cfg_.steps, r, u);
        const A2CLoss L = a2c_loss_grad(net, r.actions, r.rewards, a2c_config());
        Params<double> g;
        net.backward(g);
        MatR<double> acts(1, cfg_.steps), rews(1, cfg_.steps);
        for (int t = 0; t < cfg_.steps; ++t) { acts(0, t) = r.actions[size_t(t)]; rews(0, t) = r.rewards[size_t(t)]; }
        out["actions"] = to_array(acts);
        out["rewards"] = to_array(rews);
        out["loss"] = scalar_array(L.total);
        save_params(out, net.p.list());
        save_params(out, g.list(), "grad/");
    }

    // ---- live
    void live_restart() override {
        live_env_.configure(env_config());   // throws for a bad size before anything changes
        live_env_rng_ = stream(live_seed(), 0, 0);
        live_act_rng_ = stream(live_seed(), 0, 1);
        live_env_.reset(live_env_rng_);
        net_.begin(1, cfg_.steps);
        live_t_ = 0;
        live_T_ = cfg_.steps;
        const int n = live_env_.size();
        visits_.assign(size_t(n * n), 0.f);
        last_visit_.assign(size_t(n * n), -1);
        visits_[size_t(live_env_.row * n + live_env_.col)] += 1;
        last_visit_[size_t(live_env_.row * n + live_env_.col)] = 0;
        activity_.setZero(cfg_.steps, net_.n());
        inputs_.setZero(cfg_.steps, kObs);
        events_.clear();
        pi_.assign(kActions, 0.25);
        value_ = 0;
        last_action_ = -1;
    }
    bool live_step() override { return live_advance(-1); }
    std::string live_event(const LiveEvent& e) override {
        if (e.kind != "key") return "the task 'maze' has no '" + e.kind + "' action (it takes arrow keys)";
        if (e.key < 0 || e.key >= kActions) return "maze: unknown key " + std::to_string(e.key);
        if (live_t_ >= live_T_) return "the episode is over: start a new one";
        live_advance(e.key);
        return "";
    }
    void live_views(LiveViews& v) override {
        const int n = live_env_.size();   // the live episode's, not the settings' (see live_T_)
        v.t = live_t_;
        v.T = live_T_;
        v.episode = live_episode();
        v.matrices.clear();
        if (net_.config().plastic()) {
            trace_view_ = Eigen::Map<const MatR<float>>(net_.trace(0), net_.n(), net_.n());
            v.matrices.push_back({"H", &trace_view_, true, "Hebbian trace H(t) that produced x(t): (pre, post). It stores where the reward was."});
        }
        v.matrices.push_back({"W", &net_.p.W, true, "Baseline recurrent weights W, trained across episodes."});
        if (net_.config().alpha == AlphaMode::Independent)
            v.matrices.push_back({"A", &net_.p.A, true, "Plasticity coefficients A (alpha), trained."});
        v.activity = &activity_;
        v.input = &inputs_;
        v.target.clear();
        v.images.clear();
        ImageView walls, heat, trail;
        walls.name = "maze walls"; heat.name = "visits"; trail.name = "trail";
        for (ImageView* iv : {&walls, &heat, &trail}) { iv->height = n; iv->width = n; iv->pixels.assign(size_t(n * n), 0.f); iv->lo = 0; }
        walls.hi = 1;
        float vmax = 1;
        for (float x : visits_) vmax = std::max(vmax, x);
        heat.hi = vmax;
        trail.hi = 1;
        for (int r = 0; r < n; ++r)
            for (int c = 0; c < n; ++c) {
                const size_t i = size_t(r * n + c);
                walls.pixels[i] = live_env_.wall(r, c) ? 1.f : 0.f;
                heat.pixels[i] = visits_[i];
                trail.pixels[i] = last_visit_[i] < 0 ? 0.f : float(std::exp(-double(live_t_ - last_visit_[i]) / 12.0));
            }
        v.images = {walls, heat, trail};
        v.scalars.clear();
        static const char* names[kActions] = {"pi up", "pi right", "pi down", "pi left"};
        for (int k = 0; k < kActions; ++k) v.scalars[names[k]] = pi_[size_t(k)];
        v.scalars["value"] = value_;
        v.scalars["agent row"] = live_env_.row;
        v.scalars["agent col"] = live_env_.col;
        v.scalars["reward row"] = live_env_.reward_row;
        v.scalars["reward col"] = live_env_.reward_col;
        v.scalars["reward total"] = live_env_.total;
        v.scalars["reward hits"] = live_env_.hits;
        v.scalars["last action"] = last_action_;
        v.scalars["bumped"] = live_env_.bumped ? 1 : 0;
        if (net_.p.eta.size()) v.scalars["eta"] = double(net_.p.eta(0, 0));
        if (net_.config().rule == TraceRule::Neuromod && live_t_ > 0) v.scalars["M(t)"] = net_.mod(live_t_, 0);
        auto live = std::make_shared<MazeLive>();
        live->size = n;
        live->agent_row = live_env_.row; live->agent_col = live_env_.col;
        live->reward_row = live_env_.reward_row; live->reward_col = live_env_.reward_col;
        live->hits = live_env_.hits; live->reward_total = live_env_.total;
        live->last_action = last_action_; live->bumped = live_env_.bumped;
        for (int k = 0; k < kActions; ++k) live->pi[size_t(k)] = pi_[size_t(k)];
        live->value = value_;
        v.payload = std::move(live);
        v.marks = events_;
        if (live_t_ >= live_T_) v.status = "episode over: " + fmt(live_env_.total) + " reward, " + std::to_string(live_env_.hits) + " hits";
        else if (live_env_.hits == 0) v.status = "exploring: the reward cell has not been found yet";
        else v.status = "found the reward " + std::to_string(live_env_.hits) + "x: it should come back faster now";
    }

protected:
    void apply_preset(const std::string& p) override {
        MazeTaskConfig c;
        if (p == "non-plastic") {
            c.alpha = int(AlphaMode::None);
        } else if (p == "shared-alpha") {
            c.alpha = int(AlphaMode::Shared);
        } else if (p == "backpropamine") {
            c.rule = int(TraceRule::Neuromod);
            c.clip = 2.0;
        } else if (p == "quick") {
            c.size = 7; c.hidden = 48; c.steps = 100; c.lr = 1e-3; c.episodes = 2000;
        }
        cfg_ = c;
    }
    void tensors(std::vector<TensorRef>& out) const override {
        training_.tensors(out, net_.p.list());
    }

private:
    maze::NetConfig net_config() const {
        maze::NetConfig nc;
        nc.n = cfg_.hidden;
        nc.alpha = AlphaMode(cfg_.alpha);
        nc.rule = TraceRule(cfg_.rule);
        nc.clip = cfg_.clip;
        nc.w_init = cfg_.w_init;
        nc.a_init = cfg_.a_init;
        nc.eta_init = cfg_.eta_init;
        if (nc.rule == TraceRule::Neuromod && nc.plastic() && !(nc.clip > 0))
            throw ConfigError("maze: rule=neuromod needs clip > 0 (e.g. clip=2)");
        return nc;
    }
    EnvConfig env_config() const {
        if (cfg_.size % 2 == 0) throw ConfigError("maze: size must be odd (got " + std::to_string(cfg_.size) + ")");
        EnvConfig ec;
        ec.size = cfg_.size;
        ec.steps = cfg_.steps;
        ec.reward = cfg_.reward;
        ec.wall_penalty = cfg_.wall_penalty;
        return ec;
    }
    A2CConfig a2c_config() const {
        A2CConfig a;
        a.gamma = cfg_.gamma;
        a.value_coef = cfg_.value_coef;
        a.pi_penalty = cfg_.pi_penalty;
        return a;
    }
    static std::string fmt(double x) {
        char b[32];
        std::snprintf(b, sizeof b, "%.1f", x);
        return b;
    }

    // One live step; action < 0 samples from the policy, else the user's action.
    bool live_advance(int action) {
        if (live_t_ >= live_T_) return false;
        if (net_.batch() != 1 || net_.t() != live_t_) {   // parameters reloaded or never begun
            live_restart();
        }
        MatR<float> u(1, kObs);
        live_env_.observe(u.row(0).data());
        net_.step(u);
        double p[kActions];
        softmax_row(net_.logits(live_t_ + 1).row(0), p, kActions);
        pi_.assign(p, p + kActions);
        value_ = double(net_.value(live_t_ + 1)(0, 0));
        const int a = action >= 0 ? action : sample_action(p, kActions, live_act_rng_);
        last_action_ = a;
        live_env_.step(a, live_env_rng_);
        activity_.row(live_t_) = net_.x(live_t_ + 1).row(0);
        inputs_.row(live_t_) = u.row(0);
        ++live_t_;
        const int n = live_env_.size();
        const size_t i = size_t(live_env_.row * n + live_env_.col);
        visits_[i] += 1;
        last_visit_[i] = live_t_;
        if (live_env_.hit) events_.push_back({live_t_, "reward " + std::to_string(live_env_.hits)});
        return live_t_ < live_T_;
    }

    MazeTaskConfig cfg_;
    MazeNet<float> net_;
    Params<float> grads_;
    AdamRun<float> training_;
    std::vector<MazeEnv> envs_;
    std::vector<Rng> env_rng_, act_rng_;
    Rollout roll_;
    MatR<float> u_;
    // live
    MazeEnv live_env_;
    Rng live_env_rng_, live_act_rng_;
    // The live episode's length and maze (live_env_.size()) are fixed when it begins: the
    // settings may change in between (the GUI applies next-episode values only at the next one).
    int live_t_ = 0, live_T_ = 0, last_action_ = -1;
    std::vector<float> visits_;
    std::vector<int> last_visit_;
    std::vector<double> pi_;
    double value_ = 0;
    std::vector<std::pair<int, std::string>> events_;
    MatR<float> activity_, inputs_, trace_view_;
};

}  // namespace

PS_REGISTER_TASK("maze", "DP 2018 / Backpropamine maze: plastic recurrent agent trained with A2C (plastic, non-plastic, shared-alpha, backpropamine, quick)", MazeTask);

}  // namespace ps::maze
