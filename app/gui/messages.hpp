// What the lab tells the user: a log of notes (the status line shows the newest; hovering it
// shows the last ones) and the error popup (one at a time; each error is also logged).
#pragma once
#include <deque>
#include <string>

namespace ps::gui {

class Messages {
public:
    struct Line {
        double time;
        std::string text;
        bool error;
    };
    void note(const std::string& text, bool error, double clock);
    void error(const std::string& title, const std::string& text, double clock);
    void dismiss() { open_ = false; }
    bool error_open() const { return open_; }
    const std::string& error_title() const { return title_; }
    const std::string& error_text() const { return text_; }
    int errors_shown() const { return shown_; }
    const std::deque<Line>& lines() const { return lines_; }

private:
    std::deque<Line> lines_;
    std::string title_, text_;
    bool open_ = false;
    int shown_ = 0;
};

}  // namespace ps::gui
