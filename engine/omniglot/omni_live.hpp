// What the Omniglot task view (app/gui/panel_omniglot.cpp) draws, as typed data: the episode's
// support set and query (the images the network has seen so far), the class probabilities at the
// query and the answer, and the failure gallery (recent held-out episodes answered wrongly). The
// omniglot task (engine/tasks/omniglot.cpp) fills it at every live step.
#pragma once
#include <memory>
#include <vector>
#include "task.hpp"

namespace ps::omni {

// One wrongly answered episode: its images (T x side², ink in [0, 1]) and labels, the query last.
struct OmniFailure {
    int side = 0;
    std::vector<float> images;
    std::vector<int> labels;
    int truth = 0, pred = 0;
    int steps() const { return int(labels.size()); }
    const float* image(int s) const { return images.data() + size_t(s) * size_t(side * side); }
};

struct OmniLive final : LivePayload {
    int ways = 0, shots = 0, side = 0;
    int t = 0, T = 0;                      // images shown so far (the query is image T - 1)
    std::vector<float> images;             // T x side²: the whole episode (draw only s < t)
    std::vector<int> labels;               // T: support labels, then the query's class
    bool answered = false;                 // the query has been shown (t == T)
    std::vector<float> probs;              // ways: the network's probabilities at the query (answered)
    int pred = -1;                         // its answer (answered)
    double loss = -1;                      // -log p(truth) (answered)
    std::shared_ptr<const std::vector<OmniFailure>> failures;   // newest first; never null
    int gallery_scanned = 0, gallery_failed = 0;   // held-out episodes scanned for the gallery, wrong ones
    int query_class() const { return labels.empty() ? -1 : labels.back(); }
    const float* image(int s) const { return images.data() + size_t(s) * size_t(side * side); }
};

}  // namespace ps::omni
