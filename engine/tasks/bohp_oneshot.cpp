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

}  // namespace
}  // namespace ps::bohp

PS_REGISTER_TASK("bohp-oneshot", "BOHP 2016: one-shot association of two 8-bit patterns with labels",
                 ps::bohp::OneShot);
