// Random UI input for robustness runs (`--monkey SECONDS`): pointer moves, clicks, drags, the
// wheel and the lab's shortcut keys, from a fixed seed (the same run every time).
#pragma once
#include <imgui.h>
#include "rng.hpp"

namespace ps::gui {

class Monkey {
public:
    Monkey(int width, int height) : pos_(float(width) / 2, float(height) / 2), w_(width), h_(height) {}
    // Writes this frame's input into ImGui's IO (before ImGui::NewFrame).
    void feed(ImGuiIO& io);

private:
    Rng rng_{12345};
    int key_ = -1, drag_ = 0;
    ImVec2 pos_;
    int w_, h_;
};

}  // namespace ps::gui
