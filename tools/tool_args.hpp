// The command-line scanner of the data-set builders (tools/glyphs/make_glyphs,
// tools/images/make_images): "--flag VALUE" pairs in any order, each flag bound to the option it
// sets, so the usage line is made from the same bindings. Whatever is wrong (an unknown flag, a
// missing or bad value, a required flag not given) is printed as "NAME: why" with the usage line
// and the builder's notes, and the builder exits with status 2.
#pragma once
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <string>
#include <utility>
#include <vector>

class ToolArgs {
public:
    // name: the builder's name; notes: what the usage line's placeholders are (lines, each
    // ending in a newline).
    ToolArgs(std::string name, std::string notes) : name_(std::move(name)), notes_(std::move(notes)) {}

    [[noreturn]] void fail(const std::string& why) const {
        std::fprintf(stderr, "%s: %s\n%s%s", name_.c_str(), why.c_str(), usage().c_str(), notes_.c_str());
        std::exit(2);
    }

    // Binds a flag (shown with its placeholder, e.g. "--out FILE.npz") to the option it sets: any
    // text, a real number in [lo, hi], or a whole number in [lo, hi] (converted to the option's type).
    ToolArgs& text(const std::string& flag, const std::string& placeholder, std::string& to) {
        flags_.push_back({flag, placeholder, [&to](const std::string& v) { to = v; }, &to});
        return *this;
    }
    template <class T>
    ToolArgs& number(const std::string& flag, const std::string& placeholder, T& to, double lo, double hi) {
        flags_.push_back({flag, placeholder, [this, flag, &to, lo, hi](const std::string& v) {
            char* end = nullptr;
            const double d = std::strtod(v.c_str(), &end);
            if (v.empty() || *end || !(d >= lo && d <= hi))
                fail(flag + " " + v + ": expected a number in [" + std::to_string(lo) + ", " + std::to_string(hi) + "]");
            to = T(d);
        }, nullptr});
        return *this;
    }
    template <class T>
    ToolArgs& integer(const std::string& flag, const std::string& placeholder, T& to, long long lo, long long hi) {
        flags_.push_back({flag, placeholder, [this, flag, &to, lo, hi](const std::string& v) {
            char* end = nullptr;
            const long long x = std::strtoll(v.c_str(), &end, 10);
            if (v.empty() || *end || x < lo || x > hi)
                fail(flag + ": '" + v + "' is not an integer in [" + std::to_string(lo) + ", " + std::to_string(hi) + "]");
            to = T(x);
        }, nullptr});
        return *this;
    }

    // Sets the options from argv; then each flag of `required` must have been given (a text one
    // not empty).
    void parse(int argc, char** argv, const std::vector<std::string>& required) {
        required_ = required;
        std::vector<std::string> given;
        for (int i = 1; i < argc; ++i) {
            const std::string flag = argv[i];
            const Flag* f = find(flag);
            if (!f) fail("unknown flag '" + flag + "'");
            if (i + 1 >= argc) fail(flag + " needs a value");
            f->set(argv[++i]);
            given.push_back(flag);
        }
        std::string names;
        bool missing = false;
        for (size_t k = 0; k < required.size(); ++k) {
            names += (k == 0 ? "" : k + 1 == required.size() ? " and " : ", ") + required[k];
            const Flag* f = find(required[k]);
            bool there = false;
            for (const auto& g : given) there = there || g == required[k];
            missing = missing || !there || (f && f->text && f->text->empty());
        }
        if (missing) fail(names + (required.size() > 1 ? " are required" : " is required"));
    }

    // "usage: NAME --flag VALUE [--optional VALUE] ...", wrapped under its first flag.
    std::string usage() const {
        const std::string head = "usage: " + name_;
        std::string out = head, line = head;
        for (const Flag& f : flags_) {
            bool req = false;
            for (const auto& r : required_) req = req || r == f.flag;
            const std::string item = req ? f.flag + " " + f.placeholder : "[" + f.flag + " " + f.placeholder + "]";
            if (line.size() + 1 + item.size() > 100) {
                out += "\n" + std::string(head.size(), ' ');
                line = std::string(head.size(), ' ');
            }
            out += " " + item;
            line += " " + item;
        }
        return out + "\n";
    }

private:
    struct Flag {
        std::string flag, placeholder;
        std::function<void(const std::string&)> set;
        const std::string* text;   // the option a text flag sets, else null
    };
    const Flag* find(const std::string& flag) const {
        for (const Flag& f : flags_)
            if (f.flag == flag) return &f;
        return nullptr;
    }

    std::string name_, notes_;
    std::vector<Flag> flags_;
    std::vector<std::string> required_;
};
