// Binary pattern memorisation (DP 2018, SPEC section 3; authors' simple/simple.py defaults).
// Each episode shows a few random ±1 patterns, each for `prestime` steps followed by `delay`
// zero steps, for `cycles` cycles (order shuffled per cycle), then one of them with a fraction
// of its bits zeroed for `prestime_test` steps. Inputs (×input_boost) add to the pre-activation;
// neuron n-1 is the bias unit. Loss: squared error of the pattern neurons at the last step;
// metric: fraction of wrong signs. Within one episode the Hebbian traces store the patterns,
// and the probe's missing bits are completed from them.
#include <algorithm>
#include <cmath>
#include "optim.hpp"
#include "plastic_net.hpp"
#include "task.hpp"

namespace ps {
namespace {

struct PatternsConfig {
    int pattern_size = 1000;
    int n_patterns = 5;
    int prestime = 6;
    int prestime_test = 6;
    int delay = 4;
    int cycles = 2;
    int hidden = 0;               // extra neurons beyond pattern + bias (the non-plastic baseline's size)
    double degrade = 0.5;         // fraction of probe bits zeroed
    double input_boost = 20.0;
    int rule = 0;                 // Rule
    int alpha = 0;                // AlphaMode
    int eta_mode = 0;             // EtaMode
    double eta_init = 0.01;
    double init_scale = 0.01;
    double eta_override = -1;     // live stepping only: >= 0 replaces the learned eta
    double lr = 3e-4;
    double clip = 0;              // gradient-norm clip (0 = off)
    int batch = 1;
    int memory = 0;               // MemoryMode

    int n() const { return pattern_size + 1 + hidden; }
    int T() const { return cycles * n_patterns * (prestime + delay) + prestime_test; }
};

struct Episode {
    MatR<float> u;                // (T, n) inputs, bias unit excluded (the net adds it)
    std::vector<float> target;    // (pattern_size) ±1
    std::vector<MatR<float>> patterns;   // each (1, pattern_size), for the viewer
    MatR<float> probe;            // (1, pattern_size)
};

class PatternsTask final : public Task {
public:
    PatternsTask() { set_preset("quick"); }

    std::string name() const override { return "patterns"; }
    std::string description() const override {
        return "Binary pattern memorisation (Miconi, Clune & Stanley 2018). Each episode shows a few random "
               "+-1 patterns, twice, then one of them with half its bits zeroed; the network must output the "
               "whole pattern at the last step. Nothing is trained within the episode: the patterns are stored "
               "by the Hebbian trace H, whose rate eta and per-connection gains A were learned across episodes. "
               "Watch H build up block by block as each pattern is shown, and the probe's missing bits filled in "
               "from it at the end. The non-plastic preset has the same task and no trace: it cannot do it.";
    }
    std::vector<PresetInfo> presets() const override {
        return {{"quick", "200 bits, 3 patterns, N=201; learns to <1% wrong signs in ~1 min on one core"},
                {"paper", "1000 bits, 5 patterns, N=1001, T=106 (paper defaults); 2000 episodes, ~25-40 min"},
                {"bits50", "50 bits, 2 patterns, T=11, plastic N=51 (~5k params); learns in ~1 min"},
                {"bits50-nonplastic", "same task, non-plastic RNN of N=1051 (~1.1M params), Adam 3e-5"}};
    }
    std::string preset() const override { return preset_; }
    void set_preset(const std::string& p) override {
        PatternsConfig c;
        if (p == "quick") {
            c.pattern_size = 200; c.n_patterns = 3; c.lr = 1e-3;
        } else if (p == "paper") {
        } else if (p == "bits50" || p == "bits50-nonplastic") {
            c.pattern_size = 50; c.n_patterns = 2; c.cycles = 1; c.prestime = 3; c.prestime_test = 3; c.delay = 1;
            if (p == "bits50-nonplastic") { c.alpha = int(AlphaMode::None); c.hidden = 1000; c.lr = 3e-5; }
        } else {
            throw ConfigError("unknown preset '" + p + "' for task patterns (presets: quick, paper, bits50, bits50-nonplastic)");
        }
        cfg_ = c;
        preset_ = p;
    }
    std::vector<Field> fields() override {
        auto& c = cfg_;
        return {
            Field::integer("pattern_size", &c.pattern_size, 2, 4096, "bits", "Bits per pattern; N = pattern_size + 1 (bias) + hidden.", Apply::Rebuild),
            Field::integer("n_patterns", &c.n_patterns, 1, 50, "", "Patterns shown per episode; the probe is one of them.", Apply::Episode),
            Field::integer("prestime", &c.prestime, 1, 100, "steps", "Steps each pattern is shown for.", Apply::Episode),
            Field::integer("prestime_test", &c.prestime_test, 1, 100, "steps", "Steps the degraded probe is shown for; the loss is at the last.", Apply::Episode),
            Field::integer("delay", &c.delay, 0, 100, "steps", "Zero-input steps after each presentation.", Apply::Episode),
            Field::integer("cycles", &c.cycles, 1, 20, "", "Presentation cycles (order shuffled each cycle).", Apply::Episode),
            Field::integer("hidden", &c.hidden, 0, 8192, "neurons", "Extra neurons beyond the pattern and bias units.", Apply::Rebuild),
            Field::real("degrade", &c.degrade, 0, 1, "fraction", "Fraction of the probe's bits set to zero.", Apply::Episode),
            Field::real("input_boost", &c.input_boost, 0, 1000, "x", "Inputs (and the bias) are multiplied by this before they add to the pre-activation.", Apply::Episode),
            Field::choice("rule", &c.rule, {"hebb", "oja"}, "hebb: H <- (1-eta) H + eta x(t-1)^T x(t); oja: H += eta x(t) (x(t-1) - H x(t)) column-wise.", Apply::Rebuild),
            Field::choice("alpha", &c.alpha, {"independent", "shared", "none"}, "Plasticity coefficients: one per connection, one shared scalar, or none (non-plastic).", Apply::Rebuild),
            Field::choice("eta_mode", &c.eta_mode, {"scalar", "per-neuron", "fixed"}, "Plasticity rate: one learned scalar, one per post-synaptic neuron, or fixed at eta_init.", Apply::Rebuild),
            Field::real("eta_init", &c.eta_init, 0, 1, "1/step", "Initial plasticity rate.", Apply::Rebuild),
            Field::real("eta_override", &c.eta_override, -1, 1, "1/step", "Live view only: if >= 0, the live network steps with this plasticity rate instead of the learned one (training is unaffected); -1 = learned.", Apply::Live),
            Field::real("init_scale", &c.init_scale, 0, 10, "", "W and A are drawn from init_scale * N(0, 1).", Apply::Rebuild),
            Field::real("lr", &c.lr, 1e-7, 1, "", "Adam learning rate.", Apply::Live, true),
            Field::real("clip", &c.clip, 0, 1e6, "", "Gradient-norm clip: gradients are rescaled to at most this L2 norm (0 = off).", Apply::Live),
            Field::integer("batch", &c.batch, 1, 64, "episodes", "Episodes per optimisation step (each has its own trace).", Apply::Live),
            Field::choice("memory", &c.memory, {"recompute", "store-all"}, "BPTT memory: recompute H backwards (N^2 x few anchors) or store every H(t) (N^2 x T).", Apply::Rebuild),
        };
    }
    std::string metric_name() const override { return "wrong-sign fraction"; }

    void init(uint64_t seed) override {
        param_version_ = new_content_version();
        NetConfig nc;
        nc.n = cfg_.n();
        nc.rule = Rule(cfg_.rule);
        nc.alpha = AlphaMode(cfg_.alpha);
        nc.eta = EtaMode(cfg_.eta_mode);
        nc.input = InputMode::Add;
        nc.bias_unit = true;
        nc.bias_value = cfg_.input_boost;
        nc.w_init = cfg_.init_scale;
        nc.a_init = cfg_.init_scale;
        nc.eta_init = cfg_.eta_init;
        nc.memory = MemoryMode(cfg_.memory);
        net_.configure(nc);
        Rng rng(seed);
        net_.init(rng);
        seed_ = seed;
        episode_ = 0;
        adam_.reset();
        apply_live_changes();
        live_ep_ = {};
        live_t_ = 0;
    }
    void apply_live_changes() override {
        adam_.cfg.lr = cfg_.lr;
        adam_.cfg.clip_norm = cfg_.clip;
        net_.set_bias_value(cfg_.input_boost);
    }
    int64_t num_params() const override {
        int64_t k = 0;
        const auto& p = net_.p;
        for (auto& [n, m] : p.list(net_.config())) k += m->size();
        return k;
    }
    int episodes_per_step() const override { return cfg_.batch; }

    StepStats train_step() override {
        param_version_ = new_content_version();
        const int B = cfg_.batch, T = cfg_.T(), S = cfg_.pattern_size;
        std::vector<Episode> eps;
        for (int e = 0; e < B; ++e) {
            Rng rng = data_rng(seed_, episode_ + e);
            eps.push_back(make_episode(rng));
        }
        episode_ += B;
        net_.begin(B, T);
        MatR<float> u(B, net_.n());
        for (int t = 1; t <= T; ++t) {
            for (int e = 0; e < B; ++e) u.row(e) = eps[size_t(e)].u.row(t - 1);
            net_.step(u);
        }
        // L = Σ_j (x_j(T) - target_j)² over the pattern neurons; dL/dx = 2 (x - target).
        double loss = 0, wrong = 0;
        const auto& x = net_.x(T);
        auto& gx = net_.grad_x(T);
        for (int e = 0; e < B; ++e)
            for (int j = 0; j < S; ++j) {
                const double d = double(x(e, j)) - eps[size_t(e)].target[size_t(j)];
                loss += d * d;
                gx(e, j) = float(2 * d) / float(B);
                if ((x(e, j) > 0) != (eps[size_t(e)].target[size_t(j)] > 0)) wrong += 1;
            }
        net_.backward(grads_);
        StepStats st;
        st.loss = loss / B;
        st.metric = wrong / (double(B) * S);
        st.extra["grad_norm"] = adam_.step(net_.p.list(net_.config()), grads_.list(net_.config()));
        clamp_eta();
        st.extra["eta"] = double(net_.p.eta.mean());
        return st;
    }

    double eval_episode(Rng& rng) override {
        Episode ep = make_episode(rng);
        const int T = cfg_.T();
        net_.begin(1, T);
        for (int t = 1; t <= T; ++t) net_.step(ep.u.row(t - 1));
        const auto& x = net_.x(T);
        int wrong = 0;
        for (int j = 0; j < cfg_.pattern_size; ++j)
            if ((x(0, j) > 0) != (ep.target[size_t(j)] > 0)) ++wrong;
        return double(wrong) / cfg_.pattern_size;
    }

    std::string find_nonfinite() const override {
        const auto& p = net_.p;
        for (auto& [n, m] : p.list(net_.config()))
            if (!m->allFinite()) return n;
        if (!adam_.finite()) return "Adam moments";
        return "";
    }

    void save(ArrayMap& out, bool with_optimizer) const override {
        const auto& p = net_.p;
        for (auto& [n, m] : p.list(net_.config())) out["param/" + n] = to_array(*m);
        if (net_.config().eta == EtaMode::Fixed || !net_.plastic()) out["param/eta"] = to_array(net_.p.eta);
        out["state/episode"] = i64_array({episode_});
        out["state/seed"] = i64_array({int64_t(seed_)});
        if (with_optimizer) adam_.save(out, "adam/");
    }
    void load(const ArrayMap& in, bool with_optimizer) override {
        param_version_ = new_content_version();
        auto list = net_.p.list(net_.config());
        for (auto& [n, m] : list) from_array(in, "param/" + n, *m, m->rows(), m->cols());
        if (in.count("param/eta")) from_array(in, "param/eta", net_.p.eta, net_.p.eta.rows(), net_.p.eta.cols());
        auto it = in.find("state/episode");
        if (it != in.end() && it->second.size() == 1) episode_ = int64_t(it->second.at(0));
        it = in.find("state/seed");
        if (it != in.end() && it->second.size() == 1) seed_ = uint64_t(it->second.at(0));
        if (with_optimizer) adam_.load(in, "adam/", list);
    }

    void grad_dump(uint64_t seed, ArrayMap& out) override {
        Rng rng(seed);
        Episode ep = make_episode(rng);
        const int T = cfg_.T(), S = cfg_.pattern_size;
        PlasticNet<double> net(net_.config());
        net.p = net_.p.cast<double>();
        net.begin(1, T);
        MatR<double> U = ep.u.cast<double>();
        for (int t = 1; t <= T; ++t) net.step(U.row(t - 1));
        double loss = 0;
        for (int j = 0; j < S; ++j) {
            const double d = net.x(T)(0, j) - ep.target[size_t(j)];
            loss += d * d;
            net.grad_x(T)(0, j) = 2 * d;
        }
        NetParams<double> g;
        net.backward(g);
        MatR<double> tgt(1, S);
        for (int j = 0; j < S; ++j) tgt(0, j) = ep.target[size_t(j)];
        out["inputs"] = to_array(U);
        out["target"] = to_array(tgt);
        out["loss"] = scalar_array(loss);
        for (auto& [n, m] : net.p.list(net.config())) out["param/" + n] = to_array(*m);
        for (auto& [n, m] : g.list(net.config())) out["grad/" + n] = to_array(*m);
        out["param/eta"] = to_array(net.p.eta);
        out["info/bias_value"] = scalar_array(net.config().bias_value);
        out["info/rule"] = text_array(net.config().rule == Rule::Oja ? "oja" : "hebb");
    }

    // ---- live
    void live_reset(uint64_t episode_seed) override {
        Rng rng(episode_seed);
        live_ep_ = make_episode(rng);
        ++live_count_;
        live_restart();
    }
    void live_restart() override {
        if (live_ep_.u.rows() != cfg_.T() || live_ep_.u.cols() != net_.n()) {
            Rng rng(live_count_ * 7919 + 1);
            live_ep_ = make_episode(rng);
        }
        net_.begin(1, cfg_.T());
        live_t_ = 0;
        activity_.setZero(cfg_.T(), net_.n());
        inputs_ = live_ep_.u;
    }
    bool live_step() override {
        if (live_t_ >= cfg_.T()) return false;
        if (cfg_.eta_override >= 0) {
            const MatR<float> learned = net_.p.eta;
            net_.p.eta.setConstant(float(cfg_.eta_override));
            net_.step(live_ep_.u.row(live_t_));
            net_.p.eta = learned;
        } else {
            net_.step(live_ep_.u.row(live_t_));
        }
        activity_.row(live_t_) = net_.x(live_t_ + 1).row(0);
        ++live_t_;
        return live_t_ < cfg_.T();
    }
    void live_views(LiveViews& v) override {
        const int S = cfg_.pattern_size;
        v.t = live_t_;
        v.T = cfg_.T();
        v.episode = live_count_;
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
        // Patterns as images: a near-square grid.
        const int w = int(std::ceil(std::sqrt(double(S)))), h = (S + w - 1) / w;
        auto img = [&](const std::string& name, const float* data, float scale) {
            ImageView iv;
            iv.name = name; iv.width = w; iv.height = h;
            iv.pixels.assign(size_t(w * h), 0.f);
            for (int j = 0; j < S; ++j) iv.pixels[size_t(j)] = data[j] * scale;
            return iv;
        };
        v.images.clear();
        for (size_t k = 0; k < live_ep_.patterns.size(); ++k)
            v.images.push_back(img("pattern " + std::to_string(k + 1), live_ep_.patterns[k].data(), 1.f));
        v.images.push_back(img("probe", live_ep_.probe.data(), 1.f));
        if (live_t_ > 0) v.images.push_back(img("output x(t)", net_.x(live_t_).data(), 1.f));
        v.images.push_back(img("target", live_ep_.target.data(), 1.f));
        v.scalars.clear();
        v.scalars["eta"] = double(net_.p.eta.mean());
        if (live_t_ > 0) {
            double wrong = 0;
            for (int j = 0; j < S; ++j)
                if ((net_.x(live_t_)(0, j) > 0) != (live_ep_.target[size_t(j)] > 0)) wrong += 1;
            v.scalars["wrong-sign fraction now"] = wrong / S;
        }
        v.marks.clear();
        const int block = cfg_.prestime + cfg_.delay;
        for (int c = 0; c < cfg_.cycles; ++c)
            v.marks.push_back({c * cfg_.n_patterns * block, "cycle " + std::to_string(c + 1)});
        v.marks.push_back({cfg_.T() - cfg_.prestime_test, "probe"});
        v.status = live_t_ >= cfg_.T() ? "episode over: the last output is the network's answer"
                                         : (live_t_ >= cfg_.T() - cfg_.prestime_test ? "probe shown: completing" : "storing patterns");
    }

private:
    // Per-episode data stream: episode k of a run with seed s always sees the same data, so a
    // resumed run continues the exact sequence.
    static Rng data_rng(uint64_t seed, int64_t k) { return Rng(seed * 0x9E3779B97F4A7C15ull + uint64_t(k) * 0xD1B54A32D192ED03ull + 1); }

    Episode make_episode(Rng& rng) const {
        const PatternsConfig& c = cfg_;
        const int S = c.pattern_size, n = c.n(), T = c.T(), block = c.prestime + c.delay;
        Episode ep;
        // Balanced ±1 patterns: half the bits -1, shuffled.
        std::vector<float> base(size_t(S), 1.f);
        for (int j = 0; j < S / 2; ++j) base[size_t(j)] = -1.f;
        ep.patterns.resize(size_t(c.n_patterns));
        for (auto& p : ep.patterns) {
            std::vector<float> v = base;
            rng.shuffle(v.begin(), v.end());
            p = Eigen::Map<MatR<float>>(v.data(), 1, S);
        }
        const int which = int(rng.below(uint64_t(c.n_patterns)));
        ep.target.assign(ep.patterns[size_t(which)].data(), ep.patterns[size_t(which)].data() + S);
        std::vector<float> keep(size_t(S), 1.f);
        for (int j = 0; j < int(c.degrade * S); ++j) keep[size_t(j)] = 0.f;
        rng.shuffle(keep.begin(), keep.end());
        ep.probe.resize(1, S);
        for (int j = 0; j < S; ++j) ep.probe(0, j) = ep.target[size_t(j)] * keep[size_t(j)];
        ep.u.setZero(T, n);
        const float boost = float(c.input_boost);
        std::vector<int> order(size_t(c.n_patterns));
        for (int cyc = 0; cyc < c.cycles; ++cyc) {
            for (int k = 0; k < c.n_patterns; ++k) order[size_t(k)] = k;
            rng.shuffle(order.begin(), order.end());
            for (int k = 0; k < c.n_patterns; ++k) {
                const int t0 = (cyc * c.n_patterns + k) * block;
                for (int t = t0; t < t0 + c.prestime; ++t) ep.u.row(t).head(S) = boost * ep.patterns[size_t(order[size_t(k)])];
            }
        }
        for (int t = T - c.prestime_test; t < T; ++t) ep.u.row(t).head(S) = boost * ep.probe;
        return ep;
    }

    void clamp_eta() {
        // η outside [0, 1] makes the trace diverge (plain rule) — keep it in range.
        net_.p.eta = net_.p.eta.cwiseMax(0.f).cwiseMin(1.f);
    }

    PatternsConfig cfg_;
    std::string preset_;
    PlasticNet<float> net_;
    NetParams<float> grads_;
    Adam<float> adam_;
    uint64_t seed_ = 0;
    int64_t episode_ = 0;
    // live
    Episode live_ep_;
    int live_t_ = 0;
    uint64_t live_count_ = 0;
    MatR<float> activity_, inputs_, eff_;
    uint64_t param_version_ = new_content_version();   // W and A's MatrixView::version
};

}  // namespace

PS_REGISTER_TASK("patterns", "DP 2018 binary pattern memorisation (quick, paper 1000-bit, 50-bit plastic vs non-plastic)", PatternsTask);

}  // namespace ps
