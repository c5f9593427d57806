// .npz files through libzip (see npz.hpp): numpy's zip of NAME.npy members.
// Writing: members are npy 1.0 (header padded so the data starts at a multiple of 64), stored
// uncompressed; the archive is built in memory (libzip reads the array data in place through
// buffer fragments), then streamed to PATH.tmp.<pid>, fsynced, renamed over PATH, and the
// directory is fsynced. Any failure removes the temp file; the old PATH is never touched.
// Reading: every size is checked before anything is allocated (claimed zip sizes against the file
// size and the deflate ratio, the npy shape product against overflow, the member size and the
// caller's byte budget); then exactly the validated bytes are read and the CRC checked.
// Fortran-order members (numpy writes W.T that way) are reordered to C order on load.
#include "npz.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zip.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>
#include <memory>

namespace ps {
namespace {

static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__, "npz.cpp copies array bytes as little endian");

constexpr uint64_t kMaxHeader = 1 << 16;      // npy header bytes we accept (numpy writes ~128)
constexpr uint64_t kDeflateMaxRatio = 1032;   // deflate cannot expand more than this

std::string sys_err() { return std::strerror(errno); }

// ---------------------------------------------------------------- atomic writes
// A temp file beside the target; destroyed without commit() it removes itself.
class AtomicFile {
public:
    explicit AtomicFile(const std::string& path)
        : path_(path), tmp_(path + ".tmp." + std::to_string(::getpid())) {
        fd_ = ::open(tmp_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
        if (fd_ < 0) throw std::runtime_error(path_ + ": cannot create temporary file '" + tmp_ + "': " + sys_err());
    }
    AtomicFile(const AtomicFile&) = delete;
    AtomicFile& operator=(const AtomicFile&) = delete;
    ~AtomicFile() {
        if (fd_ >= 0) ::close(fd_);
        if (!renamed_) ::unlink(tmp_.c_str());
    }
    void write(const void* data, size_t n) {
        auto p = static_cast<const char*>(data);
        while (n > 0) {
            const ssize_t w = ::write(fd_, p, n);
            if (w < 0 && errno == EINTR) continue;
            if (w <= 0) fail("cannot write '" + tmp_ + "': " + (w < 0 ? sys_err() : "no progress"));
            p += w; n -= size_t(w);
        }
    }
    void commit() {
        if (::fsync(fd_) != 0) fail("cannot sync '" + tmp_ + "': " + sys_err());
        const int fd = fd_;
        fd_ = -1;
        if (::close(fd) != 0) fail("cannot close '" + tmp_ + "': " + sys_err());
        if (::rename(tmp_.c_str(), path_.c_str()) != 0) fail("cannot rename '" + tmp_ + "' over it: " + sys_err());
        renamed_ = true;
        // Make the rename itself durable. EINVAL: the file system cannot sync directories.
        const auto slash = path_.rfind('/');
        const std::string dir = slash == std::string::npos ? "." : slash == 0 ? "/" : path_.substr(0, slash);
        const int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (dfd < 0) fail("written, but cannot open directory '" + dir + "' to sync it: " + sys_err());
        const int rc = ::fsync(dfd), e = errno;
        ::close(dfd);
        if (rc != 0 && e != EINVAL) fail("written, but cannot sync directory '" + dir + "': " + std::strerror(e));
    }

private:
    [[noreturn]] void fail(const std::string& why) const { throw std::runtime_error(path_ + ": " + why); }
    std::string path_, tmp_;
    int fd_ = -1;
    bool renamed_ = false;
};

// ---------------------------------------------------------------- dtypes and shapes
struct DtypeInfo {
    const char* descr;     // as in the npy header
    size_t file_size;      // bytes per element in the file
    Array::Dtype dtype;    // what it loads as
};
// The first four are what we write; <i4 and |b1 (numpy's default int on some platforms, bool)
// are widened / kept as bytes on load.
constexpr DtypeInfo kDtypes[] = {{"<f4", 4, Array::Dtype::F32}, {"<f8", 8, Array::Dtype::F64},
                                 {"|u1", 1, Array::Dtype::U8},  {"<i8", 8, Array::Dtype::I64},
                                 {"<i4", 4, Array::Dtype::I64}, {"|b1", 1, Array::Dtype::U8}};

const DtypeInfo& info_of(Array::Dtype d) {
    for (const auto& i : kDtypes) if (i.dtype == d) return i;   // the first match is the native one
    throw std::logic_error("npz: unknown dtype");
}

// Element count with the same left-to-right product as Array::size(), so that later calls to
// size() on what we return cannot overflow. False on a negative dim or overflow.
bool checked_count(const std::vector<int64_t>& shape, int64_t& n) {
    n = 1;
    for (const int64_t s : shape)
        if (s < 0 || __builtin_mul_overflow(n, s, &n)) return false;
    return true;
}

// The bytes and element count of the vector that holds a's values.
std::pair<const uint8_t*, size_t> held(const Array& a) {
    switch (a.dtype) {
        case Array::Dtype::F32: return {reinterpret_cast<const uint8_t*>(a.f32.data()), a.f32.size()};
        case Array::Dtype::F64: return {reinterpret_cast<const uint8_t*>(a.f64.data()), a.f64.size()};
        case Array::Dtype::U8: return {a.u8.data(), a.u8.size()};
        case Array::Dtype::I64: return {reinterpret_cast<const uint8_t*>(a.i64.data()), a.i64.size()};
    }
    return {nullptr, 0};
}
// Sizes that vector to n elements and returns its bytes.
uint8_t* resize_storage(Array& a, size_t n) {
    switch (a.dtype) {
        case Array::Dtype::F32: a.f32.resize(n); return reinterpret_cast<uint8_t*>(a.f32.data());
        case Array::Dtype::F64: a.f64.resize(n); return reinterpret_cast<uint8_t*>(a.f64.data());
        case Array::Dtype::U8: a.u8.resize(n); return a.u8.data();
        case Array::Dtype::I64: a.i64.resize(n); return reinterpret_cast<uint8_t*>(a.i64.data());
    }
    return nullptr;
}

// npy 1.0 header: magic, version, uint16 length, a Python dict literal padded with spaces and a
// final '\n' so that the data starts at a multiple of 64 bytes.
std::string npy_header(const char* descr, const std::vector<int64_t>& shape) {
    std::string dict = std::string("{'descr': '") + descr + "', 'fortran_order': False, 'shape': " +
                       shape_str(shape) + ", }";
    const size_t total = (10 + dict.size() + 1 + 63) / 64 * 64;
    dict.append(total - 10 - dict.size() - 1, ' ');
    dict += '\n';
    if (dict.size() > 0xffff) return {};
    std::string h("\x93NUMPY\x01\x00", 8);
    h += char(dict.size() & 0xff);
    h += char(dict.size() >> 8);
    return h + dict;
}

// ---------------------------------------------------------------- npy header parsing
// Strict subset of the Python literal numpy writes: {'descr': STR, 'fortran_order': BOOL,
// 'shape': TUPLE-OF-INTS, } in any key order, each key once, nothing else.
struct NpyHeader {
    std::string descr;
    bool fortran = false;
    std::vector<int64_t> shape;
};

class HeaderParser {
public:
    explicit HeaderParser(const std::string& s) : s_(s) {}
    // Empty string on success, else what is wrong.
    std::string parse(NpyHeader& h) {
        bool seen[3] = {false, false, false};
        ws();
        if (!eat('{')) return "does not start with '{'";
        for (;;) {
            ws();
            if (eat('}')) break;
            std::string key;
            if (!str(key)) return "expected a quoted key";
            ws();
            if (!eat(':')) return "expected ':' after '" + key + "'";
            ws();
            int k;
            if (key == "descr") { k = 0; if (!str(h.descr)) return "'descr' is not a quoted string"; }
            else if (key == "fortran_order") {
                k = 1;
                if (word("True")) h.fortran = true;
                else if (word("False")) h.fortran = false;
                else return "'fortran_order' is not True or False";
            } else if (key == "shape") { k = 2; if (!tuple(h.shape)) return "'shape' is not a tuple of non-negative integers"; }
            else return "unknown key '" + key + "'";
            if (seen[k]) return "key '" + key + "' appears twice";
            seen[k] = true;
            ws();
            if (eat(',')) continue;
            ws();
            if (eat('}')) break;
            return "expected ',' or '}' after '" + key + "'";
        }
        ws();
        if (i_ != s_.size()) return "junk after the closing '}'";
        if (!seen[0] || !seen[1] || !seen[2]) return "a key among 'descr', 'fortran_order', 'shape' is missing";
        return {};
    }

private:
    void ws() { while (i_ < s_.size() && (s_[i_] == ' ' || s_[i_] == '\t' || s_[i_] == '\n' || s_[i_] == '\r')) ++i_; }
    bool eat(char c) { if (i_ < s_.size() && s_[i_] == c) { ++i_; return true; } return false; }
    bool word(const char* w) {
        const size_t n = std::strlen(w);
        if (s_.compare(i_, n, w) != 0) return false;
        i_ += n;
        return true;
    }
    bool str(std::string& out) {
        if (i_ >= s_.size() || (s_[i_] != '\'' && s_[i_] != '"')) return false;
        const char q = s_[i_++];
        const size_t end = s_.find(q, i_);
        if (end == std::string::npos) return false;
        out = s_.substr(i_, end - i_);
        i_ = end + 1;
        return out.find('\\') == std::string::npos && out.size() <= 64;
    }
    bool integer(int64_t& v) {
        const size_t start = i_;
        v = 0;
        while (i_ < s_.size() && s_[i_] >= '0' && s_[i_] <= '9') {
            if (__builtin_mul_overflow(v, int64_t(10), &v) || __builtin_add_overflow(v, int64_t(s_[i_] - '0'), &v)) return false;
            ++i_;
        }
        if (i_ == start) return false;
        eat('L');   // Python 2 longs, as very old numpy wrote them
        return true;
    }
    // (), (3,), (3, 4), (3, 4,): a one-element tuple needs its trailing comma, as in Python.
    bool tuple(std::vector<int64_t>& out) {
        out.clear();
        if (!eat('(')) return false;
        ws();
        if (eat(')')) return true;
        for (;;) {
            int64_t v;
            if (!integer(v) || out.size() >= 64) return false;
            out.push_back(v);
            ws();
            const bool comma = eat(',');
            ws();
            if (eat(')')) return comma || out.size() > 1;
            if (!comma) return false;
        }
    }
    const std::string& s_;
    size_t i_ = 0;
};

// C order from Fortran order for n-d data of `item`-byte elements.
void fortran_to_c(const uint8_t* src, uint8_t* dst, const std::vector<int64_t>& shape, size_t item, int64_t n) {
    const size_t nd = shape.size();
    std::vector<int64_t> stride(nd), idx(nd, 0);   // Fortran strides in elements
    for (size_t k = 0; k < nd; ++k) stride[k] = k == 0 ? 1 : stride[k - 1] * shape[k - 1];
    int64_t off = 0;
    for (int64_t c = 0; c < n; ++c) {
        std::memcpy(dst + size_t(c) * item, src + size_t(off) * item, item);
        for (size_t k = nd; k-- > 0;) {   // next C index: the last axis moves fastest
            if (++idx[k] < shape[k]) { off += stride[k]; break; }
            off -= (shape[k] - 1) * stride[k];
            idx[k] = 0;
        }
    }
}

// ---------------------------------------------------------------- reading
struct ZipDiscard { void operator()(zip_t* z) const { zip_discard(z); } };
struct ZipFclose { void operator()(zip_file_t* f) const { zip_fclose(f); } };
struct SourceFree { void operator()(zip_source_t* s) const { zip_source_free(s); } };
using ZipPtr = std::unique_ptr<zip_t, ZipDiscard>;

// Member names come from the file: keep errors on one printable line.
std::string printable(const std::string& s) {
    std::string r;
    for (const unsigned char c : s.substr(0, 200)) {
        if (c >= 0x20 && c < 0x7f) r += char(c);
        else { char b[8]; std::snprintf(b, sizeof b, "\\x%02x", c); r += b; }
    }
    return s.size() > 200 ? r + "..." : r;
}

std::string open_error(int code, const std::string& head) {
    switch (code) {
        case ZIP_ER_NOENT: return "file not found";
        case ZIP_ER_NOZIP:
            if (head.compare(0, 6, "\x93NUMPY") == 0) return "is a single .npy array, not an .npz archive";
            if (head.compare(0, 4, "PK\x03\x04") == 0) return "truncated or damaged zip archive (no central directory)";
            return "not a zip archive (is it an .npz file?)";
        case ZIP_ER_INCONS: return "damaged zip archive (inconsistent directory; truncated?)";
        case ZIP_ER_MULTIDISK: return "multi-disk zip archives are not supported";
        default: {
            zip_error_t e;
            zip_error_init_with_code(&e, code);
            std::string r = std::string("cannot open as a zip archive: ") + zip_error_strerror(&e);
            zip_error_fini(&e);
            return r;
        }
    }
}

// Reads up to n bytes; returns the count read (less at end of data), throws on a read error.
uint64_t read_up_to(zip_file_t* f, uint8_t* dst, uint64_t n, const std::string& where) {
    uint64_t got = 0;
    while (got < n) {
        const zip_int64_t r = zip_fread(f, dst + got, std::min<uint64_t>(n - got, uint64_t(1) << 30));
        if (r < 0) throw NpzError(where + " is corrupt: " + zip_file_strerror(f));
        if (r == 0) break;
        got += uint64_t(r);
    }
    return got;
}

ArrayMap read_archive(zip_t* za, const std::string& label, uint64_t file_size, int64_t max_bytes) {
    ArrayMap out;
    const uint64_t budget = max_bytes > 0 ? uint64_t(max_bytes) : 0;
    uint64_t used = 0;
    const zip_int64_t count = zip_get_num_entries(za, 0);
    if (count < 0) throw NpzError(label + ": cannot list the zip archive");
    for (zip_int64_t i = 0; i < count; ++i) {
        const char* cname = zip_get_name(za, zip_uint64_t(i), ZIP_FL_ENC_GUESS);
        if (!cname) throw NpzError(label + ": member #" + std::to_string(i) + " has no readable name");
        const std::string name = cname;
        const std::string where = label + ": member '" + printable(name) + "'";
        auto fail = [&](const std::string& why) { throw NpzError(where + " " + why); };
        if (name.size() <= 4 || name.compare(name.size() - 4, 4, ".npy") != 0)
            fail("is not a .npy array (an .npz holds only NAME.npy members)");
        const std::string key = name.substr(0, name.size() - 4);
        if (out.count(key)) fail("appears twice");

        zip_stat_t st;
        zip_stat_init(&st);
        const zip_uint64_t need = ZIP_STAT_SIZE | ZIP_STAT_COMP_SIZE | ZIP_STAT_COMP_METHOD | ZIP_STAT_ENCRYPTION_METHOD;
        if (zip_stat_index(za, zip_uint64_t(i), 0, &st) != 0 || (st.valid & need) != need) fail("has an unreadable zip entry");
        if (st.encryption_method != ZIP_EM_NONE) fail("is encrypted");
        if (st.comp_method != ZIP_CM_STORE && st.comp_method != ZIP_CM_DEFLATE)
            fail("uses zip compression method " + std::to_string(st.comp_method) + " (only stored and deflated are read)");
        // Claimed sizes: the compressed bytes must fit in the file; stored members are their
        // own size; deflate expands at most ~1032x. Only then is st.size worth anything.
        if (st.comp_size > file_size || (st.comp_method == ZIP_CM_STORE && st.size != st.comp_size) ||
            (st.comp_method == ZIP_CM_DEFLATE && st.size / kDeflateMaxRatio > st.comp_size + 64))
            fail("has impossible zip sizes (" + std::to_string(st.size) + " bytes from " + std::to_string(st.comp_size) +
                 " compressed, in a file of " + std::to_string(file_size) + ")");
        if (st.size > budget - used + kMaxHeader + 16)
            fail("is " + std::to_string(st.size) + " bytes, over the limit of " + std::to_string(budget) + " bytes in total");

        std::unique_ptr<zip_file_t, ZipFclose> zf(zip_fopen_index(za, zip_uint64_t(i), 0));
        if (!zf) fail(std::string("cannot be opened: ") + zip_strerror(za));

        // Magic, version, header length, header.
        uint8_t pre[12];
        if (read_up_to(zf.get(), pre, 8, where) < 8) fail("is truncated (no complete .npy header)");
        if (std::memcmp(pre, "\x93NUMPY", 6) != 0) fail("is not a .npy array (bad magic)");
        const int major = pre[6];
        if (major < 1 || major > 3) fail("has unsupported .npy version " + std::to_string(major) + "." + std::to_string(pre[7]));
        const uint64_t lensz = major == 1 ? 2 : 4;
        if (read_up_to(zf.get(), pre + 8, lensz, where) < lensz) fail("is truncated (no complete .npy header)");
        uint64_t hlen = 0;
        for (uint64_t b = lensz; b-- > 0;) hlen = hlen << 8 | pre[8 + b];
        if (hlen > kMaxHeader) fail("has a .npy header of " + std::to_string(hlen) + " bytes (too long)");
        std::string htext(size_t(hlen), '\0');
        if (read_up_to(zf.get(), reinterpret_cast<uint8_t*>(&htext[0]), hlen, where) < hlen)
            fail("is truncated (no complete .npy header)");
        NpyHeader h;
        const std::string err = HeaderParser(htext).parse(h);
        if (!err.empty()) fail("has a bad .npy header: " + printable(err));
        const DtypeInfo* dt = nullptr;
        for (const auto& d : kDtypes) if (h.descr == d.descr) dt = &d;
        if (!dt) fail("has unsupported dtype '" + printable(h.descr) + "' (float32, float64, uint8, int64, int32, bool are read)");

        // Sizes, all checked before allocating.
        int64_t n = 0;
        uint64_t data_bytes = 0;
        if (!checked_count(h.shape, n) || __builtin_mul_overflow(uint64_t(n), dt->file_size, &data_bytes))
            fail("has an impossible shape " + shape_str(h.shape));
        const uint64_t hdr_total = 8 + lensz + hlen;
        if (st.size < hdr_total + data_bytes)
            fail("is truncated (expected " + std::to_string(data_bytes) + " bytes of data, found " +
                 std::to_string(st.size - hdr_total) + ")");
        if (st.size > hdr_total + data_bytes)
            fail("has " + std::to_string(st.size - hdr_total - data_bytes) + " bytes after its data");
        Array a;
        a.dtype = dt->dtype;
        a.shape = h.shape;
        const size_t out_item = info_of(a.dtype).file_size;
        const bool direct = !(h.fortran && h.shape.size() > 1) && out_item == dt->file_size;
        const uint64_t mem = uint64_t(n) * out_item + (direct ? 0 : 2 * data_bytes);   // <= 3 * data_bytes
        if (mem > budget - used)
            fail("needs " + std::to_string(mem) + " bytes, over the limit of " + std::to_string(budget) + " bytes in total");

        uint8_t* dst = resize_storage(a, size_t(n));
        std::vector<uint8_t> raw;
        uint8_t* into = dst;
        if (!direct) { raw.resize(size_t(data_bytes)); into = raw.data(); }
        const uint64_t got = read_up_to(zf.get(), into, data_bytes, where);
        if (got < data_bytes)
            fail("is truncated (expected " + std::to_string(data_bytes) + " bytes of data, found " + std::to_string(got) + ")");
        uint8_t extra;   // also makes libzip reach the end of the member and check its CRC
        if (read_up_to(zf.get(), &extra, 1, where) != 0) fail("has bytes after its data");
        if (!direct) {
            if (h.fortran && h.shape.size() > 1) {
                std::vector<uint8_t> c(raw.size());
                fortran_to_c(raw.data(), c.data(), h.shape, dt->file_size, n);
                raw.swap(c);
            }
            if (dt->file_size == out_item) { if (!raw.empty()) std::memcpy(dst, raw.data(), raw.size()); }
            else   // <i4 -> int64
                for (int64_t k = 0; k < n; ++k) {
                    int32_t v;
                    std::memcpy(&v, raw.data() + 4 * k, 4);
                    a.i64[size_t(k)] = v;
                }
        }
        used += uint64_t(n) * out_item;
        out.emplace(key, std::move(a));
    }
    return out;
}

}  // namespace

// ---------------------------------------------------------------- public API
std::string read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

void write_file_atomic(const std::string& path, const std::string& bytes) {
    AtomicFile f(path);
    f.write(bytes.data(), bytes.size());
    f.commit();
}

void npz_write(const std::string& path, const ArrayMap& arrays) {
    auto fail = [&](const std::string& why) { throw NpzError(path + ": " + why); };
    struct Member { std::string name, header; const uint8_t* data; uint64_t bytes; };
    std::vector<Member> members;
    members.reserve(arrays.size());   // headers must not move: libzip points into them
    for (const auto& [name, arr] : arrays) {
        if (name.empty() || name.find('\0') != std::string::npos) fail("array name '" + printable(name) + "' is empty or holds a NUL");
        int64_t n;
        if (!checked_count(arr.shape, n)) fail("array '" + name + "' has an invalid shape " + shape_str(arr.shape));
        const auto [ptr, count] = held(arr);
        if (int64_t(count) != n)
            fail("array '" + name + "' holds " + std::to_string(count) + " values but its shape " + shape_str(arr.shape) +
                 " needs " + std::to_string(n));
        const DtypeInfo& dt = info_of(arr.dtype);
        std::string header = npy_header(dt.descr, arr.shape);
        if (header.empty()) fail("array '" + name + "' has too many dimensions for an .npy header");
        members.push_back({name + ".npy", std::move(header), ptr, uint64_t(n) * dt.file_size});
    }
    try {
        if (members.empty()) {   // libzip writes nothing for an empty archive; numpy reads this
            write_file_atomic(path, std::string("PK\x05\x06", 4) + std::string(18, '\0'));
            return;
        }
        zip_error_t ze;
        zip_error_init(&ze);
        std::unique_ptr<zip_source_t, SourceFree> mem(zip_source_buffer_create(nullptr, 0, 0, &ze));
        if (!mem) fail(std::string("cannot create the archive: ") + zip_error_strerror(&ze));
        zip_source_keep(mem.get());   // one reference for the archive, one kept to read the result
        ZipPtr za(zip_open_from_source(mem.get(), ZIP_TRUNCATE, &ze));
        if (!za) {
            zip_source_free(mem.get());
            fail(std::string("cannot create the archive: ") + zip_error_strerror(&ze));
        }
        for (auto& m : members) {
            zip_buffer_fragment_t frag[2];
            zip_uint64_t nfrag = 0;   // libzip mishandles empty fragments: leave them out
            frag[nfrag++] = {reinterpret_cast<zip_uint8_t*>(&m.header[0]), m.header.size()};
            // freep = 0: libzip only reads through this pointer (its API is not const-correct).
            if (m.bytes > 0) frag[nfrag++] = {const_cast<zip_uint8_t*>(m.data), m.bytes};
            zip_source_t* src = zip_source_buffer_fragment_create(frag, nfrag, 0, &ze);
            if (!src) fail("cannot add '" + m.name + "': " + zip_error_strerror(&ze));
            const zip_int64_t idx = zip_file_add(za.get(), m.name.c_str(), src, ZIP_FL_ENC_GUESS);
            if (idx < 0) {
                zip_source_free(src);
                fail("cannot add '" + m.name + "': " + zip_strerror(za.get()));
            }
            if (zip_set_file_compression(za.get(), zip_uint64_t(idx), ZIP_CM_STORE, 0) != 0)
                fail("cannot add '" + m.name + "': " + zip_strerror(za.get()));
        }
        if (zip_close(za.get()) != 0) fail(std::string("cannot build the archive: ") + zip_strerror(za.get()));
        za.release();   // closed: the archive and its reference to mem are gone

        if (zip_source_open(mem.get()) != 0) fail(std::string("cannot read the built archive: ") + zip_error_strerror(zip_source_error(mem.get())));
        AtomicFile f(path);
        std::vector<char> buf(size_t(1) << 20);
        for (;;) {
            const zip_int64_t r = zip_source_read(mem.get(), buf.data(), buf.size());
            if (r < 0) { zip_source_close(mem.get()); fail(std::string("cannot read the built archive: ") + zip_error_strerror(zip_source_error(mem.get()))); }
            if (r == 0) break;
            f.write(buf.data(), size_t(r));
        }
        zip_source_close(mem.get());
        f.commit();
    } catch (const NpzError&) {
        throw;
    } catch (const std::exception& e) {   // AtomicFile's messages already name the path
        throw NpzError(e.what());
    }
}

ArrayMap npz_read(const std::string& path, int64_t max_bytes) {
    auto fail = [&](const std::string& why) { throw NpzError(path + ": " + why); };
    struct stat sb;
    if (::stat(path.c_str(), &sb) != 0) {
        if (errno == ENOENT || errno == ENOTDIR) fail("file not found");
        fail("cannot open: " + sys_err());
    }
    if (S_ISDIR(sb.st_mode)) fail("is a directory, not an .npz file");
    if (!S_ISREG(sb.st_mode)) fail("is not a regular file");
    if (sb.st_size == 0) fail("empty file (not an .npz archive)");
    int code = 0;
    ZipPtr za(zip_open(path.c_str(), ZIP_RDONLY | ZIP_CHECKCONS, &code));
    if (!za) {
        std::string head(8, '\0');
        if (FILE* f = std::fopen(path.c_str(), "rb")) { head.resize(std::fread(&head[0], 1, 8, f)); std::fclose(f); }
        fail(open_error(code, head));
    }
    return read_archive(za.get(), path, uint64_t(sb.st_size), max_bytes);
}

ArrayMap npz_read_memory(const void* data, size_t size, const std::string& label, int64_t max_bytes) {
    if (size == 0) throw NpzError(label + ": empty file (not an .npz archive)");
    if (!data) throw NpzError(label + ": no data");
    zip_error_t ze;
    zip_error_init(&ze);
    zip_source_t* src = zip_source_buffer_create(data, size, 0, &ze);
    if (!src) throw NpzError(label + ": " + zip_error_strerror(&ze));
    ZipPtr za(zip_open_from_source(src, ZIP_RDONLY | ZIP_CHECKCONS, &ze));
    if (!za) {
        zip_source_free(src);
        const int code = zip_error_code_zip(&ze);
        zip_error_fini(&ze);
        throw NpzError(label + ": " + open_error(code, std::string(static_cast<const char*>(data), std::min<size_t>(size, 8))));
    }
    return read_archive(za.get(), label, size, max_bytes);
}

}  // namespace ps
