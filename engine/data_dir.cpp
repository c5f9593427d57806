// Finding the data folder (see data_dir.hpp).
#include "data_dir.hpp"

#include <dlfcn.h>

#include <cstdlib>
#include <filesystem>

#ifndef PS_ASSETS_DIR
#define PS_ASSETS_DIR "assets"
#endif

namespace ps {

namespace fs = std::filesystem;

namespace {
// The file the engine's code was loaded from: a shared object when the engine is linked into one,
// else the running executable (/proc/self/exe: absolute, symlinks resolved).
fs::path binary_path() {
    std::error_code ec;
    Dl_info info{};
    if (dladdr(reinterpret_cast<void*>(&binary_path), &info) && info.dli_fname) {
        const std::string f = info.dli_fname;
        if (f.find(".so") != std::string::npos) return fs::canonical(f, ec);
    }
    return fs::read_symlink("/proc/self/exe", ec);
}

struct Resolved { std::string dir; const char* origin; };

Resolved resolve() {
    if (const char* e = std::getenv("PS_DATA_DIR"); e && *e) return {e, "PS_DATA_DIR"};
    std::error_code ec;
    const fs::path bin = binary_path();
    if (!bin.empty()) {
        const fs::path share = bin.parent_path().parent_path() / "share" / "plastiscope";
        if (fs::is_directory(share, ec)) return {share.lexically_normal().string(), "installed"};
    }
    return {PS_ASSETS_DIR, "source tree"};
}

const Resolved& resolved() {
    static const Resolved r = resolve();
    return r;
}
}  // namespace

const std::string& data_dir() { return resolved().dir; }
std::string data_path(const std::string& rel) { return resolved().dir + "/" + rel; }
const char* data_dir_origin() { return resolved().origin; }

}  // namespace ps
