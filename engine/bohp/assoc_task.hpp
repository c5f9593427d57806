// Shared by the one-shot association and reversal learning tasks (engine/tasks/bohp_assoc.cpp):
// 8 pattern inputs + 2 label slots -> 2 plastic tanh units -> a learned
// 2 x 2 linear readout + bias -> softmax over the 2 classes.
//
// An episode (steps numbered from 1): two random ±1 patterns P0 != P1 (a fresh pair each episode).
// Steps 1-2 show each pattern once with its label in the label slots (class 0 = slots "10",
// class 1 = "01"; which pattern comes first is random). Every later step shows P0 or P1 with the
// label slots "00" (order=random: either, at random; order=alternate: P0, P1, P0, ... as in the
// 2016 code); the target is that pattern's class. With swap_at > 0 (reversal),
// steps swap_at and swap_at+1 show each pattern once with the OTHER label, and from then on the
// targets are swapped. Loss: cross-entropy, mean over the unlabelled steps (labelled steps,
// including the first two, are not scored).
#pragma once
#include <algorithm>
#include "bohp/bohp_task.hpp"

namespace ps::bohp {

class AssocTask : public BohpTask {
public:
    // The presets both tasks share: paper, clip-alpha (alpha >= 0 after each update), code-order
    // (patterns alternate as in the 2016 code), and reversal's gamma-0.05 / gamma-0.25.
    static std::vector<PresetInfo> assoc_presets(bool reversal) {
        std::vector<PresetInfo> p = {
            {"paper", "γ 0.02 (the 2016 code's 0.98), RMSprop lr 0.01 clip 0.01, L1 1e-4, recall steps show either "
                      "pattern at random; 10000 episodes (~0.15 s on one core)"}};
        if (reversal) {
            p.push_back({"gamma-0.05", "as paper with γ 0.05 (the 2016 code's 0.95)"});
            p.push_back({"gamma-0.25", "as paper with γ 0.25 (the 2016 code's 0.75)"});
        }
        p.push_back({"clip-alpha", std::string("as paper, with alpha clipped >= 0 after each update ") +
                                       (reversal ? "(fails)" : "(still learns)")});
        p.push_back({"code-order", "as paper, but the patterns alternate P0, P1, P0, ... as in the 2016 code (the "
                                   "target sequence then also alternates: a cue that is not association)"});
        return p;
    }
    AssocTask(std::string name, std::string description, bool reversal)
        : BohpTask({std::move(name), std::move(description), "error rate (unlabelled steps)", true, assoc_presets(reversal)}),
          reversal_(reversal) {
        set_preset("paper");
        init(1);
    }

protected:
    void apply_preset(const std::string& n) override {
        cfg_ = TaskConfig{};
        cfg_.gamma = n == "gamma-0.05" ? 0.05 : n == "gamma-0.25" ? 0.25 : 0.02;
        cfg_.lr = 0.01;
        cfg_.clip = 0.01;
        cfg_.l1 = 1e-4;
        cfg_.l2 = 0;
        cfg_.episodes = 10000;
        cfg_.clip_alpha_nonneg = n == "clip-alpha";
        steps_ = 20;
        swap_at_ = 10;
        order_ = n == "code-order" ? 1 : 0;
    }
    static constexpr int kBits = 8;
    std::vector<std::string> input_names() const override {
        std::vector<std::string> n;
        for (int k = 0; k < kBits; ++k) n.push_back("pattern bit " + std::to_string(k + 1));
        n.push_back("label slot 0");
        n.push_back("label slot 1");
        return n;
    }
    std::vector<std::string> output_names() const override { return {"class 0", "class 1"}; }
    Shape shape() const override {
        Shape s;
        s.K = kBits + 2; s.M = 2; s.O = 2;
        s.readout = Readout::LinearSoftmax;
        s.loss = LossKind::CrossEntropy;
        return s;
    }
    void make_episode(Rng& rng, Episode<double>& ep) const override {
        check_layout();
        const int T = steps_, K = kBits + 2;
        const int swap = reversal_ ? swap_at_ : 0;
        double pat[2][kBits];
        for (bool same = true; same;) {   // two different patterns (identical ones cannot be told apart)
            for (auto& p : pat)
                for (double& b : p) b = rng.below(2) ? 1.0 : -1.0;
            same = std::equal(pat[0], pat[0] + kBits, pat[1]);
        }
        ep.x.setZero(T, K);
        ep.target.setZero(T, 2);
        ep.scored.assign(size_t(T), 1);
        auto show = [&](int t, int which, int label_slot) {   // t 0-based
            for (int k = 0; k < kBits; ++k) ep.x(t, k) = pat[which][k];
            if (label_slot >= 0) ep.x(t, kBits + label_slot) = 1;
        };
        auto labelled_pair = [&](int t0, bool swapped) {
            const int first = order_ == 1 ? 0 : int(rng.below(2));
            for (int i = 0; i < 2; ++i) {
                const int which = i == 0 ? first : 1 - first;
                const int cls = swapped ? 1 - which : which;
                show(t0 + i, which, cls);
                ep.target(t0 + i, cls) = 1;
                ep.scored[size_t(t0 + i)] = 0;
            }
        };
        for (int t = 0; t < T; ++t) {
            const bool swapped = swap > 0 && t + 1 >= swap;
            if (t == 0 || (swap > 0 && t + 1 == swap)) { labelled_pair(t, swapped); ++t; continue; }
            const int which = order_ == 1 ? t % 2 : int(rng.below(2));
            show(t, which, -1);
            ep.target(t, swapped ? 1 - which : which) = 1;
        }
    }
    std::vector<Field> task_fields() override {
        std::vector<Field> f = {
            Field::integer("steps", &steps_, 4, 1000, "steps",
                           "Episode length (steps 1-2 show the labelled patterns).", Apply::Episode),
            Field::choice("order", &order_, {"random", "alternate"},
                          "Which pattern the unlabelled steps show: random = either at random (the output "
                          "can only come from the association); alternate = P0, P1, P0, ... as in the 2016 "
                          "code (the targets then alternate too, a sequence cue a nearly memoryless trace "
                          "can exploit).",
                          Apply::Episode)};
        if (reversal_)
            f.push_back(Field::integer("swap_at", &swap_at_, 3, 999, "step",
                                       "Step (from 1) at which the labels swap; it and the next step show each "
                                       "pattern with its new label. Must leave at least one step after.",
                                       Apply::Episode));
        return f;
    }
    std::vector<std::pair<int, std::string>> marks() const override {
        std::vector<std::pair<int, std::string>> m = {{1, "patterns + labels"}, {3, "recall"}};
        if (reversal_) m.push_back({swap_at_, "labels swap"});
        return m;
    }
    void add_stats(StepStats& st) const override {
        st.extra["alpha_pattern_mean"] = double(p_.alpha.topRows(kBits).mean());
        st.extra["alpha_label_mean"] = double(p_.alpha.bottomRows(2).mean());
        st.extra["w_label_abs_mean"] = double(p_.w.bottomRows(2).cwiseAbs().mean());
    }
    std::string live_status(int t) const override {
        if (t == 0) return "t = 0: traces at zero; steps 1-2 show each pattern with its label";
        const bool labelled = t <= 2 || (reversal_ && (t == swap_at_ || t == swap_at_ + 1));
        std::string s = "step " + std::to_string(t) + ": ";
        if (labelled) s += reversal_ && t >= swap_at_ ? "pattern shown with its NEW label (not scored)"
                                                      : "pattern shown with its label (not scored)";
        else s += "pattern shown without label: the output must name its class";
        return s;
    }
    void check_layout() const {
        if (reversal_ && swap_at_ + 2 > steps_)
            throw ConfigError("swap_at=" + std::to_string(swap_at_) + " leaves no step after the swap (steps=" +
                              std::to_string(steps_) + ")");
    }

    bool reversal_ = false;
    int order_ = 0;   // 0 random, 1 alternate
    int steps_ = 20;
    int swap_at_ = 10;
};

}  // namespace ps::bohp
