// The lab's look (style.cpp): colours and spacing, fonts, at a UI scale (100 to 250 %: a projector
// wants large text; Ctrl + / Ctrl - / Ctrl 0 in the window).
#pragma once
#include <imgui.h>

namespace ps::gui {

void setup_style(float scale = 1.0f);
// The body font and a larger caption font at the scale (the atlas must then be re-uploaded).
void load_fonts(float scale = 1.0f);
ImFont* caption_font();   // null when only ImGui's default font is available

}  // namespace ps::gui
