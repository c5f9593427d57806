// The lab's log and error popup state (see messages.hpp).
#include "gui/messages.hpp"

namespace ps::gui {

void Messages::note(const std::string& text, bool error, double clock) {
    lines_.push_back({clock, text, error});
    while (lines_.size() > 200) lines_.pop_front();
}

void Messages::error(const std::string& title, const std::string& text, double clock) {
    title_ = title;
    text_ = text;
    open_ = true;
    ++shown_;
    note(title + ": " + text, true, clock);
}

}  // namespace ps::gui
