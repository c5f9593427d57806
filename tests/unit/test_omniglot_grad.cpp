// Omniglot model: the im2col/GEMM convolution against its plain-loop reference, and the whole
// episode gradient (conv weights and biases, w, alpha, eta, through the Oja trace and the
// clamped support outputs) against central finite differences in double.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "omniglot/conv.hpp"
#include "omniglot/model.hpp"

using namespace ps;
using namespace ps::omni;

namespace {

template <class S>
MatC<S> rand_mat(Rng& r, Eigen::Index rows, Eigen::Index cols, double scale = 1.0) {
    MatC<S> m(rows, cols);
    for (Eigen::Index j = 0; j < cols; ++j)
        for (Eigen::Index i = 0; i < rows; ++i) m(i, j) = S(scale * r.uniform(-1, 1));
    return m;
}

double rel_err(double a, double n) { return std::abs(a - n) / std::max({std::abs(a), std::abs(n), 1e-12}); }

template <class S>
void check_conv_against_reference(double tol) {
    Rng r(7);
    for (ConvShape sh : {ConvShape{1, 8, 3, 2, 31, 31}, ConvShape{5, 6, 3, 2, 15, 15}, ConvShape{4, 3, 3, 1, 6, 7}}) {
        const int B = 3;
        const MatC<S> in = rand_mat<S>(r, sh.cin, Eigen::Index(B) * sh.hin * sh.win);
        const MatC<S> W = rand_mat<S>(r, sh.cout, sh.patch()), b = rand_mat<S>(r, sh.cout, 1);
        MatC<S> cols, out, out_ref;
        im2col(in, sh, B, cols);
        conv_forward(W, b, cols, out);
        conv_forward_ref(W, b, in, sh, B, out_ref);
        REQUIRE(out.rows() == sh.cout);
        REQUIRE(out.cols() == Eigen::Index(B) * sh.hout() * sh.wout());
        CHECK((out - out_ref).cwiseAbs().maxCoeff() <= tol * (1 + out_ref.cwiseAbs().maxCoeff()));

        const MatC<S> g_out = rand_mat<S>(r, out.rows(), out.cols());
        MatC<S> gW = MatC<S>::Zero(W.rows(), W.cols()), gb = MatC<S>::Zero(sh.cout, 1), gcols, gin;
        MatC<S> gW_ref = gW, gb_ref = gb, gin_ref;
        conv_backward(W, cols, g_out, gW, gb, &gcols);
        col2im(gcols, sh, B, gin);
        conv_backward_ref(W, in, g_out, sh, B, gW_ref, gb_ref, gin_ref);
        CHECK((gW - gW_ref).cwiseAbs().maxCoeff() <= tol * (1 + gW_ref.cwiseAbs().maxCoeff()));
        CHECK((gb - gb_ref).cwiseAbs().maxCoeff() <= tol * (1 + gb_ref.cwiseAbs().maxCoeff()));
        CHECK((gin - gin_ref).cwiseAbs().maxCoeff() <= tol * (1 + gin_ref.cwiseAbs().maxCoeff()));
        CHECK(gin_ref.cwiseAbs().maxCoeff() > 0);
    }
}

// A batch of random episodes (random grey images; support labels cover every class once per
// shot, the query's target is one of them).
EpisodeBatch<double> random_batch(Rng& r, int B, int ways, int side) {
    EpisodeBatch<double> eb;
    eb.B = B; eb.T = ways + 1;
    eb.images = rand_mat<double>(r, 1, Eigen::Index(B) * eb.T * side * side, 0.5).array() + 0.5;
    for (int e = 0; e < B; ++e) {
        std::vector<int> lab(static_cast<size_t>(ways));
        for (int k = 0; k < ways; ++k) lab[size_t(k)] = k;
        r.shuffle(lab.begin(), lab.end());
        for (int k = 0; k < ways; ++k) eb.labels.push_back(lab[size_t(k)]);
        eb.labels.push_back(int(r.below(uint64_t(ways))));
    }
    return eb;
}

// Finite-difference check of every parameter tensor; entries are the largest-gradient ones among
// a random sample (tiny entries only measure rounding noise).
void fd_check(int channels, double boost, int per_tensor, uint64_t seed) {
    NetShape shape;
    shape.channels = channels;
    OmniNet<double> net;
    net.build(shape);
    Rng r(seed);
    net.init(r);
    // Away from the initial point so that the plastic path carries real gradient.
    net.p[size_t(net.iw())] = rand_mat<double>(r, channels, shape.ways, 0.5);
    net.p[size_t(net.ialpha())] = rand_mat<double>(r, channels, shape.ways, 1.0);
    net.p[size_t(net.ieta())](0, 0) = 0.3;
    const EpisodeBatch<double> eb = random_batch(r, 2, shape.ways, shape.side);

    NetCache<double> c;
    const double loss0 = forward(net, eb, boost, c);
    REQUIRE(std::isfinite(loss0));
    std::vector<MatC<double>> g;
    backward(net, eb, boost, c, g);
    const double h = 1e-5;
    for (size_t k = 0; k < net.p.size(); ++k) {
        INFO("parameter " << net.names[k] << ", boost " << boost << ", channels " << channels);
        MatC<double>& P = net.p[k];
        std::vector<std::pair<double, Eigen::Index>> cand;
        for (int s = 0; s < std::min<int>(40, int(P.size())); ++s) {
            const Eigen::Index i = Eigen::Index(r.below(uint64_t(P.size())));
            cand.push_back({std::abs(g[k].data()[i]), i});
        }
        std::sort(cand.begin(), cand.end(), [](auto& a, auto& b) { return a.first > b.first; });
        cand.erase(std::unique(cand.begin(), cand.end(), [](auto& a, auto& b) { return a.second == b.second; }), cand.end());
        double max_abs = 0, worst = 0;
        bool all_identical = true;
        for (int s = 0; s < std::min<int>(per_tensor, int(cand.size())); ++s) {
            const Eigen::Index i = cand[size_t(s)].second;
            const double keep = P.data()[i];
            NetCache<double> cc;
            P.data()[i] = keep + h;
            const double lp = forward(net, eb, boost, cc);
            P.data()[i] = keep - h;
            const double lm = forward(net, eb, boost, cc);
            P.data()[i] = keep;
            const double num = (lp - lm) / (2 * h), ana = g[k].data()[i];
            max_abs = std::max(max_abs, std::abs(ana));
            worst = std::max(worst, rel_err(ana, num));
            all_identical = all_identical && ana == num;
        }
        if (std::getenv("PS_FD_VERBOSE")) std::printf("%-10s boost %6.1f ch %2d: max|g| %.3e  worst rel err %.2e\n", net.names[k].c_str(), boost, channels, max_abs, worst);
        CHECK(max_abs > 1e-8);        // guard: the analytic gradient is not zero
        CHECK_FALSE(all_identical);   // guard: it is not the numeric one copied
        CHECK(worst < 1e-6);
    }
}

}  // namespace

TEST_CASE("omniglot conv: im2col+GEMM equals the plain-loop reference", "[omniglot]") {
    check_conv_against_reference<double>(1e-12);
    check_conv_against_reference<float>(1e-4);
}

TEST_CASE("omniglot conv: col2im is the adjoint of im2col", "[omniglot]") {
    // <im2col(x), y> == <x, col2im(y)> for every x, y.
    Rng r(3);
    const ConvShape sh{3, 4, 3, 2, 9, 11};
    const int B = 2;
    const MatC<double> x = rand_mat<double>(r, sh.cin, Eigen::Index(B) * sh.hin * sh.win);
    MatC<double> cx, back;
    im2col(x, sh, B, cx);
    const MatC<double> y = rand_mat<double>(r, cx.rows(), cx.cols());
    col2im(y, sh, B, back);
    const double lhs = (cx.array() * y.array()).sum(), rhs = (x.array() * back.array()).sum();
    CHECK(std::abs(lhs - rhs) <= 1e-12 * std::abs(lhs) + 1e-12);
}

TEST_CASE("omniglot net: shape and parameter count of the paper's network", "[omniglot]") {
    OmniNet<float> net;
    net.build(NetShape{});
    // 4 conv layers (640 + 3 x 36 928) + w, alpha (2 x 320) + eta = 112 065 (DP paper)
    CHECK(net.num_params() == 112065);
    CHECK(net.names.front() == "conv1/W");
    CHECK(net.names.back() == "eta");
    NetShape bad;
    bad.side = 28;
    CHECK_THROWS_AS(net.build(bad), std::invalid_argument);
}

TEST_CASE("omniglot net: clamped support outputs are the labels", "[omniglot]") {
    OmniNet<float> net;
    net.build(NetShape{});
    Rng r(5);
    net.init(r);
    Rng r2(6);
    EpisodeBatch<double> ebd = random_batch(r2, 1, 5, 31);
    EpisodeBatch<float> eb;
    eb.B = ebd.B; eb.T = ebd.T; eb.images = ebd.images.cast<float>(); eb.labels = ebd.labels;
    NetCache<float> c;
    forward(net, eb, 1000.f, c);
    for (int t = 0; t < eb.T - 1; ++t)
        for (int j = 0; j < 5; ++j) CHECK(c.Y(j, t) == (j == eb.labels[size_t(t)] ? 1.f : 0.f));
    // Fresh trace after one support step: H(:, label) = eta * x (Oja with y = onehot, H = 0).
    const int l0 = eb.labels[0];
    CHECK((c.H[1].col(l0) - net.eta() * c.act.back().col(0)).cwiseAbs().maxCoeff() < 1e-7f);
}

TEST_CASE("omniglot net: gradient matches finite differences (double, all parameters)", "[omniglot][grad]") {
    SECTION("soft label clamp: the support outputs pass gradient") { fd_check(12, 3.0, 6, 11); }
    SECTION("paper clamp +1000: gradient only through the trace") { fd_check(12, 1000.0, 6, 12); }
    SECTION("paper size, 64 channels") { fd_check(64, 1000.0, 3, 13); }
}
