// Checkpoints: one .npz holding the task name, its full config (JSON), the episode counter, the
// parameters and the optimiser state. Written atomically (npz_write); read with validation.
#pragma once
#include <cstdint>
#include <string>
#include "task.hpp"

namespace ps {

constexpr const char* kCheckpointFormat = "plastiscope-checkpoint-1";

// Array names: meta/format, meta/task, meta/config (JSON text, uint8), meta/episode (int64),
// then the task's own arrays (param/..., optim/..., state/...: task_state.hpp).
void save_checkpoint(const std::string& path, Task& task, int64_t episode);

// Reads `path`, checks its format and that it belongs to task.name(), applies the stored config
// (preset and fields), re-initialises the task (init) and loads parameters and optimiser state.
// Returns the stored episode counter. Throws std::runtime_error("PATH: what is wrong"); on
// error the task keeps its previous config and parameters.
int64_t load_checkpoint(const std::string& path, Task& task, bool with_optimizer = true);

// Task name stored in a checkpoint (to pick the task before loading). Throws like load_checkpoint.
std::string checkpoint_task(const std::string& path);

}  // namespace ps
