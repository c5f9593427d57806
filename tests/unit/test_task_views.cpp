// The task views' typed payloads (LiveViews::payload) agree with what the same tasks report as
// scalars and images: the sine curves with the "fits" raster, each function's query MSE with
// "mse_f<k>", the alignment cosine with "align_cos", the images, Omniglot and BOHP views with the
// task's image and matrix views.
#include <catch2/catch.hpp>
#include <algorithm>
#include <cmath>
#include <string>
#include <vector>
#include "fields.hpp"
#include "flp/flp_live.hpp"
#include "bohp/bohp_live.hpp"
#include "images/images_live.hpp"
#include "omniglot/omni_live.hpp"
#include "task.hpp"

using namespace ps;

namespace {

std::unique_ptr<Task> make_quick(const std::string& name) {
    auto t = make_task(name);
    REQUIRE(t);
    t->set_preset("quick");
    t->init(4);
    t->live_reset(11);
    return t;
}

const ImageView* image(const LiveViews& v, const std::string& name) {
    for (const auto& im : v.images)
        if (im.name == name) return &im;
    return nullptr;
}

}  // namespace

TEST_CASE("flp-sine payload: curves, per-function MSE and alignment agree with the scalars and the fits image", "[flp][live]") {
    auto t = make_quick("flp-sine");
    LiveViews v;
    t->live_views(v);
    const auto* p0 = v.payload_as<flp::FlpSineLive>();
    REQUIRE(p0);
    CHECK(p0->t == 0);
    CHECK(p0->shown == -1);
    CHECK(p0->align_cos.empty());
    REQUIRE(p0->groups() == 10);
    std::vector<double> first_losses;
    for (int k = 0; k < 10; ++k) first_losses.push_back(p0->group_loss[size_t(k)].at(0));
    const int steps = 7;   // into the third function (3 steps per function in "quick")
    for (int i = 0; i < steps; ++i) REQUIRE(t->live_step());
    t->live_views(v);
    const auto* p = v.payload_as<flp::FlpSineLive>();
    REQUIRE(p);
    CHECK(p->t == steps);
    CHECK(p->T == v.T);
    REQUIRE(p->groups() == 10);
    CHECK(p->shown == 2);
    CHECK(p->first_step(2) == 6);
    CHECK(p->group_word == "function");
    REQUIRE(int(p->align_cos.size()) == steps);
    CHECK(p->align_cos.back() == Approx(v.scalars.at("align_cos")));
    for (int k = 0; k < 10; ++k) {
        REQUIRE(int(p->group_loss[size_t(k)].size()) == steps + 1);
        CHECK(p->group_loss[size_t(k)].back() == Approx(v.scalars.at("mse_f" + std::to_string(k + 1))).epsilon(1e-4));
        CHECK(v.scalar_labels.at("mse_f" + std::to_string(k + 1)) == "query MSE of function " + std::to_string(k + 1));
    }
    // Every scalar has the words a reader sees.
    for (const auto& [key, value] : v.scalars) CHECK(v.scalar_labels.count(key) == 1);
    // The history keeps the losses it had: step 0's are the ones reported before any step.
    for (int k = 0; k < 10; ++k) CHECK(p->group_loss[size_t(k)][0] == first_losses[size_t(k)]);
    // Curves: the target is A sin(x + phase); the fit is where the "fits" raster draws it (+1).
    const ImageView* fits = image(v, "fits");
    REQUIRE(fits);
    const int ph = fits->height / 2, pw = fits->width / 5;
    REQUIRE(p->x.size() == size_t(pw));
    CHECK(p->x.front() == Approx(-p->x_lim));
    CHECK(p->x.back() == Approx(p->x_lim));
    int agree = 0, total = 0;
    for (int k = 0; k < 10; ++k)
        for (size_t i = 0; i < p->x.size(); ++i) {
            CHECK(p->target[size_t(k)][i] == Approx(p->amp[size_t(k)] * std::sin(p->x[i] + p->phase[size_t(k)])).margin(1e-5));
            const double y = std::clamp(p->fit[size_t(k)][i], -5.5, 5.5);
            const int row = int(std::lround((1.0 - (y + 5.5) / 11.0) * (ph - 1)));
            const int oy = (k / 5) * ph, ox = (k % 5) * pw;
            agree += fits->pixels[size_t((oy + row) * fits->width + ox + int(i))] == 1.0f;
            ++total;
        }
    CHECK(agree == total);
}

TEST_CASE("images payload: each stored image once, the probed one found, outputs and trace as the images report", "[images][live]") {
    auto t = make_task("images");
    REQUIRE(t);
    t->set_preset("quick");
    t->init(2);
    t->live_reset(9);
    LiveViews v;
    t->live_views(v);
    const auto* p0 = v.payload_as<images::ImagesLive>();
    REQUIRE(p0);
    CHECK_FALSE(p0->probing());
    CHECK(p0->output.empty());
    const int T = v.T;
    while (t->live_step()) {}
    t->live_views(v);
    const auto* p = v.payload_as<images::ImagesLive>();
    REQUIRE(p);
    CHECK(p->t == T);
    CHECK(p->probing());
    REQUIRE(p->stored.size() == 3);
    REQUIRE(p->probed >= 0);
    CHECK(p->stored[size_t(p->probed)] == p->target);
    // The stored images are the task's "image k" views, each once.
    for (size_t k = 0; k < 3; ++k) {
        const ImageView* im = image(v, "image " + std::to_string(k + 1));
        REQUIRE(im);
        CHECK(im->pixels == p->stored[k]);
    }
    CHECK(image(v, "probe")->pixels == p->probe);
    CHECK(image(v, "output x(t)")->pixels == p->output);
    REQUIRE(int(p->test_outputs.size()) == p->test_steps);
    for (int k = 0; k < p->test_steps; ++k) CHECK(image(v, "test step " + std::to_string(k + 1))->pixels == p->test_outputs[size_t(k)]);
    CHECK(p->test_outputs.back() == p->output);
    // The hidden half: where the probe is 0 and the target is not.
    int hidden = 0;
    for (size_t i = 0; i < p->hidden.size(); ++i) {
        hidden += p->hidden[i];
        if (p->hidden[i] == 0) CHECK(p->probe[i] == p->target[i]);
    }
    CHECK(hidden >= p->side * p->side / 2);
    REQUIRE(p->plastic);
    const ImageView* tr = image(v, "trace into neuron " + std::to_string(p->neuron));
    REQUIRE(tr);
    CHECK(tr->pixels == p->trace);
    CHECK(tr->hi == Approx(p->trace_max));
}

TEST_CASE("omniglot payload: the episode's images and labels, the answer at the query as the scalars say", "[omniglot][live]") {
    auto t = make_task("omniglot");
    REQUIRE(t);
    t->set_preset("quick");
    t->init(3);
    t->live_reset(5);
    LiveViews v;
    t->live_views(v);
    const auto* p0 = v.payload_as<omni::OmniLive>();
    REQUIRE(p0);
    CHECK(p0->t == 0);
    CHECK_FALSE(p0->answered);
    REQUIRE(p0->failures);
    while (t->live_step()) {}
    t->live_views(v);
    const auto* p = v.payload_as<omni::OmniLive>();
    REQUIRE(p);
    CHECK(p->t == v.T);
    CHECK(p->T == v.T);
    REQUIRE(p->answered);
    REQUIRE(int(p->probs.size()) == p->ways);
    REQUIRE(int(p->labels.size()) == p->T);
    CHECK(p->T == p->ways * p->shots + 1);
    double sum = 0;
    for (int j = 0; j < p->ways; ++j) {
        sum += p->probs[size_t(j)];
        CHECK(p->probs[size_t(j)] == Approx(v.scalars.at("p" + std::to_string(j))));
    }
    CHECK(sum == Approx(1.0).epsilon(1e-4));
    CHECK(p->pred == int(std::max_element(p->probs.begin(), p->probs.end()) - p->probs.begin()));
    CHECK((p->pred == p->query_class()) == (v.scalars.at("correct") == 1));
    CHECK(p->loss == Approx(v.scalars.at("loss")));
    CHECK(v.target[size_t(p->query_class())] == 1.f);
    // Each shown image is the task's image view of that step, each support label once per shot.
    const size_t npx = size_t(p->side * p->side);
    for (int s = 0; s < p->T; ++s) {
        REQUIRE(size_t(s) < v.images.size());
        CHECK(std::vector<float>(p->image(s), p->image(s) + npx) == v.images[size_t(s)].pixels);
    }
    std::vector<int> per(size_t(p->ways), 0);
    for (int s = 0; s + 1 < p->T; ++s) ++per[size_t(p->labels[size_t(s)])];
    for (int c : per) CHECK(c == p->shots);
    // The failure gallery: as many typed failures as failure strips, each answered wrongly.
    int strips = 0;
    for (const auto& im : v.images) strips += im.name.rfind("failure", 0) == 0;
    CHECK(int(p->failures->size()) == strips);
    for (const auto& f : *p->failures) CHECK(f.truth != f.pred);
    CHECK(p->gallery_failed >= int(p->failures->size()));
}

TEST_CASE("bohp payload: the diagram's weights, traces and values are the task's matrices and images", "[bohp][live]") {
    for (const char* name : {"bohp-reversal", "bohp-oneshot", "bohp-completion"}) {
        INFO(name);
        auto t = make_task(name);
        REQUIRE(t);
        t->init(2);
        t->live_reset(4);
        REQUIRE(t->live_step());
        REQUIRE(t->live_step());
        LiveViews v;
        t->live_views(v);
        const auto* p = v.payload_as<bohp::BohpLive>();
        REQUIRE(p);
        CHECK(p->t == 2);
        CHECK(p->T == v.T);
        REQUIRE(int(p->input_names.size()) == p->K);
        REQUIRE(int(p->output_names.size()) == p->O);
        auto matrix = [&](const std::string& m) -> std::vector<float> {
            for (const auto& mv : v.matrices)
                if (mv.name == m) return std::vector<float>(mv.m->data(), mv.m->data() + mv.m->size());
            FAIL("no matrix " << m);
            return {};
        };
        CHECK(p->w == matrix("w"));
        CHECK(p->alpha == matrix("alpha"));
        CHECK(p->hebb == matrix("Hebb"));
        CHECK(p->effective == matrix("w+alpha*Hebb"));
        for (int k = 0; k < p->K; ++k)
            for (int j = 0; j < p->M; ++j)
                CHECK(p->at(p->effective, k, j) == Approx(p->at(p->w, k, j) + p->at(p->alpha, k, j) * p->at(p->hebb, k, j)).margin(1e-6));
        CHECK(p->x == image(v, "input")->pixels);
        CHECK(p->out == image(v, "output")->pixels);
        CHECK(p->target == v.target);
        // The unit values are the activity raster's row of the step shown.
        for (int j = 0; j < p->M; ++j) CHECK(p->y[size_t(j)] == (*v.activity)(1, j));
        CHECK(p->softmax == (std::string(name) != "bohp-completion"));
        if (p->softmax) CHECK(int(p->v.size()) == p->M * p->O);
    }
}

TEST_CASE("flp-classify payload: support and query images, probabilities and per-class accuracy agree with the scalars", "[flp][live]") {
    auto t = make_quick("flp-classify");
    const int steps = 4;
    for (int i = 0; i < steps; ++i) REQUIRE(t->live_step());
    LiveViews v;
    t->live_views(v);
    const auto* p = v.payload_as<flp::FlpClassifyLive>();
    REQUIRE(p);
    CHECK(p->t == steps);
    REQUIRE(p->ways > 0);
    CHECK(int(p->support.size()) == p->T);
    CHECK(int(p->support.size()) == p->ways * p->shots);
    CHECK(p->group_word == "class");
    // The image just shown is the task's "input" view, with the label it reports.
    const ImageView* in = image(v, "input");
    REQUIRE(in);
    CHECK(in->pixels == p->support[size_t(steps - 1)]);
    CHECK(p->support_label[size_t(steps - 1)] == int(v.scalars.at("label")));
    CHECK(p->shown == int(v.scalars.at("label")));
    // Per-class accuracy = the answers the probabilities give; the scalars agree.
    REQUIRE(p->query.size() == p->query_prob.size());
    std::vector<int> hit(size_t(p->ways), 0), cnt(size_t(p->ways), 0);
    for (size_t q = 0; q < p->query.size(); ++q) {
        double sum = 0;
        for (float x : p->query_prob[q]) sum += x;
        CHECK(sum == Approx(1.0).epsilon(1e-4));
        const int k = p->query_label[q];
        hit[size_t(k)] += p->predicted(q) == k;
        ++cnt[size_t(k)];
    }
    double mean = 0;
    for (int k = 0; k < p->ways; ++k) {
        const double a = double(hit[size_t(k)]) / std::max(1, cnt[size_t(k)]);
        CHECK(p->class_accuracy[size_t(k)] == Approx(a));
        CHECK(v.scalars.at("acc_c" + std::to_string(k)) == Approx(a));
        mean += a;
    }
    CHECK(mean / p->ways == Approx(v.scalars.at("query_metric")));
    REQUIRE(int(p->class_name.size()) == p->ways);
}
