// Random UI input (see monkey.hpp).
#include "gui/gl.hpp"   // before GLFW: glcorearb.h, not GL/gl.h
#define GLFW_INCLUDE_NONE
#include <GLFW/glfw3.h>
#include "gui/monkey.hpp"

namespace ps::gui {

void Monkey::feed(ImGuiIO& io) {
    Rng& r = rng_;
    if (key_ >= 0) io.KeysDown[key_] = false;
    key_ = -1;
    if (drag_ > 0) {   // dragging: small moves with the button held
        pos_.x += float(r.uniform(-25, 25));
        pos_.y += float(r.uniform(-25, 25));
        io.MouseDown[0] = --drag_ > 0;
    } else {
        if (r.uniform() < 0.6) pos_ = ImVec2(float(r.uniform(0, w_)), float(r.uniform(0, h_)));
        const double u = r.uniform();
        io.MouseDown[0] = u < 0.25;
        io.MouseDown[1] = u > 0.98;
        if (u < 0.05) drag_ = 2 + int(r.below(6));
    }
    io.MousePos = pos_;
    if (r.uniform() < 0.08) io.MouseWheel += r.uniform() < 0.5 ? -1.0f : 1.0f;
    if (r.uniform() < 0.04) {
        static const int keys[] = {GLFW_KEY_SPACE, GLFW_KEY_RIGHT, GLFW_KEY_R,     GLFW_KEY_N,
                                   GLFW_KEY_F1,    GLFW_KEY_ESCAPE, GLFW_KEY_ENTER};
        key_ = keys[r.below(sizeof keys / sizeof keys[0])];
        io.KeysDown[key_] = true;
    }
}

}  // namespace ps::gui
