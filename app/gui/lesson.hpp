// Lessons: a guided walk through the lab, one small Markdown file of steps (the format is
// docs/lessons.md). Each step has a title, a caption (what to watch and why) and actions — the
// same actions as the lab's scripted ones (open a task, set a value, play to step t, scrub,
// track a synapse, open a twin, train) — plus the views it is about, which presentation mode
// shows large. Parsing is plain text (no GUI): a bad file gives one error naming its line.
#pragma once
#include <string>
#include <vector>

namespace ps::gui {

struct LessonStep {
    std::string title;
    std::string caption;                  // paragraphs separated by blank lines
    std::vector<std::string> actions;     // "task=patterns", "play-to=40", ... in order
    std::vector<int> action_lines;        // the file line of each action (for errors)
    std::vector<std::string> show;        // window names to show large ("Matrices", "Activity", ...)
    int line = 0;                         // the step's heading line
};

struct Lesson {
    std::string path, title, summary;
    int minutes = 0;
    std::vector<LessonStep> steps;
};

// The windows a step may name in `show:`.
const std::vector<std::string>& lesson_views();

// Parses a lesson; throws std::runtime_error("FILE line N: what is wrong"). `known_action`
// says whether an action name exists (the lab's script table).
Lesson parse_lesson(const std::string& text, const std::string& path,
                    bool (*known_action)(const std::string& name));
Lesson load_lesson(const std::string& path, bool (*known_action)(const std::string& name));

}  // namespace ps::gui
