// GL helpers: program building, colour targets, matrix textures and the colormap pass.
#include "gui/gl.hpp"
#include <stb_image_write.h>   // the implementation is compiled into Debian's libstb
#include <stdexcept>
#include "npz.hpp"   // write_file_atomic

extern const char* const ps_shader_colormap;

namespace ps::gui {

namespace {
GLuint compile(GLenum type, const char* src, const std::string& label) {
    GLuint s = glCreateShader(type);
    glShaderSource(s, 1, &src, nullptr);
    glCompileShader(s);
    GLint ok = 0;
    glGetShaderiv(s, GL_COMPILE_STATUS, &ok);
    if (!ok) {
        char log[2048] = {0};
        glGetShaderInfoLog(s, sizeof log, nullptr, log);
        glDeleteShader(s);
        throw std::runtime_error("shader " + label + " does not compile: " + log);
    }
    return s;
}

struct ColormapProgram {
    GLuint prog = 0, vao = 0;
    GLint data = -1, window = -1, transpose = -1, stops = -1, nstops = -1, range = -1;
};
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
        p.stops = glGetUniformLocation(p.prog, "u_stops");
        p.nstops = glGetUniformLocation(p.prog, "u_nstops");
        p.range = glGetUniformLocation(p.prog, "u_range");
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
    GLint ok = 0;
    glGetProgramiv(p, GL_LINK_STATUS, &ok);
    if (!ok) {
        char log[2048] = {0};
        glGetProgramInfoLog(p, sizeof log, nullptr, log);
        glDeleteProgram(p);
        throw std::runtime_error("program " + label + " does not link: " + log);
    }
    return p;
}

void GlTarget::ensure(int width, int height) {
    if (width < 1) width = 1;
    if (height < 1) height = 1;
    if (tex && width == w && height == h) return;
    if (!tex) glGenTextures(1, &tex);
    glBindTexture(GL_TEXTURE_2D, tex);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, GL_NEAREST);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, GL_NEAREST);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_S, GL_CLAMP_TO_EDGE);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_T, GL_CLAMP_TO_EDGE);
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
    if (!data_) {
        glGenTextures(1, &data_);
        glBindTexture(GL_TEXTURE_2D, data_);
        glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, GL_NEAREST);
        glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, GL_NEAREST);
        glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_S, GL_CLAMP_TO_EDGE);
        glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_T, GL_CLAMP_TO_EDGE);
    }
    glBindTexture(GL_TEXTURE_2D, data_);
    glPixelStorei(GL_UNPACK_ALIGNMENT, 4);
    if (rows != rows_ || cols != cols_) {
        glTexImage2D(GL_TEXTURE_2D, 0, GL_R32F, cols, rows, 0, GL_RED, GL_FLOAT, data);
        rows_ = rows;
        cols_ = cols;
    } else {
        glTexSubImage2D(GL_TEXTURE_2D, 0, 0, 0, cols, rows, GL_RED, GL_FLOAT, data);
    }
}

GLuint GlMatrix::render(int w, int h, Cmap cmap, const CmapRange& range, float row0, float col0, float row1,
                        float col1, bool transpose) {
    target_.ensure(w, h);
    if (!data_) return target_.tex;
    ColormapProgram& p = cmap_prog();
    GLint prev_fbo = 0, prev_vp[4];
    glGetIntegerv(GL_FRAMEBUFFER_BINDING, &prev_fbo);
    glGetIntegerv(GL_VIEWPORT, prev_vp);
    glBindFramebuffer(GL_FRAMEBUFFER, target_.fbo);
    glViewport(0, 0, target_.w, target_.h);
    glDisable(GL_BLEND);
    glDisable(GL_SCISSOR_TEST);
    glUseProgram(p.prog);
    glActiveTexture(GL_TEXTURE0);
    glBindTexture(GL_TEXTURE_2D, data_);
    glUniform1i(p.data, 0);
    glUniform4f(p.window, row0, col0, row1, col1);
    glUniform1i(p.transpose, transpose ? 1 : 0);
    const CmapStops s = cmap_stops(cmap);
    glUniform3fv(p.stops, s.n, s.stops[0].data());
    glUniform1i(p.nstops, s.n);
    glUniform3f(p.range, range.lo, range.mid, range.hi);
    glBindVertexArray(p.vao);
    glDrawArrays(GL_TRIANGLES, 0, 3);
    glBindVertexArray(0);
    glUseProgram(0);
    glBindFramebuffer(GL_FRAMEBUFFER, GLuint(prev_fbo));
    glViewport(prev_vp[0], prev_vp[1], prev_vp[2], prev_vp[3]);
    return target_.tex;
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
    if (!tex) {
        glGenTextures(1, &tex);
        glBindTexture(GL_TEXTURE_2D, tex);
        glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, GL_NEAREST);
        glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, GL_NEAREST);
        glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_S, GL_CLAMP_TO_EDGE);
        glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_T, GL_CLAMP_TO_EDGE);
    }
    glBindTexture(GL_TEXTURE_2D, tex);
    glPixelStorei(GL_UNPACK_ALIGNMENT, 1);
    if (width != w || height != h) {
        glTexImage2D(GL_TEXTURE_2D, 0, GL_RGBA8, width, height, 0, GL_RGBA, GL_UNSIGNED_BYTE, rgba);
        w = width;
        h = height;
    } else {
        glTexSubImage2D(GL_TEXTURE_2D, 0, 0, 0, width, height, GL_RGBA, GL_UNSIGNED_BYTE, rgba);
    }
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
