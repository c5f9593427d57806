// Task-independent half of the BOHP tasks: fields, training step, checkpoints, gradient dump and
// live stepping (see bohp_task.hpp).
#include "bohp/bohp_task.hpp"
#include "bohp/bohp_live.hpp"
#include <memory>
#include <cmath>
#include <stdexcept>

namespace ps::bohp {

std::vector<Field> BohpTask::fields() {
    std::vector<Field> f = {
        Field::real("gamma", &cfg_.gamma, 0, 1, "1/step",
                    "Hebbian trace rate γ: Hebb(t) = (1-γ)·Hebb(t-1) + γ·x(t)·y(t), applied after y(t). "
                    "Small γ = long memory (the trace keeps (1-γ)^n of a step n steps back). The 2016 code "
                    "wrote γ for the retention (1-γ): its γ = 0.98 is γ = 0.02 here.",
                    Apply::Live),
        Field::real("init_scale", &cfg_.init_scale, 0, 2, "",
                    "w, alpha and the readout weights start as s·N(0, 1); biases start at 0.", Apply::Rebuild),
        Field::choice("optimizer", &cfg_.optimizer, {"rmsprop", "adam"},
                      "rmsprop: the paper's rule, v = 0.99 v + 0.01 g² (v = g² at the first update), "
                      "step = lr·g/√v clipped to ±clip. adam: Adam (0.9, 0.999) with the same step clip.",
                      Apply::Live),
        Field::real("lr", &cfg_.lr, 0, 1, "", "Learning rate (one update per episode).", Apply::Live, true),
        Field::real("clip", &cfg_.clip, 1e-6, 10, "", "Largest change of any parameter in one update.", Apply::Live,
                    true),
        Field::real("l1", &cfg_.l1, 0, 1, "",
                    "L1 shrink per update on w, alpha and the readout weights: θ = sign(θ)·max(|θ| - l1, 0) "
                    "(decoupled from lr, as in the 2016 code).",
                    Apply::Live),
        Field::real("l2", &cfg_.l2, 0, 1, "",
                    "L2 shrink per update on w, alpha and the readout weights: θ = θ·(1 - l2).", Apply::Live),
        Field::boolean("clip_alpha_nonneg", &cfg_.clip_alpha_nonneg,
                       "After every update set alpha = max(alpha, 0): no anti-Hebbian connection "
                       "(breaks reversal learning, not one-shot learning).",
                       Apply::Live),
        Field::boolean("frozen", &cfg_.frozen,
                       "Parameters frozen: a training step measures the loss on a fresh episode but does "
                       "not update (the paper's protocol freezes the last 500 episodes).",
                       Apply::Live),
        Field::integer("episodes", &cfg_.episodes, 1, 100000000, "episodes",
                       "Length of the paper's training run; `sweep` runs this many unless --episodes is given.",
                       Apply::Live),
    };
    for (auto& x : task_fields()) f.push_back(x);
    return f;
}

OptConfig BohpTask::opt_config() const {
    OptConfig o;
    o.kind = cfg_.optimizer;
    o.lr = cfg_.lr;
    o.clip = cfg_.clip;
    o.l1 = cfg_.l1;
    o.l2 = cfg_.l2;
    o.clip_alpha_nonneg = cfg_.clip_alpha_nonneg;
    return o;
}

void BohpTask::init(uint64_t seed) {
    shape_ = shape();
    if (shape_.M > 64 || shape_.O > 64) throw ConfigError("BOHP networks are limited to 64 units and outputs");
    Rng r(seed);
    p_.zeros(shape_);
    const double s = cfg_.init_scale;
    auto fill = [&](MatR<float>& m) { for (Eigen::Index i = 0; i < m.size(); ++i) m.data()[i] = float(s * r.normal()); };
    fill(p_.w);
    fill(p_.alpha);
    if (p_.v.size()) fill(p_.v);
    if (cfg_.clip_alpha_nonneg) p_.alpha = p_.alpha.cwiseMax(0.f);
    opt_.reset(shape_);
    run_ = RunState{seed, 0};
    reset_live(seed ^ 0x5bd1e995ull);
    live_reset(live_seed());
}

void BohpTask::tensors(std::vector<TensorRef>& out) const {
    add_tensors(out, p_.list());
    opt_.tensors(out);
}

StepStats BohpTask::train_step() {
    // Episode k of the run always holds the same data (a resumed run equals an uninterrupted one).
    Rng rng = episode_rng(run_.seed, run_.episode++, 0xB0B);
    make_episode(rng, ep_d_);
    ep_f_ = ep_d_.cast<float>();
    int ok = 0;
    const bool learn = !cfg_.frozen;
    const float loss = online_episode(shape_, p_, float(cfg_.gamma), ep_f_, learn ? &g_ : nullptr, &ok, &net_);
    StepStats st;
    st.loss = loss;
    const int n = ep_f_.n_scored();
    st.metric = n ? 1.0 - double(ok) / n : 0.0;
    if (learn) {
        double gn = 0;
        for (const auto& [name, m] : g_.list()) gn += double(m->squaredNorm());
        st.extra["grad_norm"] = std::sqrt(gn);
        opt_.apply(opt_config(), p_, g_);
    }
    st.extra["frozen"] = cfg_.frozen ? 1 : 0;
    st.extra["alpha_mean"] = double(p_.alpha.mean());
    add_stats(st);
    return st;
}

double BohpTask::eval_episode(Rng& rng) {
    Episode<double> ep;
    make_episode(rng, ep);
    const Episode<float> ef = ep.cast<float>();
    int ok = 0;
    online_episode<float>(shape_, p_, float(cfg_.gamma), ef, nullptr, &ok);
    const int n = ef.n_scored();
    return n ? 1.0 - double(ok) / n : 0.0;
}

void BohpTask::save(ArrayMap& out, bool with_optimizer) const {
    save_params(out, p_.list());
    run_.save(out);
    if (with_optimizer) opt_.save(out);
}

void BohpTask::load(const ArrayMap& in, bool with_optimizer) {
    const Shape s = shape();
    Params<float> p;
    p.zeros(s);
    load_params(in, p.list());
    Optimizer o;
    if (with_optimizer) o.load(in, s);
    else o.reset(s);
    RunState run = run_;
    run.load(in);
    shape_ = s;
    p_ = p;
    opt_ = o;
    run_ = run;
    live_reset(live_seed());
}

void BohpTask::grad_dump(uint64_t seed, ArrayMap& out) {
    Rng r(seed);
    Episode<double> ep;
    make_episode(r, ep);
    const Params<double> pd = p_.cast<double>();
    Params<double> g, gb;
    const double loss = online_episode(shape_, pd, cfg_.gamma, ep, &g);
    bptt_episode(shape_, pd, cfg_.gamma, ep, &gb);
    out["inputs"] = to_array(ep.x);
    out["targets"] = to_array(ep.target);
    MatR<double> sc(1, ep.T());
    for (int t = 0; t < ep.T(); ++t) sc(0, t) = ep.scored[size_t(t)];
    out["scored"] = to_array(sc);
    out["gamma"] = scalar_array(cfg_.gamma);
    out["loss"] = scalar_array(loss);
    save_params(out, pd.list());
    save_params(out, g.list(), "grad/");
    // The same gradient by BPTT, for comparison (not a trained parameter's entry).
    save_params(out, gb.list(), "bptt_grad/");
}

// ---- live stepping
void BohpTask::live_reset(uint64_t episode_seed) {
    Rng r(episode_seed);
    Episode<double> ep;
    make_episode(r, ep);
    live_ep_ = ep.cast<float>();
    Task::live_reset(episode_seed);
}

void BohpTask::live_restart() {
    live_net_.reset(shape_, true);
    live_act_.setZero(live_ep_.T(), shape_.M);
    live_in_ = live_ep_.x;
    live_eff_ = p_.w;
    live_dy_db_.setZero(1, shape_.M);
    live_loss_ = 0;
    live_scored_ = live_correct_ = 0;
}

bool BohpTask::live_step() {
    const int t = live_net_.t();
    if (t >= live_ep_.T()) return false;
    live_net_.step(p_, float(cfg_.gamma), live_ep_.x.row(t).data());
    live_act_.row(t) = live_net_.y();
    const int n = live_ep_.n_scored();
    if (live_ep_.scored[size_t(t)]) {
        live_loss_ += live_net_.score(p_, live_ep_.target.row(t).data(), n ? 1.f / float(n) : 0.f) / std::max(n, 1);
        ++live_scored_;
        live_correct_ += live_net_.correct(live_ep_.target.row(t).data());
    }
    return true;
}

std::string BohpTask::live_status(int t) const {
    if (t == 0) return "t = 0: traces at zero; step to present the first input";
    return "step " + std::to_string(t) + (live_ep_.scored[size_t(t - 1)] ? " (scored)" : " (not scored)");
}

std::vector<std::string> BohpTask::input_names() const {
    std::vector<std::string> n;
    for (int k = 0; k < shape_.K; ++k) n.push_back("input " + std::to_string(k + 1));
    return n;
}
std::vector<std::string> BohpTask::output_names() const {
    std::vector<std::string> n;
    for (int j = 0; j < shape_.O; ++j) n.push_back("output " + std::to_string(j + 1));
    return n;
}

void BohpTask::live_views(LiveViews& v) {
    const int t = live_net_.t();
    v.t = t;
    v.T = live_ep_.T();
    v.episode = live_episode();
    live_eff_ = p_.w + p_.alpha.cwiseProduct(live_net_.H());
    live_dy_db_ = live_net_.dy_db();
    const std::string rl = "input k", cl = "unit j";
    v.matrices = {
        {"Hebb", &live_net_.H(), true, "Hebbian trace Hebb_kj(t) = (1-γ)Hebb_kj(t-1) + γ x_k(t) y_j(t)", rl, cl},
        {"dy/dw", &live_net_.dy_dw(), true,
         "Online gradient trace ∂y_j(t)/∂w_kj, carried forward in time through the traces", rl, cl},
        {"dy/dalpha", &live_net_.dy_dalpha(), true,
         "Online gradient trace ∂y_j(t)/∂alpha_kj, carried forward in time through the traces", rl, cl},
        {"dy/db", &live_dy_db_, true, "Online gradient trace ∂y_j(t)/∂b_j", "", cl},
        {"w", &p_.w, true, "Fixed (slow) weights, learned across episodes", rl, cl},
        {"alpha", &p_.alpha, true, "Plasticity coefficients; negative = anti-Hebbian connection", rl, cl},
        {"w+alpha*Hebb", &live_eff_, true, "Effective weights at this step", rl, cl},
        {"dL/dw", &live_net_.grads().w, true, "Loss gradient on w accumulated so far this episode", rl, cl},
        {"dL/dalpha", &live_net_.grads().alpha, true, "Loss gradient on alpha accumulated so far this episode", rl,
         cl},
    };
    v.activity = &live_act_;
    v.input = &live_in_;
    const int row = t > 0 ? t - 1 : 0;
    v.target.assign(live_ep_.target.row(row).data(), live_ep_.target.row(row).data() + live_ep_.target.cols());
    v.images.clear();
    auto img = [&](const std::string& name, const float* d, int n, float lo, float hi) {
        ImageView iv;
        iv.name = name; iv.height = 1; iv.width = n; iv.pixels.assign(d, d + n); iv.lo = lo; iv.hi = hi;
        v.images.push_back(std::move(iv));
    };
    img("input", live_ep_.x.row(row).data(), shape_.K, -1, 1);
    img("output", live_net_.out().data(), shape_.O, shape_.readout == Readout::Identity ? -1.f : 0.f, 1);
    img("target", v.target.data(), shape_.O, shape_.readout == Readout::Identity ? -1.f : 0.f, 1);
    v.scalars.clear();
    v.scalars["gamma"] = cfg_.gamma;
    v.scalars["loss"] = live_loss_;   // the episode loss accumulated over the scored steps so far
    v.scalars["scored_steps"] = live_scored_;
    v.scalars["correct_steps"] = live_correct_;
    v.scalar_labels = {{"loss", "episode loss so far"},
                       {"scored_steps", "scored steps so far"},
                       {"correct_steps", "scored steps answered right"},
                       {"gamma", "trace rate gamma"}};
    v.marks = marks();
    v.status = live_status(t);
    // The diagram's state, typed.
    auto live = std::make_shared<BohpLive>();
    live->K = shape_.K; live->M = shape_.M; live->O = shape_.O;
    live->t = t; live->T = v.T;
    live->scored = t > 0 && live_ep_.scored[size_t(t - 1)];
    live->softmax = shape_.readout == Readout::LinearSoftmax;
    live->input_names = input_names();
    live->output_names = output_names();
    auto flat = [](const MatR<float>& m) { return std::vector<float>(m.data(), m.data() + m.size()); };
    live->w = flat(p_.w);
    live->alpha = flat(p_.alpha);
    live->hebb = flat(live_net_.H());
    live->effective = flat(live_eff_);
    if (live->softmax) live->v = flat(p_.v);
    live->x.assign(live_ep_.x.row(row).data(), live_ep_.x.row(row).data() + live_ep_.x.cols());
    if (t == 0) live->x.assign(size_t(shape_.K), 0.f);   // nothing presented yet
    live->y = flat(live_net_.y());
    live->out = flat(live_net_.out());
    live->target = v.target;
    v.payload = std::move(live);
}

}  // namespace ps::bohp
