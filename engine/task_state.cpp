// The checkpoint key scheme's helpers (task_state.hpp).
#include "task_state.hpp"
#include <cmath>
#include <stdexcept>
#include <utility>

namespace ps {

int64_t count_from(const ArrayMap& in, const std::string& name) {
    auto it = in.find(name);
    if (it == in.end()) throw std::runtime_error("array '" + name + "' is missing");
    const Array& a = it->second;
    if (a.size() != 1 || a.shape.size() > 1) throw std::runtime_error("array '" + name + "' is not one number");
    int64_t n = 0;
    if (a.dtype == Array::Dtype::I64) {
        n = a.i64.at(0);
    } else if (a.dtype == Array::Dtype::F32 || a.dtype == Array::Dtype::F64) {
        const double d = a.at(0);
        if (!(d >= 0 && d <= 9007199254740992.0) || d != std::floor(d))
            throw std::runtime_error("array '" + name + "' is not a whole number");
        n = int64_t(d);
    } else {
        throw std::runtime_error("array '" + name + "' is not an integer");
    }
    if (n < 0 || n > (int64_t(1) << 53))
        throw std::runtime_error("array '" + name + "' holds " + std::to_string(n) + ", outside 0..2^53");
    return n;
}

void RunState::save(ArrayMap& out) const {
    out["state/episode"] = i64_array({episode});
    out["state/seed"] = i64_array({int64_t(seed)});
}

void RunState::load(const ArrayMap& in) {
    RunState r = *this;
    if (in.count("state/episode")) r.episode = count_from(in, "state/episode");
    if (in.count("state/seed")) r.seed = uint64_t(count_from(in, "state/seed"));
    *this = r;
}

int upgrade_checkpoint_keys(ArrayMap& a) {
    // (old prefix or name, new one); a prefix ends in '/'.
    static const std::pair<const char*, const char*> kRenames[] = {
        {"adam/", "optim/"},                        // patterns, images, maze, omniglot, FLP
        {"adam_p/", "optim_p/"},                    // FLP's plasticity rates
        {"opt/step", "optim/steps"},                // BOHP
        {"opt/", "optim/"},                         // BOHP
        {"state/episodes_drawn", "state/episode"},  // FLP
        {"state/episodes", "state/episode"},        // omniglot
    };
    std::vector<std::pair<std::string, std::string>> moves;
    for (const auto& [name, arr] : a) {
        for (const auto& [from, to] : kRenames) {
            const std::string f = from;
            const bool prefix = f.back() == '/';
            if (prefix ? name.rfind(f, 0) != 0 : name != f) continue;
            moves.emplace_back(name, std::string(to) + (prefix ? name.substr(f.size()) : ""));
            break;
        }
    }
    int n = 0;
    for (const auto& [from, to] : moves) {
        if (a.count(to)) continue;
        a[to] = std::move(a.at(from));
        a.erase(from);
        ++n;
    }
    return n;
}

}  // namespace ps
