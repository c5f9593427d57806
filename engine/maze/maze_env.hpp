// The maze of the DP 2018 reinforcement-learning experiment (docs/science.md §3): a square labyrinth
// with border walls and pillars at every (even row, even column), the centre cell cleared (an
// irregularity the agent can localise itself with, as in the authors' code). Each episode draws a
// reward cell (a free cell other than the centre); the agent starts in the centre. Reaching the
// reward cell gives +reward and teleports the agent to a random free cell other than the reward
// cell; a move into a wall gives -wall_penalty and leaves the agent where it was.
//
// Observation (K = 16 numbers): the 3x3 neighbourhood (1 = wall, row-major, the agent's own cell
// in the middle), a bias 1, the step number t/T, the previous reward, the previous action one-hot.
// The reward cell is not in the observation: the agent must find it, then remember where it was.
//
// Deterministic: everything random comes from the Rng passed to reset(); a run with the same
// actions replays exactly (the gradient tests rely on it).
#pragma once
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>
#include "rng.hpp"

namespace ps::maze {

constexpr int kActions = 4;      // 0 up, 1 right, 2 down, 3 left (the LiveEvent "key" convention)
constexpr int kObs = 16;         // 9 view + bias + step + previous reward + 4 previous action

struct EnvConfig {
    int size = 9;                // odd, 7..15
    int steps = 250;             // T
    double reward = 10.0;
    double wall_penalty = 0.1;
};

class MazeEnv {
public:
    MazeEnv() = default;
    explicit MazeEnv(const EnvConfig& c) { configure(c); }
    // Throws std::invalid_argument for an even size or one outside 7..15.
    void configure(const EnvConfig& c);
    const EnvConfig& config() const { return cfg_; }
    int size() const { return cfg_.size; }
    bool wall(int r, int c) const { return walls_[size_t(r * cfg_.size + c)] != 0; }
    const std::vector<int>& free_cells() const { return free_; }   // r * size + c

    // A new episode: reward cell drawn from rng (which the env keeps using for teleports).
    void reset(Rng& rng);
    // Fills obs[0..kObs) for the current step.
    template <class S> void observe(S* obs) const;
    // Applies action a (0..3); returns the reward of this step. rng: the one given to reset.
    double step(int a, Rng& rng);

    int t = 0;                       // steps taken
    int row = 0, col = 0;            // agent
    int reward_row = 0, reward_col = 0;
    int prev_action = -1;            // -1 before the first step
    double prev_reward = 0;
    double total = 0;                // reward collected so far
    int hits = 0;                    // times the reward cell was reached
    bool bumped = false, hit = false;   // what the last step did (for viewers)

private:
    EnvConfig cfg_;
    std::vector<uint8_t> walls_;
    std::vector<int> free_;
};

template <class S>
void MazeEnv::observe(S* obs) const {
    int k = 0;
    for (int dr = -1; dr <= 1; ++dr)
        for (int dc = -1; dc <= 1; ++dc) obs[k++] = wall(row + dr, col + dc) ? S(1) : S(0);
    obs[9] = S(1);
    obs[10] = S(double(t) / double(cfg_.steps));
    obs[11] = S(prev_reward);
    for (int a = 0; a < kActions; ++a) obs[12 + a] = a == prev_action ? S(1) : S(0);
}

}  // namespace ps::maze
