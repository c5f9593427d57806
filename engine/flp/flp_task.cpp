// FlpTaskBase: the data-independent half of the FLP tasks (see flp_task.hpp).
#include "flp/flp_task.hpp"
#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace ps::flp {

namespace {
constexpr uint64_t kDataSalt = 0xD47A5EEDull, kInitSalt = 0x1417A11Cull;
}

std::vector<PresetInfo> learner_presets(const std::string& flp, const std::string& oml, const std::string& sgd,
                                        const std::string& flp_iid, const std::string& quick) {
    return {{"flp", flp}, {"oml", oml}, {"sgd", sgd}, {"flp-iid", flp_iid},
            {"oml-iid", "OML, iid"}, {"sgd-iid", "plain SGD, iid"}, {"quick", quick}};
}

std::string FlpTaskBase::apply_learner_preset(const std::string& name, bool& iid) {
    iid = name.size() > 4 && name.compare(name.size() - 4, 4, "-iid") == 0;
    const std::string base = iid ? name.substr(0, name.size() - 4) : name;
    if (base == "oml") {
        lc_.learner = int(Learner::Oml);
    } else if (base == "sgd") {
        lc_.learner = int(Learner::Sgd);
        lc_.episodes = 400;
        lc_.meta_batch = 1;
    } else {
        lc_.learner = int(Learner::Flp);
    }
    return base;
}

std::vector<Field> FlpTaskBase::fields() {
    auto f = learner_fields(lc_);
    for (auto& d : data_fields()) f.push_back(d);
    return f;
}

void FlpTaskBase::init(uint64_t seed) {
    learner_.build(lc_, n_in(), n_out(), loss_kind(), clamp_output(), seed);
    data_rng_.reseed(seed ^ kDataSalt);
    init_rng_.reseed(seed ^ kInitSalt);
    run_ = RunState{seed, 0};
    stream_behind_ = 0;
    built_ = true;
    live_ = Live{};
    reset_live(0);
}

void FlpTaskBase::ensure_built() { if (!built_) init(0); }

void FlpTaskBase::apply_live_changes() {
    learner_.lc.lr = lc_.lr;
    learner_.lc.p_lr_scale = lc_.p_lr_scale;
    learner_.lc.p_warmup = lc_.p_warmup;
    learner_.lc.project = lc_.project;
    learner_.lc.backoff = lc_.backoff;
    learner_.lc.clip = lc_.clip;
    learner_.lc.meta_batch = lc_.meta_batch;
    learner_.lc.ckpt = lc_.ckpt;
    learner_.apply_live();
}

void FlpTaskBase::catch_up_stream() {
    for (; stream_behind_ > 0; --stream_behind_) {
        make_episode(data_rng_, true, nullptr);
        if (learner_.kind() == Learner::Sgd) init_rng_.split();     // FlpLearner::train: one init per episode
    }
}

StepStats FlpTaskBase::train_step() {
    ensure_built();
    catch_up_stream();
    std::vector<Episode<float>> eps;
    for (int k = 0; k < lc_.meta_batch; ++k) eps.push_back(make_episode(data_rng_, true, nullptr));
    run_.episode += lc_.meta_batch;
    StepStats st = learner_.train(eps, init_rng_, [this](const Episode<float>& ep, const MatR<float>& y) { return metric(ep, y); });
    if (learner_.kind() == Learner::Sgd) lc_.inner_lr = learner_.lc.inner_lr;   // the tuned rate shows in the fields
    return st;
}

double FlpTaskBase::eval_episode(Rng& rng) {
    ensure_built();
    const Episode<float> ep = make_episode(rng, false, nullptr);
    Rng ir = rng.split();
    Unroll<float> u;
    learner_.run(ep, learner_.episode_params(ir), u);
    return metric(ep, u.qX.back());
}

void FlpTaskBase::save(ArrayMap& out, bool with_optimizer) const {
    learner_.save(out, with_optimizer);
    run_.save(out);
}

void FlpTaskBase::load(const ArrayMap& in, bool with_optimizer) {
    // The caller has set the config: (re)build to its shapes, then overwrite the parameters.
    // The data stream position is optional (a parameters-only file starts a fresh stream); when
    // present, the next train_step replays the stream to it first, so a resumed run sees the
    // episodes a straight run would, and a load that is not followed by training costs nothing.
    RunState run;
    run.load(in);
    if (run.episode > (int64_t(1) << 40)) throw std::runtime_error("array 'state/episode' is out of range");
    init(run.seed);
    learner_.load(in, with_optimizer);
    lc_.inner_lr = learner_.lc.inner_lr;
    run_ = run;
    stream_behind_ = run.episode;
}

void FlpTaskBase::grad_dump(uint64_t seed, ArrayMap& out) {
    ensure_built();
    Rng r(seed);
    const Episode<float> ep = make_episode(r, true, nullptr);
    Rng ir = r.split();
    learner_.grad_dump(ep, ir, out);
}

// ---------------------------------------------------------------- live stepping
void FlpTaskBase::live_restart() {
    // The episode is a function of its seed (Task::live_reset sets it), and every part of live_
    // is set again below: a restart and a new episode are the same work.
    ensure_built();
    Rng r(live_seed());
    live_.ep = make_episode(r, false, &live_.info);
    Rng ir = r.split();
    live_.pe = learner_.episode_params(ir);
    MatR<float> extra;
    live_extra_rows(extra);
    live_.extra_rows = int(extra.rows());
    MatR<float> all(live_.ep.X.rows() + live_.ep.Xq.rows() + extra.rows(), n_in());
    all << live_.ep.X, live_.ep.Xq, extra;
    rep_forward(learner_.cfg, live_.pe, all, live_.rep);
    live_.st = initial_state(learner_.cfg, live_.pe);
    live_.t = 0;
    live_.step_loss = 0;
    live_.dW.clear();
    for (const auto& W : live_.st.W) live_.dW.push_back(MatR<float>::Zero(W.rows(), W.cols()));
    live_.Bv.clear();
    for (int h = 0; h < learner_.cfg.n_head; ++h)
        if (learner_.cfg.rule == Rule::Flp && learner_.cfg.has_feedback(h)) live_.Bv.push_back(live_.pe.B[size_t(h)]);
    const int K = learner_.cfg.n_head;
    live_.act.setZero(live_.ep.steps(), learner_.cfg.sizes[size_t(learner_.cfg.F() + std::max(0, K - 1))]);
    live_.inp.setZero(live_.ep.steps(), n_in());
    live_.ready = true;
    live_.cos.clear();
    int G = 0;
    for (int g : live_.info.query_group) G = std::max(G, g + 1);
    live_.gloss.setZero(std::max(G, 1), live_.ep.steps() + 1);
    live_predict();
    live_group_losses(0);
}

void FlpTaskBase::live_group_losses(int col) {
    const NetConfig& c = learner_.cfg;
    const auto& qg = live_.info.query_group;
    for (int g = 0; g < int(live_.gloss.rows()); ++g) {
        std::vector<Eigen::Index> rows;
        for (Eigen::Index r = 0; r < live_.qpred.rows(); ++r)
            if (r < Eigen::Index(qg.size()) && qg[size_t(r)] == g) rows.push_back(r);
        if (rows.empty()) continue;
        MatR<float> yh(Eigen::Index(rows.size()), live_.qpred.cols()), y(Eigen::Index(rows.size()), live_.qpred.cols());
        for (size_t i = 0; i < rows.size(); ++i) { yh.row(Eigen::Index(i)) = live_.qpred.row(rows[i]); y.row(Eigen::Index(i)) = live_.ep.Yq.row(rows[i]); }
        live_.gloss(g, col) = loss_forward<float>(c.loss, yh, y, nullptr);
    }
}

void FlpTaskBase::live_predict() {
    const NetConfig& c = learner_.cfg;
    const MatR<float>& H = live_.rep[size_t(c.F())];
    const Eigen::Index R = live_.ep.X.rows(), Q = live_.ep.Xq.rows();
    std::vector<MatR<float>> hx;
    head_forward<float>(c, live_.st, H.middleRows(R, Q), hx);
    live_.qpred = hx.back();
    if (live_.extra_rows > 0) {
        head_forward<float>(c, live_.st, H.bottomRows(live_.extra_rows), hx);
        live_.extra_pred = hx.back();
    }
    live_.Wv = live_.st.W;
}

bool FlpTaskBase::live_step() {
    if (!live_.ready) live_reset(1);
    const int T = live_.ep.steps();
    if (live_.t >= T) return false;
    const NetConfig& c = learner_.cfg;
    const int t = live_.t;
    const HeadState<float> prev = live_.st;
    const MatR<float> Ht = live_.rep[size_t(c.F())].middleRows(live_.ep.start[size_t(t)], live_.ep.rows(t));
    const MatR<float> Yt = live_.ep.Y.middleRows(live_.ep.start[size_t(t)], live_.ep.rows(t));
    inner_step<float>(c, live_.pe, live_.st, Ht, Yt, live_.w);
    for (size_t h = 0; h < prev.W.size(); ++h) live_.dW[h] = live_.st.W[h] - prev.W[h];
    {   // alignment: cos(dW, -dℓ_t/dW) over all head weights, the gradient taken at the step's own weights
        std::vector<MatR<float>> hx, gA, gW;
        head_forward<float>(c, prev, Ht, hx);
        MatR<float> gY;
        loss_forward<float>(c.loss, hx.back(), Yt, &gY);
        for (const auto& W : prev.W) gW.push_back(MatR<float>::Zero(W.rows(), W.cols()));
        head_backward<float>(c, prev, hx, gY, gA, &gW, nullptr, nullptr);
        double dot = 0, nu = 0, ng = 0;
        for (size_t h = 0; h < gW.size(); ++h) {
            dot -= double(live_.dW[h].cwiseProduct(gW[h]).sum());
            nu += double(live_.dW[h].squaredNorm());
            ng += double(gW[h].squaredNorm());
        }
        live_.cos.push_back(nu > 0 && ng > 0 ? dot / std::sqrt(nu * ng) : 0.0);
    }
    live_.act.row(t) = live_.w.X[size_t(std::max(0, c.n_head - 1))].row(0);     // last hidden layer
    live_.inp.row(t) = live_.ep.X.row(live_.ep.start[size_t(t)]);
    live_.step_loss = live_.w.inner_loss;
    ++live_.t;
    live_predict();
    live_group_losses(live_.t);
    return true;
}

void FlpTaskBase::fill_live(FlpLive& p, const std::string& group_word, const std::string& loss_name) const {
    p.t = live_.t;
    p.T = live_.ep.steps();
    p.step_group = live_.info.step_group;
    p.iid = !p.step_group.empty() && std::all_of(p.step_group.begin(), p.step_group.end(), [](int g) { return g < 0; });
    p.shown = live_.t > 0 && !p.step_group.empty() ? p.step_group[size_t(live_.t - 1)] : -1;
    p.group_word = group_word;
    p.loss_name = loss_name;
    p.align_cos = live_.cos;
    p.group_loss.assign(size_t(live_.gloss.rows()), {});
    for (Eigen::Index g = 0; g < live_.gloss.rows(); ++g)
        for (int s = 0; s <= live_.t; ++s) p.group_loss[size_t(g)].push_back(double(live_.gloss(g, s)));
}

void FlpTaskBase::live_views(LiveViews& v) {
    if (!live_.ready) live_reset(1);
    const NetConfig& c = learner_.cfg;
    v = LiveViews{};
    v.t = live_.t;
    v.T = live_.ep.steps();
    v.episode = live_episode();
    v.activity = &live_.act;
    v.input = live_input_raster() ? &live_.inp : nullptr;
    for (int h = 0; h < c.n_head; ++h) {
        const std::string l = std::to_string(c.F() + h + 1);
        v.matrices.push_back({"dW" + l, &live_.dW[size_t(h)], true,
                              "last inner update of layer " + l + " (rows: post-synaptic, cols: pre-synaptic)", "post", "pre"});
        v.matrices.push_back({"W" + l, &live_.Wv[size_t(h)], true, "current weights of layer " + l, "post", "pre"});
    }
    for (int h = 0, k = 0; h < c.n_head; ++h)
        if (c.rule == Rule::Flp && c.has_feedback(h)) {
            const std::string l = std::to_string(c.F() + h + 1);
            v.matrices.push_back({"B" + l, &live_.Bv[size_t(k++)], true,
                                  "feedback weights of layer " + l + ": f = ReLU(B s + c), s = teaching signal", "neuron", "signal"});
        }
    int last = -2;
    for (int t = 0; t < v.T; ++t) {
        const int g = live_.info.step_group.empty() ? -1 : live_.info.step_group[size_t(t)];
        if (g != last && g >= 0) v.marks.emplace_back(t, group_mark(g));
        last = g;
    }
    v.scalars["step_loss"] = live_.step_loss;
    v.scalars["query_loss"] = loss_forward<float>(c.loss, live_.qpred, live_.ep.Yq, nullptr);
    v.scalars["query_metric"] = metric(live_.ep, live_.qpred);
    const int tg = std::min(live_.t, v.T - 1);
    v.scalars["group"] = live_.info.step_group.empty() || tg < 0 ? -1 : live_.info.step_group[size_t(tg)];
    if (!live_.cos.empty()) v.scalars["align_cos"] = live_.cos.back();
    v.scalar_labels = {{"step_loss", "loss of this step's minibatch"},
                       {"query_loss", "query loss"},
                       {"query_metric", "query " + metric_name()},
                       {"group", "group of the next step (from 0)"},
                       {"align_cos", "update / gradient cosine"}};
    // alignment plot: a dot per step at its cosine
    ImageView al;
    al.name = "alignment"; al.height = 41; al.width = 2 * std::max(1, v.T); al.lo = 0; al.hi = 1;
    al.pixels.assign(size_t(al.height) * size_t(al.width), 0.f);
    for (int x = 0; x < al.width; ++x) al.pixels[size_t(20 * al.width + x)] = 0.3f;
    for (size_t t = 0; t < live_.cos.size(); ++t) {
        const int row = int(std::lround((1.0 - std::clamp(live_.cos[t], -1.0, 1.0)) * 20.0));
        for (int dx = 0; dx < 2; ++dx) al.pixels[size_t(row * al.width) + 2 * t + size_t(dx)] = 1.f;
    }
    v.images.push_back(std::move(al));
    // forgetting map: groups x steps, each group's query loss after every step so far
    ImageView fg;
    fg.name = "forgetting"; fg.height = int(live_.gloss.rows()); fg.width = 2 * (v.T + 1); fg.lo = 0; fg.hi = 1;
    fg.pixels.assign(size_t(fg.height) * size_t(fg.width), 0.f);
    const float mx = live_.gloss.leftCols(live_.t + 1).maxCoeff();
    for (int g = 0; g < fg.height; ++g)
        for (int t = 0; t <= live_.t; ++t)
            for (int dx = 0; dx < 2; ++dx)
                fg.pixels[size_t(g * fg.width + 2 * t + dx)] = mx > 0 ? live_.gloss(g, t) / mx : 0.f;
    v.images.push_back(std::move(fg));
}

}  // namespace ps::flp
