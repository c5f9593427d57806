// "Task view" of the images task: the three stored images, the probe with its missing half (paint
// on it), the output at every step of the test phase filling the hole, the per-pixel error, and one
// neuron's incoming Hebbian trace as an image (the memory it holds; click a pixel of an output or
// a stored image to pick the neuron). The user can point the live view at a folder of their own photos.
// Each image is drawn once, in two rows sized to fit the window (the test steps never fall below
// the fold); the paint and photo controls fold away. Everything drawn comes from the task's typed
// payload (images/images_live.hpp); actions go back through Task::live_event ("paint",
// "select-neuron", "open-images", "builtin-images").
#include <imgui.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "gui/colormap.hpp"
#include "gui/file_dialog.hpp"
#include "gui/task_panel.hpp"
#include "images/images_live.hpp"

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

// One side × side image from the payload (pixels row-major), gray (or diverging when signed_map)
// over lo..hi, as a grid of cells with its caption above. Returns the pixel under the mouse
// (row, col) or (-1, -1), and whether the image was clicked / is being dragged on.
struct Hit { int row = -1, col = -1; bool down = false, clicked = false; };
struct Pic {
    const std::vector<float>* px = nullptr;
    int side = 0;
    float lo = -1, hi = 1;
    bool signed_map = false;
    const char* name = "";        // tooltip
};
Hit draw_image(const Pic& im, float cell, const char* id, const char* caption, ImU32 frame = IM_COL32(90, 90, 90, 255)) {
    Hit hit;
    ImGui::BeginGroup();
    ImGui::TextUnformatted(caption);
    const ImVec2 p0 = ImGui::GetCursorScreenPos();
    const float side = cell * float(im.side);
    const ImVec2 size(side, side);
    ImGui::InvisibleButton(id, size);
    ImDrawList* dl = ImGui::GetWindowDrawList();
    const CmapRange range{im.lo, im.signed_map ? 0.f : 0.5f * (im.lo + im.hi), im.hi};
    const Cmap cmap = im.signed_map ? Cmap::Diverging : Cmap::Gray;
    const bool have = im.px && im.px->size() >= size_t(im.side * im.side);
    for (int r = 0; r < im.side && have; ++r)
        for (int c = 0; c < im.side; ++c) {
            const float v = (*im.px)[size_t(r * im.side + c)];
            const ImVec2 a(p0.x + cell * float(c), p0.y + cell * float(r));
            dl->AddRectFilled(a, ImVec2(a.x + cell, a.y + cell), rgb_to_imgui(cmap_color(cmap, v, range)));
        }
    if (!have) dl->AddRectFilled(p0, ImVec2(p0.x + size.x, p0.y + size.y), IM_COL32(30, 32, 38, 255));
    dl->AddRect(p0, ImVec2(p0.x + size.x, p0.y + size.y), frame, 0, 0, frame == IM_COL32(90, 90, 90, 255) ? 1.f : 2.5f);
    if (have && (ImGui::IsItemHovered() || ImGui::IsItemActive())) {
        const ImVec2 m = ImGui::GetIO().MousePos;
        const int c = int(std::floor((m.x - p0.x) / cell)), r = int(std::floor((m.y - p0.y) / cell));
        if (r >= 0 && c >= 0 && r < im.side && c < im.side) {
            hit.row = r; hit.col = c;
            if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s (%d, %d) = %.3f", im.name, r, c, double((*im.px)[size_t(r * im.side + c)]));
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

constexpr ImU32 kProbedFrame = IM_COL32(250, 200, 50, 255);

void ImagesPanel::draw(TaskPanelContext& ctx) {
    PanelState& st = st_;
    const LiveViews& v = ctx.views;
    run_panel_script(ctx, "images task view", {{"expect-drawn", "", [&](const std::string&) {
        const auto* p = v.payload_as<images::ImagesLive>();
        return std::string(!p || p->stored.empty() ? "images task view: no images to draw" : "");
    }}});
    const auto* p = v.payload_as<images::ImagesLive>();
    if (!p || p->side <= 0) {
        ImGui::TextDisabled("No live episode yet: press Reset or Step.");
        return;
    }
    auto pick = [&](const Hit& h) {   // a click on an output or the target picks the trace's pixel
        if (h.clicked && h.row >= 0) {
            LiveEvent e;
            e.kind = "select-neuron"; e.row = h.row; e.col = h.col;
            ctx.send(e);
        }
    };
    const int side = p->side;
    ImGui::TextWrapped("%s", v.status.c_str());
    ImGui::Text("step %d / %d", p->t, p->T);
    if (auto it = v.scalars.find("hidden-half correlation now"); it != v.scalars.end() && p->probing()) {
        ImGui::SameLine();
        ImGui::Text("   hidden-half correlation %.3f", it->second);
    }
    // Two rows, each image once: the stored images (the target framed once the probe is shown; the
    // output while they are being stored) with the trace, then the probe, the output at each test
    // step and the error. The
    // cell size fits the window's width and height (less the captions, the legend line and the
    // folded controls), so the test steps never fall below the fold.
    const ImVec2 avail = ImGui::GetContentRegionAvail();
    const float line = ImGui::GetTextLineHeightWithSpacing(), sp = ImGui::GetStyle().ItemSpacing.x;
    const bool storing = !p->probing();
    const int row1 = int(p->stored.size()) + (storing ? 1 : 0) + 1, row2 = p->test_steps + 2;
    const int across = std::max(row1, row2);
    const float text_h = 3 * line + 2 * ImGui::GetStyle().ItemSpacing.y + ImGui::GetFrameHeightWithSpacing() + 6;
    const float by_w = (avail.x - float(across - 1) * sp - 4.f) / (float(across) * float(side));
    const float by_h = (avail.y - text_h) / (2.f * float(side));
    const float cell = std::clamp(std::floor(std::min(by_w, by_h) * 2.f) / 2.f, 1.5f, 14.f);
    const ImU32 plain = IM_COL32(90, 90, 90, 255);

    // Row 1
    char cap[64];
    for (size_t k = 0; k < p->stored.size(); ++k) {
        if (k) ImGui::SameLine();
        const bool probed = int(k) == p->probed && p->probing();
        if (probed) std::snprintf(cap, sizeof cap, "%zu: target", k + 1);
        else std::snprintf(cap, sizeof cap, "stored %zu", k + 1);
        pick(draw_image({&p->stored[k], side, -1, 1, false, "stored image"}, cell, ("##img" + std::to_string(k)).c_str(), cap,
                        probed ? kProbedFrame : plain));
        if (ImGui::IsItemHovered())
            ImGui::SetTooltip("Shown three times in this episode: the network stores it in its Hebbian trace.%s",
                              probed ? "\nThe probe is this image with half of it hidden: the target of the test steps." : "");
    }
    if (storing) {
        ImGui::SameLine();
        pick(draw_image({&p->output, side, -1, 1, false, "output"}, cell, "##out", "output now"));
        if (ImGui::IsItemHovered()) ImGui::SetTooltip("x(t): the network's pixels now (the input clamps them while an image is shown).");
    }
    ImGui::SameLine();
    if (p->plastic) {
        draw_image({&p->trace, side, -p->trace_max, p->trace_max, true, "trace"}, cell, "##trace", "trace");
        if (ImGui::IsItemHovered())
            ImGui::SetTooltip("H[:, j] for pixel j = %d: the Hebbian trace of every pixel's connection onto it (blue < 0 < red).\n"
                              "After the presentations it is a mix of the stored images, weighted by pixel j's value in each.\n"
                              "Click a pixel of an output or of a stored image to choose j.", p->neuron);
    } else {
        ImGui::TextDisabled("(non-plastic:\n no trace)");
    }

    // Row 2: probe (paintable), the output at each test step, the error. The target is the stored
    // image framed in yellow above (not drawn twice).
    const Hit ph = draw_image({&p->probe, side, -1, 1, false, "probe"}, cell, "##probe", "probe");
    if (ImGui::IsItemHovered() && ph.row < 0) ImGui::SetTooltip("Shown at the test steps; paint on it (controls below).");
    if (ph.down && ph.row >= 0 && (ph.row != st.last_row || ph.col != st.last_col)) {
        LiveEvent e;
        e.kind = "paint"; e.target = "probe"; e.row = ph.row; e.col = ph.col;
        e.value = st.brush_value; e.radius = st.brush_radius;
        ctx.send(e);
        st.last_row = ph.row; st.last_col = ph.col;
    }
    if (!ph.down) st.last_row = st.last_col = -1;
    for (int k = 0; k < p->test_steps; ++k) {
        ImGui::SameLine();
        std::snprintf(cap, sizeof cap, "t=%d", p->test_start + k + 1);
        const std::vector<float>* px = k < int(p->test_outputs.size()) ? &p->test_outputs[size_t(k)] : nullptr;
        pick(draw_image({px, side, -1, 1, false, "output"}, cell, ("##test" + std::to_string(k)).c_str(), cap));
        if (ImGui::IsItemHovered() && !px) ImGui::SetTooltip("The output at test step %d appears once the episode gets there.", k + 1);
    }
    ImGui::SameLine();
    // The error only means something once the probe is shown; before, it would compare the output
    // with an image the network has not been asked for yet.
    draw_image({p->probing() ? &p->error : nullptr, side, 0, 2, false, "error"}, cell, "##err", "error");
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("|x - target| at the last step shown (black = right), once the probe is shown.");
    if (p->probing())
        ImGui::TextDisabled("the target: the stored image framed in yellow (the probe hides half of it)");
    else
        ImGui::TextDisabled("steps t=%d..%d show the probe and the hidden half being rebuilt", p->test_start + 1, p->T);

    // Controls, folded by default so the images keep the room.
    if (!ImGui::CollapsingHeader("paint the probe, use your own photos")) {
        st.dialog.draw();
        return;
    }
    const float avail_x = ImGui::GetContentRegionAvail().x;
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
    ImGui::SetNextItemWidth(std::max(200.f, avail_x - 260.f));
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
