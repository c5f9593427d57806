// Threads that serve the live view. The GUI thread (and the thread that builds networks for it)
// marks itself interactive: there a task's live view never waits long for a data set to load —
// the load starts on a thread of its own and the view shows what it already has meanwhile — and
// a task's init() starts loading what its live view will need. Every other thread (the command
// line, the trainer) loads as before, waiting for the data.
#pragma once

namespace ps {

inline thread_local bool t_interactive = false;

}  // namespace ps
