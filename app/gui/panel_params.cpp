// The Hyperparameters window: every field of the open task with its unit, range and rule; live
// fields apply at once (and are recorded in the episode's history), next-episode and rebuild
// fields are staged (staged_settings.hpp) until the next episode or the rebuild button.
#include <imgui.h>
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include "gui/lab.hpp"
#include "gui/panels.hpp"

namespace ps::gui {

using namespace style;

void draw_params_contents(Lab& lab) {
    if (!lab.live.has_task()) {
        return;
    }
    StagedSettings& staged = lab.staged;
    const int n_rebuild = staged.count(lab.live.task(), Apply::Rebuild);
    const int n_episode = staged.count(lab.live.task(), Apply::Episode);
    if (n_rebuild > 0) {
        ImGui::PushStyleColor(ImGuiCol_Button, ImVec4(0.6f, 0.35f, 0.1f, 1));
        char b[96];
        std::snprintf(b, sizeof b, "Apply %d change%s and rebuild", n_rebuild, n_rebuild > 1 ? "s" : "");
        if (ImGui::Button(b)) {
            const std::string err = lab.rebuild();
            if (!err.empty()) lab.show_error("Cannot rebuild", err);
        }
        ImGui::PopStyleColor();
        ImGui::SameLine();
        if (ImGui::Button("Discard")) staged.clear();
        ImGui::TextColored(kRebuild, "Rebuilding re-initialises the parameters.");
    }
    if (n_episode > 0) ImGui::TextColored(kEpisode, "%d change(s) apply at the next episode.", n_episode);
    // Legend of the key colours.
    ImGui::TextColored(kDim, "applies:");
    ImGui::SameLine();
    ImGui::TextColored(kLive, "at once");
    ImGui::SameLine();
    ImGui::TextColored(kDim, "|");
    ImGui::SameLine();
    ImGui::TextColored(kEpisode, "next episode");
    ImGui::SameLine();
    ImGui::TextColored(kDim, "|");
    ImGui::SameLine();
    ImGui::TextColored(kRebuild, "on rebuild");

    // Fetched after the rebuild button: a rebuild replaces the task these fields point into.
    const auto fields = lab.live.task().fields();
    if (ImGui::BeginTable("##fields", 3, ImGuiTableFlags_SizingStretchProp | ImGuiTableFlags_ScrollY)) {
        ImGui::TableSetupColumn("key", ImGuiTableColumnFlags_WidthFixed);
        ImGui::TableSetupColumn("value", ImGuiTableColumnFlags_WidthStretch);
        ImGui::TableSetupColumn("unit", ImGuiTableColumnFlags_WidthFixed);
        for (const auto& f : fields) {
            ImGui::PushID(f.key.c_str());
            ImGui::TableNextRow();
            ImGui::TableSetColumnIndex(0);
            const bool is_staged = staged.has(f.key);
            const ImVec4 col = f.apply == Apply::Live ? kLive : f.apply == Apply::Episode ? kEpisode : kRebuild;
            ImGui::AlignTextToFramePadding();
            ImGui::TextColored(is_staged ? kStaged : col, "%s%s", f.key.c_str(), is_staged ? "*" : "");
            std::string tip = f.help;
            if (f.type == Field::Type::Int || f.type == Field::Type::Float) {
                char r[96];
                std::snprintf(r, sizeof r, "\nrange [%g, %g]%s%s", f.lo, f.hi, f.unit.empty() ? "" : " ", f.unit.c_str());
                tip += r;
                if (f.type == Field::Type::Int && f.step > 1) tip += " in steps of " + std::to_string(f.step);
            }
            tip += f.apply == Apply::Live ? "\napplies at once (live view and trainer)"
                   : f.apply == Apply::Episode ? "\napplies at the next episode"
                                               : "\napplies on \"Apply and rebuild\" (re-initialises the parameters)";
            hover_tip(tip, 30);
            ImGui::TableSetColumnIndex(1);
            ImGui::SetNextItemWidth(-1);
            const std::string text = is_staged ? staged.at(f.key) : field_get(f);
            std::string out;
            switch (f.type) {
                case Field::Type::Float: {
                    double v = std::atof(text.c_str());
                    const double lo = f.lo, hi = f.hi;
                    bool ch;
                    if (f.log_scale && lo > 0)
                        ch = ImGui::SliderScalar("##v", ImGuiDataType_Double, &v, &lo, &hi, "%.4g",
                                                 ImGuiSliderFlags_Logarithmic | ImGuiSliderFlags_AlwaysClamp |
                                                     ImGuiSliderFlags_NoRoundToFormat);
                    else if (hi - lo <= 1e6)
                        ch = ImGui::SliderScalar("##v", ImGuiDataType_Double, &v, &lo, &hi, "%.4g",
                                                 ImGuiSliderFlags_AlwaysClamp | ImGuiSliderFlags_NoRoundToFormat);
                    else
                        ch = ImGui::InputDouble("##v", &v, 0, 0, "%.6g", ImGuiInputTextFlags_EnterReturnsTrue);
                    if (ch) {
                        char b[64];
                        std::snprintf(b, sizeof b, "%.9g", std::clamp(v, lo, hi));
                        out = b;
                    }
                    break;
                }
                case Field::Type::Int: {
                    int v = std::atoi(text.c_str());
                    const int lo = int(f.lo), hi = int(f.hi);
                    bool ch;
                    if (double(hi) - double(lo) <= 1e5) {
                        const bool lg = lo > 0 && hi / std::max(1, lo) >= 100;
                        ch = ImGui::SliderInt("##v", &v, lo, hi, "%d",
                                              ImGuiSliderFlags_AlwaysClamp | (lg ? ImGuiSliderFlags_Logarithmic : 0));
                    } else {
                        ch = ImGui::InputInt("##v", &v, 0, 0, ImGuiInputTextFlags_EnterReturnsTrue);
                    }
                    if (ch) {
                        v = std::clamp(v, lo, hi);
                        if (f.step > 1) v = lo + (v - lo) / f.step * f.step;   // snap to the grid
                        out = std::to_string(v);
                    }
                    break;
                }
                case Field::Type::Bool: {
                    bool v = text == "true";
                    if (ImGui::Checkbox("##v", &v)) out = v ? "true" : "false";
                    break;
                }
                case Field::Type::Choice: {
                    if (ImGui::BeginCombo("##v", text.c_str())) {
                        for (const auto& c : f.choices)
                            if (ImGui::Selectable(c.c_str(), c == text)) out = c;
                        ImGui::EndCombo();
                    }
                    break;
                }
            }
            if (!out.empty() && out != text) {
                const std::string err = lab.edit_field(f.key, out);
                if (!err.empty()) lab.note(err, true);
            }
            ImGui::TableSetColumnIndex(2);
            if (!f.unit.empty()) {
                ImGui::TextColored(kDim, "%s", f.unit.c_str());
                ImGui::SameLine();
            }
            help_marker(tip);
            ImGui::PopID();
        }
        ImGui::EndTable();
    }
}

void draw_params_panel(Lab& lab) {
    if (ImGui::Begin("Hyperparameters")) draw_params_contents(lab);
    ImGui::End();
}

}  // namespace ps::gui
