// FlpLearner: building, outer-loop steps, plain-SGD rate tuning, checkpoints and gradient dumps
// for the three learners of the FLP experiments (see flp_learner.hpp).
#include "flp/flp_learner.hpp"
#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

namespace ps::flp {

std::vector<Field> learner_fields(LearnerConfig& c) {
    return {
        Field::choice("learner", &c.learner, {"flp", "oml", "sgd"},
                      "flp: head learns by the local Oja rule W += P ⊙ (x̃ᵀx - diag(Σx̃²) W) with post activity "
                      "x̃ = β ReLU(B s + c) + (1-β) x, s = target - output (regression) or onehot label; B, c, β, P, "
                      "initial weights and biases are meta-learned. oml: head learns by SGD, the outer loop "
                      "meta-trains the representation, the initial head and the rate. sgd: every layer learns "
                      "by online SGD from a fresh He init each episode; the rate is tuned on training episodes",
                      Apply::Rebuild),
        Field::integer("width", &c.width, 2, 1024, "units", "width of every hidden layer", Apply::Rebuild),
        Field::integer("rep_layers", &c.rep_layers, 0, 8, "layers",
                       "representation layers before the head: fixed within an episode, trained by the outer "
                       "loop (sgd: these learn online too)", Apply::Rebuild),
        Field::integer("head_layers", &c.head_layers, 1, 4, "layers",
                       "layers that learn within the episode (the last one is the output layer)", Apply::Rebuild),
        Field::choice("p_grain", &c.p_grain, {"synapse", "neuron", "layer", "shared"},
                      "flp: plasticity rate P per synapse, per post-synaptic neuron, per layer, or one value for "
                      "the whole head", Apply::Rebuild),
        Field::real("p_init", &c.p_init, -1, 1, "1/step", "flp: initial plasticity rate (paper: 0)", Apply::Rebuild),
        Field::real("beta_init", &c.beta_init, 0, 1, "", "flp: initial feedback mix β (x̃ = β f + (1-β) x)",
                    Apply::Rebuild),
        Field::real("fb_gain", &c.fb_gain, 0, 10, "", "flp: feedback weights start as fb_gain · N(0, 2/n_out)",
                    Apply::Rebuild),
        Field::real("inner_lr", &c.inner_lr, 1e-5, 10, "", "oml: initial inner SGD rate; sgd: the rate (replaced by "
                    "the best grid rate as training episodes come in)", Apply::Rebuild, true),
        Field::boolean("learn_inner_lr", &c.learn_inner_lr, "oml: the inner rate is meta-learned", Apply::Rebuild),
        Field::real("lr", &c.lr, 1e-6, 1, "", "outer-loop Adam learning rate", Apply::Live, true),
        Field::real("p_lr_scale", &c.p_lr_scale, 1e-6, 10, "",
                    "flp: the plasticity rates P learn at lr · p_lr_scale (the Oja step is stable only while "
                    "P · Σ_batch x̃² < 2, so P lives at a much smaller scale than the weights)", Apply::Live, true),
        Field::integer("p_warmup", &c.p_warmup, 0, 1000000, "steps",
                       "flp: the learning rate of P ramps linearly from 0 to lr · p_lr_scale over the first "
                       "p_warmup outer steps (Adam's first steps move P by their full rate whatever the gradient, "
                       "which pushed the untrained inner loop past its stability bound)", Apply::Live),
        Field::boolean("project", &c.project,
                       "flp: after each outer step clip P to >= 0 and β to [0, 1]. A negative rate turns Oja's decay "
                       "term -P·Σx̃²·W into exponential growth, and the inner loop then blows up", Apply::Live),
        Field::real("backoff", &c.backoff, 0, 1, "",
                    "flp: when an episode's inner loop diverges (no gradient), P is multiplied by this", Apply::Live),
        Field::real("clip", &c.clip, 0, 1e4, "", "outer-loop gradient-norm clip (0 = off)", Apply::Live),
        Field::integer("meta_batch", &c.meta_batch, 1, 256, "episodes", "episodes per outer step", Apply::Live),
        Field::integer("ckpt", &c.ckpt, 0, 100000, "steps",
                       "backward memory: 0 keeps the head weights of every inner step (memory ∝ T·width²); k keeps "
                       "every k-th and recomputes the rest (∝ (T/k + k)·width², one more forward)", Apply::Live),
        Field::integer("episodes", &c.episodes, 1, 100000000, "episodes",
                       "training budget: meta-training episodes (plain sgd: rate-tuning episodes)", Apply::Live),
    };
}

std::vector<double> sgd_rate_grid() {
    std::vector<double> g;
    for (int k = 0; k <= 12; ++k) g.push_back(std::pow(10.0, -3.0 + 0.25 * k));
    return g;
}

void FlpLearner::build(const LearnerConfig& c, int n_in, int n_out, Loss loss, bool clamp_output, uint64_t seed) {
    lc = c;
    cfg = NetConfig{};
    cfg.sizes = {n_in};
    const int L = lc.rep_layers + lc.head_layers;
    for (int i = 0; i < L - 1; ++i) cfg.sizes.push_back(lc.width);
    cfg.sizes.push_back(n_out);
    cfg.n_head = kind() == Learner::Sgd ? L : lc.head_layers;
    cfg.rule = kind() == Learner::Flp ? Rule::Flp : Rule::Sgd;
    cfg.grain = PGrain(lc.p_grain);
    cfg.loss = loss;
    cfg.clamp_output = clamp_output && kind() == Learner::Flp;
    cfg.learn_lr = kind() == Learner::Oml && lc.learn_inner_lr;
    cfg.ckpt = lc.ckpt;
    cfg.validate();
    InitOptions io;
    io.p_init = lc.p_init; io.beta_init = lc.beta_init; io.lr_init = lc.inner_lr; io.feedback_gain = lc.fb_gain;
    Rng rng(seed);
    p = init_params<float>(cfg, io, rng);
    adam.reset();
    adam_p.reset();
    apply_live();
    grid_sum.assign(sgd_rate_grid().size(), 0.0);
    grid_n.assign(sgd_rate_grid().size(), 0);
}

void FlpLearner::apply_live() {
    adam.cfg.lr = lc.lr;
    adam.cfg.clip_norm = 0;                          // clipped here, over both lists together
    adam_p.cfg.lr = lc.lr * lc.p_lr_scale;
    adam_p.cfg.clip_norm = 0;
    cfg.ckpt = lc.ckpt;
}

FlpLearner::List FlpLearner::param_list(Params<float>& q, bool rates) const {
    List l;
    for (auto& [n, m] : q.list(cfg))
        if ((cfg.rule == Rule::Flp && n[0] == 'P') == rates) l.emplace_back(n, m);
    return l;
}

Params<float> FlpLearner::episode_params(Rng& init_rng) const {
    if (meta_learned()) return p;
    InitOptions io;
    io.lr_init = lc.inner_lr;
    return init_params<float>(cfg, io, init_rng);
}

float FlpLearner::run(const Episode<float>& ep, const Params<float>& pe, Unroll<float>& u) const {
    return episode_forward(cfg, pe, ep, u, false);
}

StepStats FlpLearner::train(const std::vector<Episode<float>>& eps, Rng& init_rng, const MetricFn& metric) {
    StepStats st;
    if (eps.empty()) return st;
    if (!meta_learned()) {                           // plain SGD: one grid-tuning step per episode
        const auto grid = sgd_rate_grid();
        std::vector<double> this_loss(grid.size()), this_metric(grid.size());
        for (const auto& ep : eps) {
            Rng r0 = init_rng.split();
            for (size_t i = 0; i < grid.size(); ++i) {
                Rng r = r0;                          // the same fresh init for every rate
                Params<float> pe = episode_params(r);
                pe.lr(0, 0) = float(grid[i]);
                Unroll<float> u;
                double l = run(ep, pe, u);
                if (!std::isfinite(l) || l > 1e30) l = 1e30;   // a diverging rate loses, it does not poison the mean
                grid_sum[i] += l; ++grid_n[i];
                this_loss[i] += l / double(eps.size()); this_metric[i] += metric(ep, u.qX.back()) / double(eps.size());
            }
        }
        // The best mean query loss among the "safe" rates: a rate is safe if neither it nor the next
        // larger grid rate ever diverged on the tuning episodes (the best rate otherwise sits at
        // the edge of stability, and an unseen episode then diverges at evaluation).
        auto mean = [&](size_t i) { return grid_sum[i] / double(grid_n[i]); };
        auto never_diverged = [&](size_t i) { return grid_sum[i] < 1e30; };
        auto safe = [&](size_t i) { return never_diverged(i) && (i + 1 >= grid.size() || never_diverged(i + 1)); };
        size_t best = 0;
        for (size_t i = 1; i < grid.size(); ++i)
            if (safe(i) && (!safe(best) || mean(i) < mean(best))) best = i;
        lc.inner_lr = grid[best];
        p.lr(0, 0) = float(grid[best]);
        st.loss = this_loss[best]; st.metric = this_metric[best];
        st.extra["sgd_rate"] = grid[best];
        st.extra["sgd_rate_mean_loss"] = mean(best);
        return st;
    }
    // An episode whose inner loop diverged (the Oja step is unstable once P · Σx̃² > 2) has no
    // usable gradient: it is left out of the mean and counted in extra["diverged"], and the rates
    // back off (P *= backoff). If every episode of the batch diverged, the batch is run again with
    // the smaller rates (up to kRetries times), so a run whose rates overshot recovers instead of
    // stopping; the step is skipped (loss NaN) only if the batch still diverges after that.
    constexpr int kRetries = 6;
    Params<float> g, ge;
    int good = 0, diverged = 0;
    for (int attempt = 0; attempt <= kRetries && good == 0; ++attempt) {
        g = p.zeros_like();
        st.loss = st.metric = 0;
        for (const auto& ep : eps) {
            Unroll<float> u;
            const double l = episode_forward(cfg, p, ep, u, true);
            bool fin = std::isfinite(l);
            if (fin) {
                ge = p.zeros_like();
                episode_backward(cfg, p, ep, u, ge);
                for (const auto& [n, m] : std::as_const(ge).list(cfg)) fin = fin && m->allFinite();
            }
            if (!fin) { ++diverged; continue; }
            g.add(ge);
            st.loss += l; st.metric += metric(ep, u.qX.back());
            ++good;
        }
        if (good < int(eps.size()) && kind() == Learner::Flp)
            for (auto& m : p.P) m *= float(lc.backoff);
        if (kind() != Learner::Flp || lc.backoff >= 1) break;      // nothing to back off: no retry
    }
    st.extra["diverged"] = double(diverged);
    if (good == 0) {
        st.loss = st.metric = std::numeric_limits<double>::quiet_NaN();
        return st;
    }
    st.loss /= good; st.metric /= good;
    auto gl = param_list(g, false), gp = param_list(g, true);
    double norm2 = 0;
    for (auto* l : {&gl, &gp})
        for (auto& [name, m] : *l) { *m *= float(1.0 / good); norm2 += double(m->squaredNorm()); }
    const double norm = std::sqrt(norm2);
    if (lc.clip > 0 && norm > lc.clip)
        for (auto* l : {&gl, &gp}) for (auto& [name, m] : *l) *m *= float(lc.clip / norm);
    adam.step(param_list(p, false), gl);
    if (!gp.empty()) {
        const double ramp = lc.p_warmup > 0 ? std::min(1.0, double(adam_p.steps + 1) / lc.p_warmup) : 1.0;
        adam_p.cfg.lr = lc.lr * lc.p_lr_scale * ramp;
        adam_p.step(param_list(p, true), gp);
    }
    if (kind() == Learner::Flp && lc.project) {
        for (auto& m : p.P) m = m.cwiseMax(0.0f);
        for (auto& m : p.beta) m = m.cwiseMax(0.0f).cwiseMin(1.0f);
    }
    st.extra["grad_norm"] = norm;
    if (kind() == Learner::Flp) {
        for (int h = 0; h < cfg.n_head; ++h)
            if (cfg.has_feedback(h)) st.extra["beta" + std::to_string(cfg.F() + h + 1)] = p.beta[size_t(h)](0, 0);
        double ps = 0, pn = 0;
        for (auto& m : p.P) { ps += m.cwiseAbs().sum(); pn += double(m.size()); }
        st.extra["eta"] = ps / pn;                   // mean plasticity rate (the trainer shows "eta")
    } else if (cfg.learn_lr) {
        st.extra["inner_lr"] = p.lr(0, 0);
    }
    return st;
}

void FlpLearner::tensors(std::vector<TensorRef>& out) const {
    const auto l = p.list(cfg);
    add_tensors(out, l);
    // The inner rate is a parameter only when it is meta-learned; it steps every inner loop.
    bool lr_listed = false;
    for (const auto& [n, m] : l) lr_listed = lr_listed || m == &p.lr;
    if (!lr_listed) out.push_back({"lr", p.lr.data(), int64_t(p.lr.size()), false});
    adam.tensors(out, "optim/");
    adam_p.tensors(out, "optim_p/");
}

void FlpLearner::save(ArrayMap& out, bool with_optimizer) const {
    for (const auto& [n, m] : p.list(cfg)) out["param/" + n] = to_array(*m);
    out["state/inner_lr"] = scalar_array(p.lr(0, 0), false);
    if (with_optimizer) {
        if (meta_learned()) adam.save(out, "optim/");
        if (kind() == Learner::Flp) adam_p.save(out, "optim_p/");
        // Adam creates its moments at the first step; a checkpoint written before it (e.g. by
        // the GUI at episode 0) still needs them for load(), so missing moments are saved as the
        // zeros Adam would start from.
        for (const auto& [n, m] : p.list(cfg)) {
            const bool rate = cfg.rule == Rule::Flp && n[0] == 'P';
            if (!meta_learned()) break;
            const std::string pre = rate ? "optim_p/" : "optim/";
            for (const char* mv : {"m/", "v/"})
                if (!out.count(pre + mv + n)) out[pre + mv + n] = to_array(MatR<float>(MatR<float>::Zero(m->rows(), m->cols())));
        }
        Array s;
        s.dtype = Array::Dtype::F64; s.shape = {int64_t(grid_sum.size())}; s.f64 = grid_sum;
        out["state/sgd_grid_loss_sum"] = s;
        out["state/sgd_grid_n"] = i64_array(grid_n);
    }
}

void FlpLearner::load(const ArrayMap& in, bool with_optimizer) {
    Params<float> q = p;                             // all or nothing: validate into a copy
    for (auto& [n, m] : q.list(cfg)) from_array(in, "param/" + n, *m, m->rows(), m->cols());
    const double lr = scalar_from(in, "state/inner_lr");
    Adam<float> a = adam, ap = adam_p;
    std::vector<double> gs = grid_sum;
    std::vector<int64_t> gn = grid_n;
    if (with_optimizer) {
        if (meta_learned()) a.load(in, "optim/", param_list(q, false));
        if (kind() == Learner::Flp) ap.load(in, "optim_p/", param_list(q, true));
        auto is = in.find("state/sgd_grid_loss_sum"), in_ = in.find("state/sgd_grid_n");
        if (is == in.end() || in_ == in.end()) throw std::runtime_error("array 'state/sgd_grid_loss_sum' or 'state/sgd_grid_n' is missing");
        if (is->second.size() != int64_t(gs.size()) || in_->second.size() != int64_t(gn.size()))
            throw std::runtime_error("arrays 'state/sgd_grid_*' do not match the rate grid of " + std::to_string(gs.size()));
        for (size_t i = 0; i < gs.size(); ++i) {
            gs[i] = is->second.at(int64_t(i)); gn[i] = int64_t(in_->second.at(int64_t(i)));
            if (!std::isfinite(gs[i]) || gn[i] < 0) throw std::runtime_error("arrays 'state/sgd_grid_*' hold invalid values");
        }
    }
    p = std::move(q);
    p.lr(0, 0) = float(lr);
    // The rate is kept as float: a setting of 0.03 comes back as 0.0299999993. The setting keeps
    // its text unless the rate really moved (meta-learned by OML, tuned for SGD).
    if (float(lc.inner_lr) != float(lr)) lc.inner_lr = lr;
    if (with_optimizer) { adam = a; adam_p = ap; grid_sum = gs; grid_n = gn; }
}

void FlpLearner::grad_dump(const Episode<float>& ep, Rng& init_rng, ArrayMap& out) const {
    const Params<double> pd = episode_params(init_rng).cast<double>();
    const Episode<double> ed = ep.cast<double>();
    NetConfig c = cfg;
    Unroll<double> u;
    const double loss = episode_forward(c, pd, ed, u, true);
    Params<double> g = pd.zeros_like();
    episode_backward(c, pd, ed, u, g);
    out["input/X"] = to_array(ed.X); out["input/Y"] = to_array(ed.Y);
    out["input/Xq"] = to_array(ed.Xq); out["input/Yq"] = to_array(ed.Yq);
    out["input/start"] = i64_array(std::vector<int64_t>(ed.start.begin(), ed.start.end()));
    for (const auto& [n, m] : pd.list(c)) out["param/" + n] = to_array(*m);
    if (!out.count("param/lr") && cfg.rule == Rule::Sgd) out["param/lr"] = to_array(pd.lr);   // the rate used (not trained)
    for (const auto& [n, m] : std::as_const(g).list(c)) out["grad/" + n] = to_array(*m);
    out["loss"] = scalar_array(loss);
}

}  // namespace ps::flp
