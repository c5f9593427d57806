// The lab's windows, each a function over the lab: it reads the parts it shows and calls the
// lab's actions. layout.cpp places them; panel_*.cpp draw them.
#pragma once
#include <imgui.h>
#include <cstdint>
#include <string>

namespace ps::gui {

class Lab;

// layout.cpp: where each window goes, and whether it paints its background
void place_window(Lab& lab, const char* name, float x, float y, float w, float h);

// panel_controls.cpp
void draw_menu(Lab& lab);
void draw_task_panel(Lab& lab);
void draw_transport_panel(Lab& lab);
void draw_training_panel(Lab& lab);
void draw_training_contents(Lab& lab);   // inside a window of the caller's
void draw_scrubber(Lab& lab);   // the episode's timeline: drag to show any recorded step
// panel_params.cpp
void draw_params_panel(Lab& lab);
void draw_params_contents(Lab& lab);
// panel_chrome.cpp
void draw_status_bar(Lab& lab);
void draw_help(Lab& lab);
void draw_error_popup(Lab& lab);
// panel_matrices.cpp
void draw_matrices(Lab& lab);
void draw_focus(Lab& lab);
// panel_activity.cpp
void draw_activity(Lab& lab);
// panel_curves.cpp
void draw_curves(Lab& lab);
// layout.cpp
void draw_task_view(Lab& lab);
// panel_lesson.cpp: the lesson's caption with Back / Next at (x, y), at most w x h; returns the
// height it took. The compact transport of presentation mode.
float draw_lesson_panel(Lab& lab, float x, float y, float w, float h);
void draw_compact_transport(Lab& lab);

// Shared look.
namespace style {
inline const ImVec4 kLive(0.45f, 0.85f, 0.5f, 1), kEpisode(0.45f, 0.7f, 1.0f, 1), kRebuild(1.0f, 0.65f, 0.3f, 1);
inline const ImVec4 kErr(1.0f, 0.45f, 0.4f, 1), kDim(0.6f, 0.62f, 0.68f, 1), kStaged(1.0f, 0.85f, 0.35f, 1);
}  // namespace style
// The last item's tooltip while it is hovered: text wrapped at wrap_em font sizes.
void hover_tip(const std::string& text, float wrap_em);
void help_marker(const std::string& text);   // "(?)" with a wrapped tooltip
std::string fmt_count(int64_t v);             // 1234567 -> "1,234,567"

}  // namespace ps::gui
