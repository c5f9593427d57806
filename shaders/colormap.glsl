// Matrix colormap: one file, two stages. The app compiles it twice, prepending
// "#version 330 core" and "#define VERTEX_SHADER" or "#define FRAGMENT_SHADER".
//
// Vertex stage: a full-target triangle from gl_VertexID (no vertex buffer); v_uv runs 0..1 over
// the target, v = 0 at the target's first row (matrix row 0 lands in FBO row 0).
//
// Fragment stage: colours a window of a GL_R32F matrix texture. Must match app/gui/colormap.hpp
// in its arithmetic (the EGL test compares them): value -> position via (lo, mid, hi), then
// linear interpolation between evenly spaced stops. NaN / Inf cells are magenta.

#ifdef VERTEX_SHADER
out vec2 v_uv;
void main() {
    vec2 p = vec2((gl_VertexID << 1) & 2, gl_VertexID & 2);
    v_uv = p;
    gl_Position = vec4(p * 2.0 - 1.0, 0.0, 1.0);
}
#endif

#ifdef FRAGMENT_SHADER
in vec2 v_uv;
out vec4 frag;
uniform sampler2D u_data;      // rows x cols, texel (col, row)
uniform vec4 u_window;         // (row0, col0, row1, col1) in matrix cells, fractional
uniform int u_transpose;       // 1: target x runs over rows, target y over columns
uniform vec3 u_stops[16];
uniform int u_nstops;
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
    float x = position(v) * float(u_nstops - 1);
    int k = min(int(floor(x)), u_nstops - 2);
    float f = x - float(k);
    frag = vec4(mix(u_stops[k], u_stops[k + 1], f), 1.0);
}
#endif
