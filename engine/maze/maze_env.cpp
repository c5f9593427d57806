// The maze environment (see maze_env.hpp).
#include "maze/maze_env.hpp"

namespace ps::maze {

void MazeEnv::configure(const EnvConfig& c) {
    if (c.size < 7 || c.size > 15 || c.size % 2 == 0)
        throw std::invalid_argument("maze size must be odd and in 7..15 (got " + std::to_string(c.size) + ")");
    if (c.steps < 1) throw std::invalid_argument("maze episode length must be >= 1");
    cfg_ = c;
    const int n = c.size, ctr = n / 2;
    walls_.assign(size_t(n * n), 0);
    free_.clear();
    for (int r = 0; r < n; ++r)
        for (int col = 0; col < n; ++col) {
            const bool border = r == 0 || col == 0 || r == n - 1 || col == n - 1;
            const bool pillar = r % 2 == 0 && col % 2 == 0 && !(r == ctr && col == ctr);
            walls_[size_t(r * n + col)] = (border || pillar) ? 1 : 0;
            if (!border && !pillar) free_.push_back(r * n + col);
        }
    row = col = ctr;
}

void MazeEnv::reset(Rng& rng) {
    const int n = cfg_.size, ctr = n / 2;
    row = col = ctr;
    int cell;
    do { cell = free_[size_t(rng.below(free_.size()))]; } while (cell == ctr * n + ctr);
    reward_row = cell / n;
    reward_col = cell % n;
    t = 0;
    prev_action = -1;
    prev_reward = 0;
    total = 0;
    hits = 0;
    bumped = hit = false;
}

double MazeEnv::step(int a, Rng& rng) {
    static const int dr[kActions] = {-1, 0, 1, 0}, dc[kActions] = {0, 1, 0, -1};
    if (a < 0 || a >= kActions) throw std::invalid_argument("maze action must be 0..3");
    double r = 0;
    bumped = hit = false;
    const int nr = row + dr[a], nc = col + dc[a];
    if (wall(nr, nc)) {
        r -= cfg_.wall_penalty;
        bumped = true;
    } else {
        row = nr;
        col = nc;
    }
    if (row == reward_row && col == reward_col) {
        r += cfg_.reward;
        hit = true;
        ++hits;
        const int n = cfg_.size;
        int cell;
        do { cell = free_[size_t(rng.below(free_.size()))]; } while (cell == reward_row * n + reward_col);
        row = cell / n;
        col = cell % n;
    }
    ++t;
    prev_action = a;
    prev_reward = r;
    total += r;
    return r;
}

}  // namespace ps::maze
