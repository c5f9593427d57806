// LiveRun: replayable live episodes, tracking and the twin (see live_run.hpp for the model).
#include "live_run.hpp"
#include <algorithm>
#include <cmath>
#include <limits>
#include "checkpoint.hpp"

namespace ps {

namespace {
constexpr float kUnknown = std::numeric_limits<float>::quiet_NaN();

const MatrixView* find_view(const LiveViews& v, const std::string& name) {
    for (const auto& m : v.matrices)
        if (m.name == name && m.m) return &m;
    return nullptr;
}
// The trace and its coefficients under the names the tasks use (A * H is derived from them).
const MatrixView* find_any(const LiveViews& v, std::initializer_list<const char*> names) {
    for (const char* n : names)
        if (const MatrixView* m = find_view(v, n)) return m;
    return nullptr;
}
const MatrixView* trace_view(const LiveViews& v) { return find_any(v, {"H", "Hebb"}); }
const MatrixView* coef_view(const LiveViews& v) { return find_any(v, {"A", "alpha"}); }

float cell(const MatR<float>& m, int r, int c) {
    if (m.rows() == 1 && m.cols() == 1) return m(0, 0);   // a shared coefficient
    if (r < 0 || c < 0 || r >= m.rows() || c >= m.cols()) return kUnknown;
    return m(r, c);
}
std::string idx(int r, int c) { return "[" + std::to_string(r) + "," + std::to_string(c) + "]"; }
}  // namespace

// ---------------------------------------------------------------- episodes

int LiveRun::episode_length() {
    task_.live_views(scratch_);
    return scratch_.T;
}

void LiveRun::begin(uint64_t seed) {
    hist_ = LiveHistory();
    hist_.seed = seed;
    snaps_.clear();
    task_.live_reset(seed);
    have_data_ = true;
    data_seed_ = seed;
    t_ = 0;
    next_ = 0;
    T_ = episode_length();
    rebuild_series();
    sample(0);
}

void LiveRun::restart() {
    const uint64_t seed = hist_.seed;
    hist_ = LiveHistory();
    hist_.seed = seed;
    snaps_.clear();
    task_.live_restart();
    t_ = 0;
    next_ = 0;
    T_ = episode_length();
    rebuild_series();
    sample(0);
}

// ---------------------------------------------------------------- stepping and replay

bool LiveRun::apply(const LiveAction& a) {
    switch (a.kind) {
        case LiveAction::Kind::Event: {
            const std::string r = task_.live_event(a.event);
            if (!r.empty()) throw std::runtime_error("replaying '" + a.event.kind + "': " + r);
            return a.steps;
        }
        case LiveAction::Kind::Setting: {
            for (const auto& f : task_.fields())
                if (f.key == a.key) {
                    field_set(f, a.value);
                    task_.apply_live_changes();
                    return false;
                }
            throw ConfigError("unknown live setting '" + a.key + "'");
        }
        case LiveAction::Kind::Params: {
            if (!params_filter_) {
                task_.load(*a.params, false);
            } else {
                ArrayMap am = *a.params;
                if (params_filter_(am)) task_.load(am, false);
            }
            return false;
        }
    }
    return false;
}

void LiveRun::apply_actions_at(int t) {
    while (next_ < hist_.actions.size() && hist_.actions[next_].at == t && !hist_.actions[next_].steps) {
        apply(hist_.actions[next_]);
        ++next_;
    }
}

void LiveRun::forward_one(bool sampling) {
    if (next_ < hist_.actions.size() && hist_.actions[next_].at == t_ && hist_.actions[next_].steps) {
        apply(hist_.actions[next_]);
        ++next_;
    } else {
        task_.live_step();
    }
    ++t_;
    apply_actions_at(t_);
    if (sampling) sample(t_);
    maybe_snapshot();
}

bool LiveRun::step() {
    if (t_ >= T_) return false;
    if (t_ < hist_.frontier) {
        forward_one(!series_.empty());
        return true;
    }
    task_.live_step();
    ++t_;
    hist_.frontier = t_;
    next_ = hist_.actions.size();
    sample(t_);
    maybe_snapshot();
    return true;
}

void LiveRun::maybe_snapshot() {
    if (snap_unsupported_ || t_ == 0 || snaps_.count(t_)) return;
    if (snap_every_ > 0 && t_ % snap_every_ != 0) return;
    auto s = snap_budget_ > 0 ? task_.live_save() : nullptr;
    if (!s) {
        snap_unsupported_ = true;
        return;
    }
    if (snap_every_ == 0) {
        // The first copy tells its size. Every 16 steps keeps a replay to ~16 steps (~10 ms at
        // N = 1024) for ~1/16 of the memory of keeping every step; larger states spread wider,
        // within the budget.
        const size_t per = std::max<size_t>(1, s->bytes());
        const size_t fit = std::max<size_t>(1, snap_budget_ / per);
        snap_every_ = std::max(16, int((size_t(std::max(T_, 1)) + fit - 1) / fit));
        if (t_ % snap_every_ != 0) return;
    }
    snaps_[t_] = std::move(s);
}

void LiveRun::drop_snapshots_after(int t) {
    snaps_.erase(snaps_.upper_bound(t), snaps_.end());
}

size_t LiveRun::snapshot_bytes() const {
    size_t b = 0;
    for (const auto& [t, s] : snaps_) b += s->bytes();
    return b;
}

void LiveRun::restore_base() {
    if (!hist_.base_settings.empty()) {
        for (const auto& f : task_.fields()) {
            auto it = hist_.base_settings.find(f.key);
            if (it != hist_.base_settings.end() && f.apply == Apply::Live) field_set(f, it->second);
        }
        task_.apply_live_changes();
    }
    if (hist_.base_params) {
        if (!params_filter_) {
            task_.load(*hist_.base_params, false);
        } else {
            ArrayMap am = *hist_.base_params;
            if (params_filter_(am)) task_.load(am, false);
        }
    }
}

void LiveRun::replay_to(int t, bool sampling) {
    restore_base();
    // From the nearest snapshot at or before t (not when sampling: the series need every step).
    auto it = sampling ? snaps_.end() : snaps_.upper_bound(t);
    if (it != snaps_.begin() && !sampling) {
        --it;
        const int s = it->first;
        // The settings and parameters as they were at step s, then the state itself.
        size_t i = 0;
        for (; i < hist_.actions.size() && hist_.actions[i].at <= s; ++i) {
            const LiveAction& a = hist_.actions[i];
            if (a.at == s && a.steps) break;
            if (a.kind != LiveAction::Kind::Event) apply(a);
        }
        task_.live_load(*it->second);
        t_ = s;
        next_ = i;
        const int from = t_;
        while (t_ < t) forward_one(false);
        replayed_ += t - from;
        return;
    }
    task_.live_restart();
    t_ = 0;
    next_ = 0;
    apply_actions_at(0);
    if (sampling) sample(0);
    while (t_ < t) forward_one(sampling);
    replayed_ += t;
}

void LiveRun::seek(int t) {
    t = std::max(0, std::min(t, hist_.frontier));
    if (t == t_) return;
    if (t == t_ + 1) {   // the common case while scrubbing forward: one step, no replay
        forward_one(false);
        return;
    }
    replay_to(t, false);
}

void LiveRun::remember_base(const LiveAction& a) {
    // The first action of its kind on this branch: until now the values are those of t = 0.
    if (a.kind == LiveAction::Kind::Setting && hist_.base_settings.empty()) {
        for (const auto& f : task_.fields())
            if (f.apply == Apply::Live) hist_.base_settings[f.key] = field_get(f);
    }
    if (a.kind == LiveAction::Kind::Params && !hist_.base_params) {
        auto am = std::make_shared<ArrayMap>();
        task_.save(*am, false);
        hist_.base_params = std::move(am);
    }
}

std::string LiveRun::act(LiveAction a, LiveHistory* ghost) {
    if (a.kind == LiveAction::Kind::Params && !a.params) return "no parameters to load";
    remember_base(a);   // before the copy: the ghost restores these values when it replays
    if (t_ < hist_.frontier) {   // branch: the recorded future goes (to the ghost)
        if (ghost) *ghost = hist_;
        hist_.actions.erase(hist_.actions.begin() + std::ptrdiff_t(next_), hist_.actions.end());
        hist_.frontier = t_;
        drop_snapshots_after(t_);
        for (auto& s : series_) s.value.resize(size_t(t_) + 1, kUnknown);
    }
    a.at = t_;
    a.steps = false;
    try {
        if (a.kind == LiveAction::Kind::Event) {
            const int64_t episode_before = (task_.live_views(scratch_), scratch_.episode);
            const std::string r = task_.live_event(a.event);
            if (!r.empty()) return r;
            task_.live_views(scratch_);
            if (scratch_.episode != episode_before) {
                // The event began another episode (new data): a history of its own, from t = 0.
                hist_ = LiveHistory();
                hist_.seed = 0;
                t_ = 0;
                next_ = 0;
                T_ = scratch_.T;
                rebuild_series();
                sample(0);
                return "";
            }
            a.steps = scratch_.t == t_ + 1;
            // An event that is not a step may have changed the episode's data (a painted probe):
            // no snapshot can be trusted any more.
            if (!a.steps) snaps_.clear();
        } else {
            apply(a);
        }
    } catch (const std::exception& e) {
        return e.what();
    }
    hist_.actions.push_back(std::move(a));
    next_ = hist_.actions.size();
    if (hist_.actions.back().steps) ++t_;
    hist_.frontier = t_;
    sample(t_);
    return "";
}

void LiveRun::follow(const LiveHistory& h, int t) {
    if (!have_data_ || data_seed_ != h.seed) {
        task_.live_reset(h.seed);
        data_seed_ = h.seed;
        have_data_ = true;
        T_ = episode_length();
    }
    hist_ = h;
    snaps_.clear();
    rebuild_series();
    replay_to(std::max(0, std::min(t, hist_.frontier)), !series_.empty());
    if (!series_.empty() && t_ < hist_.frontier) {   // the series run to the frontier: fill, come back
        const int keep = t_;
        replay_to(hist_.frontier, true);
        replay_to(keep, false);
    }
}

// ---------------------------------------------------------------- tracking

void LiveRun::rebuild_series() {
    series_.clear();
    if (tracked_.empty()) return;
    task_.live_views(scratch_);
    for (const auto& c : tracked_) {
        auto add = [&](const std::string& label) {
            TrackedSeries s;
            s.what = c;
            s.label = label;
            s.value.assign(size_t(hist_.frontier) + 1, kUnknown);
            series_.push_back(std::move(s));
        };
        if (c.matrix.empty()) {
            add("x" + std::to_string(c.row));
            continue;
        }
        const MatrixView* m = find_view(scratch_, c.matrix);
        if (!m) continue;
        // Every view of the same shape at that cell (H, W, A, W+A*H, ...), and A*H when both exist.
        for (const auto& v : scratch_.matrices)
            if (v.m && v.m->rows() == m->m->rows() && v.m->cols() == m->m->cols()) add(v.name + idx(c.row, c.col));
        const MatrixView* h = trace_view(scratch_);
        const MatrixView* a = coef_view(scratch_);
        if (h && a && h->m->rows() == m->m->rows() && h->m->cols() == m->m->cols())
            add(a->name + "*" + h->name + idx(c.row, c.col));
    }
}

void LiveRun::sample(int t) {
    if (series_.empty() || t < 0) return;
    task_.live_views(scratch_);
    const MatrixView* h = trace_view(scratch_);
    const MatrixView* a = coef_view(scratch_);
    for (auto& s : series_) {
        if (s.value.size() <= size_t(t)) s.value.resize(size_t(t) + 1, kUnknown);
        float v = kUnknown;
        const Tracked& c = s.what;
        if (c.matrix.empty()) {
            const MatR<float>* X = scratch_.activity;
            if (t > 0 && X && t - 1 < X->rows() && c.row < X->cols()) v = (*X)(t - 1, c.row);
            else if (t == 0) v = 0;
        } else {
            const std::string name = s.label.substr(0, s.label.find('['));
            if (h && a && name == a->name + "*" + h->name) {
                v = cell(*a->m, c.row, c.col) * cell(*h->m, c.row, c.col);
            } else if (const MatrixView* m = find_view(scratch_, name)) {
                v = cell(*m->m, c.row, c.col);
            }
        }
        s.value[size_t(t)] = v;
    }
}

void LiveRun::track(const Tracked& c) {
    for (const auto& x : tracked_)
        if (x == c) return;
    tracked_.push_back(c);
    rebuild_series();
    const int keep = t_;
    replay_to(hist_.frontier, true);
    if (keep != t_) replay_to(keep, false);
}

void LiveRun::untrack(const Tracked& c) {
    for (size_t i = 0; i < tracked_.size(); ++i)
        if (tracked_[i] == c) {
            tracked_.erase(tracked_.begin() + std::ptrdiff_t(i));
            break;
        }
    std::vector<TrackedSeries> keep;
    for (auto& s : series_)
        if (!(s.what == c)) keep.push_back(std::move(s));
    series_ = std::move(keep);
}

void LiveRun::clear_tracked() {
    tracked_.clear();
    series_.clear();
}

// ---------------------------------------------------------------- the twin

std::string TwinSpec::label() const {
    char b[64];
    switch (kind) {
        case Kind::None: return "none";
        case Kind::NoPlasticity: return "no plasticity (A = 0)";
        case Kind::Eta: std::snprintf(b, sizeof b, "eta = %g", value); return b;
        case Kind::AlphaScale: std::snprintf(b, sizeof b, "A x %g", value); return b;
        case Kind::Config: {
            std::string s;
            for (const auto& kv : config) s += (s.empty() ? "" : ", ") + kv;
            return s;
        }
        case Kind::Checkpoint: return "trained baseline";
    }
    return "";
}

TwinSpec parse_twin(const std::string& text) {
    TwinSpec s;
    auto number = [&](const std::string& v, const char* what) {
        char* end = nullptr;
        const double d = std::strtod(v.c_str(), &end);
        if (v.empty() || *end != '\0' || !std::isfinite(d))
            throw ConfigError(std::string("twin ") + what + ": '" + v + "' is not a number");
        return d;
    };
    if (text == "off" || text == "none" || text.empty()) return s;
    if (text == "no-plasticity") { s.kind = TwinSpec::Kind::NoPlasticity; return s; }
    if (text == "baseline") { s.kind = TwinSpec::Kind::Checkpoint; return s; }
    const auto eq = text.find('=');
    if (eq == std::string::npos)
        throw ConfigError("twin '" + text + "': expected off, no-plasticity, eta=X, alpha-scale=X, baseline, "
                          "checkpoint=FILE or a setting key=value");
    const std::string k = text.substr(0, eq), v = text.substr(eq + 1);
    if (k == "eta") {
        s.kind = TwinSpec::Kind::Eta;
        s.value = number(v, "eta");
        if (s.value < 0 || s.value > 1) throw ConfigError("twin eta=" + v + ": out of range [0, 1]");
    } else if (k == "alpha-scale") {
        s.kind = TwinSpec::Kind::AlphaScale;
        s.value = number(v, "alpha-scale");
    } else if (k == "checkpoint") {
        s.kind = TwinSpec::Kind::Checkpoint;
        s.checkpoint = v;
    } else {
        s.kind = TwinSpec::Kind::Config;
        s.config = {text};
    }
    return s;
}

void edit_twin_params(const TwinSpec& spec, ArrayMap& p) {
    auto coefficients = [&]() -> Array& {
        for (const char* n : {"param/A", "param/alpha"}) {
            auto it = p.find(n);
            if (it != p.end()) return it->second;
        }
        throw ConfigError("this network has no plasticity coefficients (param/A or param/alpha): it is not plastic");
    };
    auto scale = [](Array& a, double f) {
        for (auto& v : a.f32) v = float(double(v) * f);
        for (auto& v : a.f64) v *= f;
    };
    switch (spec.kind) {
        case TwinSpec::Kind::NoPlasticity: scale(coefficients(), 0.0); break;
        case TwinSpec::Kind::AlphaScale: scale(coefficients(), spec.value); break;
        case TwinSpec::Kind::Eta: {
            auto it = p.find("param/eta");
            if (it == p.end()) throw ConfigError("this network has no plasticity rate (param/eta)");
            for (auto& v : it->second.f32) v = float(spec.value);
            for (auto& v : it->second.f64) v = spec.value;
            break;
        }
        default: break;
    }
}

std::unique_ptr<Task> make_twin_task(Task& main, const TwinSpec& spec) {
    auto t = make_task(main.name());
    if (!t) throw std::runtime_error("task '" + main.name() + "' is not registered");
    if (spec.kind == TwinSpec::Kind::Checkpoint) {
        if (spec.checkpoint.empty()) throw std::runtime_error("no baseline checkpoint for " + main.name() + " " + main.preset());
        set_task_config(*t, task_config(main));
        t->init(1);
        load_checkpoint(spec.checkpoint, *t, false);
        return t;
    }
    auto cfg = task_config(main);
    for (const auto& kv : spec.config) {
        const auto eq = kv.find('=');
        cfg[kv.substr(0, eq)] = kv.substr(eq + 1);
    }
    set_task_config(*t, cfg);
    t->init(1);
    ArrayMap am;
    main.save(am, false);
    edit_twin_params(spec, am);
    t->load(am, false);
    return t;
}

void view_difference(const MatR<float>& a, const MatR<float>& b, MatR<float>& out) {
    if (a.rows() != b.rows() || a.cols() != b.cols()) {
        out.resize(0, 0);
        return;
    }
    out = a - b;
}

}  // namespace ps
