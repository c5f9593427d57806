// Scripted UI actions (`--at FRAME ACTION[=ARG]`): the table of actions and its runner.
#pragma once
#include <functional>
#include <string>
#include <vector>
#include "gui/options.hpp"

namespace ps::gui {

class Lab;

struct ScriptAction {
    std::string name;
    std::string help;    // the argument and what it does
    std::function<std::string(Lab&, const std::string& arg)> run;   // "" or why it failed
};

// Names of the actions (the command line checks --at against them).
const std::vector<std::string>& script_actions();
// Runs one step; returns "" or why an expectation failed (the app then exits with code 3).
std::string run_script(Lab& lab, const ScriptStep& s);

}  // namespace ps::gui
