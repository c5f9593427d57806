// The lesson being followed: its steps, the one shown, and the actions still to run. A step's
// actions run in order over the next frames — one that opens a network waits for the build
// before the next action runs — so "task=maze, play-to=40" plays the new maze, not the old task.
#pragma once
#include <deque>
#include <optional>
#include <string>
#include "gui/lesson.hpp"

namespace ps::gui {

class Lab;

class LessonPlayer {
public:
    explicit LessonPlayer(Lab& lab) : lab_(lab) {}
    // Loads and starts a lesson at its first step; "" or the error (FILE line N: ...).
    std::string open(const std::string& path);
    void close();
    bool active() const { return lesson_.has_value(); }
    const Lesson& lesson() const { return *lesson_; }
    int step() const { return step_; }
    const LessonStep* current() const { return lesson_ && step_ >= 0 ? &lesson_->steps[size_t(step_)] : nullptr; }
    void go(int k);            // shows step k and runs its actions
    void next() { go(step_ + 1); }
    void back() { go(step_ - 1); }
    bool busy() const { return !pending_.empty(); }
    // Runs the pending actions that can run now (GUI thread, once per frame).
    void update();

private:
    struct Pending {
        std::string action;
        int line;
    };
    Lab& lab_;
    std::optional<Lesson> lesson_;
    int step_ = -1;
    std::deque<Pending> pending_;
};

// Whether a lesson may use this action name (the lab's script actions).
bool lesson_action_known(const std::string& name);

}  // namespace ps::gui
