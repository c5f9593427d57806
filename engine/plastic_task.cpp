// PlasticTask: what the plastic-network tasks share (see plastic_task.hpp for the episode layout
// and the loss).
#include "plastic_task.hpp"
#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace ps {

// ---- fields

std::vector<Field> PlasticTask::layout_fields(const std::string& items_key, const std::string& noun, int max_items,
                                              const std::string& probe) {
    std::string Noun = noun;
    Noun[0] = char(std::toupper(Noun[0]));
    auto& c = pc_;
    return {
        Field::integer(items_key, &c.n_items, 1, max_items, "", Noun + "s shown per episode; the probe is one of them.", Apply::Episode),
        Field::integer("prestime", &c.prestime, 1, 100, "steps", "Steps each " + noun + " is shown for.", Apply::Episode),
        Field::integer("prestime_test", &c.prestime_test, 1, 100, "steps", "Steps the " + probe + " probe is shown for; the loss is at the last.", Apply::Episode),
        Field::integer("delay", &c.delay, 0, 100, "steps", "Zero-input steps after each presentation.", Apply::Episode),
        Field::integer("cycles", &c.cycles, 1, 20, "", "Presentation cycles (order shuffled each cycle).", Apply::Episode),
    };
}

Field PlasticTask::hidden_field(int hi, const std::string& help) {
    return Field::integer("hidden", &pc_.hidden, 0, hi, "neurons", help, Apply::Rebuild);
}

std::vector<Field> PlasticTask::network_fields() {
    auto& c = pc_;
    return {
        Field::choice("rule", &c.rule, {"hebb", "oja"}, "hebb: H <- (1-eta) H + eta x(t-1)^T x(t) (paper); oja: H += eta x(t) (x(t-1) - H x(t)) column-wise.", Apply::Rebuild),
        alpha_field(&c.alpha),
        Field::choice("eta_mode", &c.eta_mode, {"scalar", "per-neuron", "fixed"}, "Plasticity rate: one learned scalar, one per post-synaptic neuron, or fixed at eta_init.", Apply::Rebuild),
        Field::real("eta_init", &c.eta_init, 0, 1, "1/step", "Initial plasticity rate.", Apply::Rebuild),
        Field::real("eta_override", &c.eta_override, -1, 1, "1/step", "Live view only: if >= 0, the live network steps with this plasticity rate instead of the learned one (training is unaffected); -1 = learned.", Apply::Live),
        Field::real("init_scale", &c.init_scale, 0, 10, "", "W and A are drawn from init_scale * N(0, 1).", Apply::Rebuild),
    };
}

std::vector<Field> PlasticTask::training_fields(bool schedule, const std::string& memory_note) {
    auto& c = pc_;
    std::vector<Field> f = {Field::real("lr", &c.lr, 1e-7, 1, "", "Adam learning rate.", Apply::Live, true)};
    if (schedule) {
        f.push_back(Field::real("lr_end", &c.lr_end, 0, 1, "", "Learning-rate schedule: if > 0, lr decays geometrically from lr to lr_end over lr_decay_episodes episodes, lr(e) = lr * (lr_end/lr)^min(1, e/lr_decay_episodes), then stays at lr_end (0 = constant lr).", Apply::Live));
        f.push_back(Field::integer("lr_decay_episodes", &c.lr_decay_episodes, 0, 1000000000, "episodes", "Episodes over which lr decays to lr_end (counted from episode 0 of the run; 0 = no decay).", Apply::Live));
    }
    f.push_back(Field::real("clip", &c.clip, 0, 1e6, "", "Gradient-norm clip: gradients are rescaled to at most this L2 norm (0 = off).", Apply::Live));
    f.push_back(Field::integer("batch", &c.batch, 1, 64, "episodes", "Episodes per optimisation step (each has its own trace).", Apply::Live));
    f.push_back(Field::choice("memory", &c.memory, {"recompute", "store-all"}, "BPTT memory: recompute H backwards (N^2 x few anchors) or store every H(t) (N^2 x T" + memory_note + ").", Apply::Rebuild));
    return f;
}

// ---- model

NetConfig PlasticTask::net_config() const {
    NetConfig nc;
    nc.n = n();
    nc.rule = Rule(pc_.rule);
    nc.alpha = AlphaMode(pc_.alpha);
    nc.eta = EtaMode(pc_.eta_mode);
    nc.w_init = pc_.init_scale;
    nc.a_init = pc_.init_scale;
    nc.eta_init = pc_.eta_init;
    nc.memory = MemoryMode(pc_.memory);
    configure_net(nc);
    return nc;
}

void PlasticTask::init(uint64_t seed) {
    prepare();
    param_version_ = new_content_version();
    net_.configure(net_config());
    Rng rng(seed);
    net_.init(rng);
    training_.start(seed);
    apply_live_changes();
    live_ep_ = {};
    live_t_ = 0;
}

void PlasticTask::apply_live_changes() {
    training_.adam.cfg.lr = pc_.lr_at(training_.run.episode);
    training_.adam.cfg.clip_norm = pc_.clip;
    net_.set_bias_value(net_config().bias_value);
}

void PlasticTask::tensors(std::vector<TensorRef>& out) const {
    training_.tensors(out, net_.p.list(net_.config()));
}

void PlasticTask::clamp_eta() {
    // η outside [0, 1] makes the trace diverge (plain rule): keep it in range.
    net_.p.eta = net_.p.eta.cwiseMax(0.f).cwiseMin(1.f);
}

PlasticEpisode PlasticTask::episode(Rng& rng, Purpose why) {
    PlasticEpisode ep = make_episode(rng, why);
    const PlasticConfig& c = pc_;
    const int S = item_size(), T = c.T(), block = c.prestime + c.delay;
    const float scale = input_scale();
    ep.u.setZero(T, n());
    std::vector<int> order(size_t(c.n_items));
    for (int cyc = 0; cyc < c.cycles; ++cyc) {
        for (int k = 0; k < c.n_items; ++k) order[size_t(k)] = k;
        rng.shuffle(order.begin(), order.end());
        for (int k = 0; k < c.n_items; ++k) {
            const int t0 = (cyc * c.n_items + k) * block;
            for (int t = t0; t < t0 + c.prestime; ++t) ep.u.row(t).head(S) = scale * ep.items[size_t(order[size_t(k)])];
        }
    }
    for (int t = T - c.prestime_test; t < T; ++t) ep.u.row(t).head(S) = scale * ep.probe;
    return ep;
}

// ---- training

StepStats PlasticTask::train_step() {
    param_version_ = new_content_version();
    const int B = pc_.batch, T = pc_.T(), S = item_size();
    std::vector<PlasticEpisode> eps;
    for (int e = 0; e < B; ++e) {
        Rng rng = episode_rng(training_.run.seed, training_.run.episode + e);
        eps.push_back(episode(rng, Purpose::Train));
    }
    training_.run.episode += B;
    net_.begin(B, T);
    MatR<float> u(B, net_.n());
    for (int t = 1; t <= T; ++t) {
        for (int e = 0; e < B; ++e) u.row(e) = eps[size_t(e)].u.row(t - 1);
        net_.step(u);
    }
    // L = Σ_j (x_j(T) - target_j)² over the item's units; dL/dx = 2 (x - target), batch mean.
    double loss = 0, metric_sum = 0;
    const auto& x = net_.x(T);
    auto& gx = net_.grad_x(T);
    for (int e = 0; e < B; ++e) {
        const PlasticEpisode& ep = eps[size_t(e)];
        loss += item_loss(x.row(e).data(), ep.target, S, gx.row(e).data(), float(B));
        metric_sum += metric(x.row(e).data(), ep);
    }
    net_.backward(grads_);
    training_.adam.cfg.lr = pc_.lr_at(training_.run.episode - B);
    StepStats st;
    st.loss = loss / B;
    st.metric = metric_sum / B;
    st.extra["grad_norm"] = training_.adam.step(net_.p.list(net_.config()), grads_.list(net_.config()));
    clamp_eta();
    st.extra["eta"] = double(net_.p.eta.mean());
    st.extra["lr"] = training_.adam.cfg.lr;
    if (net_.config().alpha == AlphaMode::Shared) st.extra["alpha"] = double(net_.p.A(0, 0));
    add_stats(st);
    return st;
}

double PlasticTask::eval_episode(Rng& rng) {
    PlasticEpisode ep = episode(rng, Purpose::Eval);
    const int T = pc_.T();
    net_.begin(1, T);
    for (int t = 1; t <= T; ++t) net_.step(ep.u.row(t - 1));
    return metric(net_.x(T).row(0).data(), ep);
}

// ---- state

void PlasticTask::save(ArrayMap& out, bool with_optimizer) const {
    training_.save(out, net_.p.list(net_.config()), with_optimizer);
    // A fixed eta is not trained but defines the network: keep it.
    if (net_.config().eta == EtaMode::Fixed || !net_.plastic()) out["param/eta"] = to_array(net_.p.eta);
}

void PlasticTask::load(const ArrayMap& in, bool with_optimizer) {
    NetParams<float> p = net_.p;
    AdamRun<float> train = training_.read(in, p.list(net_.config()), with_optimizer, true);
    if (in.count("param/eta")) from_array(in, "param/eta", p.eta, p.eta.rows(), p.eta.cols());
    net_.p = std::move(p);
    training_ = std::move(train);
    training_.adam.cfg.lr = pc_.lr_at(training_.run.episode);
    param_version_ = new_content_version();
}

void dump_episode(ArrayMap& out, const MatR<double>& inputs, const std::vector<float>& target, double loss) {
    MatR<double> tgt(1, Eigen::Index(target.size()));
    for (size_t j = 0; j < target.size(); ++j) tgt(0, Eigen::Index(j)) = target[j];
    out["inputs"] = to_array(inputs);
    out["target"] = to_array(tgt);
    out["loss"] = scalar_array(loss);
}

void PlasticTask::grad_dump(uint64_t seed, ArrayMap& out) {
    Rng rng(seed);
    PlasticEpisode ep = episode(rng, Purpose::Train);
    const int T = pc_.T(), S = item_size();
    PlasticNet<double> net(net_.config());
    net.p = net_.p.cast<double>();
    net.begin(1, T);
    MatR<double> U = ep.u.cast<double>();
    for (int t = 1; t <= T; ++t) net.step(U.row(t - 1));
    const double loss = item_loss(net.x(T).data(), ep.target, S, net.grad_x(T).data(), 1.0);
    NetParams<double> g;
    net.backward(g);
    dump_episode(out, U, ep.target, loss);
    save_params(out, net.p.list(net.config()));
    save_params(out, g.list(net.config()), "grad/");
    out["param/eta"] = to_array(net.p.eta);
    out["info/bias_value"] = scalar_array(net.config().bias_value);
    out["info/input_mode"] = text_array(net.config().input == InputMode::Clamp ? "clamp" : "add");
    out["info/rule"] = text_array(net.config().rule == Rule::Oja ? "oja" : "hebb");
}

// ---- live stepping

void PlasticTask::live_reset(uint64_t episode_seed) {
    Rng rng(episode_seed);
    live_ep_ = episode(rng, Purpose::Live);
    Task::live_reset(episode_seed);
}

void PlasticTask::live_restart() {
    // The settings may have changed the episode's shape since it was drawn: draw one that fits.
    if (live_ep_.u.rows() != pc_.T() || live_ep_.u.cols() != net_.n()) {
        Rng rng(uint64_t(live_episode()) * 7919 + 1);
        live_ep_ = episode(rng, Purpose::Live);
    }
    net_.begin(1, pc_.T());
    live_t_ = 0;
    activity_.setZero(pc_.T(), net_.n());
    inputs_ = live_ep_.u;
}

bool PlasticTask::live_step() {
    if (live_t_ >= pc_.T()) return false;
    if (pc_.eta_override >= 0 && net_.plastic()) {
        const MatR<float> learned = net_.p.eta;
        net_.p.eta.setConstant(float(pc_.eta_override));
        net_.step(live_ep_.u.row(live_t_));
        net_.p.eta = learned;
    } else {
        net_.step(live_ep_.u.row(live_t_));
    }
    activity_.row(live_t_) = net_.x(live_t_ + 1).row(0);
    ++live_t_;
    return live_t_ < pc_.T();
}

namespace {
struct PlasticLiveState final : LiveState {
    PlasticNet<float>::ForwardState net;
    int t = 0;
    size_t bytes() const override { return net.bytes(); }
};
}  // namespace

std::shared_ptr<const LiveState> PlasticTask::live_save() const {
    auto s = std::make_shared<PlasticLiveState>();
    net_.save_state(s->net);
    s->t = live_t_;
    return s;
}

void PlasticTask::live_load(const LiveState& st) {
    const auto* s = dynamic_cast<const PlasticLiveState*>(&st);
    if (!s || s->t > pc_.T()) throw std::invalid_argument("live_load: not a state of this task's episode");
    net_.begin(1, pc_.T());
    net_.load_state(s->net);
    live_t_ = s->t;
    activity_.setZero(pc_.T(), net_.n());
    for (int t = 1; t <= live_t_; ++t) activity_.row(t - 1) = net_.x(t).row(0);
    inputs_ = live_ep_.u;
}

void PlasticTask::describe(ArrayMap& out) {
    out["info/rule"] = text_array(net_.config().rule == Rule::Oja ? "oja" : "hebb");
    out["info/bias_value"] = scalar_array(net_.config().bias_unit ? net_.config().bias_value : 0.0);
}

void PlasticTask::live_views(LiveViews& v) {
    const int T = pc_.T();
    v.t = live_t_;
    v.T = T;
    v.episode = live_episode();
    v.matrices.clear();
    if (net_.plastic()) {
        v.matrices.push_back({"H", &net_.trace(0), true, "Hebbian trace H(t) that produced x(t): (pre, post)."});
        net_.effective_weights(0, eff_);
        v.matrices.push_back({"W+A*H", &eff_, true, "Effective weights W + A (.) H(t)."});
    }
    v.matrices.push_back({"W", &net_.p.W, true, "Baseline weights W, trained across episodes."});
    v.matrices.back().version = param_version_;
    if (net_.config().alpha == AlphaMode::Independent) {
        v.matrices.push_back({"A", &net_.p.A, true, "Plasticity coefficients A (alpha), trained."});
        v.matrices.back().version = param_version_;
    }
    v.activity = &activity_;
    v.input = &inputs_;
    v.target = live_ep_.target;
    v.images.clear();
    v.scalars.clear();
    v.scalars["eta"] = double(net_.p.eta.mean());
    if (net_.config().alpha == AlphaMode::Shared) v.scalars["alpha (shared)"] = double(net_.p.A(0, 0));
    const int t0 = T - pc_.prestime_test;
    if (live_t_ > t0) v.scalars[metric_name() + " now"] = metric(net_.x(live_t_).data(), live_ep_);
    v.marks.clear();
    const int block = pc_.prestime + pc_.delay;
    for (int c = 0; c < pc_.cycles; ++c) v.marks.push_back({c * pc_.n_items * block, "cycle " + std::to_string(c + 1)});
    v.marks.push_back({t0, "probe"});
    v.status.clear();
    add_views(v);
}

}  // namespace ps
