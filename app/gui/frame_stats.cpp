// Frame times (see frame_stats.hpp).
#include "gui/frame_stats.hpp"
#include <imgui.h>
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <ctime>

namespace ps::gui {

namespace {
// The p-quantile (0..1) of v, linear between the two nearest samples; 0 for no samples.
double percentile_of(std::vector<double> v, double p) {
    if (v.empty()) return 0;
    std::sort(v.begin(), v.end());
    const double idx = p * double(v.size() - 1);
    const size_t i = size_t(idx);
    const double f = idx - double(i);
    return i + 1 < v.size() ? v[i] * (1 - f) + v[i + 1] * f : v[i];
}
}  // namespace

double thread_cpu_ms() {
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return double(ts.tv_sec) * 1e3 + double(ts.tv_nsec) * 1e-6;
}

void FrameStats::add(int frame, double total_ms, double update_ms, double widgets_ms, double render_ms,
                     double swap_ms, bool measured) {
    if (frame >= warmup_) {
        frame_ms_.push_back(total_ms);
        phase_ms_[0] += update_ms;
        phase_ms_[1] += widgets_ms;
        phase_ms_[2] += render_ms;
        phase_ms_[3] += swap_ms;
    }
    if (measured) measured_ms_.push_back(total_ms);
    if (measured && total_ms > stall_ms_) {
        stall_ms_ = total_ms;
        stall_frame_ = frame;
    }
}

FrameStats::~FrameStats() {
    if (log_) std::fclose(log_);
}

std::string FrameStats::open_log(const std::string& path) {
    log_ = std::fopen(path.c_str(), "w");
    if (!log_) return "--frame-log: cannot write '" + path + "'";
    std::fputs("frame,t_s,total_ms,wait_ms,script_ms,prep_ms,update_ms,widgets_ms,render_ms,swap_ms,cpu_ms,measured,"
               "building,task,actions\n", log_);
    return "";
}

void FrameStats::log(const FrameRecord& r) {
    if (!log_) return;
    std::string actions = r.actions;   // the last field: no commas or line breaks in it
    std::replace_if(actions.begin(), actions.end(), [](char c) { return c == ',' || c == '\n' || c == '\r'; }, ' ');
    std::fprintf(log_, "%d,%.3f,%.2f,%.2f,%.2f,%.2f,%.2f,%.2f,%.2f,%.2f,%.2f,%d,%d,%s,%s\n", r.frame, r.t_s, r.total_ms,
                 r.wait_ms, r.script_ms, r.prep_ms, r.update_ms, r.widgets_ms, r.render_ms, r.swap_ms, r.cpu_ms,
                 r.measured ? 1 : 0, r.building ? 1 : 0, r.task.c_str(), actions.c_str());
    std::fflush(log_);   // a frame that never ends (a hang) still leaves the ones before it
}

double FrameStats::measured_percentile(double p) const { return percentile_of(measured_ms_, p); }

void FrameStats::mark_warmup_cpu() { cpu_at_warmup_ = thread_cpu_ms(); }

double FrameStats::percentile(double p) const { return percentile_of(frame_ms_, p); }

std::string FrameStats::bench_report(int width, int height, int64_t iters) const {
    if (frame_ms_.empty()) return "";
    double sum = 0;
    for (double v : frame_ms_) sum += v;
    const double n = double(frame_ms_.size());
    char b[1024];
    std::string out;
    std::snprintf(b, sizeof b,
                  "frame time over %zu frames (after %d warm-up), %dx%d window: median %.2f ms, p95 %.2f ms, "
                  "mean %.2f ms, max %.2f ms; trainer iterations %lld\n",
                  frame_ms_.size(), warmup_, width, height, percentile(0.5), percentile(0.95), sum / n,
                  *std::max_element(frame_ms_.begin(), frame_ms_.end()), static_cast<long long>(iters));
    out += b;
    const ImGuiIO& io = ImGui::GetIO();
    std::snprintf(b, sizeof b,
                  "mean per frame: update %.2f ms, widgets %.2f ms, render %.2f ms, swap %.2f ms; "
                  "last frame %d vertices, %d triangles\n",
                  phase_ms_[0] / n, phase_ms_[1] / n, phase_ms_[2] / n, phase_ms_[3] / n, io.MetricsRenderVertices,
                  io.MetricsRenderIndices / 3);
    out += b;
    int cmds = 0;
    double area = 0;   // shaded pixels: the sum of the triangles' areas
    if (ImDrawData* dd = ImGui::GetDrawData())
        for (int i = 0; i < dd->CmdListsCount; ++i) {
            const ImDrawList* l = dd->CmdLists[i];
            cmds += l->CmdBuffer.Size;
            for (int k = 0; k + 2 < l->IdxBuffer.Size; k += 3) {
                const ImVec2 p = l->VtxBuffer[l->IdxBuffer[k]].pos, q = l->VtxBuffer[l->IdxBuffer[k + 1]].pos,
                             r = l->VtxBuffer[l->IdxBuffer[k + 2]].pos;
                area += std::fabs((q.x - p.x) * (r.y - p.y) - (r.x - p.x) * (q.y - p.y)) / 2;
            }
        }
    const char* lp = std::getenv("LP_NUM_THREADS");
    const bool inline_raster = lp && std::string(lp) == "0";
    std::snprintf(b, sizeof b, "last frame: %d draw commands, %.0fk shaded pixels; GUI thread CPU %.2f ms per frame (%s)\n",
                  cmds, area / 1000, (thread_cpu_ms() - cpu_at_warmup_) / n,
                  inline_raster ? "LP_NUM_THREADS=0: includes llvmpipe's rasterisation"
                                : "llvmpipe rasterises on its own threads; LP_NUM_THREADS=0 counts it here");
    out += b;
    return out;
}

}  // namespace ps::gui
