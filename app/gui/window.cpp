// run_gui: the GLFW window, Dear ImGui set-up, the frame loop and orderly shutdown. Per frame:
// scripted steps, input (keys, or the monkey's), the lab's update and drawing, the screenshot
// of a batch run, the frame's timing. The lab itself is in lab.hpp.
#include "gui/gl.hpp"   // before GLFW: glcorearb.h, not GL/gl.h
#define GLFW_INCLUDE_NONE
#include <GLFW/glfw3.h>
#include <imgui.h>
#include <imgui_impl_glfw.h>
#include <imgui_impl_opengl3.h>

#include <algorithm>
#include <cfloat>
#include <chrono>
#include <cstdio>
#include <string>
#include <thread>
#include <vector>

#include "gui/frame_stats.hpp"
#include "gui/gui.hpp"
#include "gui/lab.hpp"
#include "gui/monkey.hpp"
#include "gui/options.hpp"
#include "gui/script.hpp"
#include "gui/settings.hpp"
#include "gui/style.hpp"
#include "interactive.hpp"
#include "omniglot/dataset.hpp"

namespace ps {

namespace {
std::string g_glfw_error;   // last GLFW error (reported by us, in one line)

double now_ms() {
    return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

// Keys act on the lab unless the user is typing in a field.
// Returns what the keys did, for the frame log ("" if nothing).
std::string handle_keys(gui::Lab& lab) {
    const ImGuiIO& io = ImGui::GetIO();
    if (io.WantTextInput || ImGui::IsAnyItemActive()) return "";
    std::string did;
    auto key = [&](int k, bool repeat, const char* name) {
        const bool p = ImGui::IsKeyPressed(k, repeat);
        if (p) did += std::string(did.empty() ? "" : ";") + "key " + name;
        return p;
    };
    if (key(GLFW_KEY_SPACE, false, "space")) lab.live.play(!lab.live.playing());
    if (!lab.keys_captured() && key(GLFW_KEY_RIGHT, true, "right")) lab.live.step_once();
    // Back one step of the recorded episode (while paused: playing moves on by itself).
    if (!lab.keys_captured() && !lab.live.playing() && key(GLFW_KEY_LEFT, true, "left"))
        lab.live.seek(lab.live.t() - 1);
    if (!io.KeyCtrl && key(GLFW_KEY_R, false, "R")) lab.live.restart();
    if (!io.KeyCtrl && key(GLFW_KEY_N, false, "N")) lab.live.new_episode();
    if (ImGui::IsKeyPressed(GLFW_KEY_F1, false)) lab.show_help = !lab.show_help;
    if (ImGui::IsKeyPressed(GLFW_KEY_F5, false)) lab.view.presentation = !lab.view.presentation;
    if (ImGui::IsKeyPressed(GLFW_KEY_PAGE_DOWN, false)) lab.lessons.next();
    if (ImGui::IsKeyPressed(GLFW_KEY_PAGE_UP, false)) lab.lessons.back();
    if (io.KeyCtrl && (ImGui::IsKeyPressed(GLFW_KEY_EQUAL, false) || ImGui::IsKeyPressed(GLFW_KEY_KP_ADD, false)))
        lab.set_ui_scale(lab.ui_scale() + 0.25f);
    if (io.KeyCtrl && (ImGui::IsKeyPressed(GLFW_KEY_MINUS, false) || ImGui::IsKeyPressed(GLFW_KEY_KP_SUBTRACT, false)))
        lab.set_ui_scale(lab.ui_scale() - 0.25f);
    if (io.KeyCtrl && ImGui::IsKeyPressed(GLFW_KEY_0, false)) lab.set_ui_scale(1.0f);
    if (ImGui::IsKeyPressed(GLFW_KEY_Q, false) && io.KeyCtrl) lab.request_quit();
    return did;
}

// Writes a requested screenshot from the back buffer; returns false if the batch run must fail.
bool take_screenshot(gui::Lab& lab, const std::string& shot, bool required, bool batch, int fbw, int fbh) {
    glReadBuffer(GL_BACK);
    const std::string e = gui::write_png_from_framebuffer(shot, fbw, fbh);
    if (!e.empty()) {
        if (required) {
            std::fprintf(stderr, "plastiscope: cannot write screenshot %s: %s\n", shot.c_str(), e.c_str());
            return false;
        }
        lab.show_error("Cannot save screenshot", shot + ": " + e);
        return true;
    }
    lab.note("saved screenshot " + shot);
    if (batch) std::printf("wrote %s (%dx%d)\n", shot.c_str(), fbw, fbh);
    return true;
}
}  // namespace

int run_gui(const std::vector<std::string>& args) {
    t_interactive = true;   // this thread draws frames: live views never wait for data (interactive.hpp)
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
    gui::setup_style();
    gui::load_fonts();
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
            lab.live.play(true);
            lab.training.start();
        }
        lab.monkey = opt.monkey_seconds > 0;
        gui::Monkey monkey(opt.width, opt.height);
        const double monkey_end = now_ms() + opt.monkey_seconds * 1000.0;
        gui::FrameStats stats(warmup);
        if (!opt.frame_log.empty()) {
            const std::string e = stats.open_log(opt.frame_log);
            if (!e.empty()) {
                std::fprintf(stderr, "plastiscope: %s\n", e.c_str());
                rc = 2;
            }
        }
        const double t_start = now_ms();
        std::string window_task;
        double t_prev = now_ms(), t_last_update = t_prev, cpu_prev = gui::thread_cpu_ms();
        bool updated_early = false;
        // The longest frame leaves out the first frames (start-up) and frames that ran a scripted
        // wait-train (a test's own deliberate block).
        int unmeasured_until = 2;
        // Script frames: --at FRAME and --frames count only frames in which no network is being
        // built (a build runs beside the frame loop, for as many frames as it takes), so a script
        // sees the same sequence however long a build lasts.
        int sframe = 0;
        bool font_texture_fresh = true;
        for (int frame = 0; rc == 0; ++frame) {
            const bool held = lab.building();
            // A batch run has nothing to show meanwhile: leave the core to the build.
            if (held && batch) std::this_thread::sleep_for(std::chrono::milliseconds(5));
            if (!batch && !lab.animating() && si >= script.size()) glfwWaitEventsTimeout(0.25);
            else glfwPollEvents();
            if (glfwWindowShouldClose(win) || lab.quit_requested()) break;
            const double t_script = now_ms();   // events done
            std::string actions;   // for the frame log
            while (!held && si < script.size() && script[si].frame <= sframe) {
                if (!opt.frame_log.empty())
                    actions += (actions.empty() ? "" : ";") + script[si].action + (script[si].arg.empty() ? "" : "=" + script[si].arg);
                if (script[si].action.rfind("wait-", 0) == 0) unmeasured_until = std::max(unmeasured_until, frame);
                if (script[si].action == "panel") unmeasured_until = std::max(unmeasured_until, frame + 1);
                const std::string e = gui::run_script(lab, script[si]);
                if (!e.empty()) {
                    std::fprintf(stderr, "plastiscope: --at %d %s: %s\n", script[si].frame, script[si].action.c_str(),
                                 e.c_str());
                    rc = 3;
                }
                ++si;
            }

            const double script_ms = now_ms() - t_script;
            if (lab.take_ui_scale_change()) {   // a new text size: fonts and spacing rebuilt between frames
                gui::setup_style(lab.ui_scale());
                gui::load_fonts(lab.ui_scale());
                ImGui_ImplOpenGL3_DestroyFontsTexture();
                ImGui_ImplOpenGL3_CreateFontsTexture();
                font_texture_fresh = true;
            }
            ImGui_ImplOpenGL3_NewFrame();
            if (font_texture_fresh) {   // the backend made the font atlas texture in this NewFrame
                font_texture_fresh = false;
                // Glyphs and rectangles are drawn at whole pixels, 1:1 with the atlas, so nearest
                // sampling gives the same image as bilinear; on llvmpipe it shades each pixel
                // several times cheaper (one fetch instead of four).
                glBindTexture(GL_TEXTURE_2D, GLuint(reinterpret_cast<intptr_t>(io.Fonts->TexID)));
                glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, GL_NEAREST);
                glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, GL_NEAREST);
            }
            ImGui_ImplGlfw_NewFrame();
            // Batch runs (tests, figures, benchmarks) ignore the pointer: Xvfb parks it mid-screen.
            if (batch) io.MousePos = ImVec2(-FLT_MAX, -FLT_MAX);
            if (lab.monkey) {
                if (now_ms() > monkey_end) break;
                monkey.feed(io);
            }
            ImGui::NewFrame();
            const std::string keys = handle_keys(lab);
            if (!keys.empty() && !opt.frame_log.empty()) actions += (actions.empty() ? "" : ";") + keys;
            // The lab's clock runs from one update to the next (an update may run early, below).
            auto update_lab = [&] {
                const double t = now_ms();
                lab.update(std::clamp((t - t_last_update) / 1000.0, 0.0, 0.25));
                t_last_update = t;
                return now_ms() - t;
            };
            const double t_prep_end = now_ms();
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
            std::string shot = lab.files.take_screenshot_request();
            const bool required = last && !opt.screenshot.empty();
            if (required) shot = opt.screenshot;
            const bool wrote_shot = !shot.empty();
            if (wrote_shot && !take_screenshot(lab, shot, required, batch, fbw, fbh)) rc = 1;
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
            if (frame + 1 == warmup) stats.mark_warmup_cpu();
            // Writing a screenshot (a PNG of the whole window) is the user's own wait, not a stall.
            const bool measured = frame > unmeasured_until && !wrote_shot;
            const double render_ms = t_d - t_c - (updated_early ? update_ms : 0);
            stats.add(frame, t_end - t_prev, update_ms, t_c - t_b, render_ms, t_end - t_d, measured);
            if (!opt.frame_log.empty()) {
                gui::FrameStats::FrameRecord r;
                r.frame = frame;
                r.t_s = (t_end - t_start) / 1000.0;
                r.total_ms = t_end - t_prev;
                r.wait_ms = t_script - t_prev;
                r.script_ms = script_ms;
                r.prep_ms = t_prep_end - t_script - script_ms;
                r.update_ms = update_ms;
                r.widgets_ms = t_c - t_b;
                r.render_ms = render_ms;
                r.swap_ms = t_end - t_d;
                const double cpu = gui::thread_cpu_ms();
                r.cpu_ms = cpu - cpu_prev;
                cpu_prev = cpu;
                r.measured = measured;
                r.building = held;
                r.task = lab.task_name() + (lab.live.has_task() ? "/" + lab.live.task().preset() : "");
                r.actions = actions + (wrote_shot ? (actions.empty() ? "" : ";") + std::string("(screenshot)") : "");
                stats.log(r);
            }
            t_prev = t_end;
            if (!held) ++sframe;
            if (last) break;
        }
        if (batch && rc != 3) {
            std::printf("%s longest_frame_ms=%.0f longest_frame=%d p999_frame_ms=%.0f\n", lab.summary().c_str(),
                        stats.longest_ms(), stats.longest_frame(), stats.measured_percentile(0.999));
            for (const auto& r : lab.view_rects()) std::printf("%s\n", r.c_str());
        }
        if (opt.bench_frames > 0)
            std::fputs(stats.bench_report(opt.width, opt.height, lab.training.iterations()).c_str(), stdout);
        if (rc == 0 || rc == 3) {
            const std::string e = gui::save_ui_state(cfg_dir, lab.ui_state());
            if (!e.empty() && !batch) std::fprintf(stderr, "plastiscope: settings not saved: %s\n", e.c_str());
        }
        lab.training.stop();
    }   // the lab's GL objects go while the context is current
    omni::charset_wait_all();   // a data set still loading for the live view (interactive.hpp)
    gui::gl_shutdown_shared();
    ImGui_ImplOpenGL3_Shutdown();
    ImGui_ImplGlfw_Shutdown();
    ImGui::DestroyContext();
    glfwDestroyWindow(win);
    glfwTerminate();
    return rc;
}

}  // namespace ps
