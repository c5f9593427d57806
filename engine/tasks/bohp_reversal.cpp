// BOHP reversal learning (Miconi 2016): as one-shot association, but at step 10 the labels swap
// and each pattern is shown once with its new label; the network must follow the new labels for
// the rest of the episode. It learns NEGATIVE pattern -> hidden alpha (anti-Hebbian: the unlabelled
// recall steps then weaken the stored association instead of reinforcing it, so one labelled
// presentation can overwrite it); with alpha clipped >= 0 it fails. Layout: assoc_task.hpp.
#include "bohp/assoc_task.hpp"

namespace ps::bohp {
namespace {

class Reversal : public AssocTask {
public:
    Reversal() { reversal_ = true; set_preset("paper"); init(1); }
    std::string name() const override { return "bohp-reversal"; }
    std::string description() const override {
        return "Reversal learning with Hebbian plasticity (Miconi 2016). As bohp-oneshot, but at step 10 the "
               "labels swap: each pattern is shown once with its new label and the output must follow the new "
               "labels. The network learns negative (anti-Hebbian) pattern -> hidden alpha: recall steps then "
               "erode the stored association rather than entrench it, so one new labelled presentation wins. "
               "The swap is marked on the timeline; clip_alpha_nonneg (alpha >= 0) makes the task fail.";
    }
    std::vector<PresetInfo> presets() const override {
        return {{"paper", "γ 0.02 (the 2016 code's 0.98), RMSprop lr 0.01 clip 0.01, L1 1e-4, recall steps show "
                          "either pattern at random; 10000 episodes (~0.15 s on one core)"},
                {"gamma-0.05", "as paper with γ 0.05 (the 2016 code's 0.95)"},
                {"gamma-0.25", "as paper with γ 0.25 (the 2016 code's 0.75)"},
                {"clip-alpha", "as paper, with alpha clipped >= 0 after each update (fails)"},
                {"code-order", "as paper, but the patterns alternate P0, P1, P0, ... as in the 2016 code (the target "
                               "sequence then also alternates: a cue that is not association)"}};
    }
    void set_preset(const std::string& n) override {
        if (n != "paper" && n != "gamma-0.05" && n != "gamma-0.25" && n != "clip-alpha" && n != "code-order")
            throw ConfigError("unknown preset '" + n +
                              "' for bohp-reversal (known: paper, gamma-0.05, gamma-0.25, clip-alpha, code-order)");
        reset_config_defaults();
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
        preset_ = n;
    }
};

}  // namespace
}  // namespace ps::bohp

PS_REGISTER_TASK("bohp-reversal", "BOHP 2016: reversal learning, labels swap at step 10 (needs alpha < 0)",
                 ps::bohp::Reversal);
