// One live episode written down step by step: what the lab would show at every step, as arrays
// for numpy users (`plastiscope record`, the Python module) and for the lab's viewer of
// recordings. The format is docs/recording-format.md:
//   x (T+1, N)            x[0] the initial state, x[t] the activity after step t
//   inputs (T, K)         the input of each step
//   view/NAME (T, R, C)   every matrix view; view/NAME[t-1] as shown after step t
//   image/NAME (T, h, w)  every image view, the same way
//   scalars/NAME (T)      every scalar the lab shows, per step
//   target                what the network should output (as the task gives it)
//   param/NAME            the parameters (as in checkpoints and grad dumps)
//   track/VIEW/I_J (T)    a followed cell, when the full views are not written
//   info/rule, info/bias_value, meta/task, meta/config, meta/seed, meta/marks (JSON)
#pragma once
#include <cstdint>
#include <string>
#include <vector>
#include "arrays.hpp"
#include "task.hpp"

namespace ps {

struct RecordOptions {
    // Every matrix view at every step (false: only the tracked cells). Default: full when no
    // view is larger than 512 x 512.
    enum class Views { Auto, Full, TrackedOnly } views = Views::Auto;
    struct Cell { std::string view; int row = 0, col = 0; };
    std::vector<Cell> track;
    int max_steps = 0;   // 0 = the whole episode
};

// Parses "[VIEW:]ROW,COL", the way a recording (`record --track`) and the lab's script name a
// cell; view is empty when the text names none. Returns false for anything else: no comma,
// indices that are not whole numbers from 0 to 1000000.
bool parse_cell(const std::string& text, RecordOptions::Cell& cell);

// Runs Task::live_reset(seed) and every step of the episode. Throws what the task throws, or
// std::runtime_error for a tracked cell outside its view.
ArrayMap record_episode(Task& task, uint64_t seed, const RecordOptions& opt = {});

}  // namespace ps
