// The lab's side of background training: the trainer of the open task and, optionally, a
// baseline (another preset of the same task, e.g. the non-plastic one) trained alongside on the
// same episode budget; their histories for the curves; which parameters the live view uses; and
// the threads of trainers being replaced, which end on threads of their own (a step under way is
// cancelled or finishes there, never on the GUI thread). Nothing here draws.
#pragma once
#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>
#include "background_trainer.hpp"
#include "gui/aside.hpp"
#include "gui/job.hpp"

namespace ps::gui {

class TrainerLink {
public:
    using NoteFn = std::function<void(const std::string& text, bool error)>;
    using ErrorFn = std::function<void(const std::string& title, const std::string& text)>;
    TrainerLink(NoteFn note, ErrorFn error) : note_(std::move(note)), error_(std::move(error)) {}
    ~TrainerLink();

    // A new trainer for a newly opened network (it holds the checkpoint's history already);
    // marks: the settings changed while the checkpoint's network was trained.
    void adopt(std::unique_ptr<BackgroundTrainer> t, const std::string& source, int eps_per_step,
               std::vector<TrainMark> marks = {});
    bool has() const { return bool(trainer_); }
    BackgroundTrainer& trainer() { return *trainer_; }
    const BackgroundTrainer* get() const { return trainer_.get(); }

    // ---- control
    void start();
    void pause();
    void stop();                          // non-blocking: a long step is cancelled
    bool running() const { return trainer_ && trainer_->running(); }
    bool diverged() const { return trainer_ && trainer_->diverged(); }
    int64_t iterations() const { return trainer_ ? trainer_->iterations() : 0; }
    int eps_per_step() const { return eps_per_step_; }
    int64_t episodes() const { return iterations() * eps_per_step_; }
    // Continue from the last finite parameters with a fresh optimiser and `cfg` (which may carry
    // a lower learning rate). The new task is built off the GUI thread.
    void restart_from_last_good(const std::string& task, std::map<std::string, std::string> cfg, uint64_t seed);
    // A setting that changed while training (Live or next-episode): sent to the trainer(s) and
    // marked on the curves.
    void set_field(const std::string& key, const std::string& value);

    // ---- baseline: another preset of the task, from scratch, paced to the main run's episodes
    void set_baseline(const std::string& task, const std::string& preset, uint64_t seed);   // "" = none
    const std::string& baseline_preset() const { return baseline_preset_; }
    int64_t baseline_iterations() const { return baseline_ ? baseline_->iterations() : 0; }
    int baseline_eps_per_step() const { return base_eps_per_step_; }

    // ---- the parameters the live view uses
    // The newest snapshot if newer than the one the live view has (marks it seen), else null.
    std::shared_ptr<const ParamSnapshot> take_newer();
    bool newer_available() const;
    void use_latest_now(double clock);    // publish now; sync() hands the result over
    bool load_asap() const { return load_asap_; }
    const std::string& params_source() const { return params_source_; }
    int64_t params_iter() const { return params_iter_; }
    void note_params_used(const ParamSnapshot& s);

    // Once per frame: notes and errors, new history points, the divergence message, a pending
    // "use latest now", a finished restart, baseline pacing. Returns a snapshot the live view
    // should load right now (after "use latest now"), else null.
    std::shared_ptr<const ParamSnapshot> sync(double clock);

    // ---- history (the curves read these)
    const std::vector<TrainPoint>& history() const { return hist_; }
    const std::vector<TrainPoint>& baseline_history() const { return base_hist_; }
    const std::vector<TrainMark>& marks() const { return marks_; }
    // The record a saved checkpoint carries (the trainer's thread calls it through post()).
    uint64_t generation() const { return gen_; }   // changes whenever the histories are rebuilt
    // The meta-training timeline (parameter copies over the run), refreshed twice a second.
    const std::vector<TimelineEntry>& timeline() const { return timeline_; }
    void refresh_timeline() { if (trainer_) timeline_ = trainer_->timeline(); }
    const std::string& message() const { return message_; }

private:
    struct Restart {
        std::unique_ptr<BackgroundTrainer> trainer;
        int64_t iter = 0;
    };
    // Stopping and freeing happen on threads of their own (aside_): a trainer in the middle of a
    // step, a build under way, the pages of a freed network.
    void retire(std::unique_ptr<BackgroundTrainer>& t);
    void retire(Job<Restart>& j);

    NoteFn note_;
    ErrorFn error_;
    std::unique_ptr<BackgroundTrainer> trainer_, baseline_;
    std::string baseline_preset_;
    AsideThreads aside_;   // joined by the destructor, after the trainers are stopped
    Job<Restart> restart_job_;
    Job<Restart> baseline_job_;   // Restart::iter holds the baseline's episodes per step
    std::string pending_baseline_;
    int eps_per_step_ = 1, base_eps_per_step_ = 1;
    uint64_t seen_version_ = 0;
    std::string params_source_;
    int64_t params_iter_ = 0;
    bool load_asap_ = false;
    double load_asap_deadline_ = 0;
    std::vector<TrainPoint> hist_, base_hist_;
    std::vector<TrainMark> marks_;
    std::vector<TimelineEntry> timeline_;
    double timeline_at_ = -1e9;
    uint64_t hist_gen_ = 0, base_gen_ = 0, gen_ = 0;
    size_t hist_n_ = 0, base_n_ = 0;
    std::string message_;
};

}  // namespace ps::gui
