// Matrix colormap: one file, two stages. The app compiles it twice, prepending
// "#version 330 core" and "#define VERTEX_SHADER" or "#define FRAGMENT_SHADER".
//
// Vertex stage: a 4-vertex strip from gl_VertexID (no vertex buffer) covering the rectangle
// u_ndc = (x0, y0, x1, y1) in normalised device coordinates; v_uv runs 0..1 from (x0, y0) to
// (x1, y1). An FBO pass uses (-1, -1, 1, 1) (matrix row 0 lands in FBO row 0); a screen pass
// puts y0 at the top edge (matrix row 0 on top).
//
// Fragment stage: colours a window of a GL_R32F matrix texture. Must match app/gui/colormap.hpp
// within 2/255 (the EGL test compares them): value -> position t via (lo, mid, hi), then the
// colormap at t, read from a 256-entry lookup texture that the app fills from the same stops
// (one filtered fetch is ~2x cheaper on llvmpipe than indexing a uniform array per pixel).
// NaN / Inf cells are magenta.

#ifdef VERTEX_SHADER
uniform vec4 u_ndc;
out vec2 v_uv;
void main() {
    vec2 p = vec2(gl_VertexID & 1, gl_VertexID >> 1);
    v_uv = p;
    gl_Position = vec4(mix(u_ndc.xy, u_ndc.zw, p), 0.0, 1.0);
}
#endif

#ifdef FRAGMENT_SHADER
in vec2 v_uv;
out vec4 frag;
uniform sampler2D u_data;      // rows x cols, texel (col, row)
uniform vec4 u_window;         // (row0, col0, row1, col1) in matrix cells, fractional
uniform int u_transpose;       // 1: target x runs over rows, target y over columns
uniform sampler2D u_lut;       // 256 x 1 RGBA8, linear filtering: the colormap at (i + 0.5) / 256
uniform vec3 u_range;          // (lo, mid, hi)

float position(float v) {
    float t;
    if (v < u_range.y) t = 0.5 * (v - u_range.x) / max(u_range.y - u_range.x, 1e-30);
    else t = 0.5 + 0.5 * (v - u_range.y) / max(u_range.z - u_range.y, 1e-30);
    return clamp(t, 0.0, 1.0);
}

void main() {
    vec2 uv = u_transpose == 1 ? v_uv.yx : v_uv;          // uv.x -> columns, uv.y -> rows
    float row = mix(u_window.x, u_window.z, uv.y);
    float col = mix(u_window.y, u_window.w, uv.x);
    ivec2 size = textureSize(u_data, 0);
    ivec2 cell = clamp(ivec2(floor(vec2(col, row))), ivec2(0), size - 1);
    float v = texelFetch(u_data, cell, 0).r;
    if (isnan(v) || isinf(v)) { frag = vec4(1.0, 0.0, 1.0, 1.0); return; }
    float t = position(v);
    frag = vec4(texture(u_lut, vec2((t * 255.0 + 0.5) / 256.0, 0.5)).rgb, 1.0);
}
#endif
