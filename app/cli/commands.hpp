// CLI subcommands register themselves by name (like tasks), so `plastiscope --help` lists them
// and a feature adds its command in its own file.
#pragma once
#include <functional>
#include <stdexcept>
#include <string>
#include <vector>

namespace ps {

struct Command {
    std::string name;      // "train"
    std::string summary;   // one line for --help
    // args excludes the program name and the subcommand; returns the process exit code.
    std::function<int(const std::vector<std::string>& args)> run;
};

const std::vector<Command>& command_registry();
bool register_command(Command c);

// Small argument scanner shared by the subcommands: --flag VALUE / --flag=VALUE / --switch,
// positional key=value overrides. Unknown flags are errors naming the flag.
struct ArgSpec {
    std::string flag;        // "--episodes"
    bool takes_value = true;
    std::string help;        // "N  training episodes (default: the preset's)"
};
// A command's flags written as its --help prints them, one flag a line: "--flag VALUE  help" (a
// flag that takes a value has its placeholder one space after it) or "--switch  help" (two or
// more spaces); a line starting with a space continues the help of the flag above. The table then
// reads like the usage it produces. A malformed table is a programming error (std::logic_error).
std::vector<ArgSpec> flag_table(const std::string& text);
struct ParsedArgs {
    std::vector<std::pair<std::string, std::string>> flags;   // in order
    std::vector<std::string> overrides;                       // key=value
    bool has(const std::string& f) const;
    std::string get(const std::string& f, const std::string& dflt = "") const;
    // The value of a flag the command cannot do without; UsageError "--out FILE is required"
    // (flag and placeholder) when it is absent.
    std::string require(const std::string& f, const std::string& placeholder) const;
    long long get_int(const std::string& f, long long dflt, long long lo, long long hi) const;   // throws
    double get_double(const std::string& f, double dflt, double lo, double hi) const;            // throws
};
struct UsageError : std::runtime_error { using std::runtime_error::runtime_error; };
// Throws UsageError ("unknown option --foo", "--seed needs a value", ...).
ParsedArgs parse_args(const std::vector<std::string>& args, const std::vector<ArgSpec>& spec);
std::string usage_text(const std::string& cmd, const std::string& synopsis, const std::vector<ArgSpec>& spec);

// Prints "plastiscope CMD: msg" on stderr and returns code.
int fail(const std::string& cmd, const std::string& msg, int code = 2);

// One subcommand's run with the rules every command follows: args are parsed against spec; with
// --help the usage (synopsis, the flags, then more_help's text) is printed and 0 returned;
// otherwise body runs. Errors give one line on stderr: a UsageError "... (see plastiscope CMD
// --help)" and a ConfigError exit 2, any other exception exits 1. help_cmd names the command
// whose --help to point at (default: cmd).
struct CommandSpec {
    std::string cmd, synopsis;
    std::vector<ArgSpec> flags;
    std::function<void(const ParsedArgs&)> more_help;
    std::string help_cmd;
};
int run_command(const CommandSpec& c, const std::vector<std::string>& args, const std::function<int(const ParsedArgs&)>& body);

}  // namespace ps

#define PS_REGISTER_COMMAND(NAME, SUMMARY, FN) \
    static const bool PS_CMD_CONCAT(ps_cmd_reg_, __LINE__) = ::ps::register_command({NAME, SUMMARY, FN})
#define PS_CMD_CONCAT2(a, b) a##b
#define PS_CMD_CONCAT(a, b) PS_CMD_CONCAT2(a, b)
