// The Task interface and its registry. A task owns its model, its optimiser and its data; the
// CLI (train / eval / grad / tasks), the GUI's live view and the GUI's training thread all drive
// tasks only through this interface. Each task lives in one file under engine/tasks/ and
// registers itself by name with PS_REGISTER_TASK, so the CLI and the GUI list it with no edits
// elsewhere.
#pragma once
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>
#include <Eigen/Dense>
#include "arrays.hpp"
#include "fields.hpp"
#include "rng.hpp"
#include "tensor.hpp"

namespace ps {

struct PresetInfo {
    std::string name;
    std::string help;      // one line: what it is and how long it trains (e.g. "~40 s on one core")
};

struct StepStats {
    double loss = 0;       // training loss of this optimisation step (mean over its batch)
    double metric = 0;     // the task's metric (see Task::metric_name)
    std::map<std::string, double> extra;   // e.g. "eta", "grad_norm"
};

// What the live viewer can show. Pointers stay valid until the next live_step / live_reset /
// load on the same task object, and are only touched from the thread that steps it.
struct MatrixView {
    std::string name;        // "H", "W", "A", "W+A*H"
    const MatR<float>* m = nullptr;
    bool is_signed = true;   // diverging colormap centred on 0, else sequential
    std::string help;        // tooltip
    std::string row_label = "pre", col_label = "post";
    // 0: the viewer finds changes itself (a scan of the data whenever the live state moved).
    // Otherwise a number that changes whenever the matrix does (take it from
    // new_content_version(), unique across task objects): parameters that only change on init,
    // load or a training step then cost nothing per frame while the network plays.
    uint64_t version = 0;
};
// A fresh, never repeated content version for MatrixView::version (any thread).
uint64_t new_content_version();
struct ImageView {
    std::string name;        // "input", "probe", "output", "target"
    int height = 0, width = 0;
    std::vector<float> pixels;   // row-major, height*width
    float lo = -1, hi = 1;
};
// A user action on the live view that only some tasks understand: the maze's arrow keys, painting
// on an image, pointing the task at a folder of the user's own images. Task::live_event says
// whether it was taken.
struct LiveEvent {
    std::string kind;        // "key" | "paint" | "open-images" | task-specific names
    int key = -1;            // "key": 0 up, 1 right, 2 down, 3 left
    std::string target;      // "paint": the ImageView's name
    int row = 0, col = 0;    // "paint": pixel
    float value = 0;         // "paint": the new pixel value (in the view's lo..hi)
    float radius = 0;        // "paint": brush radius in pixels (0 = one pixel)
    std::string path;        // "open-images": a folder or file
};

// A task's own live state for its task view, as typed data (the maze's agent, reward cell and
// policy, ...): the task's panel reads it with LiveViews::payload_as<T>() instead of parsing
// scalars. The struct lives in the task's engine header, beside the task.
struct LivePayload {
    virtual ~LivePayload() = default;
};

struct LiveViews {
    int t = 0, T = 0;                     // timestep reached, episode length
    int64_t episode = 0;                  // live episode counter
    std::vector<MatrixView> matrices;
    const MatR<float>* activity = nullptr;      // T x N raster of x(t), rows beyond t are zero
    const MatR<float>* input = nullptr;         // T x N(or K) inputs of the episode
    std::vector<float> target;            // what the network should output (may be empty)
    std::vector<ImageView> images;
    std::map<std::string, double> scalars;   // "eta", "loss", ...
    // What a reader sees for a scalar's key ("query MSE of function 3" for "mse_f3"); the keys stay
    // what tests and recordings use. A key without one is shown as it is.
    std::map<std::string, std::string> scalar_labels;
    std::vector<std::pair<int, std::string>> marks;   // timeline marks: (step, label)
    std::string status;                   // one line shown under the views
    std::shared_ptr<const LivePayload> payload;   // the task view's typed state, if it has one
    template <class T>
    const T* payload_as() const { return dynamic_cast<const T*>(payload.get()); }
};

// A copy of a live episode's dynamic state (not the parameters, not the episode's data), for
// fast scrubbing: LiveRun keeps one every few steps and replays from the nearest.
struct LiveState {
    virtual ~LiveState() = default;
    virtual size_t bytes() const = 0;
};

// What a task is, fixed for its lifetime: shown by `plastiscope tasks`, the GUI's task panel and
// error messages.
struct TaskInfo {
    std::string name;                    // the registry name, e.g. "patterns"
    std::string description;             // a paragraph: the task, and what to watch
    std::string metric_name;             // e.g. "wrong-sign fraction"
    bool metric_lower_is_better = true;
    std::vector<PresetInfo> presets;     // first = default
};

// The contract every task keeps (tests/unit/test_task_contract.cpp checks it for every registered
// task). The pure virtuals are what differs from task to task; the rest has one implementation
// here. Plastic-network tasks build on PlasticTask (plastic_task.hpp), which implements all but
// the episodes, the loss and the extra views.
class Task {
public:
    explicit Task(TaskInfo info) : info_(std::move(info)) {}
    virtual ~Task() = default;

    // ---- identity and configuration
    const std::string& name() const { return info_.name; }
    const std::string& description() const { return info_.description; }
    const std::vector<PresetInfo>& presets() const { return info_.presets; }
    const std::string& metric_name() const { return info_.metric_name; }
    bool metric_lower_is_better() const { return info_.metric_lower_is_better; }
    const std::string& preset() const { return preset_; }
    // Resets every field to the preset's values. Throws ConfigError for an unknown preset.
    void set_preset(const std::string& name);
    // Fields bound to this object's config struct(s).
    virtual std::vector<Field> fields() = 0;

    // ---- model
    // (Re)builds the network from the config and initialises parameters from seed; resets the
    // optimiser and the data stream (seeded from the same seed).
    virtual void init(uint64_t seed) = 0;
    // Called after Live fields changed (learning rate, clip, ...): no rebuild.
    virtual void apply_live_changes() {}
    int64_t num_params() const;   // elements of the trained parameters (tensors() marked param)

    // ---- training
    virtual StepStats train_step() = 0;          // one optimisation step (one batch of episodes)
    virtual int episodes_per_step() const { return 1; }
    // Metric on one fresh evaluation episode drawn from rng, with the current parameters and no
    // learning across episodes. Returns the metric of that episode.
    virtual double eval_episode(Rng& rng) = 0;
    // Name of the first tensor of tensors() holding a NaN or Inf, or "" if all are finite.
    std::string find_nonfinite() const;

    // ---- state (keys: task_state.hpp)
    // Parameters (and, if with_optimizer, the optimiser's moments and step counter).
    virtual void save(ArrayMap& out, bool with_optimizer) const = 0;
    // Loads what save() wrote; validates names, shapes, finiteness, all or nothing. Throws
    // std::runtime_error. Does not change the config: the caller sets it first from the stored
    // config.
    virtual void load(const ArrayMap& in, bool with_optimizer) = 0;

    // ---- exact gradient dump: one episode in double precision; writes inputs, targets, every
    // parameter (as "param/NAME"), "loss", and "grad/NAME" for every trained parameter.
    virtual void grad_dump(uint64_t seed, ArrayMap& out) = 0;

    // What a reader of the task's recordings needs besides its arrays (info/rule,
    // info/bias_value, ...; record.hpp). The default names the value of a "rule" setting.
    virtual void describe(ArrayMap& out);

    // ---- live stepping (the GUI thread)
    // A new episode drawn from episode_seed, t = 0. The default counts it (live_episode()),
    // remembers the seed (live_seed()) and calls live_restart().
    virtual void live_reset(uint64_t episode_seed);
    virtual void live_restart() = 0;                      // the same episode again from t = 0
    virtual bool live_step() = 0;                         // one timestep; false once the episode is over
    virtual void live_views(LiveViews& v) = 0;
    // A task-specific user action (see LiveEvent). Returns "" when taken, else why not (the GUI
    // shows it). The default takes nothing.
    virtual std::string live_event(const LiveEvent& e);
    // Optional: the live state now, and its restore into the same episode (same data and
    // settings), after which stepping goes on exactly as it did. Tasks whose steps are cheap
    // keep the default (null: scrubbing replays from the start).
    virtual std::shared_ptr<const LiveState> live_save() const { return nullptr; }
    virtual void live_load(const LiveState&) {}

protected:
    // Sets the config to the preset's values (the name is one of presets()).
    virtual void apply_preset(const std::string& name) = 0;
    // Every float tensor of the state: the trained parameters (param = true, by their parameter
    // names) and the optimiser's (by their checkpoint names), for num_params and find_nonfinite.
    virtual void tensors(std::vector<TensorRef>& out) const = 0;

    uint64_t live_seed() const { return live_seed_; }
    int64_t live_episode() const { return live_episode_; }
    // A new run's live view: no episode counted yet, the next one drawn from seed.
    void reset_live(uint64_t seed) { live_seed_ = seed; live_episode_ = 0; }
    // For a task whose metric is another task's (the LSTM arm on a plastic task's episodes).
    void set_metric(std::string name, bool lower_is_better) {
        info_.metric_name = std::move(name);
        info_.metric_lower_is_better = lower_is_better;
    }

private:
    TaskInfo info_;
    std::string preset_;
    uint64_t live_seed_ = 1;
    int64_t live_episode_ = 0;
};

using TaskFactory = std::function<std::unique_ptr<Task>()>;

struct TaskEntry {
    std::string name;
    std::string summary;     // one line for `plastiscope tasks`
    TaskFactory make;
};

const std::vector<TaskEntry>& task_registry();
bool register_task(TaskEntry e);
// nullptr if unknown.
std::unique_ptr<Task> make_task(const std::string& name);
// "a, b, c" of registered names, for error messages.
std::string task_names();

#define PS_CONCAT2(a, b) a##b
#define PS_CONCAT(a, b) PS_CONCAT2(a, b)
#define PS_REGISTER_TASK(NAME, SUMMARY, CLASS) \
    static const bool PS_CONCAT(ps_task_reg_, __COUNTER__) = \
        ::ps::register_task({NAME, SUMMARY, [] { return std::unique_ptr<::ps::Task>(new CLASS()); }})

// Helpers every task uses.
// Full config of a task as a map (preset + every field), and back (preset first, then fields).
std::map<std::string, std::string> task_config(Task& t);
void set_task_config(Task& t, const std::map<std::string, std::string>& cfg);   // throws ConfigError

// The one message of every training loop (train, the GUI's trainer, sweep) when a step leaves
// the loss or a tensor non-finite: "training diverged at <where>: <what>; try a lower learning
// rate than lr=... or a gradient clip (grad_clip=1)". bad_tensor is find_nonfinite()'s answer.
std::string divergence_message(Task& t, const std::string& where, double loss, const std::string& bad_tensor);

}  // namespace ps
