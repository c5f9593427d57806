// The contract every registered task keeps (engine/task.hpp), checked for each one by name from
// the registry, so a new task file is covered the day it registers:
//   - checkpoints: a save / load round trip reproduces the network, and a resumed run continues
//     exactly (the next training step's loss is bit-identical);
//   - bad checkpoints are refused whole (a wrong shape, a NaN, a missing array, another task's
//     file) and leave the task as it was;
//   - the gradient dump agrees with central finite differences of its own loss (double);
//   - live stepping: an episode runs to its end, restarting it replays it exactly, and a saved
//     live state resumes where it was;
//   - settings: every field's value survives text and back, and a value outside its range is
//     refused naming the key.
// What is particular to a task stays in its own test file.
#include <catch2/catch.hpp>
#include <unistd.h>
#include <cmath>
#include <filesystem>
#include <limits>
#include "checkpoint.hpp"
#include "task.hpp"

using namespace ps;
namespace fs = std::filesystem;

namespace {

// The lightest setting of each task that still exercises everything (seconds in all); a task
// not listed runs its first preset.
struct Small {
    std::string preset;
    std::vector<std::string> kv;
};
Small small_setting(const Task& t) {
    const std::string& n = t.name();
    if (n == "omniglot") return {"quick", {"channels=8", "ways=3", "eval_ways=0", "batch=2"}};
    if (n == "images") return {"quick", {"prestime=5", "delay=1", "prestime_test=2"}};
    for (const auto& p : t.presets())
        if (p.name == "quick") return {"quick", {}};
    return {t.presets().front().name, {}};
}

std::unique_ptr<Task> make_small(const std::string& name, uint64_t seed) {
    auto t = make_task(name);
    REQUIRE(t);
    const Small s = small_setting(*t);
    t->set_preset(s.preset);
    apply_overrides(t->fields(), s.kv);
    t->init(seed);
    return t;
}

fs::path tmpdir() {
    auto d = fs::temp_directory_path() / ("ps_contract_" + std::to_string(::getpid()));
    fs::create_directories(d);
    return d;
}

ArrayMap params_of(const Task& t) {
    ArrayMap m;
    t.save(m, false);
    return m;
}

double eval_fixed(Task& t) {
    Rng r(777);
    double s = 0;
    for (int i = 0; i < 3; ++i) s += t.eval_episode(r);
    return s;
}

// Loss of the gradient dump after setting element i of parameter `name` to v. Returns the value
// the parameter really took (parameters are float).
double dump_loss(Task& t, const ArrayMap& base, const std::string& name, int64_t i, double v, double& actual) {
    ArrayMap m = base;
    Array& a = m.at(name);
    if (a.dtype == Array::Dtype::F32) { a.f32[size_t(i)] = float(v); actual = a.f32[size_t(i)]; }
    else { a.f64[size_t(i)] = v; actual = v; }
    t.load(m, false);
    ArrayMap d;
    t.grad_dump(11, d);
    return d.at("loss").at(0);
}

}  // namespace

TEST_CASE("task contract: every registered task", "[tasks][contract]") {
    const auto dir = tmpdir();
    for (const auto& entry : task_registry()) {
        const std::string name = entry.name;
        INFO("task " << name);

        SECTION("checkpoint round trip and exact resume: " + name) {
            auto a = make_small(name, 3);
            for (int i = 0; i < 2; ++i) REQUIRE(std::isfinite(a->train_step().loss));
            const std::string path = (dir / (name + ".npz")).string();
            save_checkpoint(path, *a, 2 * a->episodes_per_step());
            auto b = make_small(name, 99);   // other parameters until the load
            CHECK(load_checkpoint(path, *b) == 2 * a->episodes_per_step());
            const auto ca = task_config(*a), cb = task_config(*b);
            for (const auto& [k, v] : ca) {
                INFO("setting " << k);
                CHECK(cb.count(k));
                if (cb.count(k)) CHECK(cb.at(k) == v);
            }
            const ArrayMap pa = params_of(*a), pb = params_of(*b);
            REQUIRE(pa.size() == pb.size());
            for (const auto& [k, v] : pa) {
                INFO(k);
                CHECK(pb.at(k).f32 == v.f32);
                CHECK(pb.at(k).f64 == v.f64);
            }
            CHECK(eval_fixed(*a) == eval_fixed(*b));
            CHECK(a->train_step().loss == b->train_step().loss);   // optimiser state and data stream
        }

        SECTION("bad checkpoints are refused whole: " + name) {
            auto t = make_small(name, 4);
            const ArrayMap good = params_of(*t);
            const double before = eval_fixed(*t);
            REQUIRE_FALSE(good.empty());
            const std::string key = good.begin()->first;
            ArrayMap wrong_shape = good;
            wrong_shape.at(key).shape.push_back(1);
            wrong_shape.at(key).shape[0] += 1;
            CHECK_THROWS(t->load(wrong_shape, false));
            ArrayMap nan = good;
            Array& x = nan.at(key);
            if (x.dtype == Array::Dtype::F32) x.f32[0] = std::numeric_limits<float>::quiet_NaN();
            else x.f64[0] = std::numeric_limits<double>::quiet_NaN();
            CHECK_THROWS(t->load(nan, false));
            ArrayMap missing = good;
            for (auto it = missing.rbegin(); it != missing.rend(); ++it)
                if (it->first.rfind("param/", 0) == 0) { missing.erase(it->first); break; }
            CHECK_THROWS(t->load(missing, false));
            CHECK(eval_fixed(*t) == before);   // nothing of the refused files went in
            // Another task's checkpoint file.
            const std::string other = name == "patterns" ? "maze" : "patterns";
            auto o = make_small(other, 1);
            const std::string path = (dir / ("other-" + name + ".npz")).string();
            save_checkpoint(path, *o, 0);
            CHECK_THROWS(load_checkpoint(path, *t));
            CHECK(eval_fixed(*t) == before);
        }

        SECTION("the gradient dump agrees with finite differences of its loss: " + name) {
            if (name == "maze") {
                // The A2C loss of a dump samples its actions from the policy and holds the
                // advantage constant, so it is not a function of the parameters that finite
                // differences can follow; test_maze.cpp checks its gradient with the actions and
                // the advantage frozen.
                SUCCEED("maze: gradient checked in test_maze.cpp");
            } else {
                auto t = make_small(name, 5);
                for (int i = 0; i < 2; ++i) t->train_step();   // away from the initial symmetries
                const ArrayMap base = params_of(*t);
                ArrayMap d;
                t->grad_dump(11, d);
                // BOHP dumps its online gradient as grad/ and the exact one as bptt_grad/.
                const std::string gp = d.count("bptt_grad/" + base.begin()->first.substr(6)) ? "bptt_grad/" : "grad/";
                int checked = 0;
                for (const auto& [pk, pv] : base) {
                    if (pk.rfind("param/", 0) != 0) continue;
                    const auto it = d.find(gp + pk.substr(6));
                    if (it == d.end()) continue;   // not trained (fixed by the config)
                    const Array& g = it->second;
                    int64_t im = 0;
                    for (int64_t i = 0; i < g.size(); ++i)
                        if (std::abs(g.at(i)) > std::abs(g.at(im))) im = i;
                    const double gi = g.at(im);
                    if (gi == 0) continue;
                    INFO("parameter " << pk << " element " << im << ": analytic " << gi);
                    const double p0 = pv.at(im);
                    const double h = 1e-4 * std::max(0.1, std::abs(p0));
                    double up = 0, dn = 0;
                    const double lp = dump_loss(*t, base, pk, im, p0 + h, up);
                    const double lm = dump_loss(*t, base, pk, im, p0 - h, dn);
                    const double fd = (lp - lm) / (up - dn);
                    INFO("finite difference " << fd);
                    CHECK(fd != gi);                                   // computed, not copied
                    CHECK(std::abs(fd - gi) <= 1e-3 * std::abs(gi) + 1e-7);
                    ++checked;
                }
                t->load(base, false);
                CHECK(checked >= 2);
            }
        }

        SECTION("live stepping runs, restarts and resumes exactly: " + name) {
            auto t = make_small(name, 6);
            t->live_reset(42);
            LiveViews v;
            std::vector<std::vector<float>> seen;   // the first matrix view after each step
            auto grab = [&] {
                t->live_views(v);
                std::vector<float> s;
                if (!v.matrices.empty() && v.matrices[0].m) {
                    const auto& m = *v.matrices[0].m;
                    s.assign(m.data(), m.data() + m.size());
                }
                for (const auto& [k, x] : v.scalars) s.push_back(float(x));
                return s;
            };
            int steps = 0;
            std::shared_ptr<const LiveState> mid;
            int mid_t = -1;
            while (t->live_step() && steps < 400) {
                ++steps;
                seen.push_back(grab());
                CHECK(v.t == steps);
                if (steps == 3) { mid = t->live_save(); mid_t = steps; }
            }
            CHECK(steps > 1);
            for (const auto& s : seen)
                for (float x : s) REQUIRE(std::isfinite(x));
            t->live_restart();
            for (int i = 0; i < std::min(steps, 5); ++i) {
                t->live_step();
                CHECK(grab() == seen[size_t(i)]);
            }
            if (mid) {   // a task that keeps live snapshots resumes from one exactly
                t->live_load(*mid);
                for (int i = mid_t; i < std::min(steps, mid_t + 4); ++i) {
                    t->live_step();
                    CHECK(grab() == seen[size_t(i)]);
                }
            }
        }

        SECTION("settings survive text and refuse out-of-range values: " + name) {
            auto t = make_task(name);
            REQUIRE(t);
            for (const Field& f : t->fields()) {
                INFO("setting " << f.key);
                const std::string text = field_get(f);
                field_set(f, text);
                CHECK(field_get(f) == text);
                if (f.type == Field::Type::Int || f.type == Field::Type::Float) {
                    const double out = f.hi + std::max(1.0, std::abs(f.hi));
                    try {
                        field_set(f, std::to_string(out));
                        FAIL("accepted " << out);
                    } catch (const ConfigError& e) {
                        CHECK(std::string(e.what()).find(f.key) != std::string::npos);
                    }
                    CHECK(field_get(f) == text);
                } else if (f.type == Field::Type::Choice) {
                    CHECK_THROWS_AS(field_set(f, "no-such-choice"), ConfigError);
                }
            }
        }
    }
    fs::remove_all(dir);
}
