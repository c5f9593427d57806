// What the maze task view draws besides the generic views: the agent and the reward cell, the
// policy and value of the step shown, the last move. The maze task (engine/tasks/maze.cpp) fills
// it at every live step; app/gui/panel_maze.cpp reads it through LiveViews::payload_as.
#pragma once
#include <array>
#include "task.hpp"

namespace ps::maze {

struct MazeLive final : LivePayload {
    int size = 0;                          // cells per side
    int agent_row = 0, agent_col = 0;
    int reward_row = 0, reward_col = 0;    // the reward cell (hidden from the agent)
    int hits = 0;                          // times the reward was reached this episode
    double reward_total = 0;
    int last_action = -1;                  // 0 up, 1 right, 2 down, 3 left; -1 before the first step
    bool bumped = false;                   // the last move hit a wall
    std::array<double, 4> pi{};            // action probabilities (up, right, down, left)
    double value = 0;                      // the critic's v(t)
};

}  // namespace ps::maze
