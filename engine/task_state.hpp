// The one checkpoint key scheme of every task, and the helpers that write and read it.
//
//   param/NAME                 trained parameters, by their ParamList names ("W", "conv1/W", ...)
//   optim/m/NAME, optim/v/NAME the optimiser's moments of parameter NAME
//   optim/steps                its step count (FLP keeps a second optimiser for its plasticity
//                              rates under optim_p/)
//   state/episode              training episodes done: where the data stream stands
//   state/seed                 the seed of the run's data stream
//   state/NAME                 any other state a run resumes from (omniglot's data_seed, FLP's
//                              inner_lr and rate-grid sums)
// A gradient dump (Task::grad_dump) writes grad/NAME beside param/NAME.
//
// Files written before this scheme name some arrays differently (adam/..., opt/..., opt/step,
// state/episodes, state/episodes_drawn); upgrade_checkpoint_keys renames them, and
// load_checkpoint applies it, so every shipped and user checkpoint still opens.
#pragma once
#include <cstdint>
#include <string>
#include "arrays.hpp"
#include "tensor.hpp"

namespace ps {

// Writes every tensor of the list as prefix + NAME.
template <class M>
void save_params(ArrayMap& out, const ParamList<M>& l, const std::string& prefix = "param/") {
    for (const auto& [n, m] : l) out[prefix + n] = to_array(*m);
}

// Reads every tensor of the list from prefix + NAME, with the shape the tensor has now; throws
// std::runtime_error naming a missing, misshapen or non-finite array (from_array).
template <class M>
void load_params(const ArrayMap& in, const ParamList<M>& l, const std::string& prefix = "param/") {
    for (const auto& [n, m] : l) from_array(in, prefix + n, *m, m->rows(), m->cols());
}

// Where a run's data stream stands: episode k of seed s always holds the same data
// (episode_rng, rng.hpp), so these two numbers let a resumed run continue the exact sequence.
struct RunState {
    uint64_t seed = 0;
    int64_t episode = 0;

    void save(ArrayMap& out) const;
    // An absent key keeps the current value (a parameters-only file starts where the task is);
    // a present one must hold one whole number in 0..2^53, else std::runtime_error naming it.
    void load(const ArrayMap& in);
};

// Reads `name` as one whole number in 0..2^53 (int64, or a float holding a whole number, as
// older files may); std::runtime_error naming the array otherwise.
int64_t count_from(const ArrayMap& in, const std::string& name);

// Renames the arrays of files written before the scheme above to their names in it (a name
// already present is kept). Returns how many were renamed.
int upgrade_checkpoint_keys(ArrayMap& a);

}  // namespace ps
