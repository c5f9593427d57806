// run_gui: the GLFW window, Dear ImGui setup, the frame loop (keys, scripted steps, screenshots,
// frame-time benchmark) and orderly shutdown. The lab itself is in lab.hpp.
#include "gui/gl.hpp"   // before GLFW: glcorearb.h, not GL/gl.h
#define GLFW_INCLUDE_NONE
#include <GLFW/glfw3.h>
#include <imgui.h>
#include <imgui_impl_glfw.h>
#include <imgui_impl_opengl3.h>

#include <algorithm>
#include <cfloat>
#include <cstdlib>
#include <chrono>
#include <ctime>
#include <thread>
#include <cstdio>
#include <filesystem>
#include <cmath>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "gui/gui.hpp"
#include "gui/lab.hpp"
#include "gui/options.hpp"
#include "gui/settings.hpp"
#include "rng.hpp"
#include "task.hpp"

namespace ps {

namespace {
std::string g_glfw_error;   // last GLFW error (reported by us, in one line)

double thread_cpu_ms() {   // CPU time of the calling thread (the GUI thread)
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return double(ts.tv_sec) * 1e3 + double(ts.tv_nsec) * 1e-6;
}

double now_ms() {
    return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

void setup_style() {
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
}

void load_fonts() {
    ImGuiIO& io = ImGui::GetIO();
    for (const char* f : {"/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
                          "/usr/share/fonts/TTF/DejaVuSans.ttf"}) {
        std::error_code ec;
        // Latin, Greek (eta, alpha), punctuation, arrows, sub/superscripts, maths, shapes.
        static const ImWchar ranges[] = {0x0020, 0x00FF, 0x0370, 0x03FF, 0x2000, 0x206F, 0x2070, 0x209F,
                                         0x2190, 0x21FF, 0x2200, 0x22FF, 0x25A0, 0x25FF, 0};
        if (std::filesystem::is_regular_file(f, ec) && io.Fonts->AddFontFromFileTTF(f, 15.0f, nullptr, ranges)) return;
    }
    io.Fonts->AddFontDefault();   // no DejaVu: ImGui's built-in bitmap font
}

double percentile(std::vector<double> v, double p) {
    if (v.empty()) return 0;
    std::sort(v.begin(), v.end());
    const double idx = p * double(v.size() - 1);
    const size_t i = size_t(idx);
    const double f = idx - double(i);
    return i + 1 < v.size() ? v[i] * (1 - f) + v[i + 1] * f : v[i];
}
}  // namespace

int run_gui(const std::vector<std::string>& args) {
    gui::GuiOptions opt;
    try {
        opt = gui::parse_gui_options(args);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "plastiscope: %s\n", e.what());
        return 2;
    }
    if (opt.help) {
        std::fputs(gui::gui_usage().c_str(), stdout);
        return 0;
    }
    if (opt.list_tasks) {
        for (const auto& e : task_registry()) std::printf("%s\n", e.name.c_str());
        return 0;
    }

    glfwSetErrorCallback([](int code, const char* msg) { g_glfw_error = std::to_string(code) + ": " + msg; });
    if (!glfwInit()) {
        std::fprintf(stderr,
                     "plastiscope: no display (DISPLAY is not set or cannot be opened); use `plastiscope --headless` "
                     "or `plastiscope train --task NAME` to train in a terminal\n");
        return 1;
    }
    glfwWindowHint(GLFW_CONTEXT_VERSION_MAJOR, 3);
    glfwWindowHint(GLFW_CONTEXT_VERSION_MINOR, 3);
    glfwWindowHint(GLFW_OPENGL_PROFILE, GLFW_OPENGL_CORE_PROFILE);
    glfwWindowHint(GLFW_OPENGL_FORWARD_COMPAT, GLFW_TRUE);
    const bool batch = opt.frames > 0 || opt.bench_frames > 0 || opt.monkey_seconds > 0;
    GLFWwindow* win = glfwCreateWindow(opt.width, opt.height, "Plastiscope", nullptr, nullptr);
    if (!win) {
        std::fprintf(stderr, "plastiscope: cannot open an OpenGL 3.3 window (%s)\n", g_glfw_error.c_str());
        glfwTerminate();
        return 1;
    }
    glfwMakeContextCurrent(win);
    glfwSwapInterval(batch ? 0 : 1);

    IMGUI_CHECKVERSION();
    ImGui::CreateContext();
    ImGuiIO& io = ImGui::GetIO();
    const std::string cfg_dir = gui::config_dir();
    static std::string ini_path;   // ImGui keeps the pointer
    ini_path = cfg_dir.empty() ? "" : cfg_dir + "/imgui.ini";
    io.IniFilename = ini_path.empty() ? nullptr : ini_path.c_str();
    setup_style();
    load_fonts();
    ImGui_ImplGlfw_InitForOpenGL(win, true);
    ImGui_ImplOpenGL3_Init("#version 330 core");

    int rc = 0;
    {
        gui::Lab lab(opt);
        const std::string err = lab.open_initial(gui::load_ui_state(cfg_dir));
        if (!err.empty()) {
            std::fprintf(stderr, "plastiscope: %s\n", err.c_str());
            rc = 2;
        }
        lab.enable_async_builds();   // from now on networks are built off the GUI thread
        auto script = opt.script;
        std::stable_sort(script.begin(), script.end(),
                         [](const gui::ScriptStep& a, const gui::ScriptStep& b) { return a.frame < b.frame; });
        size_t si = 0;
        const int warmup = 30;
        const int total_frames = opt.bench_frames > 0 ? warmup + opt.bench_frames
                                 : opt.frames > 0       ? opt.frames
                                                        : 1 << 30;   // --monkey: until its time is up
        if (opt.bench_frames > 0) {   // the benchmark's conditions: the network plays, the trainer runs
            lab.play(true);
            lab.train_start();
        }
        // --monkey: random pointer moves, clicks, drags, wheel and shortcut keys (deterministic).
        lab.monkey = opt.monkey_seconds > 0;
        Rng monkey_rng(12345);
        int monkey_key = -1, monkey_drag = 0;
        ImVec2 monkey_pos(float(opt.width) / 2, float(opt.height) / 2);
        const double monkey_end = now_ms() + opt.monkey_seconds * 1000.0;
        std::vector<double> frame_ms;
        std::string window_task;
        double phase_ms[4] = {0, 0, 0, 0};
        double cpu_at_warmup = 0;
        double t_prev = now_ms(), t_last_update = t_prev;
        bool updated_early = false;
        // The longest frame (issue 9: extreme settings must not freeze the app for more than a
        // second), leaving out the first frames (start-up) and frames that ran a scripted
        // wait-train (a test's own deliberate block).
        double stall_ms = 0;
        int stall_frame = -1, unmeasured_until = 2;
        // Script frames: --at FRAME and --frames count only frames in which no network is being
        // built (a build runs beside the frame loop, for as many frames as it takes), so a script
        // sees the same sequence however long a build lasts.
        int sframe = 0;
        for (int frame = 0; rc == 0; ++frame) {
            const bool held = lab.building();
            // A batch run has nothing to show meanwhile: leave the core to the build.
            if (held && batch) std::this_thread::sleep_for(std::chrono::milliseconds(5));
            if (!batch && !lab.animating() && si >= script.size()) glfwWaitEventsTimeout(0.25);
            else glfwPollEvents();
            if (glfwWindowShouldClose(win) || lab.quit_requested()) break;
            while (!held && si < script.size() && script[si].frame <= sframe) {
                if (script[si].action == "wait-train") unmeasured_until = std::max(unmeasured_until, frame);
                if (script[si].action == "panel") unmeasured_until = std::max(unmeasured_until, frame + 1);   // runs next frame
                const std::string e = lab.run_script(script[si]);
                if (!e.empty()) {
                    std::fprintf(stderr, "plastiscope: --at %d %s: %s\n", script[si].frame, script[si].action.c_str(),
                                 e.c_str());
                    rc = 3;
                }
                ++si;
            }

            ImGui_ImplOpenGL3_NewFrame();
            if (frame == 0) {   // the backend made the font atlas texture in its first NewFrame
                // Glyphs and rectangles are drawn at whole pixels, 1:1 with the atlas, so nearest
                // sampling gives the same image as bilinear; on llvmpipe it shades each pixel
                // several times cheaper (one fetch instead of four), and the ImGui quads are
                // most of a frame's rasterisation cost.
                glBindTexture(GL_TEXTURE_2D, GLuint(reinterpret_cast<intptr_t>(io.Fonts->TexID)));
                glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, GL_NEAREST);
                glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, GL_NEAREST);
            }
            ImGui_ImplGlfw_NewFrame();
            // Batch runs (tests, figures, benchmarks) ignore the pointer: Xvfb parks it mid-screen.
            if (batch) io.MousePos = ImVec2(-FLT_MAX, -FLT_MAX);
            if (lab.monkey) {
                if (now_ms() > monkey_end) break;
                Rng& r = monkey_rng;
                if (monkey_key >= 0) io.KeysDown[monkey_key] = false;
                monkey_key = -1;
                if (monkey_drag > 0) {   // dragging: small moves with the button held
                    monkey_pos.x += float(r.uniform(-25, 25));
                    monkey_pos.y += float(r.uniform(-25, 25));
                    io.MouseDown[0] = --monkey_drag > 0;
                } else {
                    if (r.uniform() < 0.6) monkey_pos = ImVec2(float(r.uniform(0, opt.width)), float(r.uniform(0, opt.height)));
                    const double u = r.uniform();
                    io.MouseDown[0] = u < 0.25;
                    io.MouseDown[1] = u > 0.98;
                    if (u < 0.05) monkey_drag = 2 + int(r.below(6));
                }
                io.MousePos = monkey_pos;
                if (r.uniform() < 0.08) io.MouseWheel += r.uniform() < 0.5 ? -1.0f : 1.0f;
                if (r.uniform() < 0.04) {
                    static const int keys[] = {GLFW_KEY_SPACE, GLFW_KEY_RIGHT, GLFW_KEY_R, GLFW_KEY_N, GLFW_KEY_F1,
                                               GLFW_KEY_ESCAPE, GLFW_KEY_ENTER};
                    monkey_key = keys[r.below(sizeof keys / sizeof keys[0])];
                    io.KeysDown[monkey_key] = true;
                }
            }
            ImGui::NewFrame();
            // Keys act on the lab unless the user is typing in a field.
            if (!io.WantTextInput && !ImGui::IsAnyItemActive()) {
                if (ImGui::IsKeyPressed(GLFW_KEY_SPACE, false)) lab.play(!lab.playing());
                if (!lab.keys_captured() && ImGui::IsKeyPressed(GLFW_KEY_RIGHT, true)) lab.step_once();
                if (ImGui::IsKeyPressed(GLFW_KEY_R, false) && !io.KeyCtrl) lab.restart_episode();
                if (ImGui::IsKeyPressed(GLFW_KEY_N, false) && !io.KeyCtrl) lab.new_episode();
                if (ImGui::IsKeyPressed(GLFW_KEY_F1, false)) lab.show_help = !lab.show_help;
                if (ImGui::IsKeyPressed(GLFW_KEY_Q, false) && io.KeyCtrl) lab.request_quit();
            }
            // The lab's clock runs from one update to the next (an update may run early, below).
            auto update_lab = [&] {
                const double t = now_ms();
                lab.update(std::clamp((t - t_last_update) / 1000.0, 0.0, 0.25));
                t_last_update = t;
                return now_ms() - t;
            };
            double update_ms = 0;
            if (!updated_early) update_ms = update_lab();
            updated_early = false;
            const double t_b = now_ms();
            gui::gl_frame_begin();
            lab.draw();
            if (lab.task_name() != window_task) {   // the title names what is open
                window_task = lab.task_name();
                glfwSetWindowTitle(win, ("Plastiscope - " + window_task).c_str());
            }
            ImGui::Render();
            const double t_c = now_ms();

            int fbw = 0, fbh = 0;
            glfwGetFramebufferSize(win, &fbw, &fbh);
            glBindFramebuffer(GL_FRAMEBUFFER, 0);
            glViewport(0, 0, fbw, fbh);
            const ImVec4 bg = ImGui::GetStyle().Colors[ImGuiCol_WindowBg];   // panels skip their own bg
            glClearColor(bg.x, bg.y, bg.z, 1.0f);
            glClear(GL_COLOR_BUFFER_BIT);
            ImGui_ImplOpenGL3_RenderDrawData(ImGui::GetDrawData());

            const bool last = batch && !held && !lab.building() && sframe + 1 >= total_frames;
            std::string shot = lab.take_screenshot_request();
            if (last && !opt.screenshot.empty()) shot = opt.screenshot;
            if (!shot.empty()) {   // the back buffer, before the swap
                glReadBuffer(GL_BACK);
                const std::string e = gui::write_png_from_framebuffer(shot, fbw, fbh);
                if (!e.empty()) {
                    if (last && shot == opt.screenshot) {
                        std::fprintf(stderr, "plastiscope: cannot write screenshot %s: %s\n", shot.c_str(), e.c_str());
                        rc = 1;
                    } else {
                        lab.show_error("Cannot save screenshot", shot + ": " + e);
                    }
                } else {
                    lab.note("saved screenshot " + shot);
                    if (batch) std::printf("wrote %s (%dx%d)\n", shot.c_str(), fbw, fbh);
                }
            }
            double t_d = now_ms();
            // Overlap: glFlush hands the frame to llvmpipe's rasteriser threads, and this thread
            // steps the network for the next frame meanwhile (Lab::update makes no GL call),
            // instead of waiting in the swap. Not before a frame with a scripted action, so
            // scripts see the same order as before (action, then that frame's update).
            if (!last && (si >= script.size() || script[si].frame > sframe + 1)) {
                glFlush();
                update_ms = update_lab();
                updated_early = true;
                t_d = now_ms();
            }
            glfwSwapBuffers(win);
            const double t_end = now_ms();
            if (frame + 1 == warmup) cpu_at_warmup = thread_cpu_ms();
            if (frame >= warmup) {
                frame_ms.push_back(t_end - t_prev);
                phase_ms[0] += update_ms;   // stepping + trainer sync (early or not)
                phase_ms[1] += t_c - t_b;   // widgets + uploads + colormap passes
                phase_ms[2] += t_d - t_c - (updated_early ? update_ms : 0);   // ImGui draw data -> GL
                phase_ms[3] += t_end - t_d; // swap: llvmpipe finishes the frame (minus the early update)
            }
            if (frame > unmeasured_until && t_end - t_prev > stall_ms) {
                stall_ms = t_end - t_prev;
                stall_frame = frame;
            }
            t_prev = t_end;
            if (!held) ++sframe;
            if (last) break;
        }
        if (batch && rc != 3) {
            std::printf("%s longest_frame_ms=%.0f longest_frame=%d\n", lab.summary().c_str(), stall_ms, stall_frame);
            for (const auto& r : lab.view_rects()) std::printf("%s\n", r.c_str());
        }
        if (opt.bench_frames > 0 && !frame_ms.empty()) {
            double sum = 0;
            for (double v : frame_ms) sum += v;
            std::printf("frame time over %zu frames (after %d warm-up), %dx%d window: median %.2f ms, p95 %.2f ms, "
                        "mean %.2f ms, max %.2f ms; trainer iterations %lld\n",
                        frame_ms.size(), warmup, opt.width, opt.height, percentile(frame_ms, 0.5),
                        percentile(frame_ms, 0.95), sum / double(frame_ms.size()),
                        *std::max_element(frame_ms.begin(), frame_ms.end()),
                        static_cast<long long>(lab.train_iterations()));
            const double n = double(frame_ms.size());
            std::printf("mean per frame: update %.2f ms, widgets %.2f ms, render %.2f ms, swap %.2f ms; "
                        "last frame %d vertices, %d triangles\n",
                        phase_ms[0] / n, phase_ms[1] / n, phase_ms[2] / n, phase_ms[3] / n, io.MetricsRenderVertices,
                        io.MetricsRenderIndices / 3);
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
            std::printf("last frame: %d draw commands, %.0fk shaded pixels; GUI thread CPU %.2f ms per frame (%s)\n",
                        cmds, area / 1000, (thread_cpu_ms() - cpu_at_warmup) / n,
                        inline_raster ? "LP_NUM_THREADS=0: includes llvmpipe's rasterisation"
                                      : "llvmpipe rasterises on its own threads; LP_NUM_THREADS=0 counts it here");
        }
        if (rc == 0 || rc == 3) {
            const std::string e = gui::save_ui_state(cfg_dir, lab.ui_state());
            if (!e.empty() && !batch) std::fprintf(stderr, "plastiscope: settings not saved: %s\n", e.c_str());
        }
        lab.train_stop();
    }   // the lab's GL objects go while the context is current
    gui::gl_shutdown_shared();
    ImGui_ImplOpenGL3_Shutdown();
    ImGui_ImplGlfw_Shutdown();
    ImGui::DestroyContext();
    glfwDestroyWindow(win);
    glfwTerminate();
    return rc;
}

}  // namespace ps
