// Line plots drawn with ImDrawList (ImPlot is not packaged in Debian): axes with "nice" ticks,
// a legend in a strip above the data (it never covers a curve), labelled marks, a hover
// readout, optional log y. Long series are reduced to a min/max envelope per
// pixel column, so 50 000 points cost no more than a few hundred.
#pragma once
#include <imgui.h>
#include <string>
#include <vector>

namespace ps::gui {

struct PlotSeries {
    std::string label;             // "" = not in the legend nor the readout
    const std::vector<double>* x = nullptr;   // ascending
    const std::vector<double>* y = nullptr;
    ImU32 color = IM_COL32(255, 255, 255, 255);
    float thickness = 2.0f;        // integer widths take ImGui's cheap textured-line path
    bool band = false;             // draw as a min..max band per pixel column (raw, noisy data)
};

struct PlotOptions {
    ImVec2 size{0, 160};           // 0 width = the available width
    bool log_y = false;
    bool legend = true;
    std::string x_label;           // shown in the readout ("iteration")
    const char* y_format = "%.4g";
    bool have_x_range = false;     // else the data's extent
    double x_min = 0, x_max = 1;
    bool have_y_range = false;
    double y_min = 0, y_max = 1;
    double cursor_x = -1e300;      // a vertical marker (e.g. the current timestep), if in range
    std::vector<std::pair<double, std::string>> marks;   // labelled vertical lines (settings changed)
};

// Returns true while hovered; draws nothing but an empty frame with a hint when there is no data.
bool plot_lines(const char* id, const std::vector<PlotSeries>& series, const PlotOptions& opt,
                const char* empty_hint = "no data yet");

// Up to about max_ticks round values (1, 2, 5 x 10^k steps) covering [lo, hi].
std::vector<double> nice_ticks(double lo, double hi, int max_ticks, double* step = nullptr);
// Short label of a tick value given the tick step (1.5k, 0.002, 1e-05 ...).
std::string tick_label(double v, double step);

// Exponential moving average with weight `smoothing` in [0, 1) on the past, bias-corrected so
// the first points are not pulled towards 0 (as TensorBoard does).
std::vector<double> smooth_ema(const std::vector<double>& y, double smoothing);

// A band between lo and hi (given at ascending x) as (x, lo), (x, hi) pairs on columns + 1 evenly
// spaced x, linearly interpolated, so a `band` series' per-pixel-column min..max envelope fills
// it between the data points. Appends to band_x / band_y; needs >= 2 points (else appends nothing).
void dense_band(const std::vector<double>& x, const std::vector<double>& lo, const std::vector<double>& hi,
                std::vector<double>& band_x, std::vector<double>& band_y, int columns = 800);

}  // namespace ps::gui
