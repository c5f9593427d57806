// Binary pattern memorisation (DP 2018, docs/science.md §3; authors' simple/simple.py defaults).
// Each episode shows a few random ±1 patterns, each for `prestime` steps followed by `delay`
// zero steps, for `cycles` cycles (order shuffled per cycle), then one of them with a fraction
// of its bits zeroed for `prestime_test` steps (the layout, the loss and everything else a
// plastic task shares: engine/plastic_task.hpp). Inputs (×input_boost) add to the
// pre-activation; neuron n-1 is the bias unit. Metric: fraction of wrong signs at the last step.
// Within one episode the Hebbian traces store the patterns, and the probe's missing bits are
// completed from them.
#include <cmath>
#include "plastic_task.hpp"

namespace ps {
namespace {

TaskInfo patterns_info() {
    // name, description, metric, whether lower is better, presets (the first is the default)
    return {"patterns",
            "Binary pattern memorisation (Miconi, Clune & Stanley 2018). Each episode shows a few random "
            "+-1 patterns, twice, then one of them with half its bits zeroed; the network must output the "
            "whole pattern at the last step. Nothing is trained within the episode: the patterns are stored "
            "by the Hebbian trace H, whose rate eta and per-connection gains A were learned across episodes. "
            "Watch H build up block by block as each pattern is shown, and the probe's missing bits filled in "
            "from it at the end. The non-plastic preset has the same task and no trace: it cannot do it.",
            "wrong-sign fraction", true,
            {{"quick", "200 bits, 3 patterns, N=201; learns to <1% wrong signs in ~1 min on one core"},
             {"paper", "1000 bits, 5 patterns, N=1001, T=106 (paper defaults); 2000 episodes, ~25-40 min"},
             {"bits50", "50 bits, 2 patterns, T=11, plastic N=51 (~5k params); learns in ~1 min"},
             {"bits50-nonplastic", "same task, non-plastic RNN of N=1051 (~1.1M params), Adam 3e-5"}}};
}

class PatternsTask final : public PlasticTask {
public:
    PatternsTask() : PlasticTask(patterns_info()) { set_preset("quick"); }

    std::vector<Field> fields() override {
        std::vector<Field> f = {Field::integer("pattern_size", &pattern_size_, 2, 4096, "bits", "Bits per pattern; N = pattern_size + 1 (bias) + hidden.", Apply::Rebuild)};
        for (auto& x : layout_fields("n_patterns", "pattern", 50, "degraded")) f.push_back(x);
        f.push_back(hidden_field(8192, "Extra neurons beyond the pattern and bias units."));
        f.push_back(Field::real("degrade", &degrade_, 0, 1, "fraction", "Fraction of the probe's bits set to zero.", Apply::Episode));
        f.push_back(Field::real("input_boost", &input_boost_, 0, 1000, "x", "Inputs (and the bias) are multiplied by this before they add to the pre-activation.", Apply::Episode));
        for (auto& x : network_fields()) f.push_back(x);
        for (auto& x : training_fields(false, "")) f.push_back(x);
        return f;
    }

protected:
    // Presets: the authors' defaults (paper), their smaller versions, and a non-plastic control.
    void apply_preset(const std::string& p) override {
        pc_ = PlasticConfig{};
        pc_.n_items = 5; pc_.prestime = 6; pc_.prestime_test = 6; pc_.delay = 4; pc_.cycles = 2;
        pattern_size_ = 1000; degrade_ = 0.5; input_boost_ = 20.0;
        if (p == "quick") {
            pattern_size_ = 200; pc_.n_items = 3; pc_.lr = 1e-3;
        } else if (p == "bits50" || p == "bits50-nonplastic") {
            pattern_size_ = 50; pc_.n_items = 2; pc_.cycles = 1; pc_.prestime = 3; pc_.prestime_test = 3; pc_.delay = 1;
            if (p == "bits50-nonplastic") { pc_.alpha = int(AlphaMode::None); pc_.hidden = 1000; pc_.lr = 3e-5; }
        }
    }
    int item_size() const override { return pattern_size_; }
    void configure_net(NetConfig& nc) const override {
        nc.input = InputMode::Add;
        nc.bias_unit = true;
        nc.bias_value = input_boost_;
    }
    float input_scale() const override { return float(input_boost_); }

    // Balanced ±1 patterns (half the bits -1, shuffled); the probe is one of them with a fraction
    // `degrade` of its bits zeroed.
    PlasticEpisode make_episode(Rng& rng, Purpose) override {
        const int S = pattern_size_;
        PlasticEpisode ep;
        std::vector<float> base(size_t(S), 1.f);
        for (int j = 0; j < S / 2; ++j) base[size_t(j)] = -1.f;
        ep.items.resize(size_t(pc_.n_items));
        for (auto& p : ep.items) {
            std::vector<float> v = base;
            rng.shuffle(v.begin(), v.end());
            p = Eigen::Map<MatR<float>>(v.data(), 1, S);
        }
        const int which = int(rng.below(uint64_t(pc_.n_items)));
        ep.target.assign(ep.items[size_t(which)].data(), ep.items[size_t(which)].data() + S);
        std::vector<float> keep(size_t(S), 1.f);
        for (int j = 0; j < int(degrade_ * S); ++j) keep[size_t(j)] = 0.f;
        rng.shuffle(keep.begin(), keep.end());
        ep.probe.resize(1, S);
        for (int j = 0; j < S; ++j) ep.probe(0, j) = ep.target[size_t(j)] * keep[size_t(j)];
        return ep;
    }
    double metric(const float* x, const PlasticEpisode& ep) const override {
        int wrong = 0;
        for (int j = 0; j < pattern_size_; ++j)
            if ((x[j] > 0) != (ep.target[size_t(j)] > 0)) ++wrong;
        return double(wrong) / pattern_size_;
    }

    // The patterns, the probe, the output and the target as near-square images.
    void add_views(LiveViews& v) override {
        const int S = pattern_size_, T = pc_.T();
        const int w = int(std::ceil(std::sqrt(double(S)))), h = (S + w - 1) / w;
        auto img = [&](const std::string& name, const float* data) {
            ImageView iv;
            iv.name = name; iv.width = w; iv.height = h;
            iv.pixels.assign(size_t(w * h), 0.f);
            for (int j = 0; j < S; ++j) iv.pixels[size_t(j)] = data[j];
            return iv;
        };
        for (size_t k = 0; k < live_ep_.items.size(); ++k)
            v.images.push_back(img("pattern " + std::to_string(k + 1), live_ep_.items[k].data()));
        v.images.push_back(img("probe", live_ep_.probe.data()));
        if (live_t_ > 0) v.images.push_back(img("output x(t)", net_.x(live_t_).data()));
        v.images.push_back(img("target", live_ep_.target.data()));
        v.status = live_t_ >= T ? "episode over: the last output is the network's answer"
                                : (live_t_ >= T - pc_.prestime_test ? "probe shown: completing" : "storing patterns");
    }

private:
    int pattern_size_ = 1000;
    double degrade_ = 0.5;        // fraction of probe bits zeroed
    double input_boost_ = 20.0;
};

}  // namespace

PS_REGISTER_TASK("patterns", "DP 2018 binary pattern memorisation (quick, paper 1000-bit, 50-bit plastic vs non-plastic)", PatternsTask);

}  // namespace ps
