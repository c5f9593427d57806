// File > Export: the current episode as an animated GIF or MP4 of the chosen views, or one view
// as a PNG at a chosen size (render/episode_export.hpp draws them on the CPU). The work runs on
// a job of its own over a copy of the live network that follows the episode's history, so the
// export shows exactly what was on screen (branches and changed settings included) and the lab
// keeps playing meanwhile.
#pragma once
#include <atomic>
#include <memory>
#include <set>
#include <string>
#include "gui/job.hpp"
#include "render/episode_export.hpp"

namespace ps::gui {

class Lab;

class Exporter {
public:
    explicit Exporter(Lab& lab) : lab_(lab) {}
    // Starts an export ("" or why not): .gif / .mp4 the episode, .png the view `png_view`.
    std::string start(const std::string& path);
    bool busy() const { return job_.running() || job_.finished(); }
    void poll();                 // once per frame: the result into the log
    void wait();                 // blocks until done (scripts and tests)
    float progress() const { return progress_->load(); }
    void draw_window();          // the Export window, when open
    bool open = false;

    ExportOptions options;       // views (empty = the defaults), view size, fps
    std::string png_view;        // the view a PNG shows
    int png_px = 1024;

private:
    Lab& lab_;
    Job<std::string> job_;       // its result: what was written
    std::shared_ptr<std::atomic<float>> progress_ = std::make_shared<std::atomic<float>>(0.f);
    std::set<std::string> chosen_;
    bool chosen_init_ = false;
};

}  // namespace ps::gui
