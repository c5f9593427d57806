// OpenGL 3.3 core entry points (glvnd's libOpenGL exports them: no loader needed) and the few GL
// helpers the GUI shares with the display-free EGL renderer. Include this before GLFW
// (which must be included with GLFW_INCLUDE_NONE) so glcorearb.h wins over GL/gl.h.
#pragma once
#define GL_GLEXT_PROTOTYPES
#include <GL/glcorearb.h>
#include <cstdint>
#include <string>
#include <vector>
#include <imgui.h>
#include "gui/colormap.hpp"

namespace ps::gui {

// Compiles and links a program; throws std::runtime_error with the driver's log.
GLuint gl_program(const char* vertex_src, const char* fragment_src, const std::string& label);

// An RGBA8 colour texture with its framebuffer, resized on demand.
struct GlTarget {
    GLuint tex = 0, fbo = 0;
    int w = 0, h = 0;
    void ensure(int width, int height);
    void destroy();
};

// A float matrix as a GL_R32F texture, coloured by shaders/colormap_fs.glsl into a GlTarget.
// One object per view; the shader program is shared (created on first use in the current context).
class GlMatrix {
public:
    // Row-major rows x cols floats; reallocates when the shape changes.
    void upload(const float* data, int rows, int cols);
    // Replaces rows [r0, r1) only (same shape as the last upload; data points at row 0).
    void upload_rows(const float* data, int r0, int r1);
    int rows() const { return rows_; }
    int cols() const { return cols_; }
    // Colours the window (row0, col0)-(row1, col1) (fractional cells) into a w x h target.
    // transpose: target x runs over rows (time rasters: rows are timesteps).
    GLuint render(int w, int h, Cmap cmap, const CmapRange& range, float row0, float col0, float row1, float col1,
                  bool transpose = false, bool keep_scissor = false);
    // Re-colours only the target columns x in [x0, x1) of the last render (same size and
    // parameters): a time raster whose newest timesteps changed.
    void render_columns(int x0, int x1, Cmap cmap, const CmapRange& range, float row0, float col0, float row1,
                        float col1, bool transpose);
    // render(), skipped when the data (no upload since), size and every parameter are those of
    // the last render: W and A rarely change, so their pass costs nothing most frames.
    GLuint render_cached(int w, int h, Cmap cmap, const CmapRange& range, float row0, float col0, float row1,
                         float col1, bool transpose = false);
    GLuint texture() const { return target_.tex; }
    // Shows the last render at [p0, p1] (ImGui screen coordinates) in the current ImGui window:
    // a framebuffer blit queued as a draw-list callback when the sizes match 1:1 (llvmpipe then
    // copies memory instead of running a blended, textured quad over every pixel), else an image.
    void show(ImDrawList* dl, ImVec2 p0, ImVec2 p1) const;
    // Pixels of the last render, RGBA, target row 0 first.
    std::vector<uint8_t> read_rgba() const;
    void destroy();

private:
    GLuint data_ = 0;
    int rows_ = 0, cols_ = 0;
    bool dirty_ = true;          // uploaded since the last render
    float last_key_[10] = {0};   // parameters of the last render
    GlTarget target_;
};

// Small RGBA8 image texture (CPU-coloured: inputs, probes, outputs).
struct GlImage {
    GLuint tex = 0;
    int w = 0, h = 0;
    void upload_rgba(const uint8_t* rgba, int width, int height);
    void destroy();
};

// Call once per frame before any GlMatrix::show (frees the previous frame's callback data).
void gl_frame_begin();
// Frees the shared colormap program (call before the context goes).
void gl_shutdown_shared();

// Reads the bound read framebuffer (w x h) and writes a PNG (atomically), top row first.
// Returns "" or the error.
std::string write_png_from_framebuffer(const std::string& path, int w, int h);

}  // namespace ps::gui
