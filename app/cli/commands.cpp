// Command registry and the shared argument scanner.
#include "cli/commands.hpp"
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include "fields.hpp"

namespace ps {

namespace {
std::vector<Command>& reg() { static std::vector<Command> r; return r; }
}

const std::vector<Command>& command_registry() { return reg(); }
bool register_command(Command c) { reg().push_back(std::move(c)); return true; }

std::vector<ArgSpec> flag_table(const std::string& text) {
    std::vector<ArgSpec> spec;
    size_t start = 0;
    while (start < text.size()) {
        size_t end = text.find('\n', start);
        if (end == std::string::npos) end = text.size();
        const std::string line = text.substr(start, end - start);
        start = end + 1;
        if (line.empty()) continue;
        if (line.rfind("--", 0) != 0) {
            if (spec.empty() || line[0] != ' ') throw std::logic_error("flag_table: stray line '" + line + "'");
            spec.back().help += "\n" + line;
            continue;
        }
        const size_t sp = line.find(' ');
        const std::string flag = line.substr(0, sp);
        const std::string rest = sp == std::string::npos ? "" : line.substr(sp);
        const bool takes_value = rest.size() >= 2 && rest[1] != ' ';
        spec.push_back({flag, takes_value, rest.size() >= 2 ? rest.substr(takes_value ? 1 : 2) : ""});
    }
    return spec;
}

bool ParsedArgs::has(const std::string& f) const {
    for (auto& [k, v] : flags) if (k == f) return true;
    return false;
}
std::string ParsedArgs::get(const std::string& f, const std::string& dflt) const {
    std::string r = dflt;
    for (auto& [k, v] : flags) if (k == f) r = v;   // last one wins
    return r;
}
std::string ParsedArgs::require(const std::string& f, const std::string& placeholder) const {
    if (!has(f)) throw UsageError(f + " " + placeholder + " is required");
    return get(f);
}
long long ParsedArgs::get_int(const std::string& f, long long dflt, long long lo, long long hi) const {
    if (!has(f)) return dflt;
    const std::string s = get(f);
    errno = 0;
    char* end = nullptr;
    const long long v = std::strtoll(s.c_str(), &end, 10);
    if (s.empty() || *end || errno) throw UsageError(f + " expects an integer, got '" + s + "'");
    if (v < lo || v > hi)
        throw UsageError(f + " must be in [" + std::to_string(lo) + ", " + std::to_string(hi) + "], got " + s);
    return v;
}
double ParsedArgs::get_double(const std::string& f, double dflt, double lo, double hi) const {
    if (!has(f)) return dflt;
    const std::string s = get(f);
    errno = 0;
    char* end = nullptr;
    const double v = std::strtod(s.c_str(), &end);
    if (s.empty() || *end || errno || !std::isfinite(v)) throw UsageError(f + " expects a number, got '" + s + "'");
    if (v < lo || v > hi) throw UsageError(f + " is out of range: " + s);
    return v;
}

ParsedArgs parse_args(const std::vector<std::string>& args, const std::vector<ArgSpec>& spec) {
    ParsedArgs p;
    for (size_t i = 0; i < args.size(); ++i) {
        const std::string& a = args[i];
        if (a.rfind("--", 0) == 0) {
            std::string flag = a, value;
            const auto eq = a.find('=');
            const bool inline_value = eq != std::string::npos;
            if (inline_value) { flag = a.substr(0, eq); value = a.substr(eq + 1); }
            const ArgSpec* s = nullptr;
            for (const auto& x : spec) if (x.flag == flag) s = &x;
            if (!s) throw UsageError("unknown option " + flag);
            if (s->takes_value && !inline_value) {
                if (i + 1 >= args.size()) throw UsageError(flag + " needs a value");
                value = args[++i];
            } else if (!s->takes_value && inline_value) throw UsageError(flag + " takes no value");
            p.flags.emplace_back(flag, value);
        } else if (a.find('=') != std::string::npos && a[0] != '=') {
            p.overrides.push_back(a);
        } else {
            throw UsageError("unexpected argument '" + a + "' (options start with --, settings are key=value)");
        }
    }
    return p;
}

int fail(const std::string& cmd, const std::string& msg, int code) {
    std::fprintf(stderr, "plastiscope %s: %s\n", cmd.c_str(), msg.c_str());
    return code;
}

int run_command(const CommandSpec& c, const std::vector<std::string>& args, const std::function<int(const ParsedArgs&)>& body) {
    const std::string help = c.help_cmd.empty() ? c.cmd : c.help_cmd;
    try {
        const ParsedArgs a = parse_args(args, c.flags);
        if (a.has("--help")) {
            std::printf("%s", usage_text(c.cmd, c.synopsis, c.flags).c_str());
            if (c.more_help) c.more_help(a);
            return 0;
        }
        return body(a);
    } catch (const UsageError& e) {
        return fail(c.cmd, std::string(e.what()) + " (see plastiscope " + help + " --help)");
    } catch (const ConfigError& e) {
        return fail(c.cmd, e.what());
    } catch (const std::exception& e) {
        return fail(c.cmd, e.what(), 1);
    }
}

std::string usage_text(const std::string& cmd, const std::string& synopsis, const std::vector<ArgSpec>& spec) {
    std::string s = "usage: plastiscope " + cmd + " " + synopsis + "\n";
    for (const auto& a : spec) s += "  " + a.flag + (a.takes_value ? " " : "  ") + a.help + "\n";
    return s;
}

}  // namespace ps
