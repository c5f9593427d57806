// Checkpoints: one .npz holding the task name, its full config (JSON), the episode counter, the
// parameters and the optimiser state. Written atomically (npz_write); read with validation.
#pragma once
#include <cstdint>
#include <string>
#include <vector>
#include "param_timeline.hpp"
#include "task.hpp"
#include "train_history.hpp"

namespace ps {

constexpr const char* kCheckpointFormat = "plastiscope-checkpoint-1";

// How the network in a checkpoint was trained: its history (curves, train_history.hpp), the
// settings changed on the way, and the meta-training timeline (param_timeline.hpp).
struct TrainingRecord {
    std::vector<TrainPoint> history;
    std::vector<TrainMark> marks;
    std::vector<TimelineEntry> timeline;
    size_t timeline_keep = 16;   // timeline entries written (evenly thinned)
};

// Array names: meta/format, meta/task, meta/config (JSON text, uint8), meta/episode (int64),
// then the task's own arrays (param/..., optim/..., state/...: task_state.hpp), and with a
// record history/... and timeline/....
void save_checkpoint(const std::string& path, Task& task, int64_t episode, const TrainingRecord* record = nullptr);

// Reads `path`, checks its format and that it belongs to task.name(), applies the stored config
// (preset and fields), re-initialises the task (init) and loads parameters and optimiser state.
// Returns the stored episode counter. Throws std::runtime_error("PATH: what is wrong"); on
// error the task keeps its previous config and parameters.
// With `record`, also reads how the network was trained (empty parts where the file has none).
int64_t load_checkpoint(const std::string& path, Task& task, bool with_optimizer = true,
                        TrainingRecord* record = nullptr);

// Task name stored in a checkpoint (to pick the task before loading). Throws like load_checkpoint.
std::string checkpoint_task(const std::string& path);

}  // namespace ps
