// Task "omniglot": N-way one-shot character recognition with a conv encoder and a plastic
// (Oja) output layer, DP paper section 4.3 (see engine/omniglot/model.hpp for the maths).
//
// An episode shows `ways` characters once each with their label clamped on the output (the
// support steps), then a new drawing of one of them without its label (the query); the loss is
// the cross-entropy of the query. Nothing but the plastic trace H carries the support images to
// the query, so the network must learn (through w, alpha, eta and the encoder) to store each
// character in H in one step. Training data: the glyph set's background alphabets (or real
// Omniglot); evaluation: alphabets never seen in training.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <memory>

#include "interactive.hpp"
#include "omniglot/dataset.hpp"
#include "omniglot/model.hpp"
#include "omniglot/omni_live.hpp"
#include "optim.hpp"
#include "task.hpp"
#include "task_state.hpp"

namespace ps {
namespace {

using omni::CharSet;

struct OmniConfig {
    int ways = 5, shots = 1, channels = 64;
    double label_boost = 1000;
    bool rotate = true;
    int data = 0;          // kDataChoices
    int eval_data = 0;     // kEvalChoices
    int eval_ways = 0;     // 0 = ways
    bool eval_rotate = false;
    int batch = 1;
    double lr = 3e-5, lr_decay = 0.666;
    int lr_every = 1000000;
    double clip = 0;
    double alpha_init = 0.01, eta_init = 0.01;
};

const std::vector<std::string> kDataChoices = {"glyphs", "omniglot", "omniglot-small1", "omniglot-small2"};
const std::vector<std::string> kEvalChoices = {"held-out", "glyphs", "omniglot-evaluation", "omniglot-small1",
                                               "omniglot-small2"};

TaskInfo omniglot_info() {
    // name, description, metric, whether lower is better, presets (the first is the default)
    return {"omniglot",
            "One-shot character recognition (Miconi et al. 2018, section 4.3). A 4-layer conv net (3x3, "
            "stride 2, 64 channels, tanh) turns each 31x31 drawing into 64 features; a plastic 64->N layer "
            "with Oja's rule stores each support character in its trace H while its label is clamped on "
            "the output, then classifies a new drawing from H alone. Watch H fill column by column as "
            "the support images arrive, and W+A*H at the query. Data: the project's glyph set (Noto "
            "fonts with synthetic drawers; easier than real Omniglot, since every drawer shares the "
            "font's strokes) or real Omniglot folders ($PS_OMNIGLOT_DIR).",
            "query accuracy", false,
            {{"quick", "trained 10-way, evaluated 5-way (column-averaged plastic layer); Adam 1e-3 halved every 50k "
             "episodes, 8 episodes a step, alpha and eta from 0.5 (no plateau at chance), no rotations; "
             "~97% 5-way on held-out glyphs after 250k episodes (~20 min on one core)"},
             {"paper", "the paper's setup: 5-way, Adam 3e-5 x0.666 every 1M episodes, 1 episode a step, alpha and "
             "eta from 0.01, 90-degree rotations as new classes; the paper trains 5M episodes (~5 h here) "
             "and first sits at chance for a long, seed-dependent plateau"}}};
}

class OmniglotTask : public Task {
public:
    OmniglotTask() : Task(omniglot_info()) { set_preset("quick"); }

    std::vector<Field> fields() override {
        return {
            Field::integer("ways", &cfg_.ways, 2, 64, "classes",
                           "N of N-way: output units of the plastic layer and classes per training episode. "
                           "Changing it rebuilds the network.", Apply::Rebuild),
            Field::integer("shots", &cfg_.shots, 1, 10, "images",
                           "Support drawings per class (K of K-shot); the episode has N*K support steps + 1 query.",
                           Apply::Episode),
            Field::integer("channels", &cfg_.channels, 4, 256, "",
                           "Channels of every conv layer (paper: 64); the plastic layer is channels x N.",
                           Apply::Rebuild),
            Field::real("label_boost", &cfg_.label_boost, 0, 10000, "",
                        "Support steps: y = softmax(a + boost*onehot(label)). 1000 (paper) clamps y to the label; "
                        "small values let the network's own guess leak into the trace.", Apply::Live),
            Field::boolean("rotate", &cfg_.rotate,
                           "Training episodes turn each class by a random multiple of 90 degrees (a new class).",
                           Apply::Episode),
            Field::choice("data", &cfg_.data, kDataChoices,
                          "Training data. glyphs: background alphabets of assets/glyphs/glyphs.npz. omniglot: "
                          "images_background of $PS_OMNIGLOT_DIR (folder or .zip); omniglot-small1/2: "
                          "images_background_small1/2 there (default: the packed copies in assets/omniglot).",
                          Apply::Episode),
            Field::choice("eval_data", &cfg_.eval_data, kEvalChoices,
                          "Evaluation and live-view data. held-out: the alphabets the training data keeps out "
                          "(glyphs: evaluation alphabets; omniglot: images_evaluation; small1 <-> small2). "
                          "Alphabets present in real-Omniglot training data are always removed.",
                          Apply::Episode),
            Field::integer("eval_ways", &cfg_.eval_ways, 0, 200, "classes",
                           "N of evaluation episodes (0 = ways). When it differs from ways, every output column "
                           "uses the mean of the trained columns of w and alpha.", Apply::Episode),
            Field::boolean("eval_rotate", &cfg_.eval_rotate,
                           "Evaluation episodes also turn classes by random multiples of 90 degrees.",
                           Apply::Episode),
            Field::integer("batch", &cfg_.batch, 1, 256, "episodes",
                           "Episodes per optimisation step (gradients averaged).", Apply::Live),
            Field::real("lr", &cfg_.lr, 1e-7, 1e-1, "", "Adam learning rate at episode 0.", Apply::Live, true),
            Field::real("lr_decay", &cfg_.lr_decay, 0.01, 1, "",
                        "The learning rate is multiplied by this every lr_every episodes (paper: 0.666).",
                        Apply::Live),
            Field::integer("lr_every", &cfg_.lr_every, 1, 1000000000, "episodes",
                           "Episodes between learning-rate decays (paper: 1M).", Apply::Live),
            Field::real("alpha_init", &cfg_.alpha_init, 0, 10, "",
                        "alpha starts uniform in [0, alpha_init] (paper: 0.01).", Apply::Rebuild),
            Field::real("eta_init", &cfg_.eta_init, -1, 1, "1/step",
                        "Initial plasticity rate eta (paper: 0.01). Small alpha and eta make the long plateau at "
                        "chance the paper reports: the plastic path carries almost no gradient at first.",
                        Apply::Rebuild),
            Field::real("clip", &cfg_.clip, 0, 1000, "",
                        "Global gradient-norm clip before Adam (0 = off; the paper uses none).", Apply::Live),
        };
    }
    void init(uint64_t seed) override {
        omni::NetShape s;
        s.channels = cfg_.channels;
        s.ways = cfg_.ways;
        net_.build(s);
        Rng r(seed);
        net_.init(r, cfg_.alpha_init, cfg_.eta_init);
        training_.start(seed);
        ++version_;
        train_set();   // fail early, with the data's own message, if the data is missing
        if (t_interactive) {   // the live view's characters: start loading them now
            try {
                const Source ev = eval_source();
                omni::charset_if_ready(ev.key, ev.load);
            } catch (const std::exception&) {
            }
        }
        reset_live(seed ^ 0x5bd1e995ull);
        live_ready_ = false;
        clear_gallery();
    }

    StepStats train_step() override {
        const CharSet& cs = train_set();
        const int B = cfg_.batch;
        batch_.B = B;
        batch_.labels.clear();
        std::vector<omni::Episode> eps;
        // The episodes of a step depend only on the seed and the episode counter, so a run resumed
        // from a checkpoint continues exactly as the uninterrupted run would.
        Rng rng = episode_rng(training_.run.seed, training_.run.episode);
        for (int e = 0; e < B; ++e) eps.push_back(omni::sample_episode(cs, cfg_.ways, cfg_.shots, cfg_.rotate, rng));
        fill_batch(eps, batch_);
        const float loss = omni::forward(net_, batch_, float(cfg_.label_boost), cache_);
        omni::backward(net_, batch_, float(cfg_.label_boost), cache_, grads_);
        const auto grads = net_.named(grads_);
        const double gn = training_.adam.grad_norm(grads);
        const double lr = current_lr();
        training_.adam.cfg.lr = lr;
        training_.adam.cfg.clip_norm = cfg_.clip;
        if (std::isfinite(gn)) training_.adam.step(net_.list(), grads);   // a non-finite step is skipped (and reported)
        training_.run.episode += B;
        ++version_;
        StepStats st;
        st.loss = loss;
        st.metric = double(cache_.correct) / B;
        st.extra["eta"] = double(net_.eta());
        st.extra["lr"] = lr;
        st.extra["grad_norm"] = gn;
        st.extra["alpha_mean"] = double(net_.alpha().mean());
        return st;
    }
    int episodes_per_step() const override { return cfg_.batch; }

    double eval_episode(Rng& rng) override {
        const CharSet& cs = eval_set();
        const omni::OmniNet<float>& net = eval_net();
        omni::Episode ep = omni::sample_episode(cs, net.shape.ways, cfg_.shots, cfg_.eval_rotate, rng);
        omni::EpisodeBatch<float> eb;
        fill_batch(&ep, 1, eb);
        omni::forward(net, eb, float(cfg_.label_boost), eval_cache_);
        return double(eval_cache_.correct);
    }

    void save(ArrayMap& out, bool with_optimizer) const override { training_.save(out, net_.list(), with_optimizer); }
    void load(const ArrayMap& in, bool with_optimizer) override {
        omni::NetShape s;
        s.channels = cfg_.channels;
        s.ways = cfg_.ways;
        omni::OmniNet<float> net;
        net.build(s);
        auto train = training_.read(in, net.list(), with_optimizer);
        net_ = std::move(net);
        training_ = std::move(train);
        ++version_;
        live_ready_ = false;
        clear_gallery();
    }

    void grad_dump(uint64_t seed, ArrayMap& out) override {
        Rng r(seed);
        const omni::Episode ep = omni::sample_episode(train_set(), cfg_.ways, cfg_.shots, cfg_.rotate, r);
        omni::OmniNet<double> nd;
        nd.build(net_.shape);
        for (size_t k = 0; k < net_.p.size(); ++k) nd.p[k] = net_.p[k].cast<double>();
        omni::EpisodeBatch<double> eb;
        eb.B = 1;
        eb.T = ep.steps();
        eb.images = Eigen::Map<const Eigen::Matrix<float, 1, Eigen::Dynamic>>(ep.images.data(), Eigen::Index(ep.images.size())).cast<double>();
        eb.labels = ep.labels;
        omni::NetCache<double> c;
        const double loss = omni::forward(nd, eb, cfg_.label_boost, c);
        std::vector<MatC<double>> g;
        omni::backward(nd, eb, cfg_.label_boost, c, g);
        const int npx = ep.side * ep.side;
        out["inputs"] = to_array(Eigen::Map<const Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>>(
            ep.images.data(), ep.steps(), npx));
        std::vector<int64_t> labels(ep.labels.begin(), ep.labels.end());
        out["labels"] = i64_array(labels);   // support labels, then the query's target
        out["targets"] = i64_array({int64_t(ep.labels.back())});
        out["label_boost"] = scalar_array(cfg_.label_boost);
        out["loss"] = scalar_array(loss);
        save_params(out, nd.list());
        for (size_t k = 0; k < nd.p.size(); ++k) out["grad/" + nd.names[k]] = to_array(g[k]);
    }

    // ---- live stepping: one support image per step, then the query
    void live_reset(uint64_t episode_seed) override {
        live_ready_ = false;   // until the new episode is in place: a throw below leaves it unusable, not stale
        Rng r(episode_seed);
        // The live view shows held-out characters; if that data cannot be loaded, it falls back to
        // the training data and says why in the status line.
        const CharSet* cs = &live_charset();
        live_ep_ = omni::sample_episode(*cs, eval_net().shape.ways, cfg_.shots, cfg_.eval_rotate, r);
        live_ways_ = eval_net().shape.ways;
        scan_failures(*cs, r);
        Task::live_reset(episode_seed);
    }
    void live_restart() override {
        // The same episode again, unless the settings it was drawn with changed (eval_ways, shots):
        // its labels index the output units, so it is drawn anew (replaying a 5-way episode on a
        // 1-unit head would write past the input raster).
        if (live_ep_.labels.empty() || live_ways_ != eval_net().shape.ways ||
            live_ep_.steps() != live_ways_ * cfg_.shots + 1) {
            live_reset(live_seed());
            return;
        }
        const omni::OmniNet<float>& net = eval_net();
        const int C = net.shape.channels, K = net.shape.ways, T = live_ep_.steps();
        live_t_ = 0;
        live_Hc_ = MatC<float>::Zero(C, K);
        live_H_ = MatR<float>::Zero(C, K);
        live_eff_ = to_rf(net.w());
        live_w_ = to_rf(net.w());
        live_alpha_ = to_rf(net.alpha());
        live_act_ = MatR<float>::Zero(T, C);
        live_in_ = MatR<float>::Zero(T, K);
        for (int t = 0; t + 1 < T; ++t) live_in_(t, live_ep_.labels[size_t(t)]) = 1.f;
        live_y_.assign(size_t(K), 0.f);
        live_loss_ = -1;
        live_pred_ = -1;
        filters_ = filter_tiles(net);
        live_ready_ = true;
    }
    bool live_step() override {
        if (!live_ready_ || live_ways_ != eval_net().shape.ways) live_reset(live_seed());
        const int T = live_ep_.steps();
        if (live_t_ >= T) return false;
        const omni::OmniNet<float>& net = eval_net();
        const int npx = live_ep_.side * live_ep_.side, t = live_t_;
        MatC<float> img = Eigen::Map<const MatC<float>>(&live_ep_.images[size_t(t) * size_t(npx)], 1, npx);
        omni::encode(net, img, 1, live_cache_);
        const MatC<float>& x = live_cache_.act.back();   // (C, 1)
        live_act_.row(t) = x.col(0).transpose();
        const bool query = t == T - 1;
        std::vector<float> logits(live_y_.size());
        omni::head_step(net, x.data(), query ? -1 : live_ep_.labels[size_t(t)], float(cfg_.label_boost), live_Hc_,
                        live_y_.data(), logits.data());
        if (query) {
            live_pred_ = int(std::max_element(logits.begin(), logits.end()) - logits.begin());
            live_loss_ = -std::log(std::max(1e-30, double(live_y_[size_t(live_ep_.labels.back())])));
        } else {
            live_H_ = to_rf(live_Hc_);   // H(t+1): the trace the next step will read
        }
        live_eff_ = to_rf(net.w() + net.alpha().cwiseProduct(live_Hc_));
        ++live_t_;
        return true;
    }
    void live_views(LiveViews& v) override {
        if (!live_ready_ || live_ways_ != eval_net().shape.ways) live_reset(live_seed());
        const int T = live_ep_.steps(), K = int(live_y_.size()), t = live_t_;
        v.t = t;
        v.T = T;
        v.episode = live_episode();
        v.matrices = {
            {"H", &live_H_, true,
             "Oja trace H (channels x classes), reset each episode: after a support image with label j, column j "
             "moves toward eta*x: H_ij += eta*y_j*(x_i - H_ij*y_j)", "feature i", "class j"},
            {"W+A*H", &live_eff_, true, "Effective weights w + alpha*H that score the next image", "feature i", "class j"},
            {"W", &live_w_, true, "Fixed weights w, learned across episodes", "feature i", "class j"},
            {"alpha", &live_alpha_, true, "Plasticity coefficients alpha, learned across episodes", "feature i", "class j"},
            {"conv1 filters", &filters_, true, "The first layer's 3x3 filters, tiled 8 per row", "", ""},
        };
        v.activity = &live_act_;
        v.input = &live_in_;
        v.target.assign(size_t(K), 0.f);
        v.target[size_t(live_ep_.labels.back())] = 1.f;
        v.images.clear();
        const int npx = live_ep_.side * live_ep_.side;
        for (int s = 0; s < std::min(t, T); ++s) {
            ImageView iv;
            const bool q = s == T - 1;
            iv.name = q ? "query (label " + std::to_string(live_ep_.labels[size_t(s)]) + ")"
                        : "support " + std::to_string(s + 1) + " (label " + std::to_string(live_ep_.labels[size_t(s)]) + ")";
            iv.height = iv.width = live_ep_.side;
            iv.pixels.assign(live_ep_.images.begin() + std::ptrdiff_t(s) * npx, live_ep_.images.begin() + std::ptrdiff_t(s + 1) * npx);
            iv.lo = 0; iv.hi = 1;
            v.images.push_back(std::move(iv));
        }
        for (const ImageView& f : failures_) v.images.push_back(f);
        v.scalars.clear();
        v.scalar_labels.clear();
        for (int j = 0; j < K; ++j) {
            v.scalars["p" + std::to_string(j)] = live_y_[size_t(j)];
            v.scalar_labels["p" + std::to_string(j)] = "p(label " + std::to_string(j) + ")";
        }
        v.scalar_labels["gallery_episodes"] = "failure gallery: episodes scanned";
        v.scalar_labels["gallery_forward_drawings"] = "failure gallery: drawings per forward pass, at most";
        v.scalar_labels["gallery_accuracy"] = "failure gallery: accuracy";
        v.scalar_labels["correct"] = "query answered right (1 / 0)";
        v.scalar_labels["loss"] = "query loss -log p(truth)";
        if (gallery_scanned_ > 0) {
            v.scalars["gallery_episodes"] = gallery_scanned_;
            v.scalars["gallery_forward_drawings"] = gallery_forward_drawings_;
            v.scalars["gallery_accuracy"] = 1.0 - double(gallery_failed_) / gallery_scanned_;
        }
        v.scalars["eta"] = double(eval_net().eta());
        if (live_loss_ >= 0) {
            v.scalars["loss"] = live_loss_;
            v.scalars["correct"] = live_pred_ == live_ep_.labels.back() ? 1 : 0;
        }
        v.marks.clear();
        for (int s = 0; s + 1 < T; ++s) v.marks.push_back({s, "label " + std::to_string(live_ep_.labels[size_t(s)])});
        v.marks.push_back({T - 1, "query"});
        char buf[256];
        if (t == 0) {
            std::snprintf(buf, sizeof buf, "%d-way %d-shot episode on %s: H = 0; step to show the first support image",
                          K, cfg_.shots, kEvalChoices[size_t(cfg_.eval_data)].c_str());
        } else if (t < T) {
            std::snprintf(buf, sizeof buf, "support %d/%d: label %d clamped on the output, stored in column %d of H", t,
                          T - 1, live_ep_.labels[size_t(t - 1)], live_ep_.labels[size_t(t - 1)]);
        } else {
            std::snprintf(buf, sizeof buf, "query: predicted %d (p = %.3f), truth %d: %s", live_pred_,
                          double(live_y_[size_t(live_pred_)]), live_ep_.labels.back(),
                          live_pred_ == live_ep_.labels.back() ? "correct" : "wrong");
        }
        v.status = buf + live_note_;
        // The task view's typed state.
        auto live = std::make_shared<omni::OmniLive>();
        live->ways = K;
        live->shots = cfg_.shots;
        live->side = live_ep_.side;
        live->t = t;
        live->T = T;
        live->images = live_ep_.images;
        live->labels = live_ep_.labels;
        live->answered = t >= T && live_loss_ >= 0;
        if (live->answered) {
            live->probs = live_y_;
            live->pred = live_pred_;
            live->loss = live_loss_;
        }
        live->failures = failure_list_;
        live->gallery_scanned = gallery_scanned_;
        live->gallery_failed = gallery_failed_;
        v.payload = std::move(live);
    }

protected:
    void apply_preset(const std::string& p) override {
        OmniConfig c;
        if (p == "quick") {
            // Measured on the glyph set (docs/omniglot.md): the paper's tiny alpha/eta start can sit
            // at chance for 80k+ episodes; rotations cost ~2 points of held-out accuracy at 120k
            // episodes; 10-way training episodes add ~1 point of 5-way accuracy at 60k.
            c.lr = 1e-3; c.lr_decay = 0.5; c.lr_every = 50000; c.batch = 8;
            c.alpha_init = 0.5; c.eta_init = 0.5; c.rotate = false;
            c.ways = 10; c.eval_ways = 5;
        }
        cfg_ = c;
    }
    void tensors(std::vector<TensorRef>& out) const override {
        training_.tensors(out, net_.list());
    }

private:
    static MatR<float> to_rf(const MatC<float>& m) { return MatR<float>(m); }

    // Failure gallery: every new live episode also runs up to kGalleryBatch held-out episodes (one
    // batched forward) and keeps the newest kGalleryKeep wrong answers as film strips: the
    // support images in order, a gap, then the query; the support image of the true class is
    // framed at 0.5, the one the network picked at 1. Cleared when the network is rebuilt or loaded
    // (while it trains, the newest strips come from the newest weights). It runs on the GUI
    // thread, so its cost is bounded by images, not episodes: kGalleryImages drawings (~20 ms);
    // 32 episodes of 20-way 5-shot were 3 232 drawings, a frame of half a second. The forward
    // runs on chunks of about kGalleryChunk drawings: its buffers grow with the batch, and
    // allocating (and first touching) them for all 192 at once after a rebuild or a change of
    // ways was a 130-170 ms frame.
    static constexpr int kGalleryBatch = 32, kGalleryKeep = 6, kGalleryImages = 192, kGalleryChunk = 48;
    void scan_failures(const CharSet& cs, Rng& r) {
        const omni::OmniNet<float>& net = eval_net();
        const int per_episode = net.shape.ways * cfg_.shots + 1;
        const int batch = std::clamp(kGalleryImages / per_episode, 1, kGalleryBatch);
        std::vector<omni::Episode> eps;
        Rng gr = r.split();
        for (int e = 0; e < batch; ++e) eps.push_back(omni::sample_episode(cs, net.shape.ways, cfg_.shots, cfg_.eval_rotate, gr));
        std::vector<int> preds;
        const int chunk = std::max(1, kGalleryChunk / per_episode);
        omni::EpisodeBatch<float> eb;
        for (int e0 = 0; e0 < batch; e0 += chunk) {
            fill_batch(eps.data() + e0, std::min(batch, e0 + chunk) - e0, eb);
            omni::forward(net, eb, float(cfg_.label_boost), gallery_cache_);
            preds.insert(preds.end(), gallery_cache_.pred.begin(), gallery_cache_.pred.begin() + eb.B);
            gallery_forward_drawings_ = std::max(gallery_forward_drawings_, eb.B * per_episode);
        }
        gallery_scanned_ += batch;
        for (int e = 0; e < batch; ++e) {
            const omni::Episode& ep = eps[size_t(e)];
            const int truth = ep.labels.back(), pred = preds[size_t(e)];
            if (pred == truth) continue;
            ++gallery_failed_;
            const int side = ep.side, T = ep.steps(), cell = side + 2;
            ImageView iv;
            iv.name = "failure: query of label " + std::to_string(truth) + " answered " + std::to_string(pred);
            iv.height = cell; iv.width = cell * (T + 1) - 1; iv.lo = 0; iv.hi = 1;
            iv.pixels.assign(size_t(iv.height) * size_t(iv.width), 0.f);
            for (int s = 0; s < T; ++s) {
                const int x0 = (s == T - 1 ? s + 1 : s) * cell;
                const int lab = ep.labels[size_t(s)];
                const float frame = s == T - 1 ? 0.f : lab == pred ? 1.f : lab == truth ? 0.5f : 0.f;
                for (int y = 0; y < cell; ++y)
                    for (int x = 0; x < cell && x0 + x < iv.width; ++x) {
                        const bool border = y == 0 || x == 0 || y == cell - 1 || x == cell - 1;
                        iv.pixels[size_t(y) * size_t(iv.width) + size_t(x0 + x)] =
                            border ? frame : ep.images[size_t(s) * size_t(side * side) + size_t((y - 1) * side + x - 1)];
                    }
            }
            failures_.insert(failures_.begin(), std::move(iv));
            if (int(failures_.size()) > kGalleryKeep) failures_.pop_back();
            // The same, typed, for the task view: a new list, so payloads already handed out keep theirs.
            auto typed = std::make_shared<std::vector<omni::OmniFailure>>(*failure_list_);
            typed->insert(typed->begin(), omni::OmniFailure{side, ep.images, ep.labels, truth, pred});
            if (int(typed->size()) > kGalleryKeep) typed->pop_back();
            failure_list_ = std::move(typed);
        }
    }

    // The first layer's filters, 3x3 each, in a grid 8 wide with 1-pixel gaps.
    static MatR<float> filter_tiles(const omni::OmniNet<float>& net) {
        const MatC<float>& W = net.W(0);   // (C, 9): filter o, tap ky*3+kx
        const int C = int(W.rows()), cols = 8, rows = (C + cols - 1) / cols;
        MatR<float> m = MatR<float>::Zero(rows * 4 - 1, cols * 4 - 1);
        for (int o = 0; o < C; ++o)
            for (int ky = 0; ky < 3; ++ky)
                for (int kx = 0; kx < 3; ++kx) m((o / cols) * 4 + ky, (o % cols) * 4 + kx) = W(o, ky * 3 + kx);
        return m;
    }

    static void fill_batch(const std::vector<omni::Episode>& eps, omni::EpisodeBatch<float>& eb) {
        fill_batch(eps.data(), int(eps.size()), eb);
    }
    // Episodes eps[0..n-1] into one batch (a slice of a vector, or one episode, without a copy).
    static void fill_batch(const omni::Episode* eps, int n, omni::EpisodeBatch<float>& eb) {
        eb.B = n;
        eb.T = eps[0].steps();
        const int npx = eps[0].side * eps[0].side;
        eb.images.resize(1, Eigen::Index(eb.B) * eb.T * npx);
        eb.labels.clear();
        for (int e = 0; e < eb.B; ++e) {
            std::copy(eps[size_t(e)].images.begin(), eps[size_t(e)].images.end(), eb.images.data() + size_t(e) * size_t(eb.T) * size_t(npx));
            eb.labels.insert(eb.labels.end(), eps[size_t(e)].labels.begin(), eps[size_t(e)].labels.end());
        }
    }

    double current_lr() const {
        return cfg_.lr * std::pow(cfg_.lr_decay, double(training_.run.episode / std::max(1, cfg_.lr_every)));
    }

    static std::string omniglot_part(const std::string& name) {
        return omni::find_omniglot_part(omni::default_omniglot_root(), name);
    }
    // Where the training and the evaluation characters come from: a cache key and its loader.
    // Throws DataError when a real Omniglot part is missing.
    struct Source {
        std::string key;
        std::function<CharSet()> load;
    };
    Source train_source() const {
        const std::string& d = kDataChoices[size_t(cfg_.data)];
        if (d == "glyphs") {
            const std::string p = omni::default_glyphs_path();
            return {"glyphs-bg:" + p, [p] { return omni::load_glyphs(p, omni::GlyphSplit::Background); }};
        }
        const std::string part = d == "omniglot" ? "images_background" : d == "omniglot-small1" ? "images_background_small1"
                                                                                                 : "images_background_small2";
        const std::string p = omniglot_part(part);
        return {"omniglot:" + p, [p] { return omni::load_omniglot(p); }};
    }
    Source eval_source() const {
        std::string e = kEvalChoices[size_t(cfg_.eval_data)];
        const std::string& d = kDataChoices[size_t(cfg_.data)];
        if (e == "held-out")
            e = d == "glyphs" ? "glyphs" : d == "omniglot" ? "omniglot-evaluation" : d == "omniglot-small1" ? "omniglot-small2" : "omniglot-small1";
        if (e == "glyphs") {
            const std::string p = omni::default_glyphs_path();
            return {"glyphs-ev:" + p, [p] { return omni::load_glyphs(p, omni::GlyphSplit::Evaluation); }};
        }
        const std::string part = e == "omniglot-evaluation" ? "images_evaluation" : e == "omniglot-small1" ? "images_background_small1"
                                                                                                             : "images_background_small2";
        const std::string p = omniglot_part(part);
        if (d == "glyphs") return {"omniglot:" + p, [p] { return omni::load_omniglot(p); }};
        // Real-Omniglot training: drop the alphabets the training set holds (small1 and small2
        // share Greek and Latin).
        const Source tr = train_source();
        return {"omniglot:" + p + " minus " + tr.key, [p, tr] {
                    const auto train = omni::cached_charset(tr.key, tr.load);
                    return omni::without_alphabets(omni::load_omniglot(p), train->alphabets);
                }};
    }
    // Training data (cached across tasks).
    const CharSet& train_set() {
        const Source s = train_source();
        if (s.key != train_key_) { train_ = omni::cached_charset(s.key, s.load); train_key_ = s.key; }
        return *train_;
    }
    const CharSet& eval_set() {
        const Source s = eval_source();
        if (s.key != eval_key_) { eval_ = omni::cached_charset(s.key, s.load); eval_key_ = s.key; }
        return *eval_;
    }
    // The live view's characters: the evaluation set, else (missing data) the training set, with a
    // note in the status line. On an interactive thread (the GUI) a set not loaded yet is loaded on
    // a thread of its own: the view waits at most kLiveWaitMs for it, then shows the characters it
    // had (or the training set) until it is there. Reading the small real subsets took ~0.4 s and
    // the zips of the full set many seconds, once a frame stood still for 17 s on a loaded machine.
    static constexpr int kLiveWaitMs = 50;
    const CharSet& live_charset() {
        if (!t_interactive) {
            try {
                const CharSet& cs = eval_set();
                live_note_.clear();
                return cs;
            } catch (const std::exception& e) {
                live_note_ = std::string(" [evaluation data unavailable, showing training data: ") + e.what() + "]";
                return train_set();
            }
        }
        std::string why;
        bool pending = false;
        try {
            const Source ev = eval_source();
            const omni::CharsetStatus st = omni::charset_wait_for(ev.key, ev.load, kLiveWaitMs);
            if (st.set) {
                live_set_ = st.set;
                live_note_.clear();
                return *live_set_;
            }
            pending = st.pending;
            why = st.error;
        } catch (const std::exception& e) {
            why = e.what();
        }
        if (pending && live_set_) {
            live_note_ = " [loading the evaluation data: the characters shown so far meanwhile]";
            return *live_set_;
        }
        live_note_ = pending ? " [loading the evaluation data: showing training data meanwhile]"
                             : " [evaluation data unavailable, showing training data: " + why + "]";
        try {
            const Source tr = train_source();
            const omni::CharsetStatus st = omni::charset_wait_for(tr.key, tr.load, kLiveWaitMs);
            if (st.set) {
                live_set_ = st.set;
                return *live_set_;
            }
        } catch (const std::exception&) {
        }
        if (live_set_) return *live_set_;
        return train_set();   // nothing shown yet and nothing loaded: the one wait left (init loads it first)
    }
    // The network evaluation uses: the trained one, or (eval_ways != ways) one whose every output
    // column holds the mean trained column of w and alpha.
    const omni::OmniNet<float>& eval_net() {
        const int k = cfg_.eval_ways > 0 ? cfg_.eval_ways : cfg_.ways;
        if (k == net_.shape.ways) return net_;
        if (eval_net_version_ != version_ || eval_net_.shape.ways != k) {
            omni::NetShape s = net_.shape;
            s.ways = k;
            eval_net_.build(s);
            for (int i = 0; i < net_.iw(); ++i) eval_net_.p[size_t(i)] = net_.p[size_t(i)];
            eval_net_.p[size_t(eval_net_.iw())] = net_.w().rowwise().mean().replicate(1, k);
            eval_net_.p[size_t(eval_net_.ialpha())] = net_.alpha().rowwise().mean().replicate(1, k);
            eval_net_.p[size_t(eval_net_.ieta())] = net_.p[size_t(net_.ieta())];
            eval_net_version_ = version_;
        }
        return eval_net_;
    }

    OmniConfig cfg_;
    omni::OmniNet<float> net_, eval_net_;
    int64_t version_ = 0, eval_net_version_ = -1;
    AdamRun<float, MatC<float>> training_;
    omni::EpisodeBatch<float> batch_;
    omni::NetCache<float> cache_, eval_cache_, live_cache_;
    std::vector<MatC<float>> grads_;
    std::shared_ptr<const CharSet> train_, eval_, live_set_;
    std::string train_key_, eval_key_;

    // live
    int live_ways_ = 0;   // the ways the live episode was drawn with (live_restart checks it)
    bool live_ready_ = false;
    omni::Episode live_ep_;
    int live_t_ = 0, live_pred_ = -1;
    double live_loss_ = -1;
    MatC<float> live_Hc_;
    MatR<float> live_H_, live_eff_, live_w_, live_alpha_, live_act_, live_in_, filters_;
    std::vector<float> live_y_;
    std::string live_note_;
    std::vector<ImageView> failures_;
    omni::NetCache<float> gallery_cache_;
    int gallery_scanned_ = 0, gallery_failed_ = 0, gallery_forward_drawings_ = 0;
    std::shared_ptr<const std::vector<omni::OmniFailure>> failure_list_ = std::make_shared<std::vector<omni::OmniFailure>>();
    void clear_gallery() {
        failures_.clear();
        failure_list_ = std::make_shared<std::vector<omni::OmniFailure>>();
        gallery_scanned_ = gallery_failed_ = gallery_forward_drawings_ = 0;
    }
};

}  // namespace

PS_REGISTER_TASK("omniglot", "one-shot character recognition: conv encoder + plastic Oja output layer (DP 2018)",
                 OmniglotTask);

}  // namespace ps
