// An episode as a picture to take away: the chosen views of every step drawn side by side on the
// CPU (colour-mapped matrices, images, the activity raster), each with its name, the step
// number and the phase drawn in, written as an animated GIF (giflib) or an MP4 (the ffmpeg
// program); and one view at one step as a PNG at a chosen size. The same code serves
// `plastiscope record --out FILE.gif|.mp4` and the lab's File > Export.
#pragma once
#include <atomic>
#include <functional>
#include <string>
#include <vector>
#include "live_run.hpp"
#include "render/canvas.hpp"

namespace ps {

struct ExportOptions {
    // Matrix or image view names, or "activity" (the x(t) raster); empty = the default: the
    // trace, the effective weights and the output image where the task has them.
    std::vector<std::string> views;
    int cell = 256;     // the side of each view's square, in pixels (64..2048)
    int fps = 12;       // frames per second of the animation (1..60)
    std::string title;  // drawn at the top left (e.g. "patterns / quick")
};

// The views `opt` names that the task shows (the defaults if none named); throws
// std::runtime_error naming an unknown view and listing the known ones.
std::vector<std::string> export_views(const LiveViews& v, const ExportOptions& opt);

// Renders `run`'s episode from step 0 to its frontier (or, if nothing was stepped yet, to the
// end of the episode) and writes path: .gif or .mp4. Two passes over the episode: the colour
// range of each view over the whole episode, then the frames, so colours mean the same in every
// frame. `progress(done, total)` may be null; a set `cancel` stops it (nothing is written).
// Throws std::runtime_error with a one-line reason (an unknown view, no ffmpeg for .mp4, ...).
void export_episode(LiveRun& run, const ExportOptions& opt, const std::string& path,
                    const std::function<void(int, int)>& progress = {}, const std::atomic<bool>* cancel = nullptr);

// One view of the step `run` shows, `px` pixels on its longer side, with a colorbar: a PNG.
void export_view_png(LiveRun& run, const std::string& view, int px, const std::string& path);

}  // namespace ps
