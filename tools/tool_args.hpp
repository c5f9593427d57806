// The command-line scanner of the data-set builders (tools/glyphs/make_glyphs,
// tools/images/make_images): "--flag VALUE" pairs in any order. Whatever is wrong is printed as
// "NAME: why" with the builder's usage text, and the builder exits with status 2.
#pragma once
#include <cstdio>
#include <cstdlib>
#include <string>
#include <utility>

class ToolArgs {
public:
    // name: the builder's name; usage: its usage text (lines, each ending in a newline).
    ToolArgs(int argc, char** argv, std::string name, std::string usage)
        : argc_(argc), argv_(argv), name_(std::move(name)), usage_(std::move(usage)) {}

    [[noreturn]] void fail(const std::string& why) const {
        std::fprintf(stderr, "%s: %s\n%s", name_.c_str(), why.c_str(), usage_.c_str());
        std::exit(2);
    }

    // Moves to the next flag; false when there is none left.
    bool next() {
        if (++i_ >= argc_) return false;
        flag_ = argv_[i_];
        return true;
    }
    const std::string& flag() const { return flag_; }

    std::string value() {
        if (i_ + 1 >= argc_) fail(flag_ + " needs a value");
        return argv_[++i_];
    }
    // A real number in [lo, hi].
    double number(double lo, double hi) {
        const std::string v = value();
        char* end = nullptr;
        const double d = std::strtod(v.c_str(), &end);
        if (v.empty() || *end || !(d >= lo && d <= hi))
            fail(flag_ + " " + v + ": expected a number in [" + std::to_string(lo) + ", " + std::to_string(hi) + "]");
        return d;
    }
    // A whole number in [lo, hi].
    long long integer(long long lo, long long hi) {
        const std::string v = value();
        char* end = nullptr;
        const long long x = std::strtoll(v.c_str(), &end, 10);
        if (v.empty() || *end || x < lo || x > hi)
            fail(flag_ + ": '" + v + "' is not an integer in [" + std::to_string(lo) + ", " + std::to_string(hi) + "]");
        return x;
    }

private:
    int argc_;
    char** argv_;
    std::string name_, usage_;
    int i_ = 0;
    std::string flag_;
};
