// BOHP one-shot association (Miconi 2016): two fresh random 8-bit patterns per episode, each
// shown once with its label at steps 1-2; for the remaining 18 steps the patterns come back
// without labels and the network must name the class. 10 inputs -> 2 plastic tanh units ->
// learned 2 x 2 readout + bias -> softmax (episode layout in engine/bohp/assoc_task.hpp).
// Trained with the online forward-in-time gradient; loss ln 2 ≈ 0.69 at chance.
#include "bohp/assoc_task.hpp"

namespace ps::bohp {
namespace {

class OneShot : public AssocTask {
public:
    OneShot() { set_preset("paper"); init(1); }
    std::string name() const override { return "bohp-oneshot"; }
    std::string description() const override {
        return "One-shot association with Hebbian plasticity (Miconi 2016). Each episode draws two new random "
               "8-bit patterns; steps 1-2 show each once with its label, then 18 steps show them again without "
               "labels and the softmax output must name the class. Nothing about the patterns can be stored in "
               "the fixed weights: the association lives in the Hebbian traces written at steps 1-2 "
               "(pattern -> hidden, driven by the label -> hidden weights). Watch the traces fill at steps 1-2 "
               "and the online gradient traces dy/dw, dy/dalpha carry the credit forward; γ is live. With "
               "alpha clipped >= 0 this task is still learned (compare bohp-reversal).";
    }
    std::vector<PresetInfo> presets() const override {
        return {{"paper", "γ 0.02 (the 2016 code's 0.98), RMSprop lr 0.01 clip 0.01, L1 1e-4, recall steps show "
                          "either pattern at random; 10000 episodes (~0.15 s on one core)"},
                {"clip-alpha", "as paper, with alpha clipped >= 0 after each update (still learns)"},
                {"code-order", "as paper, but the patterns alternate P0, P1, P0, ... as in the 2016 code (the target "
                               "sequence then also alternates: a cue that is not association)"}};
    }
    void set_preset(const std::string& n) override {
        if (n != "paper" && n != "clip-alpha" && n != "code-order")
            throw ConfigError("unknown preset '" + n + "' for bohp-oneshot (known: paper, clip-alpha, code-order)");
        reset_config_defaults();
        cfg_.gamma = 0.02;
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

PS_REGISTER_TASK("bohp-oneshot", "BOHP 2016: one-shot association of two 8-bit patterns with labels",
                 ps::bohp::OneShot);
