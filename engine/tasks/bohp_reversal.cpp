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

PS_REGISTER_TASK("bohp-reversal", "BOHP 2016: reversal learning, labels swap at step 10 (needs alpha < 0)",
                 ps::bohp::Reversal);
