// Scripted UI actions (the hidden `--at FRAME ACTION[=ARG]` flag, used by tests, lessons and
// figures): one table, each action calling the same lab functions as its button or menu item.
#include "gui/script.hpp"
#include <imgui.h>
#include <chrono>
#include <cstdlib>
#include <thread>
#include "gui/lab.hpp"
#include "record.hpp"

namespace ps::gui {

namespace {

double now_s() {
    return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

// Shows a non-empty error as a popup (the scripted equivalent of the button's error path).
std::string popup(Lab& lab, const std::string& title, const std::string& err) {
    if (!err.empty()) lab.show_error(title, err);
    return "";
}

// wait-train [N]: blocks the frame loop until the trainer has done N more iterations (tests).
std::string wait_train(Lab& lab, const std::string& arg) {
    int64_t more = arg.empty() ? 1 : 0;   // N in 1..1e9 iterations, digits only
    for (char c : arg) {
        if (c < '0' || c > '9' || more > 100000000) {
            more = -1;
            break;
        }
        more = more * 10 + (c - '0');
    }
    if (more < 1 || more > 1000000000) return "'" + arg + "' is not a number of iterations in 1..1000000000";
    TrainerLink& tr = lab.training;
    const int64_t target = tr.iterations() + more;
    const double end = now_s() + 120;
    // The thread may not have picked up a start() of a moment ago yet.
    while (tr.has() && !tr.running() && !tr.diverged() && now_s() < end - 110)
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
    while (tr.running() && tr.iterations() < target && now_s() < end)
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
    // A diverged run is a legitimate end state (the app shows it and keeps running).
    if (tr.iterations() < target && !tr.diverged())
        return "wait-train: the trainer did not reach iteration " + std::to_string(target);
    tr.sync(lab.clock());
    return "";
}

std::string focus(Lab& lab, const std::string& arg) {
    MatrixFocus& f = lab.view.focus;
    f.active = true;
    f.row = std::atoi(arg.c_str());
    const auto c = arg.find(',');
    f.col = c == std::string::npos ? f.row : std::atoi(arg.c_str() + c + 1);
    const auto& ms = lab.live.views().matrices;
    f.matrix = ms.empty() ? "" : ms.back().name;
    return "";
}

// scrub=T: show step T of the episode (T may be past the recorded steps: the network steps there).
std::string scrub(Lab& lab, const std::string& arg) {
    char* end = nullptr;
    const long t = std::strtol(arg.c_str(), &end, 10);
    if (arg.empty() || *end || t < 0) return "scrub: '" + arg + "' is not a step number";
    if (t > lab.live.length()) return "scrub: step " + arg + " is past the episode's " + std::to_string(lab.live.length());
    while (lab.live.frontier() < t && !lab.live.episode_done()) lab.live.step_once();
    lab.live.seek(int(t));
    return "";
}

// track=[MATRIX:]ROW,COL: follow that cell (default: the trace H, else the first matrix).
std::string track(Lab& lab, const std::string& arg) {
    RecordOptions::Cell cell;
    if (!parse_cell(arg, cell)) return "track: expected [MATRIX:]ROW,COL, got '" + arg + "'";
    std::string m = cell.view;
    const long r = cell.row, c = cell.col;
    const auto& ms = lab.live.views().matrices;
    if (m.empty()) {
        for (const auto& v : ms)
            if (v.name == "H" || v.name == "Hebb") m = v.name;
        if (m.empty() && !ms.empty()) m = ms.front().name;
    }
    const MatrixView* mv = nullptr;
    for (const auto& v : ms)
        if (v.name == m) mv = &v;
    if (!mv || !mv->m) return "track: no matrix '" + m + "' in this task";
    if (r >= mv->m->rows() || c >= mv->m->cols())
        return "track: cell (" + std::to_string(r) + ", " + std::to_string(c) + ") is outside " + m + " (" +
               std::to_string(mv->m->rows()) + " x " + std::to_string(mv->m->cols()) + ")";
    lab.view.focus = {true, int(r), int(c), m};
    lab.track_cell(m, int(r), int(c));
    return "";
}

std::string timeline(Lab& lab, const std::string& arg) {
    char* end = nullptr;
    const long k = std::strtol(arg.c_str(), &end, 10);
    if (arg.empty() || *end) return "timeline: '" + arg + "' is not an entry number (-1 = the newest)";
    return lab.show_timeline(int(k));
}

const std::vector<ScriptAction>& table() {
    using L = Lab;
    using S = const std::string&;
    static const std::vector<ScriptAction> t = {
        {"play", "play the live network", [](L& l, S) { l.live.play(true); return std::string(); }},
        {"pause", "pause it", [](L& l, S) { l.live.play(false); return std::string(); }},
        {"step", "one timestep", [](L& l, S) { l.live.step_once(); return std::string(); }},
        {"restart", "the same episode from t = 0", [](L& l, S) { l.live.restart(); return std::string(); }},
        {"new-episode", "a new episode", [](L& l, S) { l.live.new_episode(); return std::string(); }},
        {"train", "start training", [](L& l, S) { l.training.start(); return std::string(); }},
        {"pause-train", "pause training", [](L& l, S) { l.training.pause(); return std::string(); }},
        {"stop-train", "stop training", [](L& l, S) { l.training.stop(); return std::string(); }},
        {"from-scratch", "re-initialise and train", [](L& l, S) { l.train_from_scratch(); return std::string(); }},
        {"use-latest", "use the newest trained parameters now", [](L& l, S) { l.use_latest_now(); return std::string(); }},
        {"wait-train", "=N: wait for N more training iterations", wait_train},
        {"open-checkpoint", "=FILE", [](L& l, S a) { return popup(l, "Cannot open checkpoint", l.files.open_checkpoint(a)); }},
        {"save-checkpoint", "=FILE", [](L& l, S a) { l.files.save_checkpoint(a); return std::string(); }},
        {"open-config", "=FILE", [](L& l, S a) { return popup(l, "Error", l.files.open_config(a)); }},
        {"save-config", "=FILE", [](L& l, S a) { return popup(l, "Error", l.files.save_config(a)); }},
        {"copy-config", "config JSON to the clipboard",
         [](L& l, S) { ImGui::SetClipboardText(l.files.config_json().c_str()); return std::string(); }},
        {"task", "=NAME: open a task",
         [](L& l, S a) { return popup(l, "Error", l.open_task(a, "", nullptr, "", true, "Cannot open task " + a)); }},
        {"preset", "=NAME: open a preset of the task",
         [](L& l, S a) {
             return popup(l, "Error", l.open_task(l.task_name(), a, nullptr, "", true, "Cannot open preset " + a));
         }},
        {"set", "=KEY=VALUE: as the Hyperparameters panel",
         [](L& l, S a) {
             const auto eq = a.find('=');
             if (eq == std::string::npos) return std::string("--at set expects key=value");
             return popup(l, "Error", l.edit_field(a.substr(0, eq), a.substr(eq + 1)));
         }},
        {"rebuild", "apply staged rebuild settings", [](L& l, S) { return popup(l, "Error", l.rebuild()); }},
        {"screenshot", "=FILE.png", [](L& l, S a) { l.files.request_screenshot(a); return std::string(); }},
        {"expect-error", "an error popup is showing",
         [](L& l, S) {
             return l.log.error_open() ? std::string() : std::string("expected an error message, none is showing");
         }},
        {"expect-no-error", "no error popup is showing",
         [](L& l, S) {
             return l.log.error_open() ? "unexpected error message: " + l.log.error_text() : std::string();
         }},
        {"dismiss-error", "close the error popup", [](L& l, S) { l.log.dismiss(); return std::string(); }},
        {"focus", "=ROW,COL: the neuron focus", focus},
        {"zoom", "=FACTOR: matrix zoom",
         [](L& l, S a) {
             l.view.vp.zoom = float(std::atof(a.c_str()));
             l.view.vp.clamp();
             return std::string();
         }},
        {"help", "toggle the help overlay", [](L& l, S) { l.show_help = !l.show_help; return std::string(); }},
        {"baseline", "=PRESET: train it alongside ('' = none)", [](L& l, S a) { l.set_baseline(a); return std::string(); }},
        {"file-dialog", "=DIR: open a file dialog to look", [](L& l, S a) { l.files.look(a); return std::string(); }},
        {"panel", "=ARG: an action of the task view (next frame)",
         [](L& l, S a) { l.pending_panel_actions.push_back(a); return std::string(); }},
        {"scrub", "=T: show step T of the episode", scrub},
        {"track", "=[MATRIX:]ROW,COL: follow a synapse over the episode", track},
        {"export-tracked", "=FILE.csv: the tracked series",
         [](L& l, S a) { return popup(l, "Cannot export", l.live.export_tracked_csv(a)); }},
        {"twin", "=off|no-plasticity|eta=X|alpha-scale=X|KEY=VALUE|baseline",
         [](L& l, S a) { return popup(l, "Cannot make the twin", l.set_twin(a)); }},
        {"compare", "=main|twin|diff|ghost|ghost-diff: what the Matrices window shows",
         [](L& l, S a) {
             static const char* names[] = {"main", "twin", "diff", "ghost", "ghost-diff"};
             for (int k = 0; k < 5; ++k)
                 if (a == names[k]) {
                     l.view.compare = k;
                     return std::string();
                 }
             return "compare: '" + a + "' (main, twin, diff, ghost, ghost-diff)";
         }},
        {"dismiss-ghost", "drop the ghost", [](L& l, S) { l.live.dismiss_ghost(); return std::string(); }},
        {"timeline", "=K: run the episode with timeline entry K (-1: newest)", timeline},
        {"speed", "=K: the transport speed (0 = 1 step/s ... 13 = 500 steps/frame)",
         [](L& l, S a) {
             char* end = nullptr;
             const long k = std::strtol(a.c_str(), &end, 10);
             if (a.empty() || *end || k < 0 || k >= num_speeds())
                 return "speed: '" + a + "' is not in 0.." + std::to_string(num_speeds() - 1);
             l.live.speed = int(k);
             return std::string();
         }},
        {"play-to", "=T: play until step T, then pause",
         [](L& l, S a) {
             char* end = nullptr;
             const long t = std::strtol(a.c_str(), &end, 10);
             if (a.empty() || *end || t < 0) return "play-to: '" + a + "' is not a step number";
             l.live.play_to(int(t));
             return std::string();
         }},
        {"lesson", "=FILE.md: follow a lesson", [](L& l, S a) { return popup(l, "Cannot open the lesson", l.lessons.open(a)); }},
        {"lesson-next", "the lesson's next step", [](L& l, S) { l.lessons.next(); return std::string(); }},
        {"lesson-back", "the lesson's previous step", [](L& l, S) { l.lessons.back(); return std::string(); }},
        {"lesson-close", "leave the lesson", [](L& l, S) { l.lessons.close(); return std::string(); }},
        {"presentation", "=on|off: a few views large, the controls hidden",
         [](L& l, S a) {
             if (a != "on" && a != "off") return "presentation: expected on or off, got '" + a + "'";
             l.view.presentation = a == "on";
             l.reset_layout = true;
             return std::string();
         }},
        {"ui-scale", "=S: text and widget scale, 1 to 2.5",
         [](L& l, S a) {
             char* end = nullptr;
             const double v = std::strtod(a.c_str(), &end);
             if (a.empty() || *end || !(v >= 1.0 && v <= 2.5)) return "ui-scale: '" + a + "' is not in [1, 2.5]";
             l.set_ui_scale(float(v));
             return std::string();
         }},
        {"export", "=FILE.gif|.mp4|.png: the episode (or, .png, one view) with File > Export's settings",
         [](L& l, S a) { return popup(l, "Cannot export", l.exporter.start(a)); }},
        {"export-views", "=A,B,...: the views of an exported animation",
         [](L& l, S a) {
             l.exporter.options.views.clear();
             std::string cur;
             for (char c : a + ",") {
                 if (c == ',') {
                     if (!cur.empty()) l.exporter.options.views.push_back(cur);
                     cur.clear();
                 } else {
                     cur += c;
                 }
             }
             return std::string();
         }},
        {"export-png", "=VIEW:PX: the view and size of an exported PNG",
         [](L& l, S a) {
             const auto c = a.rfind(':');
             const int px = c == std::string::npos ? 0 : std::atoi(a.c_str() + c + 1);
             if (c == std::string::npos || px < 64 || px > 8192) return "export-png: expected VIEW:PX (64..8192), got '" + a + "'";
             l.exporter.png_view = a.substr(0, c);
             l.exporter.png_px = px;
             return std::string();
         }},
        {"wait-export", "wait until the export is written", [](L& l, S) { l.exporter.wait(); return std::string(); }},
        {"quit", "end the app", [](L& l, S) { l.quit_ = true; return std::string(); }},
    };
    return t;
}

}  // namespace

const std::vector<std::string>& script_actions() {
    static const std::vector<std::string> names = [] {
        std::vector<std::string> n;
        for (const auto& a : table()) n.push_back(a.name);
        return n;
    }();
    return names;
}

std::string run_script(Lab& lab, const ScriptStep& s) {
    for (const auto& a : table())
        if (a.name == s.action) return a.run(lab, s.arg);
    return "unknown action '" + s.action + "'";
}

}  // namespace ps::gui
