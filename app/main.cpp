// plastiscope: subcommands (train, eval, grad, tasks, ...), --headless training, or, with no
// subcommand, the live lab window.
#include <cstdio>
#include <string>
#include <vector>
#include "cli/commands.hpp"
#include "recording_task.hpp"
#include "data_dir.hpp"
#ifdef PS_HAVE_GUI
#include "gui/gui.hpp"
#endif

namespace ps { int run_headless(const std::vector<std::string>& args); }

namespace {
void usage() {
    std::printf(
        "Plastiscope: watch plastic neural networks learn, live.\n\n"
        "usage: plastiscope [--task NAME] [--preset P] [--checkpoint FILE] [--config FILE.json]   open the live lab\n"
        "       plastiscope --headless [--task NAME] [--preset P] [--episodes N] [key=value ...]   train in a terminal\n"
        "       plastiscope view FILE.npz                                                         a recording in the lab\n"
        "       plastiscope view --check FILE.npz                                                 check a recording, no window\n"
        "       plastiscope COMMAND [--help]\n"
        "       plastiscope --version                                                              version and data folder\n\ncommands:\n");
    for (const auto& c : ps::command_registry()) std::printf("  %-8s %s\n", c.name.c_str(), c.summary.c_str());
}

// `plastiscope view --check FILE`: the viewer's checks of a recording without a window (scripts,
// tests, a machine without a display): one line describing it, or one naming what is wrong.
int check_recording_file(const std::string& path) {
    try {
        const ps::ArrayMap rec = ps::read_recording(path);
        const auto& x = rec.at("x").shape;
        std::string views;
        for (const auto& [k, a] : rec)
            if (k.rfind("view/", 0) == 0 || k.rfind("image/", 0) == 0) views += (views.empty() ? "" : ", ") + k;
        std::printf("%s: a recording of %lld steps, %lld neurons%s%s\n", path.c_str(), static_cast<long long>(x[0] - 1),
                    static_cast<long long>(x[1]), views.empty() ? "" : "; ", views.c_str());
        return 0;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "plastiscope view: %s\n", e.what());
        return 1;
    }
}
}  // namespace

int main(int argc, char** argv) {
    std::vector<std::string> args(argv + 1, argv + argc);
    if (!args.empty() && (args[0] == "--help" || args[0] == "-h" || args[0] == "help")) { usage(); return 0; }
    if (!args.empty() && args[0] == "--version") {
        // The data folder too: where an installed or moved copy reads its assets (data_dir.hpp).
        std::printf("plastiscope %s\ndata: %s (%s)\n", PS_VERSION, ps::data_dir().c_str(), ps::data_dir_origin());
        return 0;
    }
    if (!args.empty() && args[0] == "--headless") return ps::run_headless(std::vector<std::string>(args.begin() + 1, args.end()));
    if (args.size() == 3 && args[0] == "view" && args[1] == "--check") return check_recording_file(args[2]);
#ifdef PS_HAVE_GUI
    if (!args.empty() && args[0] == "view") {   // a recording in the lab (docs/recording-format.md)
        if (args.size() < 2 || args[1] == "--help" || args[1] == "-h") {
            std::printf("usage: plastiscope view FILE.npz [window options]\n"
                        "  Opens a recording (plastiscope record, plastiscope.Recorder, or numpy: docs/recording-format.md)\n"
                        "  in the lab: matrix views, activity, scrubbing, the tracker, screenshots and animations.\n"
                        "  plastiscope view --check FILE.npz: only the checks, one line, no window.\n");
            return args.size() < 2 ? 2 : 0;
        }
        std::vector<std::string> gui_args = {"--recording", args[1]};
        gui_args.insert(gui_args.end(), args.begin() + 2, args.end());
        return ps::run_gui(gui_args);
    }
#endif
    if (!args.empty() && args[0].rfind("-", 0) != 0) {
        for (const auto& c : ps::command_registry())
            if (c.name == args[0]) return c.run(std::vector<std::string>(args.begin() + 1, args.end()));
        std::fprintf(stderr, "plastiscope: unknown command '%s' (see plastiscope --help)\n", args[0].c_str());
        return 2;
    }
#ifdef PS_HAVE_GUI
    return ps::run_gui(args);
#else
    std::fprintf(stderr, "plastiscope: built without the GUI; use `plastiscope --headless` or `plastiscope train --task NAME`\n");
    return 1;
#endif
}
