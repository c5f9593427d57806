// Reflection for plain parameter structs: a list of Fields names each member with its unit,
// range and rule, so one description serves the CLI (key=value), the JSON config and the GUI.
#pragma once
#include <cstdint>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

namespace ps {

struct ConfigError : std::runtime_error { using std::runtime_error::runtime_error; };

// How a change reaches a running system.
enum class Apply {
    Live,     // takes effect at once (learning rate, clip, eta while stepping)
    Episode,  // takes effect at the next episode (data settings)
    Rebuild,  // rebuilds the network: parameters are re-initialised
};

struct Field {
    enum class Type { Int, Float, Bool, Choice };
    std::string key;          // CLI / JSON key, e.g. "lr"
    Type type = Type::Float;
    void* ptr = nullptr;      // int*, double*, bool*, or int* (index into choices)
    double lo = 0, hi = 0;    // inclusive range (Int / Float)
    std::string unit;         // "", "steps", "1/step", ...
    std::string help;         // the rule, shown in the (?) tooltip and in --help
    Apply apply = Apply::Rebuild;
    std::vector<std::string> choices;  // Choice only
    bool log_scale = false;   // GUI slider hint
    int step = 1;             // Int only: valid values are lo, lo + step, ... (maze size: odd only)

    // Only every k-th integer from lo is valid (the range check says so; the GUI slider snaps).
    Field every(int k) const { Field f = *this; f.step = k < 1 ? 1 : k; return f; }

    static Field real(std::string k, double* p, double lo, double hi, std::string unit, std::string help,
                      Apply a, bool log = false) {
        Field f; f.key = std::move(k); f.type = Type::Float; f.ptr = p; f.lo = lo; f.hi = hi;
        f.unit = std::move(unit); f.help = std::move(help); f.apply = a; f.log_scale = log; return f;
    }
    static Field integer(std::string k, int* p, int lo, int hi, std::string unit, std::string help, Apply a) {
        Field f; f.key = std::move(k); f.type = Type::Int; f.ptr = p; f.lo = lo; f.hi = hi;
        f.unit = std::move(unit); f.help = std::move(help); f.apply = a; return f;
    }
    static Field boolean(std::string k, bool* p, std::string help, Apply a) {
        Field f; f.key = std::move(k); f.type = Type::Bool; f.ptr = p; f.lo = 0; f.hi = 1;
        f.help = std::move(help); f.apply = a; return f;
    }
    static Field choice(std::string k, int* p, std::vector<std::string> c, std::string help, Apply a) {
        Field f; f.key = std::move(k); f.type = Type::Choice; f.ptr = p; f.lo = 0; f.hi = double(c.size()) - 1;
        f.choices = std::move(c); f.help = std::move(help); f.apply = a; return f;
    }
};

// Value of a field as text ("0.001", "true", "oja").
std::string field_get(const Field& f);
// Parses and range-checks text into the field; throws ConfigError naming key, value and range.
void field_set(const Field& f, const std::string& text);
// Applies "key=value" strings in order; unknown keys throw ConfigError listing the known ones.
void apply_overrides(const std::vector<Field>& fields, const std::vector<std::string>& kv);
// key -> text of every field (for checkpoints, config files, the clipboard).
std::map<std::string, std::string> fields_to_map(const std::vector<Field>& fields);
// Flat JSON object {"key": value, ...} and its parser (only this flat shape is accepted).
// With a non-empty preset, "preset" comes first (the config of a task: see task_config).
std::string fields_to_json(const std::vector<Field>& fields, const std::string& preset = "");
std::map<std::string, std::string> parse_flat_json(const std::string& text);  // throws ConfigError
// Text as the inside of a JSON string ("" and \ escaped, control characters as \uNNNN).
std::string json_escape(const std::string& s);
// Text from a file or a command line quoted in an error message: kept on one line (control bytes
// as \xNN, UTF-8 passes) and cut after max_chars with "...".
std::string message_text(const std::string& s, size_t max_chars);

}  // namespace ps
