// Reader of the maze reward-curve file (see reward_curves.hpp).
#include "maze/reward_curves.hpp"
#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <map>
#include <sstream>
#include <stdexcept>

namespace ps::maze {

const RewardBand* RewardCurves::find(const std::string& agent) const {
    for (const auto& b : agents)
        if (b.agent == agent) return &b;
    return nullptr;
}

double quantile_linear(std::vector<double> xs, double q) {
    if (xs.empty()) throw std::runtime_error("quantile of no values");
    std::sort(xs.begin(), xs.end());
    const double h = double(xs.size() - 1) * q;
    const size_t lo = size_t(std::floor(h)), hi = std::min(lo + 1, xs.size() - 1);
    return xs[lo] + (h - double(lo)) * (xs[hi] - xs[lo]);
}

namespace {

std::vector<std::string> split_csv(const std::string& line) {
    std::vector<std::string> f;
    std::string cur;
    for (char c : line) {
        if (c == ',') { f.push_back(cur); cur.clear(); }
        else cur += c;
    }
    f.push_back(cur);
    return f;
}

bool to_int(const std::string& s, int64_t& v) {
    if (s.empty() || s.size() > 18) return false;
    char* end = nullptr;
    errno = 0;
    v = std::strtoll(s.c_str(), &end, 10);
    return errno == 0 && end == s.c_str() + s.size();
}

bool to_real(const std::string& s, double& v) {
    if (s.empty() || s.size() > 64) return false;
    char* end = nullptr;
    v = std::strtod(s.c_str(), &end);
    return end == s.c_str() + s.size() && std::isfinite(v);
}

std::string shown(const std::string& s) {   // one printable line, short
    std::string o;
    for (char c : s.substr(0, 40)) o += (c >= 32 && c < 127) ? c : '?';
    return s.size() > 40 ? o + "..." : o;
}

}  // namespace

RewardCurves parse_reward_curves(const std::string& text, const std::string& name) {
    RewardCurves out;
    // agent -> seed -> (episode, reward) rows in file order
    std::vector<std::string> order;
    std::map<std::string, std::map<int64_t, std::vector<std::pair<int64_t, double>>>> rows;
    std::istringstream in(text);
    std::string line;
    int n = 0;
    bool header = false;
    auto fail = [&](const std::string& what) {
        throw std::runtime_error(name + ":" + std::to_string(n) + ": " + what);
    };
    while (std::getline(in, line)) {
        ++n;
        if (!line.empty() && line.back() == '\r') line.pop_back();
        if (line.empty()) continue;
        if (line[0] == '#') { out.comments.push_back(line.substr(line.size() > 1 && line[1] == ' ' ? 2 : 1)); continue; }
        if (!header) {
            if (line != "agent,seed,episode,reward")
                fail("expected the header 'agent,seed,episode,reward', found '" + shown(line) + "'");
            header = true;
            continue;
        }
        const auto f = split_csv(line);
        if (f.size() != 4) fail("expected 4 fields (agent,seed,episode,reward), found " + std::to_string(f.size()));
        if (f[0].empty() || f[0].size() > 32) fail("agent name is empty or too long");
        int64_t seed = 0, ep = 0;
        double r = 0;
        if (!to_int(f[1], seed)) fail("seed '" + shown(f[1]) + "' is not an integer");
        if (!to_int(f[2], ep) || ep <= 0) fail("episode '" + shown(f[2]) + "' is not a positive integer");
        if (!to_real(f[3], r)) fail("reward '" + shown(f[3]) + "' is not a finite number");
        if (!rows.count(f[0])) order.push_back(f[0]);
        auto& v = rows[f[0]][seed];
        if (!v.empty() && ep <= v.back().first)
            fail("episode " + std::to_string(ep) + " of " + f[0] + " seed " + std::to_string(seed) + " does not increase");
        v.push_back({ep, r});
    }
    n = 0;
    if (!header) fail("no header line 'agent,seed,episode,reward' (empty file?)");
    if (rows.empty()) fail("no data rows");
    for (const auto& a : order) {
        RewardBand b;
        b.agent = a;
        const auto& seeds = rows[a];
        const auto& first = seeds.begin()->second;
        for (const auto& [s, v] : seeds) {
            if (v.size() != first.size())
                fail(a + " seed " + std::to_string(s) + " has " + std::to_string(v.size()) + " windows, seed " +
                     std::to_string(seeds.begin()->first) + " has " + std::to_string(first.size()));
            std::vector<double> col;
            for (size_t i = 0; i < v.size(); ++i) {
                if (v[i].first != first[i].first)
                    fail(a + " seed " + std::to_string(s) + ": window " + std::to_string(i + 1) + " ends at episode " +
                         std::to_string(v[i].first) + ", not " + std::to_string(first[i].first) + " as seed " +
                         std::to_string(seeds.begin()->first));
                col.push_back(v[i].second);
            }
            b.per_seed.push_back(std::move(col));
            b.seed_ids.push_back(int(s));
        }
        b.seeds = int(seeds.size());
        for (size_t i = 0; i < first.size(); ++i) {
            std::vector<double> x;
            for (const auto& s : b.per_seed) x.push_back(s[i]);
            b.episode.push_back(double(first[i].first));
            b.q25.push_back(quantile_linear(x, 0.25));
            b.median.push_back(quantile_linear(x, 0.5));
            b.q75.push_back(quantile_linear(x, 0.75));
        }
        out.agents.push_back(std::move(b));
    }
    return out;
}

RewardCurves read_reward_curves(const std::string& path) {
    std::ifstream f(path, std::ios::binary);
    if (!f) throw std::runtime_error("cannot open " + path);
    std::string text;
    char buf[65536];
    while (f.read(buf, sizeof buf) || f.gcount() > 0) {
        text.append(buf, size_t(f.gcount()));
        if (text.size() > (16u << 20)) throw std::runtime_error(path + ": larger than 16 MB, not a curves file");
    }
    return parse_reward_curves(text, path);
}

TailSummary tail_summary(const RewardBand& b, double fraction) {
    TailSummary t;
    const size_t nw = b.episode.size();
    if (nw == 0 || b.per_seed.empty()) throw std::runtime_error("no windows");
    const size_t k = std::max<size_t>(1, size_t(std::llround(double(nw) * fraction)));
    for (const auto& s : b.per_seed) {
        double sum = 0;
        for (size_t i = nw - std::min(k, nw); i < nw; ++i) sum += s[i];
        t.per_seed.push_back(sum / double(std::min(k, nw)));
    }
    t.q25 = quantile_linear(t.per_seed, 0.25);
    t.median = quantile_linear(t.per_seed, 0.5);
    t.q75 = quantile_linear(t.per_seed, 0.75);
    return t;
}

}  // namespace ps::maze
