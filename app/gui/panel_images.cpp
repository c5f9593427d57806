// "Task view" of the images task: the three stored images, the probe with its missing half (paint
// on it), the output at every step of the test phase filling the hole, the per-pixel error, and one
// neuron's incoming Hebbian trace as an image (the memory it holds; click a pixel of the output or
// the target to pick the neuron). The user can point the live view at a folder of their own photos.
// Everything drawn comes from the task's LiveViews; actions go back through Task::live_event
// ("paint", "select-neuron", "open-images", "builtin-images").
#include <imgui.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <map>
#include <string>

#include "gui/colormap.hpp"
#include "gui/file_dialog.hpp"
#include "gui/task_panel.hpp"

namespace ps::gui {
namespace {

struct PanelState {
    float brush_value = 1.0f;
    float brush_radius = 1.0f;
    int last_row = -1, last_col = -1;      // last painted pixel of this drag
    char folder[1024] = {0};
    bool pending_open = false;             // the file dialog picked a folder: open it this frame
    FileDialog dialog;
};

// Draws an ImageView as a grid of filled cells, gray (or diverging when signed_map) over lo..hi.
// Returns the pixel under the mouse (row, col) or (-1, -1), and whether the image was clicked /
// is being dragged on.
struct Hit { int row = -1, col = -1; bool down = false, clicked = false; };
Hit draw_image(const ImageView& iv, float cell, const char* id, bool signed_map = false, const char* caption = nullptr) {
    Hit hit;
    ImGui::BeginGroup();
    ImGui::TextUnformatted(caption ? caption : iv.name.c_str());
    const ImVec2 p0 = ImGui::GetCursorScreenPos();
    const ImVec2 size(cell * float(iv.width), cell * float(iv.height));
    ImGui::InvisibleButton(id, size);
    ImDrawList* dl = ImGui::GetWindowDrawList();
    const CmapRange range{iv.lo, signed_map ? 0.f : 0.5f * (iv.lo + iv.hi), iv.hi};
    const Cmap cmap = signed_map ? Cmap::Diverging : Cmap::Gray;
    for (int r = 0; r < iv.height; ++r)
        for (int c = 0; c < iv.width; ++c) {
            const float v = iv.pixels[size_t(r * iv.width + c)];
            const ImVec2 a(p0.x + cell * float(c), p0.y + cell * float(r));
            dl->AddRectFilled(a, ImVec2(a.x + cell, a.y + cell), rgb_to_imgui(cmap_color(cmap, v, range)));
        }
    dl->AddRect(p0, ImVec2(p0.x + size.x, p0.y + size.y), IM_COL32(90, 90, 90, 255));
    if (ImGui::IsItemHovered() || ImGui::IsItemActive()) {
        const ImVec2 m = ImGui::GetIO().MousePos;
        const int c = int(std::floor((m.x - p0.x) / cell)), r = int(std::floor((m.y - p0.y) / cell));
        if (r >= 0 && c >= 0 && r < iv.height && c < iv.width) {
            hit.row = r; hit.col = c;
            if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s (%d, %d) = %.3f", iv.name.c_str(), r, c, double(iv.pixels[size_t(r * iv.width + c)]));
        }
        hit.down = ImGui::IsItemActive() && ImGui::IsMouseDown(ImGuiMouseButton_Left);
        hit.clicked = ImGui::IsItemClicked(ImGuiMouseButton_Left);
    }
    ImGui::EndGroup();
    return hit;
}

class ImagesPanel final : public TaskPanel {
public:
    void draw(TaskPanelContext& ctx) override;

private:
    PanelState st_;
};

void ImagesPanel::draw(TaskPanelContext& ctx) {
    PanelState& st = st_;
    const LiveViews& v = ctx.views;
    std::map<std::string, const ImageView*> im;
    const ImageView* trace = nullptr;
    std::vector<const ImageView*> tests;
    for (const auto& i : v.images) {
        im[i.name] = &i;
        if (i.name.rfind("trace into neuron", 0) == 0) trace = &i;
        if (i.name.rfind("test step", 0) == 0) tests.push_back(&i);
    }
    if (!im.count("probe")) {
        ImGui::TextDisabled("No live episode yet: press Reset or Step.");
        return;
    }
    const int side = im["probe"]->width;
    // Cells: fit four images across the window, between 3 and 12 px per pixel.
    const float avail = ImGui::GetContentRegionAvail().x;
    const float cell = std::clamp(std::floor((avail - 4.f * ImGui::GetStyle().ItemSpacing.x - 8.f) / (4.f * float(side))), 3.f, 12.f);

    ImGui::TextWrapped("%s", v.status.c_str());
    ImGui::Text("step %d / %d", v.t, v.T);
    if (auto it = v.scalars.find("hidden-half correlation now"); it != v.scalars.end()) {
        ImGui::SameLine();
        ImGui::Text("   hidden-half correlation %.3f", it->second);
    }
    ImGui::TextDisabled("Paint on the probe (value 0 hides a pixel); click the output or the target to pick the neuron whose trace is shown.");
    ImGui::Separator();

    // Row 1: the stored images.
    ImGui::TextDisabled("Stored in this episode (shown 3 times each, 20 steps, 2-step gaps):");
    for (int k = 1; k <= 9; ++k) {
        auto it = im.find("image " + std::to_string(k));
        if (it == im.end()) break;
        if (k > 1) ImGui::SameLine();
        draw_image(*it->second, cell, ("##img" + std::to_string(k)).c_str());
    }

    // Row 2: probe (paintable), output, target, error.
    ImGui::Separator();
    const Hit ph = draw_image(*im["probe"], cell, "##probe", false, "probe (paint here)");
    if (ph.down && ph.row >= 0 && (ph.row != st.last_row || ph.col != st.last_col)) {
        LiveEvent e;
        e.kind = "paint"; e.target = "probe"; e.row = ph.row; e.col = ph.col;
        e.value = st.brush_value; e.radius = st.brush_radius;
        ctx.send(e);
        st.last_row = ph.row; st.last_col = ph.col;
    }
    if (!ph.down) st.last_row = st.last_col = -1;
    auto pick = [&](const Hit& h) {
        if (h.clicked && h.row >= 0) {
            LiveEvent e;
            e.kind = "select-neuron"; e.row = h.row; e.col = h.col;
            ctx.send(e);
        }
    };
    if (auto it = im.find("output x(t)"); it != im.end()) {
        ImGui::SameLine();
        pick(draw_image(*it->second, cell, "##out", false, "output x(t)"));
    }
    ImGui::SameLine();
    pick(draw_image(*im["target"], cell, "##target", false, "target"));
    if (auto it = im.find("error |x(t) - target|"); it != im.end()) {
        ImGui::SameLine();
        draw_image(*it->second, cell, "##err", false, "error |x - target|");
    }

    // Row 3: the test steps, the hole filling in; the trace into the chosen neuron.
    ImGui::Separator();
    if (tests.empty()) ImGui::TextDisabled("The outputs of the test steps appear here once the probe is shown.");
    for (size_t k = 0; k < tests.size(); ++k) {
        if (k) ImGui::SameLine();
        draw_image(*tests[k], cell, ("##test" + std::to_string(k)).c_str());
    }
    if (trace) {
        if (!tests.empty()) ImGui::SameLine();
        draw_image(*trace, cell, "##trace", true, trace->name.c_str());
        if (ImGui::IsItemHovered())
            ImGui::SetTooltip("H[:, j]: the Hebbian trace of every pixel's connection onto neuron j (blue < 0 < red).\n"
                              "After the presentations it is a mix of the stored images, weighted by neuron j's value in each.");
    } else {
        ImGui::TextDisabled("(non-plastic network: no trace)");
    }

    // Controls.
    ImGui::Separator();
    ImGui::SetNextItemWidth(160);
    ImGui::SliderFloat("brush value", &st.brush_value, -1.f, 1.f, "%.2f");
    ImGui::SameLine();
    if (ImGui::SmallButton("white")) st.brush_value = 1.f;
    ImGui::SameLine();
    if (ImGui::SmallButton("black")) st.brush_value = -1.f;
    ImGui::SameLine();
    if (ImGui::SmallButton("erase (0 = hidden)")) st.brush_value = 0.f;
    ImGui::SetNextItemWidth(160);
    ImGui::SliderFloat("brush radius", &st.brush_radius, 0.f, 4.f, "%.1f px");
    ImGui::SetNextItemWidth(std::max(200.f, avail - 260.f));
    ImGui::InputTextWithHint("##folder", "a folder of your PNG / JPEG photos", st.folder, sizeof st.folder);
    ImGui::SameLine();
    auto open = [&](const std::string& path) {
        LiveEvent e;
        e.kind = "open-images"; e.path = path;
        if (ctx.send(e) && ctx.note) ctx.note("live view: images from " + path, false);
    };
    if (ImGui::Button("Open") || st.pending_open) {
        st.pending_open = false;
        open(st.folder);
    }
    ImGui::SameLine();
    if (ImGui::Button("Browse...")) {
        st.dialog.open("Pick any image in the folder to use", false, "", st.folder, [&st](const std::string& p) {
            std::snprintf(st.folder, sizeof st.folder, "%s", std::filesystem::path(p).parent_path().string().c_str());
            st.pending_open = true;
        });
    }
    ImGui::SameLine();
    if (ImGui::Button("Built-in photos")) {
        LiveEvent e;
        e.kind = "builtin-images";
        ctx.send(e);
    }
    st.dialog.draw();
}

}  // namespace

PS_REGISTER_TASK_PANEL("images", ImagesPanel);

}  // namespace ps::gui
