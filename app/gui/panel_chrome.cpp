// The lab's chrome: the status bar (frame rate, builds, the newest message and, on hover, the
// last ones), the help overlay (F1) and the error popup.
#include <imgui.h>
#include <algorithm>
#include "gui/lab.hpp"
#include "gui/panels.hpp"

namespace ps::gui {

using namespace style;

void draw_status_bar(Lab& lab) {
    const ImVec2 ds = ImGui::GetIO().DisplaySize;
    const float h = ImGui::GetFrameHeight() + 4;
    ImGui::SetNextWindowPos(ImVec2(0, ds.y - h));
    ImGui::SetNextWindowSize(ImVec2(ds.x, h));
    ImGui::SetNextWindowBgAlpha(0.0f);   // the clear colour (see place())
    ImGui::PushStyleVar(ImGuiStyleVar_WindowPadding, ImVec2(8, 3));
    ImGui::Begin("##status", nullptr,
                 ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoSavedSettings |
                     ImGuiWindowFlags_NoFocusOnAppearing | ImGuiWindowFlags_NoBringToFrontOnFocus);
    const ImGuiIO& io = ImGui::GetIO();
    ImGui::TextColored(kDim, "%5.1f fps", double(io.Framerate));
    ImGui::SameLine();
    ImGui::TextColored(kDim, "| F1 help |");
    if (lab.building()) {   // the network being built (task_builder.hpp): the old one runs meanwhile
        ImGui::SameLine();
        ImGui::TextColored(kStaged, "building the network... %.1f s |", lab.clock() - lab.builder.started_at());
    }
    if (lab.exporter.busy()) {
        ImGui::SameLine();
        ImGui::TextColored(kStaged, "exporting %.0f %% |", double(lab.exporter.progress()) * 100);
    }
    const auto& log = lab.log.lines();
    if (!log.empty()) {
        const auto& l = log.back();
        ImGui::SameLine();
        const float age = float(lab.clock() - l.time);
        ImVec4 c = l.error ? kErr : ImVec4(0.85f, 0.87f, 0.9f, 1);
        c.w = age < 8 ? 1.0f : 0.55f;
        ImGui::TextColored(c, "%s", l.text.c_str());
        if (ImGui::IsItemHovered() && log.size() > 1) {
            ImGui::BeginTooltip();
            const size_t from = log.size() > 15 ? log.size() - 15 : 0;
            for (size_t i = from; i < log.size(); ++i)
                ImGui::TextColored(log[i].error ? kErr : kDim, "%s", log[i].text.c_str());
            ImGui::EndTooltip();
        }
    }
    ImGui::End();
    ImGui::PopStyleVar();
}

void draw_help(Lab& lab) {
    const ImVec2 ds = ImGui::GetIO().DisplaySize;
    ImGui::SetNextWindowPos(ImVec2(ds.x / 2, ds.y / 2), ImGuiCond_Appearing, ImVec2(0.5f, 0.5f));
    ImGui::SetNextWindowSize(ImVec2(std::min(620.0f, ds.x - 40), 0), ImGuiCond_Appearing);
    if (!ImGui::Begin("Help (F1)", &lab.show_help, ImGuiWindowFlags_NoCollapse | ImGuiWindowFlags_NoSavedSettings)) {
        ImGui::End();
        return;
    }
    auto row = [](const char* k, const char* v) {
        ImGui::TextColored(kStaged, "%-14s", k);
        ImGui::SameLine(ImGui::GetFontSize() * 9);
        ImGui::TextUnformatted(v);
    };
    ImGui::TextUnformatted("Keys (ignored while you type in a field)");
    ImGui::Separator();
    row("Space", "play / pause the live network");
    row("Right arrow", "one timestep");
    row("R", "restart the episode (same data)");
    row("N", "new episode (new data)");
    row("F1", "this help");
    ImGui::Spacing();
    ImGui::TextUnformatted("Mouse on a matrix");
    ImGui::Separator();
    row("wheel", "zoom about the cursor (all matrices together)");
    row("drag", "pan");
    row("double-click", "whole matrix");
    row("click", "focus: that cell's row (outgoing) and column (incoming)");
    row("hover", "(pre, post) indices and the value");
    ImGui::Spacing();
    ImGui::TextUnformatted("Colours");
    ImGui::Separator();
    ImGui::PushTextWrapPos(0);
    ImGui::TextUnformatted("Signed matrices: blue < 0 < red, white at 0. Magnitudes: dark violet (low) to yellow (high). "
                           "Magenta marks NaN or Inf. Each colorbar shows its range; choose +-max, min..max or a fixed "
                           "range above each matrix.");
    ImGui::Spacing();
    ImGui::TextUnformatted("Matrices are (pre, post): row i holds neuron i's outgoing weights, column j the weights onto "
                           "neuron j. H is the Hebbian trace (reset each episode), W the fixed weights, A the "
                           "plasticity coefficients, W+A*H what the network uses at this timestep.");
    ImGui::Spacing();
    ImGui::TextUnformatted("Training runs on its own thread: the live view steps the newest parameters from the next "
                           "episode on (\"Follow training\"), or at once with \"Use latest parameters now\". "
                           "Hyperparameters marked live apply at once; rebuild ones wait for the button.");
    ImGui::PopTextWrapPos();
    ImGui::End();
}

void draw_error_popup(Lab& lab) {
    Messages& m = lab.log;
    if (m.error_open() && !ImGui::IsPopupOpen("##error")) ImGui::OpenPopup("##error");
    const ImVec2 ds = ImGui::GetIO().DisplaySize;
    ImGui::SetNextWindowPos(ImVec2(ds.x / 2, ds.y / 2), ImGuiCond_Appearing, ImVec2(0.5f, 0.5f));
    ImGui::SetNextWindowSize(ImVec2(std::min(560.0f, ds.x - 40), 0), ImGuiCond_Appearing);
    if (ImGui::BeginPopupModal("##error", nullptr, ImGuiWindowFlags_NoTitleBar)) {
        ImGui::TextColored(kErr, "%s", m.error_title().c_str());
        ImGui::Separator();
        ImGui::PushTextWrapPos(0);
        ImGui::TextUnformatted(m.error_text().c_str());
        ImGui::PopTextWrapPos();
        ImGui::Spacing();
        if (ImGui::Button("OK", ImVec2(120, 0)) || !m.error_open()) {
            m.dismiss();
            ImGui::CloseCurrentPopup();
        }
        ImGui::EndPopup();
    }
}

}  // namespace ps::gui
