// BackgroundTrainer: the GUI's training thread. A tiny least-squares task (defined here, not
// registered) stands in for a real one so these tests run in milliseconds and also under
// ThreadSanitizer (tools/tsan.sh runs the [trainer] tag in a -fsanitize=thread build).
#include <catch2/catch.hpp>
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <thread>
#include "background_trainer.hpp"
#include "helpers.hpp"
#include "cancel.hpp"
#include "plastic_net.hpp"

namespace {

// Linear regression y = x·w* + noise, trained by plain SGD on batches drawn from a seeded Rng.
class LinRegTask : public ps::Task {
public:
    struct Config {
        double lr = 0.05;
        int k = 8;
    } cfg;

    LinRegTask() : ps::Task({"linreg-test", "test task", "mse", true, {{"default", "test"}}}) { set_preset("default"); }
    std::vector<ps::Field> fields() override {
        return {ps::Field::real("lr", &cfg.lr, 0, 1e9, "", "SGD step size", ps::Apply::Live, true),
                ps::Field::integer("k", &cfg.k, 1, 64, "", "inputs", ps::Apply::Rebuild)};
    }
    void init(uint64_t seed) override {
        rng_.reseed(seed);
        w_ = Eigen::VectorXf::Zero(cfg.k);
        w_star_.resize(cfg.k);
        for (int i = 0; i < cfg.k; ++i) w_star_[i] = float(rng_.normal());
    }
    ps::StepStats train_step() override {
        const int B = 16;
        Eigen::MatrixXf x(B, cfg.k);
        for (int b = 0; b < B; ++b)
            for (int i = 0; i < cfg.k; ++i) x(b, i) = float(rng_.normal());
        const Eigen::VectorXf y = x * w_star_;                  // (B)
        const Eigen::VectorXf e = x * w_ - y;                   // (B) residual
        const float loss = e.squaredNorm() / B;                 // mean squared error
        const Eigen::VectorXf g_w = 2.0f / B * x.transpose() * e;   // (k) d loss / d w
        w_ -= float(cfg.lr) * g_w;
        ps::StepStats s;
        s.loss = loss;
        s.metric = loss;
        s.extra["lr"] = cfg.lr;
        return s;
    }
    double eval_episode(ps::Rng&) override { return 0; }
    void save(ps::ArrayMap& out, bool) const override { out["w"] = ps::to_array(w_); }
    void load(const ps::ArrayMap& in, bool) override { ps::from_array(in, "w", w_, cfg.k, 1); }
    void grad_dump(uint64_t, ps::ArrayMap&) override {}
    void live_restart() override {}
    bool live_step() override { return false; }
    void live_views(ps::LiveViews&) override {}

protected:
    void apply_preset(const std::string&) override { cfg = Config(); }
    void tensors(std::vector<ps::TensorRef>& out) const override { out.push_back({"w", w_.data(), int64_t(w_.size())}); }

public:
    Eigen::VectorXf w_, w_star_;
    ps::Rng rng_;
};

std::unique_ptr<LinRegTask> make_linreg(double lr = 0.05) {
    auto t = std::make_unique<LinRegTask>();
    t->cfg.lr = lr;
    t->init(7);
    return t;
}

// Waits (polling) until pred() or the timeout; returns pred().
template <class P>
bool wait_for(P pred, double seconds = 20) {
    const auto end = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
    while (!pred() && std::chrono::steady_clock::now() < end) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    return pred();
}

}  // namespace

TEST_CASE("trainer publishes the starting parameters before it runs", "[trainer]") {
    ps::BackgroundTrainer tr(make_linreg(), 42);
    auto s = tr.snapshot();
    REQUIRE(s);
    CHECK(s->version == 1);
    CHECK(s->iter == 42);
    CHECK(s->params.count("w") == 1);
    CHECK(tr.snapshot_if_newer(1) == nullptr);
    CHECK_FALSE(tr.running());
}

TEST_CASE("trainer thread trains: the loss falls and snapshots follow", "[trainer]") {
    ps::BackgroundTrainer tr(make_linreg());
    tr.set_publish_interval(0);
    tr.start();
    REQUIRE(wait_for([&] { return tr.iterations() >= 300; }));
    tr.pause();
    REQUIRE(wait_for([&] { return !tr.running(); }));
    const int64_t n = tr.iterations();

    uint64_t gen = 0;
    size_t count = 0;
    std::vector<ps::TrainPoint> h;
    tr.history_since(gen, count, h);
    REQUIRE(int64_t(h.size()) == n);
    for (size_t i = 0; i < h.size(); ++i) CHECK(h[i].iter == int64_t(i) + 1);
    double first = 0, last = 0;
    for (int i = 0; i < 10; ++i) { first += h[size_t(i)].loss; last += h[h.size() - 1 - size_t(i)].loss; }
    CHECK(last < 0.01 * first);

    // After a pause the published snapshot is exactly the paused state.
    REQUIRE(wait_for([&] { return tr.snapshot()->iter == n; }));
    auto snap = tr.snapshot();
    CHECK(snap->version > 1);
    // Nothing runs while paused.
    std::this_thread::sleep_for(std::chrono::milliseconds(30));
    CHECK(tr.iterations() == n);
    tr.history_since(gen, count, h);
    CHECK(int64_t(h.size()) == n);
}

TEST_CASE("pausing and resuming neither skips nor repeats a step", "[trainer]") {
    // Reference: the same task stepped directly.
    auto ref = make_linreg();
    std::vector<double> ref_loss;
    for (int i = 0; i < 200; ++i) ref_loss.push_back(ref->train_step().loss);

    ps::BackgroundTrainer tr(make_linreg());
    for (int round = 0; round < 20 && tr.iterations() < 200; ++round) {
        tr.start();
        std::this_thread::sleep_for(std::chrono::microseconds(200));
        tr.pause();
    }
    tr.start();
    REQUIRE(wait_for([&] { return tr.iterations() >= 200; }));
    tr.stop();
    uint64_t gen = 0;
    size_t count = 0;
    std::vector<ps::TrainPoint> h;
    tr.history_since(gen, count, h);
    REQUIRE(h.size() >= 200);
    for (size_t i = 0; i < 200; ++i) REQUIRE(h[i].loss == ref_loss[i]);
}

TEST_CASE("a GUI-like reader loads snapshots while the trainer runs", "[trainer]") {
    ps::BackgroundTrainer tr(make_linreg());
    tr.set_publish_interval(0);
    auto live = make_linreg();   // the GUI's own task object
    tr.start();
    uint64_t seen = 0;
    int loads = 0;
    int64_t last_iter = -1;
    uint64_t gen = 0;
    size_t count = 0;
    std::vector<ps::TrainPoint> h;
    const auto end = std::chrono::steady_clock::now() + std::chrono::milliseconds(300);
    while (std::chrono::steady_clock::now() < end || loads < 5) {
        if (auto s = tr.snapshot_if_newer(seen)) {
            CHECK(s->version > seen);
            CHECK(s->iter >= last_iter);
            seen = s->version;
            last_iter = s->iter;
            live->load(s->params, false);   // throws if non-finite or misshaped
            ++loads;
        }
        tr.history_since(gen, count, h);
        tr.request_publish();
        if (loads > 2000) break;
    }
    tr.stop();
    CHECK(loads >= 5);
    CHECK(live->w_.allFinite());
    CHECK(h.size() == count);
    // stop() publishes the final state.
    CHECK(tr.snapshot()->iter == tr.iterations());
}

TEST_CASE("live field changes reach the trainer at the next step", "[trainer]") {
    ps::BackgroundTrainer tr(make_linreg(0.01));
    tr.start();
    REQUIRE(wait_for([&] { return tr.iterations() >= 5; }));
    tr.set_fields({"lr=0.02"});
    tr.set_fields({"lr=nonsense"});   // rejected with a note, training goes on
    const int64_t after = tr.iterations();
    REQUIRE(wait_for([&] { return tr.iterations() >= after + 20; }));
    tr.stop();
    uint64_t gen = 0;
    size_t count = 0;
    std::vector<ps::TrainPoint> h;
    tr.history_since(gen, count, h);
    REQUIRE(!h.empty());
    CHECK(h.front().extra.at("lr") == 0.01);
    CHECK(h.back().extra.at("lr") == 0.02);
    auto notes = tr.take_notes();
    REQUIRE(notes.size() == 1);
    CHECK(notes[0].text.find("'lr'") != std::string::npos);
    CHECK_FALSE(notes[0].error);
    CHECK(tr.take_notes().empty());
}

TEST_CASE("a non-finite loss pauses training with a message and keeps the last good snapshot", "[trainer]") {
    ps::BackgroundTrainer tr(make_linreg(1e7));   // absurd step size: overflows in a few steps
    tr.set_publish_interval(0);
    tr.start();
    REQUIRE(wait_for([&] { return tr.diverged(); }));
    REQUIRE(wait_for([&] { return !tr.running(); }));
    const std::string msg = tr.message();
    CHECK(msg.find("diverged at step " + std::to_string(tr.iterations())) != std::string::npos);
    CHECK(msg.find("lower learning rate") != std::string::npos);
    CHECK(msg.find("lr=10000000") != std::string::npos);
    auto s = tr.snapshot();
    REQUIRE(s);
    auto probe = make_linreg();
    CHECK_NOTHROW(probe->load(s->params, false));   // the published parameters are finite
    CHECK(s->iter < tr.iterations());
    // start() does not resume a diverged run.
    const int64_t n = tr.iterations();
    tr.start();
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    CHECK(tr.iterations() == n);
    CHECK_FALSE(tr.running());
}

TEST_CASE("actions run on the trainer thread between steps, or at once without a thread", "[trainer]") {
    ps::BackgroundTrainer tr(make_linreg());
    std::thread::id where;
    tr.post([&](ps::Task& t, int64_t iter) {
        where = std::this_thread::get_id();
        return t.name() + " at " + std::to_string(iter);
    });
    CHECK(where == std::this_thread::get_id());
    auto n0 = tr.take_notes();
    REQUIRE(n0.size() == 1);
    CHECK(n0[0].text == "linreg-test at 0");

    tr.start();
    REQUIRE(wait_for([&] { return tr.iterations() >= 3; }));
    std::atomic<bool> done{false};
    std::atomic<int64_t> at{-1};
    tr.post([&](ps::Task&, int64_t iter) {
        at = iter;
        done = true;
        return std::string();
    });
    REQUIRE(wait_for([&] { return done.load(); }));
    CHECK(at.load() >= 3);
    // Paused threads still serve actions.
    tr.pause();
    REQUIRE(wait_for([&] { return !tr.running(); }));
    done = false;
    tr.post([&](ps::Task&, int64_t) { done = true; return std::string("saved"); });
    REQUIRE(wait_for([&] { return done.load(); }));
    tr.stop();
    auto n1 = tr.take_notes();
    REQUIRE(n1.size() == 1);
    CHECK(n1[0].text == "saved");
}

TEST_CASE("long histories are compacted 2:1 and readers resynchronise", "[trainer]") {
    ps::BackgroundTrainer tr(make_linreg());
    tr.set_history_limit(64);
    uint64_t gen = 0;
    size_t count = 0;
    std::vector<ps::TrainPoint> h;
    tr.start();
    REQUIRE(wait_for([&] {
        tr.history_since(gen, count, h);
        return tr.iterations() >= 500;
    }));
    tr.stop();
    tr.history_since(gen, count, h);
    CHECK(gen > 0);
    CHECK(h.size() < 64);
    CHECK(h.size() == count);
    int64_t steps = 0, block = 1;
    for (size_t i = 0; i < h.size(); ++i) {
        steps += h[i].steps;
        block = std::max<int64_t>(block, h[i].steps);
        CHECK(h[i].iter == steps);   // points tile the run with no gap or overlap
        if (i) CHECK(h[i].iter > h[i - 1].iter);
    }
    // At most one partial block is still being averaged. A block is as long as the largest point
    // (each compaction doubles it), and how many compactions there were depends on how far the
    // trainer ran before the poll saw 500 iterations: thousands on a loaded machine.
    INFO("iterations " << tr.iterations() << ", steps in the history " << steps << ", block " << block);
    CHECK(steps <= tr.iterations());
    CHECK(steps > tr.iterations() - block);
}

TEST_CASE("destroying a running trainer joins its thread", "[trainer]") {
    auto tr = std::make_unique<ps::BackgroundTrainer>(make_linreg());
    tr->start();
    REQUIRE(wait_for([&] { return tr->iterations() > 0; }));
    tr.reset();   // must not hang or crash
    SUCCEED();
}

TEST_CASE("every registered task hands parameters from the trainer thread to a live copy", "[trainer][tasks]") {
    // The GUI's real pattern: one task object trains on the trainer thread while another (same
    // config) steps live on this thread and loads the published snapshots. Under
    // ThreadSanitizer this also catches state shared between task instances.
    for (const auto& e : ps::task_registry()) {
        INFO("task " << e.name);
        auto live = e.make();
        auto train = e.make();
        live->init(3);
        train->init(3);
        ps::BackgroundTrainer tr(std::move(train));
        tr.set_publish_interval(0);
        live->live_reset(11);
        tr.start();
        const int loads = ps_test::follow_trainer(*live, tr, std::chrono::seconds(300), 20);
        tr.stop();
        CHECK(tr.iterations() >= 2);
        CHECK(loads >= 2);
        CHECK(tr.message().empty());
        CHECK(live->find_nonfinite().empty());
    }
}

namespace {
// A task whose training step runs until it is cancelled (or 60 s pass): it stands in for a step
// of a large plastic network (N = 4096: 10-30 s), which checks the flag between timesteps.
class SlowStepTask : public LinRegTask {
public:
    std::atomic<int> steps_begun{0}, steps_cancelled{0}, steps_done{0};
    std::atomic<bool> block{true};
    ps::StepStats train_step() override {
        ++steps_begun;
        const auto end = std::chrono::steady_clock::now() + std::chrono::seconds(60);
        while (block.load() && std::chrono::steady_clock::now() < end) {
            try {
                ps::check_cancel();
            } catch (const ps::Cancelled&) {
                ++steps_cancelled;
                throw;
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(1));
        }
        ++steps_done;
        return LinRegTask::train_step();
    }
};
}  // namespace

TEST_CASE("request_stop cancels a long step without waiting for it; start and actions still work", "[trainer]") {
    auto owned = std::make_unique<SlowStepTask>();
    owned->init(7);
    SlowStepTask* task = owned.get();
    ps::BackgroundTrainer tr(std::move(owned));
    tr.set_low_priority(false);
    tr.start();
    REQUIRE(wait_for([&] { return task->steps_begun.load() == 1; }));
    // Non-blocking: returns while the step is still under way; the step is cancelled, not counted.
    tr.request_stop();
    REQUIRE(wait_for([&] { return !tr.thread_alive(); }));
    CHECK(task->steps_cancelled.load() == 1);
    CHECK(task->steps_done.load() == 0);
    CHECK(tr.iterations() == 0);
    CHECK_FALSE(tr.running());
    CHECK(tr.message().empty());
    // Start again after the thread has gone: a new thread trains.
    task->block = false;
    tr.start();
    REQUIRE(wait_for([&] { return tr.iterations() >= 3; }));
    // A stop called off by start() before the thread exits: training goes on.
    task->block = true;
    REQUIRE(wait_for([&] { return task->steps_begun.load() > task->steps_done.load() + task->steps_cancelled.load(); }));
    tr.request_stop();
    tr.start();
    task->block = false;
    const int64_t it = tr.iterations();
    CHECK(wait_for([&] { return tr.iterations() >= it + 3; }));
    CHECK(tr.thread_alive());
    // An action posted right after request_stop still runs before the thread exits.
    std::atomic<bool> ran{false};
    tr.request_stop();
    tr.post([&](ps::Task&, int64_t) { ran = true; return std::string(); });
    CHECK(wait_for([&] { return ran.load(); }));
    CHECK(wait_for([&] { return !tr.thread_alive(); }));
    tr.stop();   // joins a thread that has exited: immediate
}

TEST_CASE("a cancelled plastic-network step leaves the network's parameters untouched", "[trainer]") {
    // The engine side of cancellation: PlasticNet::step checks the flag before it changes anything.
    ps::NetConfig nc;
    nc.n = 16;
    ps::PlasticNet<float> net(nc);
    ps::Rng rng(3);
    net.init(rng);
    const auto W = net.p.W;
    net.begin(1, 4);
    ps::MatR<float> u = ps::MatR<float>::Zero(1, net.input_width());
    net.step(u);
    std::atomic<bool> flag{true};
    ps::t_cancel_flag = &flag;
    CHECK_THROWS_AS(net.step(u), ps::Cancelled);
    ps::t_cancel_flag = nullptr;
    CHECK(net.t() == 1);
    CHECK(net.p.W == W);
    net.step(u);
    CHECK(net.t() == 2);
}
