// File > Export (see exporter.hpp).
#include "gui/exporter.hpp"
#include <imgui.h>
#include <algorithm>
#include <filesystem>
#include <thread>
#include "gui/lab.hpp"
#include "gui/panels.hpp"
#include "recording_task.hpp"

namespace ps::gui {

namespace {
std::string lower_ext(const std::string& p) {
    std::string e = std::filesystem::path(p).extension().string();
    for (auto& c : e) c = char(std::tolower(static_cast<unsigned char>(c)));
    return e;
}
}  // namespace

std::string Exporter::start(const std::string& path) {
    if (busy()) return "an export is still running";
    if (!lab_.live.has_task() || !lab_.live.run()) return "no live network";
    const std::string ext = lower_ext(path);
    if (ext != ".gif" && ext != ".mp4" && ext != ".png") return "export to a .gif, .mp4 or .png file, not '" + path + "'";
    Task& task = lab_.live.task();
    // What the copy needs, taken on this thread (the job must not read the task the GUI steps).
    std::function<std::unique_ptr<Task>()> make;
    if (auto* rec = dynamic_cast<RecordingTask*>(&task)) {
        auto copy = std::make_shared<RecordingTask>(*rec);
        make = [copy] { return std::unique_ptr<Task>(new RecordingTask(*copy)); };
    } else {
        auto params = std::make_shared<ArrayMap>();
        task.save(*params, false);
        auto cfg = task_config(task);
        const std::string name = task.name();
        make = [name, cfg, params] {
            auto t = make_task(name);
            set_task_config(*t, cfg);
            t->init(1);
            t->load(*params, false);
            return t;
        };
    }
    const LiveHistory hist = lab_.live.run()->history();
    const int at = lab_.live.t();
    ExportOptions o = options;
    o.title = lab_.task_name() + " / " + task.preset();
    const std::string view = png_view;
    const int px = png_px;
    auto prog = progress_;
    prog->store(0.f);
    job_.start([=](const std::atomic<bool>& cancel) -> std::string {
        auto t = make();
        LiveRun run(*t);
        if (ext == ".png") {
            run.follow(hist, at);
            export_view_png(run, view, px, path);
            return "saved " + view + " at step " + std::to_string(at) + " as " + path;
        }
        run.follow(hist, 0);
        export_episode(run, o, path, [prog](int d, int n) { prog->store(float(d) / float(std::max(n, 1))); }, &cancel);
        return "saved the episode (" + std::to_string(run.frontier()) + " steps) as " + path;
    });
    lab_.note("exporting " + path + "...");
    return "";
}

void Exporter::poll() {
    if (!job_.finished()) return;
    if (auto r = job_.take()) lab_.note(*r);
    else lab_.show_error("Cannot export", job_.error());
}

void Exporter::wait() {
    while (job_.running()) std::this_thread::sleep_for(std::chrono::milliseconds(5));
    poll();
}

void Exporter::draw_window() {
    if (!open || !lab_.live.has_task()) return;
    const ImVec2 ds = ImGui::GetIO().DisplaySize;
    ImGui::SetNextWindowPos(ImVec2(ds.x / 2, ds.y / 2), ImGuiCond_Appearing, ImVec2(0.5f, 0.5f));
    ImGui::SetNextWindowSize(ImVec2(std::min(ds.x - 40, ImGui::GetFontSize() * 34), 0), ImGuiCond_Appearing);
    if (!ImGui::Begin("Export", &open, ImGuiWindowFlags_NoCollapse | ImGuiWindowFlags_NoSavedSettings)) {
        ImGui::End();
        return;
    }
    const LiveViews& v = lab_.live.views();
    std::vector<std::string> all = {"activity"};
    for (const auto& m : v.matrices) all.push_back(m.name);
    for (const auto& i : v.images) all.push_back(i.name);
    if (!chosen_init_) {
        for (const auto& n : export_views(v, ExportOptions())) chosen_.insert(n);
        chosen_init_ = true;
    }
    ImGui::TextUnformatted("The episode as an animation, every step a frame with its number:");
    ImGui::TextDisabled("views (side by side)");
    int k = 0;
    for (const auto& n : all) {
        bool on = chosen_.count(n) > 0;
        if (k++ % 3) ImGui::SameLine(ImGui::GetContentRegionAvail().x > 0 ? float(k % 3 == 2 ? 1 : 2) * ImGui::GetFontSize() * 11 : 0);
        if (ImGui::Checkbox(n.c_str(), &on)) {
            if (on) chosen_.insert(n);
            else chosen_.erase(n);
        }
    }
    options.views.assign(chosen_.begin(), chosen_.end());
    ImGui::SetNextItemWidth(ImGui::GetFontSize() * 8);
    ImGui::SliderInt("pixels per view", &options.cell, 64, 1024);
    ImGui::SameLine();
    ImGui::SetNextItemWidth(ImGui::GetFontSize() * 6);
    ImGui::SliderInt("frames/s", &options.fps, 1, 60);
    const bool files = !lab_.monkey;
    if (busy()) {
        ImGui::ProgressBar(progress(), ImVec2(-1, 0), "exporting...");
    } else {
        if (ImGui::Button("Save as GIF...") && files && !chosen_.empty()) lab_.files.dialog_export(".gif");
        ImGui::SameLine();
        if (ImGui::Button("Save as MP4...") && files && !chosen_.empty()) lab_.files.dialog_export(".mp4");
        if (chosen_.empty()) ImGui::TextDisabled("choose at least one view");
    }
    ImGui::Separator();
    ImGui::TextUnformatted("One view at this step as a picture:");
    if (png_view.empty() || std::find(all.begin(), all.end(), png_view) == all.end()) png_view = all.size() > 1 ? all[1] : all[0];
    ImGui::SetNextItemWidth(ImGui::GetFontSize() * 10);
    if (ImGui::BeginCombo("##pngview", png_view.c_str())) {
        for (const auto& n : all)
            if (ImGui::Selectable(n.c_str(), n == png_view)) png_view = n;
        ImGui::EndCombo();
    }
    ImGui::SameLine();
    ImGui::SetNextItemWidth(ImGui::GetFontSize() * 8);
    ImGui::SliderInt("pixels", &png_px, 256, 4096);
    ImGui::SameLine();
    if (ImGui::Button("Save PNG...") && files && !busy()) lab_.files.dialog_export(".png");
    ImGui::End();
}

}  // namespace ps::gui
