// The plasticity choice every plastic network offers (patterns, images and the maze agent): where
// the plastic gain A (alpha) of a connection comes from. One enum and one `alpha` setting, so the
// tasks name and order the choice alike.
#pragma once
#include "fields.hpp"

namespace ps {

// Independent: one A per connection; Shared: one scalar A for all; None: non-plastic (no trace,
// A absent). The values index alpha_field's choices.
enum class AlphaMode { Independent = 0, Shared = 1, None = 2 };

// The `alpha` setting bound to an int holding an AlphaMode; rebuilds the network.
inline Field alpha_field(int* mode) {
    return Field::choice("alpha", mode, {"independent", "shared", "none"},
                         "Plasticity coefficients A (alpha): one per connection, one shared scalar, or none "
                         "(non-plastic).",
                         Apply::Rebuild);
}

}  // namespace ps
