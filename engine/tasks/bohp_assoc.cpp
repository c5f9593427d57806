// The two BOHP association tasks of Miconi 2016, which share one network and episode layout
// (engine/bohp/assoc_task.hpp) and differ in whether the labels swap half-way.
//
// BOHP one-shot association (Miconi 2016): two fresh random 8-bit patterns per episode, each
// shown once with its label at steps 1-2; for the remaining 18 steps the patterns come back
// without labels and the network must name the class. 10 inputs -> 2 plastic tanh units ->
// learned 2 x 2 readout + bias -> softmax (episode layout in engine/bohp/assoc_task.hpp).
// Trained with the online forward-in-time gradient; loss ln 2 ≈ 0.69 at chance.
//
// BOHP reversal learning (Miconi 2016): as one-shot association, but at step 10 the labels swap
// and each pattern is shown once with its new label; the network must follow the new labels for
// the rest of the episode. It learns NEGATIVE pattern -> hidden alpha (anti-Hebbian: the unlabelled
// recall steps then weaken the stored association instead of reinforcing it, so one labelled
// presentation can overwrite it); with alpha clipped >= 0 it fails.
#include "bohp/assoc_task.hpp"

namespace ps::bohp {
namespace {

class OneShot : public AssocTask {
public:
    OneShot()
        : AssocTask("bohp-oneshot",
                    "One-shot association with Hebbian plasticity (Miconi 2016). Each episode draws two new random "
                    "8-bit patterns; steps 1-2 show each once with its label, then 18 steps show them again without "
                    "labels and the softmax output must name the class. Nothing about the patterns can be stored in "
                    "the fixed weights: the association lives in the Hebbian traces written at steps 1-2 "
                    "(pattern -> hidden, driven by the label -> hidden weights). Watch the traces fill at steps 1-2 "
                    "and the online gradient traces dy/dw, dy/dalpha carry the credit forward; γ is live. With "
                    "alpha clipped >= 0 this task is still learned (compare bohp-reversal).",
                    false) {}
};

class Reversal : public AssocTask {
public:
    Reversal()
        : AssocTask("bohp-reversal",
                    "Reversal learning with Hebbian plasticity (Miconi 2016). As bohp-oneshot, but at step 10 the "
                    "labels swap: each pattern is shown once with its new label and the output must follow the new "
                    "labels. The network learns negative (anti-Hebbian) pattern -> hidden alpha: recall steps then "
                    "erode the stored association rather than entrench it, so one new labelled presentation wins. "
                    "The swap is marked on the timeline; clip_alpha_nonneg (alpha >= 0) makes the task fail.",
                    true) {}
};

}  // namespace
}  // namespace ps::bohp

PS_REGISTER_TASK("bohp-oneshot", "BOHP 2016: one-shot association of two 8-bit patterns with labels",
                 ps::bohp::OneShot);
PS_REGISTER_TASK("bohp-reversal", "BOHP 2016: reversal learning, labels swap at step 10 (needs alpha < 0)",
                 ps::bohp::Reversal);
