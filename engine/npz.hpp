// .npz reading and writing (numpy's zip of .npy files), through libzip.
// Writes are atomic: a temp file beside the target, fsync, then rename, so a crash mid-save
// leaves the old file intact. Reads validate everything: a truncated, foreign or malicious file
// gives one NpzError naming the file and the problem, never a crash or a huge allocation.
#pragma once
#include <stdexcept>
#include <string>
#include "arrays.hpp"

namespace ps {

struct NpzError : std::runtime_error { using std::runtime_error::runtime_error; };

// Writes every array as name.npy (npy format 1.0, little endian, C order, uncompressed).
void npz_write(const std::string& path, const ArrayMap& arrays);
// Reads a file written by npz_write or by numpy.savez / savez_compressed (f4, f8, u1, i8, and
// also <i4 / ? / <f2 converted on load is not required). Limits: max_bytes total uncompressed.
ArrayMap npz_read(const std::string& path, int64_t max_bytes = int64_t(4) << 30);
// Same, from bytes in memory (the fuzz target uses it); `label` names the source in errors.
ArrayMap npz_read_memory(const void* data, size_t size, const std::string& label,
                         int64_t max_bytes = int64_t(4) << 30);

// Writes text to path atomically (temp + fsync + rename). Throws std::runtime_error.
void write_file_atomic(const std::string& path, const std::string& bytes);
// The whole file as bytes; "" when it is missing or unreadable (callers that must tell these
// apart check for the file first).
std::string read_file(const std::string& path);

}  // namespace ps
