// Interference and alignment measurements (see flp_analysis.hpp).
#include "flp/flp_analysis.hpp"
#include <cmath>
#include <limits>

namespace ps::flp {

MeanCi mean_ci(const std::vector<double>& v) {
    MeanCi r;
    r.n = int(v.size());
    if (v.empty()) return r;
    double s = 0;
    for (double x : v) s += x;
    r.mean = s / double(v.size());
    if (v.size() > 1) {
        double q = 0;
        for (double x : v) q += (x - r.mean) * (x - r.mean);
        r.ci = 1.96 * std::sqrt(q / double(v.size() - 1) / double(v.size()));
    }
    return r;
}

Analysis analyse(FlpTaskBase& task, int episodes, uint64_t seed) {
    FlpLearner& L = task.learner();
    const NetConfig& cfg = L.cfg;
    const int K = cfg.n_head;
    Analysis out;
    out.learner = L.kind() == Learner::Flp ? "flp" : L.kind() == Learner::Oml ? "oml" : "sgd";
    for (int h = 0; h < K; ++h) out.layer.push_back(cfg.F() + h + 1);

    std::vector<std::vector<std::vector<double>>> loss_after;       // [k][j] -> per-episode values
    std::vector<std::vector<double>> rise;                          // [k] -> per-episode values
    std::vector<std::vector<std::vector<double>>> cos_t;            // [t][h] -> values
    std::vector<double> forget, metric;
    Rng r(seed);
    for (int e = 0; e < episodes; ++e) {
        Rng er = r.split();
        EpisodeInfo info;
        const Episode<float> epf = task.make_episode(er, false, &info);
        Rng ir = er.split();
        // in double: an SGD step is ~1e-7 of a weight late in an episode, below float resolution
        const Params<double> pe = L.episode_params(ir).cast<double>();
        const Episode<double> ep = epf.cast<double>();
        std::vector<MatR<double>> rep;
        rep_forward(cfg, pe, stack_rows(ep.X, ep.Xq), rep);
        const MatR<double>& H = rep[size_t(cfg.F())];
        const Eigen::Index R = ep.X.rows(), Q = ep.Xq.rows();
        const int T = ep.steps();
        int G = 0;
        for (int g : info.query_group) G = std::max(G, g + 1);
        bool continual = int(info.step_group.size()) == T && T > 0 && info.step_group[0] == 0;
        for (int t = 1; continual && t < T; ++t)
            continual = info.step_group[size_t(t)] == info.step_group[size_t(t - 1)] ||
                        info.step_group[size_t(t)] == info.step_group[size_t(t - 1)] + 1;
        if (e == 0) { out.groups = G; out.step_group = info.step_group; }
        // query rows of each group
        std::vector<MatR<double>> Hg(static_cast<size_t>(G)), Yg(static_cast<size_t>(G));
        for (int j = 0; j < G; ++j) {
            std::vector<Eigen::Index> rows;
            for (Eigen::Index q = 0; q < Q; ++q) if (info.query_group[size_t(q)] == j) rows.push_back(q);
            Hg[size_t(j)].resize(Eigen::Index(rows.size()), H.cols());
            Yg[size_t(j)].resize(Eigen::Index(rows.size()), ep.Yq.cols());
            for (size_t i = 0; i < rows.size(); ++i) {
                Hg[size_t(j)].row(Eigen::Index(i)) = H.row(R + rows[i]);
                Yg[size_t(j)].row(Eigen::Index(i)) = ep.Yq.row(rows[i]);
            }
        }
        auto group_loss = [&](const HeadState<double>& st, int j) {
            std::vector<MatR<double>> hx;
            head_forward<double>(cfg, st, Hg[size_t(j)], hx);
            return loss_forward<double>(cfg.loss, hx.back(), Yg[size_t(j)], nullptr);
        };
        if (loss_after.size() < size_t(G)) { loss_after.resize(size_t(G)); rise.resize(size_t(G)); }
        if (cos_t.size() < size_t(T)) cos_t.resize(size_t(T), std::vector<std::vector<double>>(size_t(K + 1)));
        HeadState<double> st = initial_state(cfg, pe);
        std::vector<double> own(static_cast<size_t>(G), 0.0);
        StepWork<double> w;
        std::vector<MatR<double>> X, gA, gW(static_cast<size_t>(K));
        MatR<double> gY;
        for (int t = 0; t < T; ++t) {
            const MatR<double> Ht = H.middleRows(ep.start[size_t(t)], ep.rows(t));
            const MatR<double> Yt = ep.Y.middleRows(ep.start[size_t(t)], ep.rows(t));
            // the true gradient of this minibatch's loss at the current weights
            head_forward<double>(cfg, st, Ht, X);
            loss_forward<double>(cfg.loss, X.back(), Yt, &gY);
            for (int h = 0; h < K; ++h) gW[size_t(h)].setZero(st.W[size_t(h)].rows(), st.W[size_t(h)].cols());
            head_backward<double>(cfg, st, X, gY, gA, &gW, nullptr, nullptr);
            const auto before = st.W;
            inner_step<double>(cfg, pe, st, Ht, Yt, w);
            double dot_all = 0, nd_all = 0, ng_all = 0;
            for (int h = 0; h < K; ++h) {
                const MatR<double> dW = st.W[size_t(h)] - before[size_t(h)];
                const double dot = -dW.cwiseProduct(gW[size_t(h)]).sum();
                const double nd = dW.squaredNorm(), ng = gW[size_t(h)].squaredNorm();
                if (nd > 0 && ng > 0) cos_t[size_t(t)][size_t(h)].push_back(dot / std::sqrt(nd * ng));
                dot_all += dot; nd_all += nd; ng_all += ng;
            }
            if (nd_all > 0 && ng_all > 0) cos_t[size_t(t)][size_t(K)].push_back(dot_all / std::sqrt(nd_all * ng_all));
            // the end of a group: measure every group seen so far
            const bool ends = t == T - 1 || info.step_group[size_t(t + 1)] != info.step_group[size_t(t)];
            if (continual && ends) {
                const int k = info.step_group[size_t(t)];
                double rs = 0;
                loss_after[size_t(k)].resize(size_t(k + 1));
                for (int j = 0; j <= k; ++j) {
                    const double l = group_loss(st, j);
                    loss_after[size_t(k)][size_t(j)].push_back(l);
                    if (j == k) own[size_t(j)] = l; else rs += l - own[size_t(j)];
                }
                if (k > 0) rise[size_t(k)].push_back(rs / k);
                if (k == G - 1 && k > 0) forget.push_back(rs / k);
            }
        }
        std::vector<MatR<double>> hx;
        head_forward<double>(cfg, st, H.bottomRows(Q), hx);
        metric.push_back(task.metric(epf, hx.back().cast<float>()));
    }
    out.loss_after.resize(loss_after.size());
    for (size_t k = 0; k < loss_after.size(); ++k)
        for (auto& v : loss_after[k]) out.loss_after[k].push_back(mean_ci(v).mean);
    for (auto& v : rise) out.rise.push_back(mean_ci(v));
    // relative rise: a ratio of means (per-episode ratios have heavy tails when a loss is ~0)
    double own_sum = 0;
    for (size_t k = 0; k < out.rise.size(); ++k) {
        MeanCi r = out.rise[k];
        if (k > 0 && own_sum > 0) { r.mean /= own_sum / double(k); r.ci /= own_sum / double(k); }
        out.rel_rise.push_back(r);
        if (k < out.loss_after.size() && k < out.loss_after[k].size()) own_sum += out.loss_after[k][k];
    }
    out.final_forgetting = mean_ci(forget);
    out.final_metric = mean_ci(metric);
    for (auto& per_t : cos_t) {
        out.cos.emplace_back();
        for (auto& v : per_t) out.cos.back().push_back(mean_ci(v));
    }
    return out;
}

}  // namespace ps::flp
