// Entry point of the live lab (the desktop GUI). app/main.cpp calls it when no subcommand is
// given; args are everything after the program name (see gui_usage() in options.cpp).
#pragma once
#include <string>
#include <vector>

namespace ps {
// Returns the process exit code: 0 ok, 1 no display / GL failure, 2 bad command line or input
// file named on it, 3 a scripted check (--at ... expect-*) failed.
int run_gui(const std::vector<std::string>& args);
}  // namespace ps
