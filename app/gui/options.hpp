// Command line of the GUI (plastiscope with no subcommand).
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace ps::gui {

// A scripted UI action at a given frame (hidden --at flag; used by tests and for figures).
struct ScriptStep {
    int frame = 0;
    std::string action;   // "play", "train", "open-checkpoint", ...
    std::string arg;      // text after '=' ("" if none)
};

struct GuiOptions {
    std::string task, preset, checkpoint, config;
    std::string lesson;          // a lesson to follow (docs/lessons.md)
    std::string recording;       // a recording to play back (`plastiscope view FILE.npz`)
    int frames = 0;              // > 0: render this many frames, then exit
    std::string screenshot;      // PNG of the last frame (with --frames)
    int bench_frames = 0;        // > 0: frame-time benchmark (plays + trains), prints median and p95
    double monkey_seconds = 0;   // random clicking for robustness
    std::string frame_log;       // one CSV line per frame (FrameStats::log), to find slow frames
    int width = 1600, height = 960;
    bool help = false;
    bool list_tasks = false;     // hidden: print the registered task names, one per line (tests)
    std::vector<ScriptStep> script;
};

// Throws std::invalid_argument with a one-line message naming the bad flag or value.
GuiOptions parse_gui_options(const std::vector<std::string>& args);
std::string gui_usage();

}  // namespace ps::gui
