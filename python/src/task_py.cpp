// plastiscope.Task: one registered task driven from Python the way the CLI and the lab drive it
// (engine/task.hpp): settings, training steps, evaluation, checkpoints (the CLI's files, with
// their training history), gradient dumps, live stepping, views and recordings.
//
// The GIL is released whenever the engine works. train() runs the steps on a worker thread while
// the calling thread prints progress and watches for Ctrl-C, which cancels the step under way
// between two timesteps (engine/cancel.hpp: that step is not taken) and raises
// KeyboardInterrupt.
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <limits>
#include <memory>
#include <numeric>
#include <thread>
#include "cancel.hpp"
#include "checkpoint.hpp"
#include "py_common.hpp"
#include "record.hpp"
#include "task.hpp"
#include "task_state.hpp"
#include "train_history.hpp"

namespace pyps {
namespace {

using Clock = std::chrono::steady_clock;
constexpr int64_t kMaxSeed = int64_t(1) << 62;   // the CLI's --seed range

uint64_t checked_seed(int64_t s, const char* what = "seed") {
    if (s < 0 || s > kMaxSeed)
        throw py::value_error(std::string(what) + " must be in 0..2^62, got " + std::to_string(s));
    return uint64_t(s);
}

std::unique_ptr<ps::Task> make_named(const std::string& name) {
    auto t = ps::make_task(name);
    if (!t) throw py::value_error("unknown task '" + name + "' (tasks: " + ps::task_names() + ")");
    return t;
}

// kwargs as the CLI's key=value list.
std::vector<std::string> kv_list(const py::kwargs& kw) {
    std::vector<std::string> kv;
    for (const auto& [k, v] : kw) {
        const std::string key = py::str(k);
        kv.push_back(key + "=" + setting_text(key, v));
    }
    return kv;
}

py::object field_value(const ps::Field& f) {
    switch (f.type) {
        case ps::Field::Type::Int: return py::int_(*static_cast<int*>(f.ptr));
        case ps::Field::Type::Float: return py::float_(*static_cast<double*>(f.ptr));
        case ps::Field::Type::Bool: return py::bool_(*static_cast<bool*>(f.ptr));
        case ps::Field::Type::Choice: return py::str(ps::field_get(f));
    }
    return py::none();
}

struct PyTask {
    std::unique_ptr<ps::Task> t;
    uint64_t seed = 0;
    int64_t episode = 0;                         // episodes trained: the checkpoint's meta/episode
    ps::TrainHistory history{4000};              // as `plastiscope train` keeps it
    std::vector<ps::TrainMark> marks;            // settings changed after training began
    std::vector<ps::TimelineEntry> timeline;     // a loaded checkpoint's, written back by save()
    bool live = false;                           // reset() began an episode that nothing has clobbered since
    int live_t = 0, live_T = 0;                  // its step and length (tasks differ in what live_step returns)
    Clock::time_point t0 = Clock::now();
    std::mutex busy;

    double seconds() const { return std::chrono::duration<double>(Clock::now() - t0).count(); }
    int64_t iter() const { return episode / std::max(1, t->episodes_per_step()); }

    // After a step: the CLI's divergence check, then the step counted and kept in the history.
    // Returns the divergence message ("" if none).
    std::string account(const ps::StepStats& st) {
        episode += t->episodes_per_step();
        const std::string bad = t->find_nonfinite();
        if (!std::isfinite(st.loss) || !bad.empty())
            return ps::divergence_message(*t, "episode " + std::to_string(episode), st.loss, bad);
        history.add({iter(), 1, st.loss, st.metric, st.extra, seconds()});
        return "";
    }
    // The live episode's length, and its step now (after a reset or a recording).
    void start_live(int t) {
        ps::LiveViews v;
        this->t->live_views(v);
        live = true;
        live_t = t;
        live_T = v.T;
    }
    void need_live() const {
        if (!live)
            throw std::runtime_error("no live episode: call reset(seed) first (training, evaluation and loading use the "
                                     "network and end the live episode)");
    }
};

[[noreturn]] void diverged(const std::string& msg) {
    PyErr_SetString(PyExc_FloatingPointError, msg.c_str());
    throw py::error_already_set();
}

py::dict stats_dict(const ps::StepStats& st) {
    py::dict d;
    d["loss"] = st.loss;
    d["metric"] = st.metric;
    for (const auto& [k, v] : st.extra) d[py::str(k)] = v;
    return d;
}

// Points of a history as arrays: episode, loss, metric, steps, seconds and every extra (NaN where
// a point lacks it).
py::dict history_dict(const std::vector<ps::TrainPoint>& pts, int eps_per_step) {
    const size_t n = pts.size();
    std::vector<int64_t> ep(n), steps(n);
    std::vector<double> loss(n), metric(n), secs(n);
    std::map<std::string, std::vector<double>> extra;
    for (size_t i = 0; i < n; ++i) {
        ep[i] = pts[i].iter * eps_per_step;
        steps[i] = pts[i].steps;
        loss[i] = pts[i].loss;
        metric[i] = pts[i].metric;
        secs[i] = pts[i].seconds;
        for (const auto& [k, v] : pts[i].extra) {
            auto& col = extra[k];
            col.resize(n, std::numeric_limits<double>::quiet_NaN());
            col[i] = v;
        }
    }
    const std::vector<int64_t> sh = {int64_t(n)};
    py::dict d;
    d["episode"] = owned_array(std::move(ep), sh);
    d["loss"] = owned_array(std::move(loss), sh);
    d["metric"] = owned_array(std::move(metric), sh);
    d["steps"] = owned_array(std::move(steps), sh);
    d["seconds"] = owned_array(std::move(secs), sh);
    for (auto& [k, v] : extra) d[py::str(k)] = owned_array(std::move(v), sh);
    return d;
}

std::string bar(double frac, int width) {
    const int k = int(std::clamp(frac, 0.0, 1.0) * width);
    return std::string(size_t(k), '#') + std::string(size_t(width - k), '.');
}

// The progress display of `plastiscope train`: a bar redrawn ten times a second on a terminal,
// a line every 5 s otherwise.
struct Progress {
    bool on = false, tty = false;
    double last = -1;
    py::object write, flush;
    explicit Progress(bool enabled) : on(enabled) {
        if (!on) return;
        py::object out = py::module_::import("sys").attr("stdout");
        if (out.is_none()) { on = false; return; }
        write = out.attr("write");
        flush = out.attr("flush");
        try { tty = out.attr("isatty")().cast<bool>(); } catch (const py::error_already_set&) { tty = false; }
    }
    void show(ps::Task& t, int64_t done, int64_t total, double loss, double metric, double eta, double secs, bool end) {
        if (!on || (secs - last < (tty ? 0.1 : 5.0) && !end)) return;
        last = secs;
        const double rate = secs > 0 ? double(done) / secs : 0;
        char b[512];
        if (tty)
            std::snprintf(b, sizeof b, "\r[%s] %lld/%lld  loss %.4g  %s %.4g  eta %.4g  %.1f ep/s %s", bar(double(done) / double(total), 30).c_str(),
                          (long long)done, (long long)total, loss, t.metric_name().c_str(), metric, eta, rate, end ? "\n" : "");
        else
            std::snprintf(b, sizeof b, "episode %lld/%lld loss %.5g %s %.5g eta %.5g episodes_per_s %.2f elapsed_s %.1f\n", (long long)done,
                          (long long)total, loss, t.metric_name().c_str(), metric, eta, rate, secs);
        write(std::string(b));
        flush();
    }
};

py::dict train(PyTask& pt, int64_t episodes, bool progress) {
    if (episodes < 1) throw py::value_error("episodes must be >= 1, got " + std::to_string(episodes));
    BusyGuard g(pt.busy, "Task");
    pt.live = false;
    ps::Task& t = *pt.t;

    struct Shared {
        std::mutex m;
        std::condition_variable cv;
        bool done = false;
        int64_t episodes = 0;
        double loss = 0, metric = 0, eta = 0;   // smoothed like the CLI's progress
        std::atomic<bool> cancel{false};
    } sh;
    // Every step's numbers, by column (an extra a step lacks is NaN there).
    std::vector<int64_t> col_ep;
    std::vector<double> col_loss, col_metric;
    std::map<std::string, std::vector<double>> col_extra;
    std::string divergence;
    std::exception_ptr error;
    const auto start = Clock::now();

    std::thread worker([&] {
        ps::t_cancel_flag = &sh.cancel;
        try {
            int64_t done = 0;
            bool first = true;
            while (done < episodes && !sh.cancel.load()) {
                ps::StepStats st = t.train_step();
                done += t.episodes_per_step();
                divergence = pt.account(st);
                if (!divergence.empty()) break;
                col_ep.push_back(pt.episode);
                col_loss.push_back(st.loss);
                col_metric.push_back(st.metric);
                for (const auto& [k, v] : st.extra) {
                    auto& c = col_extra[k];
                    c.resize(col_ep.size() - 1, std::numeric_limits<double>::quiet_NaN());
                    c.push_back(v);
                }
                std::lock_guard<std::mutex> lk(sh.m);
                const double a = first ? 1.0 : 0.02;
                first = false;
                sh.loss += a * (st.loss - sh.loss);
                sh.metric += a * (st.metric - sh.metric);
                auto it = st.extra.find("eta");
                sh.eta = it != st.extra.end() ? it->second : 0;
                sh.episodes = done;
            }
        } catch (const ps::Cancelled&) {
            // Ctrl-C during a step: the step is not taken
        } catch (...) {
            error = std::current_exception();
        }
        std::lock_guard<std::mutex> lk(sh.m);
        sh.done = true;
        sh.cv.notify_all();
    });

    Progress bar_(progress);
    std::unique_ptr<py::error_already_set> interrupt;
    for (;;) {
        bool fin;
        int64_t done;
        double loss, metric, eta;
        {
            py::gil_scoped_release nogil;
            std::unique_lock<std::mutex> lk(sh.m);
            sh.cv.wait_for(lk, std::chrono::milliseconds(100), [&] { return sh.done; });
            fin = sh.done;
            done = sh.episodes;
            loss = sh.loss; metric = sh.metric; eta = sh.eta;
        }
        if (PyErr_CheckSignals() != 0) {
            interrupt = std::make_unique<py::error_already_set>();
            sh.cancel.store(true);
            break;
        }
        const double secs = std::chrono::duration<double>(Clock::now() - start).count();
        if (done > 0) bar_.show(t, done, episodes, loss, metric, eta, secs, fin && divergence.empty() && !error);
        if (fin) break;
    }
    {
        py::gil_scoped_release nogil;
        worker.join();
    }
    if (interrupt) {
        if (bar_.on && bar_.tty) bar_.write("\n");
        throw std::move(*interrupt);
    }
    if (error) std::rethrow_exception(error);
    if (!divergence.empty()) {
        if (bar_.on && bar_.tty) bar_.write("\n");
        diverged(divergence);
    }

    const std::vector<int64_t> sh_n = {int64_t(col_ep.size())};
    py::dict d;
    d["episode"] = owned_array(std::move(col_ep), sh_n);
    d["loss"] = owned_array(std::move(col_loss), sh_n);
    d["metric"] = owned_array(std::move(col_metric), sh_n);
    for (auto& [k, c] : col_extra) {
        c.resize(size_t(sh_n[0]), std::numeric_limits<double>::quiet_NaN());
        d[py::str(k)] = owned_array(std::move(c), sh_n);
    }
    return d;
}

std::pair<double, std::pair<double, double>> eval(PyTask& pt, int64_t n, int64_t seed) {
    if (n < 2 || n > 10000000) throw py::value_error("episodes must be in 2..10000000, got " + std::to_string(n));
    ps::Rng rng(checked_seed(seed));
    BusyGuard g(pt.busy, "Task");
    pt.live = false;
    std::vector<double> m;
    m.reserve(size_t(n));
    {
        py::gil_scoped_release nogil;
        auto last = Clock::now();
        for (int64_t i = 0; i < n; ++i) {
            m.push_back(pt.t->eval_episode(rng));
            if (Clock::now() - last > std::chrono::milliseconds(100)) {   // Ctrl-C between episodes
                last = Clock::now();
                py::gil_scoped_acquire gil;
                if (PyErr_CheckSignals() != 0) throw py::error_already_set();
            }
        }
    }
    // As `plastiscope eval`: the mean and mean ± 1.96 standard errors.
    const double mean = std::accumulate(m.begin(), m.end(), 0.0) / double(n);
    double var = 0;
    for (double v : m) var += (v - mean) * (v - mean);
    var /= double(n - 1);
    const double half = 1.96 * std::sqrt(var / double(n));
    return {mean, {mean - half, mean + half}};
}

void set_settings(PyTask& pt, const py::kwargs& kw) {
    BusyGuard g(pt.busy, "Task");
    ps::Task& t = *pt.t;
    const auto before = ps::fields_to_map(t.fields());
    const std::vector<std::string> kv = kv_list(kw);
    try {
        ps::apply_overrides(t.fields(), kv);
    } catch (...) {
        ps::apply_overrides(t.fields(), [&] {   // all or nothing
            std::vector<std::string> back;
            for (const auto& [k, v] : before) back.push_back(k + "=" + v);
            return back;
        }());
        throw;
    }
    bool rebuild = false, live = false;
    std::string label;
    for (const auto& f : t.fields()) {
        const std::string now = ps::field_get(f);
        if (before.at(f.key) == now) continue;
        rebuild |= f.apply == ps::Apply::Rebuild;
        live |= f.apply == ps::Apply::Live;
        label += (label.empty() ? "" : ", ") + f.key + "=" + now;
    }
    if (rebuild) {
        without_gil([&] { t.init(pt.seed); });
        pt.live = false;
        pt.episode = 0;
        pt.history = ps::TrainHistory(4000);
        pt.marks.clear();
        pt.timeline.clear();
        PyErr_WarnEx(PyExc_UserWarning, (label + ": rebuilds the network; its parameters are drawn again from seed " +
                                         std::to_string(pt.seed) + " and training starts over").c_str(), 2);
        return;
    }
    if (live) t.apply_live_changes();
    if (!label.empty() && pt.episode > 0) pt.marks.push_back({pt.episode, label});
}

py::dict views(PyTask& pt) {
    BusyGuard g(pt.busy, "Task");
    pt.need_live();
    ps::LiveViews v;
    pt.t->live_views(v);
    py::dict d;
    for (const auto& mv : v.matrices)
        if (mv.m) d[py::str(mv.name)] = matrix_copy(*mv.m);
    if (v.activity) {   // x[0] = 0, x[t] after step t, as in a recording
        const int64_t N = v.activity->cols(), t = std::min<int64_t>(pt.live_t, v.activity->rows());
        std::vector<float> x(size_t((t + 1) * N), 0.f);
        std::copy(v.activity->data(), v.activity->data() + t * N, x.begin() + N);
        d["x"] = owned_array(std::move(x), {t + 1, N});
    }
    if (v.input) d["inputs"] = matrix_copy(*v.input);
    if (!v.target.empty()) d["target"] = owned_array(std::vector<float>(v.target), {int64_t(v.target.size())});
    for (const auto& im : v.images)
        d[py::str("image/" + im.name)] = owned_array(std::vector<float>(im.pixels), {im.height, im.width});
    for (const auto& [k, x] : v.scalars) d[py::str("scalars/" + k)] = x;
    return d;
}

py::dict record(PyTask& pt, int64_t seed, int steps, const std::string& views_mode, const std::vector<std::string>& track) {
    ps::RecordOptions o;
    if (steps < 0) throw py::value_error("steps must be >= 0 (0 = the whole episode), got " + std::to_string(steps));
    o.max_steps = steps;
    if (views_mode == "auto") o.views = ps::RecordOptions::Views::Auto;
    else if (views_mode == "full") o.views = ps::RecordOptions::Views::Full;
    else if (views_mode == "tracked") o.views = ps::RecordOptions::Views::TrackedOnly;
    else throw py::value_error("views must be auto|full|tracked, got '" + views_mode + "'");
    for (const auto& s : track) {   // "[VIEW:]I,J" as `record --track`
        ps::RecordOptions::Cell c;
        c.view = "H";
        std::string rc = s;
        if (const auto colon = s.find(':'); colon != std::string::npos) { c.view = s.substr(0, colon); rc = s.substr(colon + 1); }
        char *e1 = nullptr, *e2 = nullptr;
        const auto comma = rc.find(',');
        const long r = std::strtol(rc.c_str(), &e1, 10);
        const long k = comma == std::string::npos ? -1 : std::strtol(rc.c_str() + comma + 1, &e2, 10);
        if (c.view.empty() || comma == std::string::npos || e1 != rc.c_str() + comma || *e2 || r < 0 || k < 0 || r > 1000000 || k > 1000000)
            throw py::value_error("track expects [VIEW:]I,J with I, J >= 0, got '" + s + "'");
        c.row = int(r);
        c.col = int(k);
        o.track.push_back(c);
    }
    const uint64_t s = checked_seed(seed);
    BusyGuard g(pt.busy, "Task");
    ps::ArrayMap rec;
    try {
        rec = without_gil([&] { return ps::record_episode(*pt.t, s, o); });
    } catch (const ps::ConfigError&) {
        throw;
    } catch (const std::runtime_error& e) {
        pt.live = false;
        throw py::value_error(e.what());
    }
    pt.start_live(int(rec.at("x").shape[0]) - 1);
    return to_dict(std::move(rec));
}

std::unique_ptr<PyTask> load(const std::string& path) {
    require_file(path, "checkpoint");
    std::string name;
    try {
        name = ps::checkpoint_task(path);
    } catch (const std::runtime_error& e) {
        throw py::value_error(e.what());
    }
    auto pt = std::make_unique<PyTask>();
    pt->t = make_named(name);
    ps::TrainingRecord rec;
    try {
        pt->episode = without_gil([&] { return ps::load_checkpoint(path, *pt->t, true, &rec); });
    } catch (const ps::ConfigError&) {
        throw;
    } catch (const std::runtime_error& e) {
        throw py::value_error(e.what());
    }
    pt->history.assign(rec.history);
    pt->marks = rec.marks;
    pt->timeline = rec.timeline;
    ps::ArrayMap st;   // the run's seed, for a rebuild
    pt->t->save(st, false);
    if (st.count("state/seed")) pt->seed = uint64_t(ps::count_from(st, "state/seed"));
    return pt;
}

void save(PyTask& pt, const std::string& path) {
    BusyGuard g(pt.busy, "Task");
    ps::TrainingRecord rec;
    rec.history = pt.history.points();
    rec.marks = pt.marks;
    rec.timeline = pt.timeline;
    rec.timeline_keep = std::max<size_t>(16, pt.timeline.size());
    try {
        without_gil([&] { ps::save_checkpoint(path, *pt.t, pt.episode, &rec); });
    } catch (const std::runtime_error& e) {
        PyErr_SetString(PyExc_OSError, e.what());
        throw py::error_already_set();
    }
}

}  // namespace

void bind_task(py::module_& m) {
    py::class_<PyTask>(m, "Task", "A registered task: settings, training, evaluation, checkpoints, live stepping (docs/python.md).")
        .def(py::init([](const std::string& name, py::object preset, int64_t seed, py::kwargs kw) {
                 auto pt = std::make_unique<PyTask>();
                 pt->t = make_named(name);
                 pt->seed = checked_seed(seed);
                 if (!preset.is_none()) pt->t->set_preset(py::str(preset));
                 ps::apply_overrides(pt->t->fields(), kv_list(kw));
                 without_gil([&] { pt->t->init(pt->seed); });
                 return pt;
             }),
             py::arg("name"), py::arg("preset") = py::none(), py::arg("seed") = 0,
             "Task(name, preset=None, seed=0, **settings): the task with the preset's settings, then these, its "
             "parameters drawn from seed (as `plastiscope train --task NAME --preset P --seed S key=value`).")
        .def_static("load", &load, py::arg("path"),
                    "A checkpoint written by save() or `plastiscope train`: the task it names, its settings, parameters, "
                    "optimiser state and training history.")
        .def("save", &save, py::arg("path"), "Writes a checkpoint (the CLI's format; `plastiscope eval` and the lab open it).")
        .def_property_readonly("name", [](PyTask& p) { return p.t->name(); })
        .def_property_readonly("preset", [](PyTask& p) { return p.t->preset(); })
        .def_property_readonly("presets", [](PyTask& p) {
            py::dict d;
            for (const auto& x : p.t->presets()) d[py::str(x.name)] = x.help;
            return d;
        }, "Preset name -> what it is (the first is the default).")
        .def_property_readonly("description", [](PyTask& p) { return p.t->description(); })
        .def_property_readonly("metric_name", [](PyTask& p) { return p.t->metric_name(); })
        .def_property_readonly("metric_lower_is_better", [](PyTask& p) { return p.t->metric_lower_is_better(); })
        .def_property_readonly("seed", [](PyTask& p) { return p.seed; })
        .def_property_readonly("episode", [](PyTask& p) { return p.episode; }, "Episodes trained.")
        .def_property_readonly("episodes_per_step", [](PyTask& p) { return p.t->episodes_per_step(); })
        .def_property_readonly("num_params", [](PyTask& p) { return p.t->num_params(); })
        .def("settings", [](PyTask& p) {
            py::dict d;
            for (const auto& f : p.t->fields()) d[py::str(f.key)] = field_value(f);
            return d;
        }, "Every setting and its value (the keys of key=value).")
        .def("settings_info", [](PyTask& p) {
            py::dict d;
            for (const auto& f : p.t->fields()) {
                py::dict i;
                i["value"] = field_value(f);
                const char* types[] = {"int", "float", "bool", "choice"};
                i["type"] = types[int(f.type)];
                if (f.type == ps::Field::Type::Choice) i["choices"] = f.choices;
                else if (f.type != ps::Field::Type::Bool) i["range"] = py::make_tuple(f.lo, f.hi);
                i["unit"] = f.unit;
                i["applies"] = f.apply == ps::Apply::Live ? "live" : f.apply == ps::Apply::Episode ? "next episode" : "rebuilds";
                i["help"] = f.help;
                d[py::str(f.key)] = i;
            }
            return d;
        }, "Every setting: value, type, range or choices, unit, when a change applies, and its rule.")
        .def("set", &set_settings,
             "set(**settings): changes settings. Live ones apply at once, episode ones from the next episode; one that "
             "rebuilds the network draws its parameters again (a warning says so).")
        .def("train_step", [](PyTask& p) {
            BusyGuard g(p.busy, "Task");
            p.live = false;
            const ps::StepStats st = without_gil([&] { return p.t->train_step(); });
            const std::string div = p.account(st);
            if (!div.empty()) diverged(div);
            return stats_dict(st);
        }, "One optimisation step (a batch of episodes): {'loss', 'metric', and the task's extras}.")
        .def("train", &train, py::arg("episodes"), py::arg("progress") = true,
             "Trains for this many more episodes: a progress bar on a terminal, Ctrl-C stops (the step under way is "
             "not taken). Returns every step's numbers as arrays (episode, loss, metric, extras).")
        .def("history", [](PyTask& p) { return history_dict(p.history.points(), std::max(1, p.t->episodes_per_step())); },
             "The training curve kept (a loaded checkpoint's too), merged 2:1 beyond 4000 points as `train` does.")
        .def("eval", &eval, py::arg("episodes") = 500, py::arg("seed") = 12345,
             "The metric over fresh episodes with the current parameters: (mean, (lo, hi)) with the 95 % interval, "
             "as `plastiscope eval`.")
        .def("grad", [](PyTask& p, int64_t seed) {
            const uint64_t s = checked_seed(seed);
            BusyGuard g(p.busy, "Task");
            ps::ArrayMap out;
            without_gil([&] { p.t->grad_dump(s, out); });
            out["meta/task"] = ps::text_array(p.t->name());
            out["meta/config"] = ps::text_array(ps::fields_to_json(p.t->fields(), p.t->preset()));
            return to_dict(std::move(out));
        }, py::arg("seed") = 0,
           "One episode drawn from seed in double precision with the current parameters: inputs, target, param/*, "
           "loss, grad/* (what `plastiscope grad` writes).")
        .def("reset", [](PyTask& p, int64_t seed) {
            const uint64_t s = checked_seed(seed);
            BusyGuard g(p.busy, "Task");
            without_gil([&] { p.t->live_reset(s); });
            p.start_live(0);
        }, py::arg("seed") = 1, "Begins a live episode drawn from seed, at t = 0.")
        .def("step", [](PyTask& p) {
            BusyGuard g(p.busy, "Task");
            p.need_live();
            if (p.live_t >= p.live_T) return false;
            without_gil([&] { p.t->live_step(); });
            return ++p.live_t < p.live_T;
        }, "One timestep of the live episode (none once it is over); whether steps remain: `while t.step(): ...` "
           "runs the episode to its end.")
        .def("views", &views,
             "What the lab shows now: every matrix view by its name (H, W, A, W+A*H, ...), x (t+1, N), inputs, target, "
             "image/NAME and scalars/NAME (copies).")
        .def_property_readonly("t", [](PyTask& p) { p.need_live(); return p.live_t; }, "The live episode's step.")
        .def_property_readonly("T", [](PyTask& p) { p.need_live(); return p.live_T; }, "The live episode's length.")
        .def("event", [](PyTask& p, const std::string& kind, int key, const std::string& target, int row, int col,
                         float value, float radius, const std::string& path) {
            BusyGuard g(p.busy, "Task");
            p.need_live();
            ps::LiveEvent e{kind, key, target, row, col, value, radius, path};
            const std::string why = p.t->live_event(e);
            if (!why.empty()) throw py::value_error(why);
        }, py::arg("kind"), py::arg("key") = -1, py::arg("target") = "", py::arg("row") = 0, py::arg("col") = 0,
           py::arg("value") = 0.f, py::arg("radius") = 0.f, py::arg("path") = "",
           "A user action on the live episode, as in the lab: event('key', key=0..3) moves the maze agent, "
           "event('paint', target=IMAGE, row=, col=, value=) paints a pixel. ValueError says why one is not taken.")
        .def("record", &record, py::arg("seed") = 1, py::arg("steps") = 0, py::arg("views") = "auto",
             py::arg("track") = std::vector<std::string>{},
             "One live episode step by step with the current parameters: the arrays `plastiscope record` writes "
             "(x, inputs, view/NAME, scalars/NAME, param/*, meta/*; docs/recording-format.md). track: '[VIEW:]I,J' cells.")
        .def("__repr__", [](PyTask& p) {
            return "<plastiscope.Task " + p.t->name() + " (preset " + p.t->preset() + "), " + std::to_string(p.t->num_params()) +
                   " parameters, " + std::to_string(p.episode) + " episodes trained>";
        });
}

}  // namespace pyps
