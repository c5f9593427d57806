// Lesson files (see lesson.hpp and docs/lessons.md).
#include "gui/lesson.hpp"
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace ps::gui {

namespace {
std::string trim(const std::string& s) {
    const auto a = s.find_first_not_of(" \t\r");
    if (a == std::string::npos) return "";
    const auto b = s.find_last_not_of(" \t\r");
    return s.substr(a, b - a + 1);
}
std::vector<std::string> split_on(const std::string& s, char sep) {
    std::vector<std::string> out;
    std::string cur;
    for (char c : s) {
        if (c == sep) {
            out.push_back(trim(cur));
            cur.clear();
        } else {
            cur += c;
        }
    }
    out.push_back(trim(cur));
    return out;
}
}  // namespace

const std::vector<std::string>& lesson_views() {
    static const std::vector<std::string> v = {"Matrices", "Activity", "Tracker", "Curves", "Task view",
                                               "Transport", "Training", "Hyperparameters"};
    return v;
}

Lesson parse_lesson(const std::string& text, const std::string& path, bool (*known_action)(const std::string&)) {
    Lesson L;
    L.path = path;
    std::istringstream in(text);
    std::string raw;
    int n = 0;
    auto fail = [&](const std::string& what) -> void {
        throw std::runtime_error(path + " line " + std::to_string(n) + ": " + what);
    };
    enum { Start, Header, Body } state = Start;
    bool blank_pending = false;
    while (std::getline(in, raw)) {
        ++n;
        const std::string line = trim(raw);
        if (state == Start) {
            if (line.empty()) continue;
            if (line != "---") fail("a lesson starts with a '---' header (title:, minutes:, summary:)");
            state = Header;
            continue;
        }
        if (state == Header) {
            if (line == "---") {
                if (L.title.empty()) fail("the header has no 'title:'");
                if (L.minutes <= 0) fail("the header has no 'minutes:' (1 to 10)");
                state = Body;
                continue;
            }
            if (line.empty()) continue;
            const auto colon = line.find(':');
            if (colon == std::string::npos) fail("expected 'key: value' in the header, got '" + line + "'");
            const std::string k = trim(line.substr(0, colon)), v = trim(line.substr(colon + 1));
            if (k == "title") {
                L.title = v;
            } else if (k == "summary") {
                L.summary = v;
            } else if (k == "minutes") {
                char* end = nullptr;
                const long m = std::strtol(v.c_str(), &end, 10);
                if (v.empty() || *end || m < 1 || m > 10) fail("minutes must be a whole number from 1 to 10, got '" + v + "'");
                L.minutes = int(m);
            } else {
                fail("unknown header key '" + k + "' (title, summary, minutes)");
            }
            continue;
        }
        // Body: steps.
        if (line.rfind("# ", 0) == 0) {
            LessonStep s;
            s.title = trim(line.substr(2));
            s.line = n;
            if (s.title.empty()) fail("a step heading needs a title");
            L.steps.push_back(std::move(s));
            blank_pending = false;
            continue;
        }
        if (L.steps.empty()) {
            if (line.empty()) continue;
            fail("text before the first step: a step begins with '# Title'");
        }
        LessonStep& s = L.steps.back();
        if (line.rfind("do:", 0) == 0) {
            for (const std::string& a : split_on(line.substr(3), ';')) {
                if (a.empty()) fail("an empty action in 'do:' (actions are separated by semicolons)");
                const std::string name = a.substr(0, a.find('='));
                if (!known_action(name)) fail("unknown action '" + name + "'");
                s.actions.push_back(a);
                s.action_lines.push_back(n);
            }
            continue;
        }
        if (line.rfind("show:", 0) == 0) {
            for (const std::string& v : split_on(line.substr(5), ',')) {
                bool ok = false;
                for (const auto& k : lesson_views()) ok = ok || k == v;
                if (!ok) {
                    std::string known;
                    for (const auto& k : lesson_views()) known += (known.empty() ? "" : ", ") + k;
                    fail("unknown view '" + v + "' in 'show:' (" + known + ")");
                }
                s.show.push_back(v);
            }
            continue;
        }
        if (line.empty()) {
            blank_pending = !s.caption.empty();
            continue;
        }
        if (!s.caption.empty()) s.caption += blank_pending ? "\n\n" : " ";
        s.caption += line;
        blank_pending = false;
    }
    if (state != Body) {
        n = std::max(n, 1);
        fail(state == Start ? "the file is empty: a lesson starts with a '---' header" : "the header is not closed by '---'");
    }
    if (L.steps.empty()) fail("no step: each step begins with '# Title'");
    for (const auto& s : L.steps)
        if (s.caption.empty()) {
            n = s.line;
            fail("step '" + s.title + "' has no caption");
        }
    return L;
}

Lesson load_lesson(const std::string& path, bool (*known_action)(const std::string&)) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw std::runtime_error(path + ": cannot read the lesson file");
    std::stringstream ss;
    ss << in.rdbuf();
    if (ss.str().size() > (1 << 20)) throw std::runtime_error(path + ": not a lesson (over 1 MB)");
    return parse_lesson(ss.str(), path, known_action);
}

}  // namespace ps::gui
