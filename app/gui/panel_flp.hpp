// The parts of the FLP task views (panel_flp.cpp, panel_flp_classify.cpp) that both tasks share:
// a colour per group (function / class), the query loss of every group over the inner steps, the
// update / gradient alignment plot, and the tab bar that holds them with its scripted actions.
#pragma once
#include <imgui.h>
#include <functional>
#include <string>
#include <vector>
#include "flp/flp_live.hpp"
#include "gui/task_panel.hpp"

namespace ps::gui {

// Vectors the plots point into (plot_lines keeps pointers for the frame only).
struct FlpPlotData {
    std::vector<double> x, ax, fx;
    std::vector<std::string> labels;
};

ImU32 flp_group_color(int g, int alpha);
std::string flp_group_label(const flp::FlpLive& p, int g);
void draw_flp_losses(const flp::FlpLive& p, FlpPlotData& d);
void draw_flp_alignment(const flp::FlpLive& p, FlpPlotData& d);
// The tab bar of both views: the task's own first tab (drawn by `first`), then the query loss of
// every group and the alignment. `select` (0, 1, 2; -1 = keep) picks a tab this frame, for
// scripted actions, and is reset.
void draw_flp_tabs(const char* id, const char* first_tab, const char* losses_tab, int& select, const flp::FlpLive& p,
                   FlpPlotData& d, const std::function<void()>& first);
// The scripted actions that pick those tabs: `first` (the task's own tab), losses, alignment.
std::vector<PanelAction> flp_tab_actions(const std::string& first, int& select);

}  // namespace ps::gui
