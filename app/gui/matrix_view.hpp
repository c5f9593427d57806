// The matrix widget: a task's MatrixView (H, W, A, W+A*H, ...) as a colour-mapped GL texture
// with a colorbar and its numbers, symmetric / auto / fixed range, zoom and pan (shared by all
// views, so the same (pre, post) cell lines up everywhere), a hover readout and a click that
// focuses one neuron's row and column.
#pragma once
#include <imgui.h>
#include <string>
#include <vector>
#include "gui/gl.hpp"
#include "task.hpp"

namespace ps::gui {

enum class RangeMode { Symmetric = 0, Auto = 1, Fixed = 2 };

// Zoom and pan in fractions of the matrix: the visible window has size 1/zoom and centre (cx, cy)
// (x over columns, y over rows).
struct MatrixViewport {
    float zoom = 1, cx = 0.5f, cy = 0.5f;
    void reset() { *this = MatrixViewport(); }
    float x0() const { return cx - 0.5f / zoom; }
    float y0() const { return cy - 0.5f / zoom; }
    void clamp();
};

// Click focus: one cell (pre = row, post = column) of one named matrix.
struct MatrixFocus {
    bool active = false;
    int row = 0, col = 0;
    std::string matrix;
};

class MatrixWidget {
public:
    // Uploads the matrix when its shape changed or, if `maybe_changed`, when its checksum differs
    // from the last upload's (W and A rarely change, H every step). Returns true if it uploaded.
    bool sync(const MatR<float>& m, bool maybe_changed);
    // Header, image, colorbar, footer. `box` is the space for all of it.
    void draw(const MatrixView& v, MatrixViewport& vp, MatrixFocus& focus, ImVec2 box, bool hover_readout = true);
    CmapRange range(bool is_signed) const;
    void destroy() { gl_.destroy(); }

    RangeMode mode = RangeMode::Symmetric;
    float fixed_lo = -1, fixed_hi = 1;
    ImVec2 image_min{0, 0}, image_max{0, 0};   // screen rect of the last drawn image
    int nonfinite = 0;                          // cells holding NaN / Inf at the last upload
    uint64_t drawn_frame = 0;                   // the lab's frame counter when last drawn
    uint64_t seen_version = 0;   // MatrixView::version at the last sync (0: none)

private:
    GlMatrix gl_;
    uint64_t checksum_ = 0;
    int rows_ = 0, cols_ = 0;
    float min_ = 0, max_ = 0, absmax_ = 0;
    bool have_data_ = false;
};

// Vertical colorbar at `p0` of size `size`, with tick labels to its right.
void draw_colorbar(ImDrawList* dl, ImVec2 p0, ImVec2 size, Cmap cmap, const CmapRange& r);

}  // namespace ps::gui
