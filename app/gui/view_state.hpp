// What the data windows remember between frames: the matrix widgets (textures, range modes),
// the shared zoom and pan, the clicked cell, which windows are shown, the activity raster's
// texture cache and the image textures. The GL objects are freed with the lab (release()).
#pragma once
#include <map>
#include <string>
#include <vector>
#include "gui/gl.hpp"
#include "gui/matrix_view.hpp"

namespace ps::gui {

// The x(t) raster and the input strip as textures: within an episode only the newest timesteps
// change, so only their columns are uploaded and recoloured.
struct RasterCache {
    GlMatrix raster, input;
    std::vector<float> input_shadow;
    float input_absmax = 1;
    int rows_done = 0, w = 0, h = 0;   // x(t) coloured up to this row, at this size
    float xa = 1;
    uint64_t sum = 0;                  // checksum of the coloured rows (did the past change?)
    void release() { raster.destroy(); input.destroy(); }
};

struct ViewState {
    std::map<std::string, MatrixWidget> mats;
    MatrixViewport vp;                               // shared zoom and pan
    std::map<std::string, MatrixViewport> own_vp;    // per matrix, when not shared
    MatrixFocus focus;
    bool sync_zoom = true;
    std::string focus_matrix;                        // which matrix the focus plots read
    RasterCache activity;
    // Compare mode of the Matrices window: 0 main, 1 twin, 2 main - twin, 3 ghost, 4 main - ghost.
    int compare = 0, drawn_compare = 0;
    std::map<std::string, MatR<float>> diff;               // the difference views
    std::vector<double> plot_buf[4];                 // the row / column plots
    std::vector<double> track_x;                     // the tracker's t axis and series
    std::vector<std::vector<double>> track_y;
    const void* twin_probe_for = nullptr;            // the task the twin choices were worked out for
    bool twin_plastic = false, twin_has_eta = false;
    std::vector<GlImage> images;
    bool show_matrices = true, show_activity = true, show_curves = true, show_focus = true;
    bool show_task_view = true, show_focus_panel = false;   // with a task panel (task_panel.hpp)
    // The task panel drew this frame / the last one: the Activity strip then leaves the task's
    // images to it (the last frame's answer, as the Activity window may be drawn first).
    bool task_view_drawn = false, task_view_was_drawn = false;
    const char* activity_title = "Activity";
    // Presentation mode: the control column hidden, a few views large (a lesson step's `show:`).
    bool presentation = false;
    int setup_tab = -1;                              // select a tab of "Training and settings" (-1: as it is)
    bool drawn_presentation = false;
    ImVec2 laid_out_for{0, 0};                        // the display size the windows were placed for

    // After a new network: its matrices, images and zoom start afresh.
    void reset_for_new_task() {
        focus = MatrixFocus();
        compare = 0;
        diff.clear();
        twin_probe_for = nullptr;
        vp.reset();
        for (auto& [n, w] : mats) w.destroy();
        mats.clear();
    }
    void release() {
        for (auto& [n, w] : mats) w.destroy();
        mats.clear();
        activity.release();
        for (auto& im : images) im.destroy();
        images.clear();
    }
};

}  // namespace ps::gui
