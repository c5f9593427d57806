// Following a lesson (see lesson_player.hpp).
#include "gui/lesson_player.hpp"
#include <algorithm>
#include "gui/lab.hpp"
#include "gui/script.hpp"

namespace ps::gui {

bool lesson_action_known(const std::string& name) {
    const auto& a = script_actions();
    return std::find(a.begin(), a.end(), name) != a.end();
}

std::string LessonPlayer::open(const std::string& path) {
    try {
        lesson_ = load_lesson(path, lesson_action_known);
    } catch (const std::exception& e) {
        return e.what();
    }
    step_ = -1;
    lab_.view.presentation = true;
    lab_.reset_layout = true;
    go(0);
    lab_.note("lesson: " + lesson_->title + " (" + std::to_string(lesson_->steps.size()) + " steps, about " +
              std::to_string(lesson_->minutes) + " min)");
    return "";
}

void LessonPlayer::close() {
    lesson_.reset();
    step_ = -1;
    pending_.clear();
    lab_.reset_layout = true;
}

void LessonPlayer::go(int k) {
    if (!lesson_) return;
    k = std::clamp(k, 0, int(lesson_->steps.size()) - 1);
    step_ = k;
    pending_.clear();
    const LessonStep& s = lesson_->steps[size_t(k)];
    for (size_t i = 0; i < s.actions.size(); ++i) pending_.push_back({s.actions[i], s.action_lines[i]});
    lab_.reset_layout = true;
    update();
}

void LessonPlayer::update() {
    while (!pending_.empty() && !lab_.building()) {
        const Pending p = pending_.front();
        pending_.pop_front();
        ScriptStep st;
        st.action = p.action.substr(0, p.action.find('='));
        if (p.action.find('=') != std::string::npos) st.arg = p.action.substr(p.action.find('=') + 1);
        const std::string err = run_script(lab_, st);
        if (!err.empty()) {
            lab_.show_error("Lesson", lesson_->path + " line " + std::to_string(p.line) + ": " + err);
            pending_.clear();
        }
    }
}

}  // namespace ps::gui
