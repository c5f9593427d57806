// Continual few-shot classification (Lindsey & Litwin-Kumar 2020; docs/science.md §4). Each episode
// picks 5 classes and gives them random labels 0..4; the inner loop sees 5 images of label 0 one
// at a time, then 5 of label 1, ... (25 inner steps of one image), and the query asks for 5 more
// images of each (25).
// Data (`data`): the Omniglot-like glyphs (default; assets/glyphs/glyphs.npz, 31 x 31): training
// episodes use characters of the 31 background alphabets, evaluation episodes characters of the
// 20 held-out alphabets, so every evaluation class is new. Or MNIST digits (assets/mnist,
// 28 x 28): the first 80 % of each digit's images train, the last 20 % evaluate; with only 10
// digits the classes recur, and what is learned within the episode is the digit -> label binding.
// Encoder: meta-learned (the representation layers n_px -> 128 -> 128 are trained by the outer
// loop and fixed within the episode), then a plastic 2-layer head 128 -> 128 -> 5. FLP's output
// layer is clamped to the label (x̃ = onehot), its hidden plastic layer gets ReLU(B onehot + c).
// Metric: query accuracy (chance 0.2).
//
// Live view (one live step = one inner step), in addition to FlpTaskBase's matrices / scalars:
//   image "input"  the image just shown (31 × 31 glyph or 28 × 28 digit, 0 = paper, 1 = ink);
//   scalars        "label" of that image and "class" (its class in the data set); "acc_c<k>" the current query accuracy on class k;
//   marks          "class <k>" where class k's images start; status: step, label, class name, accuracy.
//   payload        FlpClassifyLive (flp/flp_live.hpp): the support and query images, the query
//                  probabilities and per-class accuracy, for app/gui/panel_flp_classify.cpp.
#include <cmath>
#include <cstdio>
#include <memory>
#include "flp/flp_task.hpp"

namespace ps::flp {
namespace {

TaskInfo flpclassify_info() {
    // name, description, metric, whether lower is better, presets (the first is the default)
    return {"flp-classify",
            "Continual 5-way 5-shot classification of Omniglot-like glyphs (new characters from held-out alphabets "
            "at evaluation) or MNIST digits (Lindsey & Litwin-Kumar 2020 use Omniglot). "
            "Each episode gives 5 classes random labels and shows their images one at a time, class after class; "
            "the network must learn the labels from these 25 images and classify 25 new ones. flp: the output "
            "layer is clamped to the label and learns by a local Oja rule (each output row drifts towards the "
            "hidden activity of its class), the hidden plastic layer gets feedback ReLU(B onehot + c); oml does "
            "SGD on the head; sgd is plain online gradient descent. Watch the update matrices dW and the query "
            "accuracy of earlier classes as later ones arrive.",
            "query accuracy", false,
            learner_presets("FLP, continual, meta-learned 961-128-128 encoder (glyphs; 784 for mnist) + plastic 128-128-5 head; ~2.4 ms of CPU per episode, the 40000-episode budget ~2 min (docs/flp.md reports 8000)",
                            "OML baseline, same network and data; ~2 ms per episode",
                            "plain online SGD (fresh init each episode), rate tuned on a log grid; 200 tuning episodes ~10 s",
                            "FLP, the 25 images in random order",
                            "FLP, width 32, 3-way 3-shot: tests, seconds")};
}

class FlpClassify : public FlpTaskBase {
public:
    FlpClassify() : FlpTaskBase(flpclassify_info()) { set_preset("flp"); init(1); }
    std::vector<Field> data_fields() override {
        return {Field::choice("data", &data_, {"glyphs", "mnist"},
                              "glyphs: Omniglot-like characters (31x31), training on the background alphabets, "
                              "evaluation on characters of held-out alphabets; mnist: digits (28x28), 80/20 image split",
                              Apply::Rebuild),
                Field::integer("ways", &dc_.ways, 2, 10, "classes", "classes per episode", Apply::Rebuild),
                Field::integer("shots", &dc_.shots, 1, 50, "images", "inner-loop images per class (one per inner step)", Apply::Episode),
                Field::integer("query_shots", &dc_.query_shots, 1, 50, "images", "query images per class", Apply::Episode),
                Field::boolean("iid", &dc_.iid, "show the inner-loop images in random order instead of class after class", Apply::Episode)};
    }

    Episode<float> make_episode(Rng& rng, bool train, EpisodeInfo* info) override {
        return make_digit_episode(dc_, images(), !train, rng, info);
    }
    double metric(const Episode<float>& ep, const MatR<float>& y) const override {
        int ok = 0;
        for (Eigen::Index r = 0; r < y.rows(); ++r) {
            Eigen::Index a, b;
            y.row(r).maxCoeff(&a);
            ep.Yq.row(r).maxCoeff(&b);
            ok += a == b;
        }
        return double(ok) / double(y.rows());
    }

    void live_views(LiveViews& v) override {
        FlpTaskBase::live_views(v);
        const auto& inf = live_.info;
        const DigitSet& d = images();
        std::vector<int> hit(size_t(dc_.ways), 0), cnt(size_t(dc_.ways), 0);
        for (Eigen::Index r = 0; r < live_.qpred.rows(); ++r) {
            Eigen::Index a;
            live_.qpred.row(r).maxCoeff(&a);
            const int k = inf.query_group[size_t(r)];
            hit[size_t(k)] += a == k; ++cnt[size_t(k)];
        }
        for (int k = 0; k < dc_.ways; ++k) {
            v.scalars["acc_c" + std::to_string(k)] = double(hit[size_t(k)]) / std::max(1, cnt[size_t(k)]);
            v.scalar_labels["acc_c" + std::to_string(k)] = "query accuracy of label " + std::to_string(k);
        }
        v.scalar_labels["group"] = "label of the next step";
        v.scalar_labels["label"] = "label shown";
        v.scalar_labels["class"] = "its class in the data set";
        char buf[200];
        if (v.t > 0) {
            const int img = inf.step_image[size_t(v.t - 1)], lab = inf.step_group[size_t(v.t - 1)];
            ImageView in;
            in.name = "input"; in.height = d.rows; in.width = d.cols; in.lo = 0; in.hi = 1;
            for (int j = 0; j < d.rows * d.cols; ++j) in.pixels.push_back(float(d.image(img)[j]) / 255.0f);
            v.images.push_back(std::move(in));
            v.scalars["label"] = lab;
            v.scalars["class"] = inf.digit[size_t(lab)];
            std::snprintf(buf, sizeof buf, "step %d/%d: label %d (%s %s); query accuracy %.2f", v.t, v.T, lab, d.kind.c_str(),
                          d.class_name[size_t(inf.digit[size_t(lab)])].c_str(), v.scalars["query_metric"]);
        } else {
            std::snprintf(buf, sizeof buf, "step 0/%d; query accuracy %.2f (chance %.2f)", v.T, v.scalars["query_metric"], 1.0 / dc_.ways);
        }
        v.status = buf;
        // The task view's images and answers (app/gui/panel_flp_classify.cpp).
        auto live = std::make_shared<FlpClassifyLive>();
        fill_live(*live, "class", "query cross-entropy");
        live->ways = dc_.ways;
        live->shots = dc_.shots;
        live->rows = d.rows;
        live->cols = d.cols;
        live->kind = d.kind;
        for (int k = 0; k < dc_.ways; ++k) live->class_name.push_back(d.class_name[size_t(inf.digit[size_t(k)])]);
        const int npx = d.rows * d.cols;
        for (size_t s = 0; s < inf.step_image.size(); ++s) {
            std::vector<float> px(static_cast<size_t>(npx));
            for (int j = 0; j < npx; ++j) px[size_t(j)] = float(d.image(inf.step_image[s])[j]) / 255.0f;
            live->support.push_back(std::move(px));
            live->support_label.push_back(inf.step_group[s]);
        }
        for (Eigen::Index r = 0; r < live_.ep.Xq.rows(); ++r) {
            live->query.emplace_back(live_.ep.Xq.row(r).data(), live_.ep.Xq.row(r).data() + npx);
            live->query_label.push_back(inf.query_group[size_t(r)]);
            // softmax of the head's output (the loss is cross-entropy over these logits)
            std::vector<float> pr(static_cast<size_t>(dc_.ways));
            const float mx = live_.qpred.row(r).maxCoeff();
            float z = 0;
            for (int k = 0; k < dc_.ways; ++k) z += pr[size_t(k)] = std::exp(live_.qpred(r, k) - mx);
            for (auto& x : pr) x /= z;
            live->query_prob.push_back(std::move(pr));
        }
        for (int k = 0; k < dc_.ways; ++k) live->class_accuracy.push_back(double(hit[size_t(k)]) / std::max(1, cnt[size_t(k)]));
        v.payload = std::move(live);
    }

protected:
    int n_in() const override { const DigitSet& d = images(); return d.rows * d.cols; }
    int n_out() const override { return dc_.ways; }
    Loss loss_kind() const override { return Loss::Xent; }
    bool clamp_output() const override { return true; }
    std::string group_mark(int g) const override { return "class " + std::to_string(g); }
    void apply_preset(const std::string& n) override {
        lc_ = LearnerConfig{}; dc_ = DigitConfig{}; data_ = 0;
        lc_.width = 128; lc_.rep_layers = 2; lc_.head_layers = 2;
        lc_.lr = 1e-3; lc_.meta_batch = 8; lc_.episodes = 40000;
        lc_.p_lr_scale = 1;            // batch 1 and onehot targets: stable rates are ~0.1-1, not ~1e-3
        if (apply_learner_preset(n, dc_.iid) == "quick") {
            lc_.width = 32; lc_.episodes = 600; lc_.meta_batch = 4; lc_.lr = 3e-3;
            dc_.ways = 3; dc_.shots = 3; dc_.query_shots = 3;
        }
    }

private:
    DigitConfig dc_;
    int data_ = 0;                     // 0 glyphs, 1 mnist
    const DigitSet& images() const { return data_ == 1 ? default_digits() : default_glyph_classes(); }
};

}  // namespace
}  // namespace ps::flp

PS_REGISTER_TASK("flp-classify", "FLP 2020: continual 5-way 5-shot glyphs (or MNIST), feedback + local plasticity vs OML vs SGD",
                 ps::flp::FlpClassify);
