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

// Old spelling of MatR<float>, still used by app/gui (remove once it says MatR<float>).
using MatRf = MatR<float>;

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

struct LiveViews {
    int t = 0, T = 0;                     // timestep reached, episode length
    int64_t episode = 0;                  // live episode counter
    std::vector<MatrixView> matrices;
    const MatR<float>* activity = nullptr;      // T x N raster of x(t), rows beyond t are zero
    const MatR<float>* input = nullptr;         // T x N(or K) inputs of the episode
    std::vector<float> target;            // what the network should output (may be empty)
    std::vector<ImageView> images;
    std::map<std::string, double> scalars;   // "eta", "loss", ...
    std::vector<std::pair<int, std::string>> marks;   // timeline marks: (step, label)
    std::string status;                   // one line shown under the views
};

class Task {
public:
    virtual ~Task() = default;

    // ---- identity and configuration
    virtual std::string name() const = 0;
    virtual std::string description() const = 0;   // a paragraph: the task, and what to watch
    virtual std::vector<PresetInfo> presets() const = 0;   // first = default
    virtual std::string preset() const = 0;
    // Resets every field to the preset's defaults. Throws ConfigError for an unknown preset.
    virtual void set_preset(const std::string& name) = 0;
    // Fields bound to this object's config struct(s).
    virtual std::vector<Field> fields() = 0;
    virtual std::string metric_name() const = 0;         // e.g. "wrong-sign fraction"
    virtual bool metric_lower_is_better() const { return true; }

    // ---- model
    // (Re)builds the network from the config and initialises parameters from seed; resets the
    // optimiser and the data stream (seeded from the same seed).
    virtual void init(uint64_t seed) = 0;
    // Called after Live fields changed (learning rate, clip, ...): no rebuild.
    virtual void apply_live_changes() {}
    virtual int64_t num_params() const = 0;

    // ---- training
    virtual StepStats train_step() = 0;          // one optimisation step (one batch of episodes)
    virtual int episodes_per_step() const { return 1; }
    // Metric on one fresh evaluation episode drawn from rng, with the current parameters and no
    // learning across episodes. Returns the metric of that episode.
    virtual double eval_episode(Rng& rng) = 0;
    // Name of the first parameter or optimiser moment that is not finite, or "" if all are.
    virtual std::string find_nonfinite() const = 0;

    // ---- state
    // Parameters (and, if with_optimizer, the optimiser's moments and step counter).
    virtual void save(ArrayMap& out, bool with_optimizer) const = 0;
    // Loads what save() wrote; validates names, shapes, finiteness. Throws std::runtime_error.
    // Does not change the config: the caller sets it first from the stored config.
    virtual void load(const ArrayMap& in, bool with_optimizer) = 0;

    // ---- exact gradient dump: one episode in double precision; writes inputs, targets, every
    // parameter (as "param/NAME"), "loss", and "grad/NAME" for every trained parameter.
    virtual void grad_dump(uint64_t seed, ArrayMap& out) = 0;

    // ---- live stepping (the GUI thread)
    virtual void live_reset(uint64_t episode_seed) = 0;   // a new episode, t = 0
    virtual void live_restart() = 0;                      // the same episode again from t = 0
    virtual bool live_step() = 0;                         // one timestep; false once the episode is over
    virtual void live_views(LiveViews& v) = 0;
    // A task-specific user action (see LiveEvent). Returns "" when taken, else why not (the GUI
    // shows it). The default takes nothing.
    virtual std::string live_event(const LiveEvent& e) { return "the task '" + name() + "' has no '" + e.kind + "' action"; }
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
    static const bool PS_CONCAT(ps_task_reg_, __LINE__) = \
        ::ps::register_task({NAME, SUMMARY, [] { return std::unique_ptr<::ps::Task>(new CLASS()); }})

// Helpers every task uses.
// Full config of a task as a map (preset + every field), and back (preset first, then fields).
std::map<std::string, std::string> task_config(Task& t);
void set_task_config(Task& t, const std::map<std::string, std::string>& cfg);   // throws ConfigError

}  // namespace ps
