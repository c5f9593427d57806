// The live lab: the parts that make it up and the actions that need more than one of them.
//   live      LiveSession   the network stepped on the GUI thread, its episode history, twin, ghost
//   training  TrainerLink   the background trainer(s), their histories, parameter handoff
//   curves    CurveModel    plot arrays of the training curves
//   staged    StagedSettings settings waiting for the next episode or a rebuild
//   builder   TaskBuilder   networks built off the GUI thread
//   files     FileActions   the File menu: checkpoints, configs, screenshots (file_actions.hpp)
//   log       Messages      the status line, its history and the error popup
//   view      ViewState     what the windows remember between frames (zoom, focus, textures)
// The windows are free functions over the lab (panels.hpp); scripted actions are a table
// (script.hpp); window.cpp owns the frame loop.
#pragma once
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>
#include "gui/curve_model.hpp"
#include "gui/exporter.hpp"
#include "gui/file_actions.hpp"
#include "gui/lesson_player.hpp"
#include "gui/live_session.hpp"
#include "gui/messages.hpp"
#include "gui/options.hpp"
#include "gui/staged_settings.hpp"
#include "gui/task_builder.hpp"
#include "gui/task_panel.hpp"
#include "gui/trainer_link.hpp"
#include "gui/view_state.hpp"

namespace ps::gui {

class Lab {
public:
    explicit Lab(const GuiOptions& opt);
    ~Lab();

    // Opens what the command line / the remembered state asks for. Returns "" or an error for
    // the command line (exit code 2).
    std::string open_initial(const std::map<std::string, std::string>& ui_state);

    // ---- per frame
    void update(double dt);   // builds, trainer sync, live stepping
    void draw();              // every window (layout.cpp)
    bool animating() const;   // playing, training or building (the loop may sleep otherwise)
    uint64_t frame() const { return frame_no_; }
    double clock() const { return clock_; }

    // ---- actions that involve several parts (buttons, keys and scripts)
    // Replaces the task only if everything succeeds. Before enable_async_builds() (start-up) it
    // builds at once and returns "" or the error; after, it builds on the builder's thread and
    // returns "" (or why it cannot start): the network is swapped in at a later update, then
    // `then` runs; an error is shown as a popup titled error_title.
    std::string open_task(const std::string& name, const std::string& preset,
                          const std::map<std::string, std::string>* config, const std::string& checkpoint,
                          bool use_pretrained, const std::string& error_title = "Error",
                          std::function<void()> then = {});
    void enable_async_builds() { async_builds_ = true; }
    // Plays back a recording (docs/recording-format.md) in place of a task; "" or the error.
    std::string open_recording(const std::string& path);
    bool building() const { return builder.building(); }
    std::string rebuild(const std::string& error_title = "Cannot rebuild", std::function<void()> then = {});
    std::string edit_field(const std::string& key, const std::string& text);   // as the panel does
    void train_from_scratch();
    void restart_from_last_good();
    void use_latest_now();
    void set_baseline(const std::string& preset);   // "" = none
    std::string set_twin(const std::string& spec);
    // Runs the live episode again with the parameters of timeline entry k (k < 0: back to the
    // newest, following training). Returns "" or why not.
    std::string show_timeline(int k);
    int timeline_shown = -1;
    // Follows a matrix cell over the episode, and its two neurons when the matrix is neuron x neuron.
    void track_cell(const std::string& matrix, int row, int col);  // "off", "no-plasticity", "eta=0.1", "baseline", ...
    void show_error(const std::string& title, const std::string& text) { log.error(title, text, clock_); }
    void note(const std::string& text, bool error = false) { log.note(text, error, clock_); }
    // The pretrained non-plastic counterpart of the open preset, if one ships ("" if none).
    std::string baseline_checkpoint() const;

    // ---- for the window loop and tests
    std::map<std::string, std::string> ui_state() const;
    std::string summary() const;                   // the `plastiscope-gui:` line
    std::string twin_label() const;                // "off", "no-plasticity", "eta", ..., "baseline"
    std::vector<std::string> view_rects() const;   // "view NAME x y w h" per drawn matrix
    const std::string& task_name() const { return task_name_; }
    bool keys_captured() const { return keys_captured_; }
    bool quit_requested() const { return quit_; }
    void request_quit() { if (!monkey) quit_ = true; }
    void set_keys_captured(bool on) { keys_captured_ = on; }
    TaskPanel* task_panel() { return panel_.get(); }

    // ---- the parts (see the table above)
    LiveSession live;
    TrainerLink training;
    CurveModel curves;
    StagedSettings staged;
    TaskBuilder builder;
    FileActions files;
    LessonPlayer lessons;
    Exporter exporter;
    Messages log;
    ViewState view;
    uint64_t seed = 1;            // initialisation seed for "Train from scratch" and rebuilds
    bool follow_training = true;  // a new episode loads the newest trained parameters
    bool show_help = false;
    bool monkey = false;          // random input (--monkey): no file writes, no quitting
    bool reset_layout = false;
    // UI scale (1 to 2.5: projectors). The frame loop rebuilds the fonts when it changes.
    void set_ui_scale(float s);
    float ui_scale() const { return ui_scale_; }
    bool take_ui_scale_change() { const bool c = ui_scale_changed_; ui_scale_changed_ = false; return c; }
    bool quit_ = false;
    std::vector<std::string> pending_panel_actions;   // --at FRAME panel=ARG, for the task view

private:
    void finish_build(std::unique_ptr<Build> b);   // swaps a built network in (or shows its error)
    std::string finish_build_now(Build& b);
    bool prepare_episode();                        // staged settings, newest parameters

    GuiOptions opt_;
    std::string task_name_;
    std::unique_ptr<TaskPanel> panel_;   // the open task's own window, if it has one
    bool async_builds_ = false;
    bool keys_captured_ = false;         // the task panel used the arrow keys last frame
    float ui_scale_ = 1.0f;
    bool ui_scale_changed_ = false;
    double clock_ = 0;
    uint64_t frame_no_ = 0;
};

}  // namespace ps::gui
