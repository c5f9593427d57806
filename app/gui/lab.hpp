// The live lab's state and behaviour: the task the GUI steps (live), the background trainer(s),
// transport, staged settings, file actions and the panels that show them. lab.cpp holds the
// logic, panels.cpp the control windows, views.cpp the matrix / activity / curve windows;
// window.cpp owns the GLFW window and the frame loop.
#pragma once
#include <atomic>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>
#include "background_trainer.hpp"
#include "gui/file_dialog.hpp"
#include "gui/gl.hpp"
#include "gui/matrix_view.hpp"
#include "gui/options.hpp"
#include "gui/task_panel.hpp"
#include "task.hpp"

namespace ps::gui {

void release_freed_memory();   // malloc_trim: freed pages back to the system (lab.cpp)

class Lab {
public:
    explicit Lab(const GuiOptions& opt);
    ~Lab();

    // Opens what the command line / the remembered state asks for. Returns "" or an error for
    // the command line (exit code 2).
    std::string open_initial(const std::map<std::string, std::string>& ui_state);

    // ---- per frame
    void update(double dt);   // trainer sync, live stepping
    void draw();              // every window
    bool animating() const;   // playing or training (the loop may sleep otherwise)

    // ---- actions (buttons, keys and --at scripts)
    // Replaces the task only if everything succeeds (state unchanged otherwise). Before
    // enable_async_builds() (start-up) it builds at once and returns "" or the error; after, it
    // builds on a thread of its own (lab_build.cpp) and returns "" (or why it cannot start): the
    // network is swapped in at a later update, then `then` runs; an error is shown as a popup
    // titled error_title.
    std::string open_task(const std::string& name, const std::string& preset,
                          const std::map<std::string, std::string>* config, const std::string& checkpoint,
                          bool use_pretrained, const std::string& error_title = "Error",
                          std::function<void()> then = {});
    void enable_async_builds() { async_builds_ = true; }
    bool building() const { return bool(build_); }   // a network is being built
    struct Build;
    void play(bool on);
    bool playing() const { return playing_; }
    void step_once();
    void restart_episode();
    void new_episode();
    void train_start();
    void train_pause();
    void train_stop();
    void train_from_scratch();
    void restart_from_last_good();
    void use_latest_now();
    std::string open_checkpoint(const std::string& path);
    void save_checkpoint_to(const std::string& path);   // done by the trainer thread; result in the log
    std::string open_config(const std::string& path);
    std::string save_config(const std::string& path);
    std::string config_json();
    std::string edit_field(const std::string& key, const std::string& text);   // as the panel does
    std::string rebuild(const std::string& error_title = "Cannot rebuild", std::function<void()> then = {});
    void set_baseline(const std::string& preset);   // "" = none
    void show_error(const std::string& title, const std::string& text);
    bool error_showing() const { return error_open_; }
    void dismiss_error() { error_open_ = false; }
    void note(const std::string& text, bool error = false);
    // Runs one scripted step; returns "" or why an expectation failed.
    std::string run_script(const ScriptStep& s);

    // ---- for the window loop and tests
    std::string take_screenshot_request();
    void request_screenshot(const std::string& path) { screenshot_request_ = path; }
    std::map<std::string, std::string> ui_state() const;
    std::string summary() const;          // one line: task, steps, iterations, errors
    std::vector<std::string> view_rects() const;   // "view NAME x y w h" per drawn matrix
    const std::string& task_name() const { return task_name_; }
    bool keys_captured() const { return keys_captured_; }
    int64_t train_iterations() const { return trainer_ ? trainer_->iterations() : 0; }
    bool quit_requested() const { return quit_; }
    void request_quit() { if (!monkey) quit_ = true; }
    bool show_help = false;
    bool monkey = false;      // random input (--monkey): no file writes, no quitting
    bool reset_layout = false;

private:
    // lab.cpp
    void guarded(const char* what, const std::function<void()>& f);   // live calls that may throw
    bool advance();                    // one live step (new episode first if the last one ended)
    void begin_episode(bool fresh);
    void pick_up_params(bool only_if_newer);
    void sync_trainers();
    void refresh_views();
    void update_curves();              // rebuilds the plot arrays from the histories (<= 4 Hz)
    // panels.cpp
    void draw_menu();
    void draw_task_panel();
    void draw_transport_panel();
    void draw_training_panel();
    void draw_params_panel();
    void draw_status_bar();
    void draw_help();
    void draw_error_popup();
    void place(const char* name, float x, float y, float w, float h);
    // views.cpp
    void draw_matrices();
    void draw_focus();
    void draw_activity();
    void draw_curves();
    void draw_task_view(const TaskPanelFn& panel);   // task_panel.cpp

    // Trainers being replaced (a new task, a rebuild, a restart, a baseline change) end on a
    // thread of their own: their step under way is cancelled or finishes there, never on the
    // GUI thread (issue 9: no freeze over a second at N = 4096). Joined once done, and all of
    // them when the lab closes.
    struct Retired {
        std::thread th;
        std::shared_ptr<std::atomic<bool>> done;
    };
    std::vector<Retired> retired_;
    // The network being built (lab_build.cpp), if any.
    std::shared_ptr<Build> build_;
    std::thread build_thread_;
    bool async_builds_ = false;
    double build_started_ = 0;
    void poll_build();            // swaps a finished build in (or shows its error)
    std::string finish_build(Build& b);
    void join_build();
    void retire(std::unique_ptr<BackgroundTrainer>& t);
    void reap(bool all);

    GuiOptions opt_;
    std::string task_name_;
    std::unique_ptr<Task> live_;
    std::unique_ptr<BackgroundTrainer> trainer_, baseline_;
    std::string baseline_preset_;
    std::vector<TrainPoint> archive_;   // points from before the current trainer (restart from last good)
    uint64_t seed_ = 1;
    int eps_per_step_ = 1;
    uint64_t seen_version_ = 0;
    std::string params_source_;         // "pretrained ...", "checkpoint ...", "fresh (seed 1)"
    int64_t params_iter_ = 0;           // training iteration of the parameters the live view uses

    // transport
    bool playing_ = false, loop_ = true, follow_training_ = true, episode_done_ = false;
    // False from the moment the live task throws (a bad combination of settings reaching
    // live_reset, a failed step) until an episode begins again without error: in between the
    // task's buffers may disagree with its settings, so nothing steps it, sends it events or
    // reads its views (the maze once wrote past its visit map that way: issue 9's soak crash).
    bool live_ok_ = true;
    int speed_ = 5;   // 1 step per frame
    double slow_acc_ = 0;
    bool step_limited_ = false;
    uint64_t episode_index_ = 0;
    int64_t live_steps_ = 0;
    bool load_asap_ = false;
    double load_asap_deadline_ = 0;
    double clock_ = 0;
    uint64_t frame_no_ = 0;

    // what the task shows
    LiveViews views_;
    bool views_changed_ = true;    // a step / reset / load since the last refresh
    bool frame_changed_ = true;    // ... as seen by this frame's drawing
    std::map<std::string, MatrixWidget> mats_;
    MatrixViewport vp_;                               // shared zoom and pan
    std::map<std::string, MatrixViewport> own_vp_;    // per matrix, when not shared
    MatrixFocus focus_;
    bool sync_zoom_ = true;
    GlMatrix raster_, input_raster_;
    std::vector<float> input_shadow_;
    float input_absmax_ = 1;
    int raster_rows_done_ = 0, raster_w_ = 0, raster_h_ = 0;   // x(t) raster coloured up to this row
    float raster_xa_ = 1;
    uint64_t raster_sum_ = 0;
    std::vector<GlImage> images_;
    std::map<std::string, std::vector<float>> image_rgba_;

    // settings staged for the next episode / a rebuild (key -> text)
    std::map<std::string, std::string> staged_;

    // curves
    std::vector<TrainPoint> hist_, base_hist_;
    uint64_t hist_gen_ = 0, base_gen_ = 0;
    size_t hist_n_ = 0, base_n_ = 0;
    // Plot arrays built from the histories (archive_ + hist_, and base_hist_), so drawing never
    // walks or copies 50 000 history points per frame.
    struct CurveData {
        std::vector<double> x, loss, metric, s_loss, s_metric;
        std::map<std::string, std::vector<double>> extra, s_extra;
    };
    CurveData cur_, base_;
    size_t curve_key_ = size_t(-1);
    double curve_built_at_ = -1e9;
    float curve_smoothing_ = -1;
    bool curve_dirty_ = true;
    float smoothing_ = 0.9f;
    std::string extra_key_ = "eta";   // which StepStats::extra the third curve shows
    bool log_loss_ = true;
    std::string train_message_;

    // messages, dialogs
    struct LogLine {
        double time;
        std::string text;
        bool error;
    };
    std::deque<LogLine> log_;
    std::string error_title_, error_text_;
    bool error_open_ = false;
    int errors_shown_ = 0;
    FileDialog dialog_;
    std::string screenshot_request_;
    std::string last_dir_;
    bool quit_ = false;
    std::string focus_matrix_;   // which matrix the focus plots read
    bool show_matrices_ = true, show_activity_ = true, show_curves_ = true, show_focus_ = true, show_params_ = true;
    bool show_task_view_ = true, show_focus_panel_ = false;   // with a task panel (task_panel.hpp)
    const char* activity_title_ = "Activity";
    bool keys_captured_ = false;   // the task panel used the arrow keys last frame
    std::vector<std::string> pending_panel_actions_;   // --at FRAME panel=ARG, for the task view
};

}  // namespace ps::gui
