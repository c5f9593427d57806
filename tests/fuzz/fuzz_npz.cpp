// libFuzzer target: the .npz reader (engine/npz.cpp) on arbitrary bytes.
// Properties: the reader returns arrays or throws NpzError naming the source on one line (nothing
// else: no other exception, no crash, no allocation over the byte budget — libFuzzer's
// -malloc_limit_mb catches those); and whatever it returns is consistent (shape product = stored
// values) and survives npz_write -> npz_read unchanged.
#include <cstring>

#include "fuzz_util.hpp"
#include "npz.hpp"

using namespace ps;

namespace {
constexpr int64_t kBudget = int64_t(64) << 20;   // bytes the reader may hand out per input

size_t held_count(const Array& a) {
    switch (a.dtype) {
        case Array::Dtype::F32: return a.f32.size();
        case Array::Dtype::F64: return a.f64.size();
        case Array::Dtype::U8: return a.u8.size();
        case Array::Dtype::I64: return a.i64.size();
    }
    return 0;
}
bool same(const Array& a, const Array& b) {
    // Bitwise: NaN payloads must survive too.
    if (a.dtype != b.dtype || a.shape != b.shape) return false;
    auto eq = [](const auto& x, const auto& y) {
        return x.size() == y.size() && (x.empty() || std::memcmp(x.data(), y.data(), x.size() * sizeof x[0]) == 0);
    };
    return eq(a.f32, b.f32) && eq(a.f64, b.f64) && eq(a.u8, b.u8) && eq(a.i64, b.i64);
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    ArrayMap got;
    try {
        got = npz_read_memory(data, size, "input.npz", kBudget);
    } catch (const NpzError& e) {
        fuzz::check_message(e.what(), "input.npz");
        return 0;
    } catch (const std::exception& e) {
        fuzz::fuzz_fail(std::string("npz_read_memory threw something other than NpzError: ") + e.what());
    }
    for (const auto& [name, a] : got) {
        if (a.size() < 0 || size_t(a.size()) != held_count(a))
            fuzz::fuzz_fail("array '" + name + "' holds " + std::to_string(held_count(a)) + " values for shape " +
                            shape_str(a.shape));
    }
    // Round trip through a real file (the writer's temp + fsync + rename path included).
    try {
        const std::string path = fuzz::scratch_dir() + "/roundtrip.npz";
        npz_write(path, got);
        const ArrayMap back = npz_read(path, kBudget * 4);
        if (back.size() != got.size()) fuzz::fuzz_fail("round trip changed the number of arrays");
        for (const auto& [name, a] : got) {
            auto it = back.find(name);
            if (it == back.end() || !same(a, it->second)) fuzz::fuzz_fail("round trip changed array '" + name + "'");
        }
    } catch (const NpzError& e) {
        // A name the writer refuses (empty, NUL) is fine; anything else read must be writable.
        const std::string m = e.what();
        if (m.find("is empty or holds a NUL") == std::string::npos) fuzz::fuzz_fail(std::string("cannot write back what was read: ") + m);
    }
    return 0;
}
