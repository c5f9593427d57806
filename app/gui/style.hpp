// The lab's look (style.cpp).
#pragma once

namespace ps::gui {

void setup_style();
void load_fonts();

}  // namespace ps::gui
