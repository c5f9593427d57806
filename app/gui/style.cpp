// The lab's look: colours and spacing (square corners: llvmpipe pays per triangle) and the
// font (DejaVu Sans with Greek and maths symbols when installed, else ImGui's own).
#include "gui/style.hpp"
#include <imgui.h>
#include <cmath>
#include <filesystem>

namespace ps::gui {

namespace {
ImFont* g_caption = nullptr;
}  // namespace

ImFont* caption_font() { return g_caption; }

void setup_style(float scale) {
    ImGui::GetStyle() = ImGuiStyle();
    ImGui::StyleColorsDark();
    ImGuiStyle& s = ImGui::GetStyle();
    // Square corners: a rounded frame is ~90 triangles with its anti-aliased fringe, a square
    // one 2, and llvmpipe pays per triangle (a frame of this UI drops from ~11k to ~5k).
    s.WindowRounding = 0;
    s.ChildRounding = 0;
    s.FrameRounding = 0;
    s.GrabRounding = 0;
    s.PopupRounding = 2;
    s.TabRounding = 0;
    s.ScrollbarRounding = 0;
    s.WindowPadding = ImVec2(9, 7);
    s.FramePadding = ImVec2(7, 3);
    s.ItemSpacing = ImVec2(7, 5);
    s.WindowBorderSize = 1;
    s.ChildBorderSize = 0;
    ImVec4* c = s.Colors;
    c[ImGuiCol_WindowBg] = ImVec4(0.085f, 0.09f, 0.105f, 1.0f);
    c[ImGuiCol_ChildBg] = ImVec4(0, 0, 0, 0);
    c[ImGuiCol_PopupBg] = ImVec4(0.10f, 0.105f, 0.125f, 1.0f);
    c[ImGuiCol_Border] = ImVec4(1, 1, 1, 0.08f);
    c[ImGuiCol_TitleBg] = ImVec4(0.11f, 0.12f, 0.14f, 1);
    c[ImGuiCol_TitleBgActive] = ImVec4(0.15f, 0.22f, 0.33f, 1);
    c[ImGuiCol_MenuBarBg] = ImVec4(0, 0, 0, 0);   // the clear colour shows through (see Lab::place)
    c[ImGuiCol_FrameBg] = ImVec4(0.16f, 0.17f, 0.20f, 1);
    c[ImGuiCol_FrameBgHovered] = ImVec4(0.22f, 0.25f, 0.30f, 1);
    c[ImGuiCol_FrameBgActive] = ImVec4(0.26f, 0.30f, 0.37f, 1);
    c[ImGuiCol_Button] = ImVec4(0.20f, 0.25f, 0.33f, 1);
    c[ImGuiCol_ButtonHovered] = ImVec4(0.28f, 0.36f, 0.48f, 1);
    c[ImGuiCol_ButtonActive] = ImVec4(0.33f, 0.43f, 0.58f, 1);
    c[ImGuiCol_Header] = ImVec4(0.20f, 0.25f, 0.33f, 1);
    c[ImGuiCol_HeaderHovered] = ImVec4(0.28f, 0.36f, 0.48f, 1);
    c[ImGuiCol_SliderGrab] = ImVec4(0.45f, 0.62f, 0.90f, 1);
    c[ImGuiCol_CheckMark] = ImVec4(0.55f, 0.75f, 1.0f, 1);
    c[ImGuiCol_TableRowBgAlt] = ImVec4(1, 1, 1, 0.025f);
    c[ImGuiCol_PlotHistogram] = ImVec4(0.30f, 0.50f, 0.80f, 1);
    if (scale != 1.0f) s.ScaleAllSizes(scale);
}

void load_fonts(float scale) {
    ImGuiIO& io = ImGui::GetIO();
    io.Fonts->Clear();
    g_caption = nullptr;
    for (const char* f : {"/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", "/usr/share/fonts/TTF/DejaVuSans.ttf"}) {
        std::error_code ec;
        // Latin, Greek (eta, alpha), punctuation, arrows, sub/superscripts, maths, shapes.
        static const ImWchar ranges[] = {0x0020, 0x00FF, 0x0370, 0x03FF, 0x2000, 0x206F, 0x2070, 0x209F,
                                         0x2190, 0x21FF, 0x2200, 0x22FF, 0x25A0, 0x25FF, 0};
        if (!std::filesystem::is_regular_file(f, ec)) continue;
        if (io.Fonts->AddFontFromFileTTF(f, std::round(15.0f * scale), nullptr, ranges)) {
            g_caption = io.Fonts->AddFontFromFileTTF(f, std::round(20.0f * scale), nullptr, ranges);
            return;
        }
    }
    ImFontConfig c;   // no DejaVu: ImGui's built-in bitmap font, scaled as a whole
    c.SizePixels = std::round(13.0f * scale);
    io.Fonts->AddFontDefault(&c);
}

}  // namespace ps::gui
