// What the images task view (app/gui/panel_images.cpp) draws, as typed data: the stored photos
// (each once), which of them the probe degrades, the probe, the output now and its error, the
// output at each test step reached, and one neuron's incoming Hebbian trace. The images task
// (engine/tasks/images.cpp) fills it at every live step. Images are row-major side × side, in
// [-1, 1] (the error in [0, 2], the trace in [-trace_max, trace_max]).
#pragma once
#include <cstdint>
#include <vector>
#include "task.hpp"

namespace ps::images {

struct ImagesLive final : LivePayload {
    int side = 0;
    int t = 0, T = 0;
    int test_start = 0;                    // the probe is shown after this step (steps test_start+1 .. T)
    int test_steps = 0;                    // T - test_start
    int probed = -1;                       // the stored image the probe comes from (-1: none matches)
    std::vector<std::vector<float>> stored;
    std::vector<float> probe, target;
    std::vector<uint8_t> hidden;           // 1 where the probe hides the target
    std::vector<float> output, error;      // x(t) over the pixels and |x(t) - target|; empty at t = 0
    std::vector<std::vector<float>> test_outputs;   // x after test step 1, 2, ... (those reached)
    bool plastic = false;
    int neuron = 0;                        // whose incoming trace is shown (pixel index)
    std::vector<float> trace;              // H[:, neuron] over the pixels (empty without plasticity)
    float trace_max = 1;
    bool probing() const { return t > test_start; }
};

}  // namespace ps::images
