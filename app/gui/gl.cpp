// GL helpers: program building, colour targets, matrix textures and the colormap pass.
#include "gui/gl.hpp"
#include <stb_image_write.h>   // the implementation is compiled into Debian's libstb
#include <algorithm>
#include <cmath>
#include <stdexcept>
#include "npz.hpp"   // write_file_atomic

extern const char* const ps_shader_colormap;

namespace ps::gui {

namespace {
// A new texture, left bound, with the sampling every texture here uses: `filter` both ways,
// clamped at the edges.
GLuint new_texture(GLint filter) {
    GLuint t = 0;
    glGenTextures(1, &t);
    glBindTexture(GL_TEXTURE_2D, t);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, filter);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, filter);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_S, GL_CLAMP_TO_EDGE);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_T, GL_CLAMP_TO_EDGE);
    return t;
}

// Uploads a width x height image to the bound texture: storage reallocated when the size differs
// from the texture's (w, h), which are then updated; else the texels replaced in place.
void upload_bound(int width, int height, int& w, int& h, GLint internal, GLenum format, GLenum type, const void* data) {
    if (width != w || height != h) {
        glTexImage2D(GL_TEXTURE_2D, 0, internal, width, height, 0, format, type, data);
        w = width;
        h = height;
    } else {
        glTexSubImage2D(GL_TEXTURE_2D, 0, 0, 0, width, height, format, type, data);
    }
}

// Shaders and programs report failure the same way: a status flag and an info log. When the
// status is false the object is deleted and the log thrown after `failure`.
template <class GetIv, class GetLog, class Delete>
void check_status(GLuint obj, GLenum status, GetIv get_iv, GetLog get_log, Delete del, const std::string& failure) {
    GLint ok = 0;
    get_iv(obj, status, &ok);
    if (ok) return;
    char log[2048] = {0};
    get_log(obj, sizeof log, nullptr, log);
    del(obj);
    throw std::runtime_error(failure + log);
}

GLuint compile(GLenum type, const char* src, const std::string& label) {
    GLuint s = glCreateShader(type);
    glShaderSource(s, 1, &src, nullptr);
    glCompileShader(s);
    check_status(s, GL_COMPILE_STATUS, glGetShaderiv, glGetShaderInfoLog, glDeleteShader, "shader " + label + " does not compile: ");
    return s;
}

struct ColormapProgram {
    GLuint prog = 0, vao = 0;
    GLuint lut[3] = {0, 0, 0};   // per Cmap: 256 x 1 RGBA8 samples of cmap_at((i + 0.5) / 256 ...)
    GLint data = -1, window = -1, transpose = -1, lut_loc = -1, range = -1, ndc = -1;
};

// The colormap sampled at 256 texel centres: texel i holds cmap_at(i / 255), so a linear fetch at
// (t * 255 + 0.5) / 256 interpolates between the two samples around t.
GLuint make_lut(Cmap c) {
    uint8_t px[256 * 4];
    for (int i = 0; i < 256; ++i) {
        const Rgb rgb = cmap_at(c, float(i) / 255.0f);
        for (int k = 0; k < 3; ++k) px[i * 4 + k] = uint8_t(std::lround(std::clamp(rgb[size_t(k)], 0.0f, 1.0f) * 255.0f));
        px[i * 4 + 3] = 255;
    }
    const GLuint t = new_texture(GL_LINEAR);
    glPixelStorei(GL_UNPACK_ALIGNMENT, 1);
    glTexImage2D(GL_TEXTURE_2D, 0, GL_RGBA8, 256, 1, 0, GL_RGBA, GL_UNSIGNED_BYTE, px);
    return t;
}
ColormapProgram g_cmap;   // one per process: the GUI has one GL context
ColormapProgram& cmap_prog() {
    ColormapProgram& p = g_cmap;
    if (!p.prog) {
        // One file, two stages (see shaders/colormap.glsl).
        const std::string vs = std::string("#version 330 core\n#define VERTEX_SHADER\n") + ps_shader_colormap;
        const std::string fs = std::string("#version 330 core\n#define FRAGMENT_SHADER\n") + ps_shader_colormap;
        p.prog = gl_program(vs.c_str(), fs.c_str(), "colormap");
        p.data = glGetUniformLocation(p.prog, "u_data");
        p.window = glGetUniformLocation(p.prog, "u_window");
        p.transpose = glGetUniformLocation(p.prog, "u_transpose");
        p.lut_loc = glGetUniformLocation(p.prog, "u_lut");
        for (int c = 0; c < 3; ++c) p.lut[c] = make_lut(Cmap(c));
        p.range = glGetUniformLocation(p.prog, "u_range");
        p.ndc = glGetUniformLocation(p.prog, "u_ndc");
        glGenVertexArrays(1, &p.vao);   // core profile: a draw needs a bound VAO
    }
    return p;
}
}  // namespace

GLuint gl_program(const char* vs_src, const char* fs_src, const std::string& label) {
    GLuint vs = compile(GL_VERTEX_SHADER, vs_src, label + " (vertex)");
    GLuint fs = compile(GL_FRAGMENT_SHADER, fs_src, label + " (fragment)");
    GLuint p = glCreateProgram();
    glAttachShader(p, vs);
    glAttachShader(p, fs);
    glLinkProgram(p);
    glDeleteShader(vs);
    glDeleteShader(fs);
    check_status(p, GL_LINK_STATUS, glGetProgramiv, glGetProgramInfoLog, glDeleteProgram, "program " + label + " does not link: ");
    return p;
}

void GlTarget::ensure(int width, int height) {
    if (width < 1) width = 1;
    if (height < 1) height = 1;
    if (tex && width == w && height == h) return;
    if (!tex) tex = new_texture(GL_NEAREST);
    glBindTexture(GL_TEXTURE_2D, tex);
    glTexImage2D(GL_TEXTURE_2D, 0, GL_RGBA8, width, height, 0, GL_RGBA, GL_UNSIGNED_BYTE, nullptr);
    if (!fbo) glGenFramebuffers(1, &fbo);
    glBindFramebuffer(GL_FRAMEBUFFER, fbo);
    glFramebufferTexture2D(GL_FRAMEBUFFER, GL_COLOR_ATTACHMENT0, GL_TEXTURE_2D, tex, 0);
    const GLenum st = glCheckFramebufferStatus(GL_FRAMEBUFFER);
    glBindFramebuffer(GL_FRAMEBUFFER, 0);
    if (st != GL_FRAMEBUFFER_COMPLETE) throw std::runtime_error("colour framebuffer incomplete");
    w = width;
    h = height;
}

void GlTarget::destroy() {
    if (fbo) glDeleteFramebuffers(1, &fbo);
    if (tex) glDeleteTextures(1, &tex);
    fbo = tex = 0;
    w = h = 0;
}

void GlMatrix::upload(const float* data, int rows, int cols) {
    if (!data_) data_ = new_texture(GL_NEAREST);
    glBindTexture(GL_TEXTURE_2D, data_);
    glPixelStorei(GL_UNPACK_ALIGNMENT, 4);
    dirty_ = true;
    upload_bound(cols, rows, cols_, rows_, GL_R32F, GL_RED, GL_FLOAT, data);
}

namespace {
// Everything one colormap draw needs (copied, so it survives its GlMatrix until rendering).
struct CmapDraw {
    GLuint tex = 0;
    Cmap cmap = Cmap::Diverging;
    CmapRange range;
    float window[4] = {0, 0, 1, 1};
    bool transpose = false;
    float ndc[4] = {-1, -1, 1, 1};
};

void cmap_draw(const CmapDraw& d) {
    ColormapProgram& p = cmap_prog();
    glDisable(GL_BLEND);
    glUseProgram(p.prog);
    glActiveTexture(GL_TEXTURE1);
    glBindTexture(GL_TEXTURE_2D, p.lut[int(d.cmap)]);
    glUniform1i(p.lut_loc, 1);
    glActiveTexture(GL_TEXTURE0);
    glBindTexture(GL_TEXTURE_2D, d.tex);
    glUniform1i(p.data, 0);
    glUniform4f(p.window, d.window[0], d.window[1], d.window[2], d.window[3]);
    glUniform1i(p.transpose, d.transpose ? 1 : 0);
    glUniform3f(p.range, d.range.lo, d.range.mid, d.range.hi);
    glUniform4f(p.ndc, d.ndc[0], d.ndc[1], d.ndc[2], d.ndc[3]);
    glBindVertexArray(p.vao);
    glDrawArrays(GL_TRIANGLE_STRIP, 0, 4);
    glBindVertexArray(0);
    glUseProgram(0);
}

// Blits queued for this frame (ImGui keeps only a pointer until it renders).
struct Blit {
    GLuint fbo;
    int w, h;
    ImVec2 p0;
};
std::vector<Blit> g_blits;

void blit_callback(const ImDrawList*, const ImDrawCmd* cmd) {
    const Blit& b = g_blits[size_t(reinterpret_cast<intptr_t>(cmd->UserCallbackData))];
    const ImGuiIO& io = ImGui::GetIO();
    const int fb_h = int(io.DisplaySize.y * io.DisplayFramebufferScale.y);
    const int x = int(std::lround(b.p0.x)), y = int(std::lround(b.p0.y));
    const ImVec4 c = cmd->ClipRect;
    // The unscissored blit is a plain copy; clip only when the image is partly hidden.
    const bool inside = float(x) >= c.x && float(y) >= c.y && float(x + b.w) <= c.z && float(y + b.h) <= c.w;
    if (inside) glDisable(GL_SCISSOR_TEST);
    else {
        glEnable(GL_SCISSOR_TEST);
        glScissor(int(c.x), fb_h - int(c.w), int(c.z - c.x), int(c.w - c.y));
    }
    GLint draw_fbo = 0;
    glGetIntegerv(GL_DRAW_FRAMEBUFFER_BINDING, &draw_fbo);
    glBindFramebuffer(GL_READ_FRAMEBUFFER, b.fbo);
    // Target row 0 (matrix row 0) goes to the top of the image: flip vertically.
    glBlitFramebuffer(0, 0, b.w, b.h, x, fb_h - y, x + b.w, fb_h - y - b.h, GL_COLOR_BUFFER_BIT, GL_NEAREST);
    glBindFramebuffer(GL_READ_FRAMEBUFFER, GLuint(draw_fbo));
}
}  // namespace

void gl_frame_begin() { g_blits.clear(); }

void GlMatrix::show(ImDrawList* dl, ImVec2 p0, ImVec2 p1) const {
    if (!target_.tex) return;
    const ImGuiIO& io = ImGui::GetIO();
    const bool one_to_one = io.DisplayFramebufferScale.x == 1 && io.DisplayFramebufferScale.y == 1 &&
                            std::lround(p1.x - p0.x) == target_.w && std::lround(p1.y - p0.y) == target_.h;
    if (!one_to_one) {
        dl->AddImage(reinterpret_cast<ImTextureID>(static_cast<intptr_t>(target_.tex)), p0, p1);
        return;
    }
    g_blits.push_back({target_.fbo, target_.w, target_.h, p0});
    dl->AddCallback(blit_callback, reinterpret_cast<void*>(static_cast<intptr_t>(g_blits.size() - 1)));
    dl->AddCallback(ImDrawCallback_ResetRenderState, nullptr);
}

void GlMatrix::upload_rows(const float* data, int r0, int r1) {
    if (!data_ || r0 >= r1) return;
    glBindTexture(GL_TEXTURE_2D, data_);
    glPixelStorei(GL_UNPACK_ALIGNMENT, 4);
    glTexSubImage2D(GL_TEXTURE_2D, 0, 0, r0, cols_, r1 - r0, GL_RED, GL_FLOAT, data + size_t(r0) * size_t(cols_));
    dirty_ = true;
}

void GlMatrix::render_columns(int x0, int x1, Cmap cmap, const CmapRange& range, float row0, float col0, float row1,
                              float col1, bool transpose) {
    if (!data_ || !target_.tex || x0 >= x1) return;
    glEnable(GL_SCISSOR_TEST);
    glScissor(x0, 0, x1 - x0, target_.h);
    render(target_.w, target_.h, cmap, range, row0, col0, row1, col1, transpose, true);
    glDisable(GL_SCISSOR_TEST);
    dirty_ = false;
}

GLuint GlMatrix::render(int w, int h, Cmap cmap, const CmapRange& range, float row0, float col0, float row1,
                        float col1, bool transpose, bool keep_scissor) {
    target_.ensure(w, h);
    if (!data_) return target_.tex;
    GLint prev_fbo = 0, prev_vp[4];
    glGetIntegerv(GL_FRAMEBUFFER_BINDING, &prev_fbo);
    glGetIntegerv(GL_VIEWPORT, prev_vp);
    glBindFramebuffer(GL_FRAMEBUFFER, target_.fbo);
    glViewport(0, 0, target_.w, target_.h);
    if (!keep_scissor) glDisable(GL_SCISSOR_TEST);
    CmapDraw d;
    d.tex = data_;
    d.cmap = cmap;
    d.range = range;
    d.window[0] = row0; d.window[1] = col0; d.window[2] = row1; d.window[3] = col1;
    d.transpose = transpose;
    cmap_draw(d);   // u_ndc = the whole target; its row 0 is FBO row 0
    glBindFramebuffer(GL_FRAMEBUFFER, GLuint(prev_fbo));
    glViewport(prev_vp[0], prev_vp[1], prev_vp[2], prev_vp[3]);
    return target_.tex;
}

GLuint GlMatrix::render_cached(int w, int h, Cmap cmap, const CmapRange& range, float row0, float col0, float row1,
                               float col1, bool transpose) {
    const float key[10] = {float(w), float(h), float(int(cmap)), range.lo, range.mid, range.hi, row0, col0,
                           row1 + (transpose ? 1e9f : 0.0f), col1};
    if (!dirty_ && target_.tex && std::equal(key, key + 10, last_key_)) return target_.tex;
    std::copy(key, key + 10, last_key_);
    dirty_ = false;
    return render(w, h, cmap, range, row0, col0, row1, col1, transpose);
}

std::vector<uint8_t> GlMatrix::read_rgba() const {
    std::vector<uint8_t> px(size_t(target_.w) * size_t(target_.h) * 4);
    GLint prev = 0;
    glGetIntegerv(GL_FRAMEBUFFER_BINDING, &prev);
    glBindFramebuffer(GL_FRAMEBUFFER, target_.fbo);
    glPixelStorei(GL_PACK_ALIGNMENT, 1);
    glReadPixels(0, 0, target_.w, target_.h, GL_RGBA, GL_UNSIGNED_BYTE, px.data());
    glBindFramebuffer(GL_FRAMEBUFFER, GLuint(prev));
    return px;
}

void GlMatrix::destroy() {
    if (data_) glDeleteTextures(1, &data_);
    data_ = 0;
    rows_ = cols_ = 0;
    target_.destroy();
}

void GlImage::upload_rgba(const uint8_t* rgba, int width, int height) {
    if (!tex) tex = new_texture(GL_NEAREST);
    glBindTexture(GL_TEXTURE_2D, tex);
    glPixelStorei(GL_UNPACK_ALIGNMENT, 1);
    upload_bound(width, height, w, h, GL_RGBA8, GL_RGBA, GL_UNSIGNED_BYTE, rgba);
}

void GlImage::destroy() {
    if (tex) glDeleteTextures(1, &tex);
    tex = 0;
    w = h = 0;
}

void gl_shutdown_shared() {
    ColormapProgram& p = g_cmap;
    if (p.prog) glDeleteProgram(p.prog);
    if (p.vao) glDeleteVertexArrays(1, &p.vao);
    for (GLuint& t : p.lut)
        if (t) glDeleteTextures(1, &t);
    p = ColormapProgram();
}

std::string write_png_from_framebuffer(const std::string& path, int w, int h) {
    std::vector<unsigned char> px(size_t(w) * size_t(h) * 4);
    glPixelStorei(GL_PACK_ALIGNMENT, 1);
    glReadPixels(0, 0, w, h, GL_RGBA, GL_UNSIGNED_BYTE, px.data());
    for (size_t i = 3; i < px.size(); i += 4) px[i] = 255;   // opaque file whatever the clear alpha
    stbi_flip_vertically_on_write(1);                           // GL's origin is bottom-left
    std::string bytes;
    const int ok = stbi_write_png_to_func(
        [](void* ctx, void* data, int size) { static_cast<std::string*>(ctx)->append(static_cast<char*>(data), size_t(size)); },
        &bytes, w, h, 4, px.data(), w * 4);
    stbi_flip_vertically_on_write(0);
    if (!ok) return "PNG encoding failed";
    try {
        write_file_atomic(path, bytes);
    } catch (const std::exception& e) {
        return e.what();
    }
    return "";
}

}  // namespace ps::gui
