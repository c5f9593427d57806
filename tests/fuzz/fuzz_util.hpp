// Shared helpers of the libFuzzer targets (tests/fuzz/fuzz_*.cpp, built by cmake/parts/fuzz.cmake).
// A target may only end an input with the loader's own error type: anything else (another
// exception, a broken property, a sanitizer report) is a finding, and fuzz_fail() aborts so that
// libFuzzer saves the input as a crash artifact.
#pragma once
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>

namespace ps::fuzz {

[[noreturn]] inline void fuzz_fail(const std::string& what) {
    std::fprintf(stderr, "FUZZ FINDING: %s\n", what.c_str());
    std::fflush(stderr);
    std::abort();
}

// A per-process scratch folder on tmpfs when there is one (loaders that only take a path get
// their input through a file there). Removed at exit.
inline const std::string& scratch_dir() {
    static const std::string dir = [] {
        namespace fs = std::filesystem;
        fs::path base = fs::exists("/dev/shm") ? fs::path("/dev/shm") : fs::temp_directory_path();
        fs::path d = base / ("ps-fuzz-" + std::to_string(::getpid()));
        fs::create_directories(d);
        static struct Cleanup {
            fs::path p;
            ~Cleanup() { std::error_code ec; fs::remove_all(p, ec); }
        } cleanup{d};
        return d.string();
    }();
    return dir;
}

// Writes bytes to scratch_dir()/name and returns the path.
inline std::string scratch_file(const std::string& name, const uint8_t* data, size_t size) {
    const std::string path = scratch_dir() + "/" + name;
    std::FILE* f = std::fopen(path.c_str(), "wb");
    if (!f) fuzz_fail("cannot write the scratch file " + path);
    if (size && std::fwrite(data, 1, size, f) != size) fuzz_fail("short write to " + path);
    std::fclose(f);
    return path;
}

// An error message must name its source and fit on one line. one_line = false relaxes the second
// rule for a loader with a known, reported exception (see the target's comment).
inline void check_message(const std::string& msg, const std::string& label, bool one_line = true) {
    if (msg.find(label) == std::string::npos) fuzz_fail("the error does not name '" + label + "': " + msg);
    if (one_line && msg.find('\n') != std::string::npos) fuzz_fail("the error is not one line: " + msg);
}

// Runs load(), a data loader's call: its DataError (E, the loader's namespace's) must name label
// on one line, any other exception is a finding.
template <class E, class Load>
void expect_data_error(const std::string& loader, const std::string& label, Load&& load) {
    try {
        load();
    } catch (const E& e) {
        check_message(e.what(), label);
    } catch (const std::exception& e) {
        fuzz_fail(loader + " threw something other than DataError: " + e.what());
    }
}

}  // namespace ps::fuzz
