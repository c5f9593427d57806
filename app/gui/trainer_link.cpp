// Background training as the lab sees it (see trainer_link.hpp).
#include "gui/trainer_link.hpp"
#include <algorithm>
#include <filesystem>
#include "checkpoint.hpp"

namespace ps::gui {

TrainerLink::~TrainerLink() {
    // Both stop at once (a long step is cancelled), then the threads are joined before the tasks go.
    if (trainer_) trainer_->request_stop();
    if (baseline_) baseline_->request_stop();
    restart_job_.cancel_and_join();
    baseline_job_.cancel_and_join();
    baseline_.reset();
    trainer_.reset();
    aside_.reap(true);
}

void TrainerLink::retire(std::unique_ptr<BackgroundTrainer>& t) {
    if (!t) return;
    t->request_stop();
    std::shared_ptr<BackgroundTrainer> p(std::move(t));
    aside_.run([p = std::move(p)]() mutable {
        p.reset();               // joins the trainer's thread: the rest of its step, if any
        release_freed_memory();  // its task's pages go back to the system
    });
}

void TrainerLink::retire(Job<Restart>& j) {
    if (!j.running() && !j.finished()) return;
    auto th = std::make_shared<std::thread>(j.abandon());   // a build under way ends (and is freed) there
    aside_.run([th] {
        if (th->joinable()) th->join();
    });
}

void TrainerLink::adopt(std::unique_ptr<BackgroundTrainer> t, const std::string& source, int eps_per_step,
                        std::vector<TrainMark> marks) {
    retire(restart_job_);
    retire(baseline_job_);
    retire(baseline_);
    retire(trainer_);
    trainer_ = std::move(t);   // null: a network that cannot be trained (a recording)
    baseline_preset_.clear();
    eps_per_step_ = std::max(1, eps_per_step);
    seen_version_ = trainer_ ? trainer_->snapshot()->version : 0;
    params_source_ = source;
    params_iter_ = trainer_ ? trainer_->iterations() : 0;
    hist_.clear();
    base_hist_.clear();
    marks_ = std::move(marks);
    timeline_.clear();
    timeline_at_ = -1e9;
    hist_gen_ = base_gen_ = 0;
    hist_n_ = base_n_ = 0;
    ++gen_;
    message_.clear();
    load_asap_ = false;
}

// ---------------------------------------------------------------- control

void TrainerLink::start() {
    if (!trainer_) return;
    if (trainer_->diverged()) {
        note_("training diverged; use \"Restart from last good parameters\" or \"Train from scratch\"", true);
        return;
    }
    trainer_->start();
    if (baseline_) baseline_->start();
}

void TrainerLink::pause() {
    if (trainer_) trainer_->pause();
    if (baseline_) baseline_->pause();
}

void TrainerLink::stop() {
    if (trainer_) trainer_->request_stop();   // a long step is cancelled, not waited for
    if (baseline_) baseline_->request_stop();
}

void TrainerLink::set_field(const std::string& key, const std::string& value) {
    if (!trainer_) return;
    trainer_->set_fields({key + "=" + value});
    if (baseline_) baseline_->set_fields({key + "=" + value});
    if (trainer_->iterations() > 0 || trainer_->running()) {
        marks_.push_back({episodes(), key + " = " + value});
        ++gen_;
    }
}

void TrainerLink::restart_from_last_good(const std::string& task, std::map<std::string, std::string> cfg,
                                         uint64_t seed) {
    if (!trainer_ || restart_job_.running()) return;
    auto snap = trainer_->snapshot();
    std::vector<TrainPoint> past = trainer_->history();
    restart_job_.start([task, cfg = std::move(cfg), seed, snap, past = std::move(past)](const std::atomic<bool>&) {
        auto t = make_task(task);
        set_task_config(*t, cfg);   // includes live changes such as a lower lr
        t->init(seed);
        t->load(snap->params, false);   // fresh optimiser, last finite parameters
        Restart r;
        r.iter = snap->iter;
        r.trainer = std::make_unique<BackgroundTrainer>(std::move(t), snap->iter);
        std::vector<TrainPoint> keep;   // the curve so far, up to the parameters taken
        for (const auto& p : past)
            if (p.iter <= snap->iter) keep.push_back(p);
        r.trainer->set_history(std::move(keep));
        return r;
    });
    note_("restarting training from the parameters of iteration " + std::to_string(snap->iter) + "...", false);
}

// ---------------------------------------------------------------- baseline

void TrainerLink::set_baseline(const std::string& task, const std::string& preset, uint64_t seed) {
    retire(baseline_job_);
    retire(baseline_);
    base_hist_.clear();
    base_gen_ = 0;
    base_n_ = 0;
    ++gen_;
    baseline_preset_.clear();
    if (preset.empty()) return;
    pending_baseline_ = preset;
    baseline_job_.start([task, preset, seed](const std::atomic<bool>&) {
        auto t = make_task(task);
        t->set_preset(preset);
        t->init(seed);
        Restart r;
        r.iter = std::max(1, t->episodes_per_step());
        r.trainer = std::make_unique<BackgroundTrainer>(std::move(t));
        return r;
    });
}

// ---------------------------------------------------------------- parameters for the live view

bool TrainerLink::newer_available() const {
    return trainer_ && trainer_->snapshot_if_newer(seen_version_) != nullptr;
}

std::shared_ptr<const ParamSnapshot> TrainerLink::take_newer() {
    if (!trainer_) return nullptr;
    auto s = trainer_->snapshot_if_newer(seen_version_);
    if (s) seen_version_ = s->version;
    return s;
}

void TrainerLink::note_params_used(const ParamSnapshot& s) {
    params_iter_ = s.iter;
    if (s.iter > 0) params_source_ = "training (iteration " + std::to_string(s.iter) + ")";
}

void TrainerLink::use_latest_now(double clock) {
    if (!trainer_) return;
    trainer_->request_publish();
    load_asap_ = true;
    load_asap_deadline_ = clock + 2.0;
}

std::shared_ptr<const ParamSnapshot> TrainerLink::sync(double clock) {
    aside_.reap(false);
    if (restart_job_.finished()) {
        auto r = restart_job_.take();
        if (!r) {
            error_("Cannot restart training", restart_job_.error());
        } else {
            retire(trainer_);
            trainer_ = std::move(r->trainer);
            hist_.clear();
            hist_gen_ = 0;
            hist_n_ = 0;
            ++gen_;
            message_.clear();
            seen_version_ = 0;
            load_asap_ = true;
            load_asap_deadline_ = clock + 2.0;
            note_("restarted training from the parameters of iteration " + std::to_string(r->iter), false);
            trainer_->start();
        }
    }
    if (baseline_job_.finished()) {
        auto b = baseline_job_.take();
        if (!b) {
            error_("Cannot start the baseline", baseline_job_.error());
        } else {
            baseline_ = std::move(b->trainer);
            base_eps_per_step_ = int(b->iter);
            baseline_preset_ = pending_baseline_;
            if (trainer_ && trainer_->running()) baseline_->start();
            note_("baseline: training preset " + baseline_preset_ + " from scratch alongside, on the same episodes", false);
        }
    }
    if (!trainer_) return nullptr;
    for (auto* tr : {trainer_.get(), baseline_.get()}) {
        if (!tr) continue;
        for (auto& n : tr->take_notes()) {
            if (n.error) error_("Error", n.text);
            else note_(n.text, false);
        }
    }
    trainer_->history_since(hist_gen_, hist_n_, hist_);
    if (clock - timeline_at_ > 0.5 || timeline_.empty()) {
        timeline_ = trainer_->timeline();
        timeline_at_ = clock;
    }
    if (baseline_) baseline_->history_since(base_gen_, base_n_, base_hist_);
    const std::string m = trainer_->message();
    if (m != message_) {
        message_ = m;
        if (!m.empty()) note_(m, true);
    }
    // The baseline trains no further than the main run has (both curves share one episode axis).
    if (baseline_ && trainer_->running() && !baseline_->diverged()) {
        const int64_t main_eps = episodes();
        const int64_t base_eps = baseline_->iterations() * base_eps_per_step_;
        if (base_eps > main_eps && baseline_->running()) baseline_->pause();
        else if (base_eps <= main_eps && !baseline_->running()) baseline_->start();
    }
    if (load_asap_) {
        if (auto s = take_newer()) {
            load_asap_ = false;
            return s;
        }
        if (clock > load_asap_deadline_) load_asap_ = false;
    }
    return nullptr;
}

}  // namespace ps::gui
