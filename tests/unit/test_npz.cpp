// Tests of engine/npz: round trips of every dtype and shape, the numpy variants we accept,
// corrupt and malicious inputs (each must give one NpzError, never a crash or a huge allocation),
// atomic writes that leave the old file intact, and interop with numpy itself ([numpy]).
#include <catch2/catch.hpp>

#include <signal.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>
#include <zip.h>

#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>

#include "npz.hpp"
#include "rng.hpp"

namespace fs = std::filesystem;
using ps::Array;
using ps::ArrayMap;
using ps::NpzError;
using Catch::Matchers::Contains;

namespace {

struct TmpDir {
    fs::path p;
    TmpDir() {
        char t[] = "/tmp/ps_npz_XXXXXX";
        REQUIRE(::mkdtemp(t) != nullptr);
        p = t;
    }
    ~TmpDir() { std::error_code ec; fs::remove_all(p, ec); }
    std::string operator/(const std::string& n) const { return (p / n).string(); }
    bool has_temp_files() const {
        for (const auto& e : fs::directory_iterator(p))
            if (e.path().filename().string().find(".tmp.") != std::string::npos) return true;
        return false;
    }
};

std::string slurp(const std::string& path) {
    std::ifstream f(path, std::ios::binary);
    REQUIRE(f.good());
    return std::string(std::istreambuf_iterator<char>(f), {});
}
void spit(const std::string& path, const std::string& bytes) {
    std::ofstream f(path, std::ios::binary);
    f.write(bytes.data(), std::streamsize(bytes.size()));
    REQUIRE(f.good());
}

Array f32(std::vector<int64_t> shape, std::vector<float> v) { Array a; a.dtype = Array::Dtype::F32; a.shape = shape; a.f32 = v; return a; }
Array f64(std::vector<int64_t> shape, std::vector<double> v) { Array a; a.dtype = Array::Dtype::F64; a.shape = shape; a.f64 = v; return a; }

ArrayMap sample() {
    ArrayMap m;
    std::vector<float> w(12);
    for (int i = 0; i < 12; ++i) w[size_t(i)] = 0.5f * float(i) - 1;
    m["W"] = f32({3, 4}, w);
    m["pi"] = ps::scalar_array(M_PI);                                  // 0-d f64
    m["eta32"] = ps::scalar_array(0.25, false);                         // 0-d f32
    m["config"] = ps::text_array("{\"task\": \"patterns\", \"n\": 51}");
    m["steps"] = ps::i64_array({0, -1, std::numeric_limits<int64_t>::max(), std::numeric_limits<int64_t>::min()});
    m["empty2d"] = f32({0, 5}, {});
    m["empty1d"] = f64({0}, {});
    m["emptytext"] = ps::text_array("");
    m["grad/W"] = f64({2, 3}, {1234.5678, -0.0, 1e-300, INFINITY, -INFINITY, std::nan("")});
    std::vector<double> cube(24);
    for (int i = 0; i < 24; ++i) cube[size_t(i)] = i * 1.25;
    m["deep/er/cube"] = f64({2, 3, 4}, cube);
    Array i0; i0.dtype = Array::Dtype::I64; i0.shape = {}; i0.i64 = {42};
    m["count"] = i0;
    return m;
}

// Same names, dtypes, shapes and bit-identical values.
void check_same(const ArrayMap& got, const ArrayMap& want) {
    REQUIRE(got.size() == want.size());
    for (const auto& [name, w] : want) {
        INFO("array " << name);
        REQUIRE(got.count(name) == 1);
        const Array& g = got.at(name);
        CHECK(g.dtype == w.dtype);
        CHECK(g.shape == w.shape);
        CHECK(g.f32.size() == w.f32.size());
        CHECK(g.f64.size() == w.f64.size());
        CHECK(g.u8 == w.u8);
        CHECK(g.i64 == w.i64);
        if (g.f32.size() == w.f32.size() && !w.f32.empty()) CHECK(std::memcmp(g.f32.data(), w.f32.data(), 4 * w.f32.size()) == 0);
        if (g.f64.size() == w.f64.size() && !w.f64.empty()) CHECK(std::memcmp(g.f64.data(), w.f64.data(), 8 * w.f64.size()) == 0);
    }
}

// A zip built with libzip from (name, bytes) members, stored or deflated.
std::string make_zip(const std::vector<std::pair<std::string, std::string>>& members, bool deflate = false) {
    zip_error_t ze;
    zip_error_init(&ze);
    zip_source_t* mem = zip_source_buffer_create(nullptr, 0, 0, &ze);
    REQUIRE(mem);
    zip_source_keep(mem);
    zip_t* za = zip_open_from_source(mem, ZIP_TRUNCATE, &ze);
    REQUIRE(za);
    for (const auto& [name, bytes] : members) {
        zip_source_t* s = zip_source_buffer(za, bytes.data(), bytes.size(), 0);
        REQUIRE(s);
        const zip_int64_t idx = zip_file_add(za, name.c_str(), s, 0);
        REQUIRE(idx >= 0);
        REQUIRE(zip_set_file_compression(za, zip_uint64_t(idx), deflate ? ZIP_CM_DEFLATE : ZIP_CM_STORE, 0) == 0);
    }
    REQUIRE(zip_close(za) == 0);   // copies the members' bytes, which are still alive here
    REQUIRE(zip_source_open(mem) == 0);
    std::string out;
    char buf[65536];
    for (zip_int64_t r; (r = zip_source_read(mem, buf, sizeof buf)) > 0;) out.append(buf, size_t(r));
    zip_source_close(mem);
    zip_source_free(mem);
    return out;
}

// An .npy member: magic, version, header length, the dict padded to 64 bytes, then data.
std::string npy(const std::string& dict, const std::string& data, int major = 1) {
    const size_t pre = major == 1 ? 10 : 12;
    std::string h = dict;
    while ((pre + h.size() + 1) % 64) h += ' ';
    h += '\n';
    std::string out = std::string("\x93NUMPY", 6) + char(major) + '\0';
    const size_t lensz = pre - 8;
    for (size_t b = 0; b < lensz; ++b) out += char((h.size() >> (8 * b)) & 0xff);
    return out + h + data;
}
std::string f8_bytes(const std::vector<double>& v) { return std::string(reinterpret_cast<const char*>(v.data()), 8 * v.size()); }

ArrayMap read_mem(const std::string& bytes, int64_t max_bytes = int64_t(4) << 30) {
    return ps::npz_read_memory(bytes.data(), bytes.size(), "x.npz", max_bytes);
}

void put32(std::string& s, size_t at, uint32_t v) { for (int b = 0; b < 4; ++b) s[at + size_t(b)] = char((v >> (8 * b)) & 0xff); }

}  // namespace

TEST_CASE("npz round trip of every dtype, 0-d to 3-d, empty arrays and names with '/'", "[npz]") {
    TmpDir d;
    const ArrayMap m = sample();
    ps::npz_write(d / "a.npz", m);
    check_same(ps::npz_read(d / "a.npz"), m);
    const std::string bytes = slurp(d / "a.npz");
    check_same(read_mem(bytes), m);
    CHECK(!d.has_temp_files());

    // Every member is stored, named NAME.npy, npy 1.0 with its data aligned to 64 bytes.
    zip_error_t ze;
    zip_error_init(&ze);
    zip_source_t* src = zip_source_buffer_create(bytes.data(), bytes.size(), 0, &ze);
    zip_t* za = zip_open_from_source(src, ZIP_RDONLY, &ze);
    REQUIRE(za);
    REQUIRE(zip_get_num_entries(za, 0) == zip_int64_t(m.size()));
    CHECK(zip_name_locate(za, "grad/W.npy", 0) >= 0);
    for (zip_int64_t i = 0; i < zip_get_num_entries(za, 0); ++i) {
        zip_stat_t st;
        REQUIRE(zip_stat_index(za, zip_uint64_t(i), 0, &st) == 0);
        INFO(st.name);
        CHECK(st.comp_method == ZIP_CM_STORE);
        zip_file_t* f = zip_fopen_index(za, zip_uint64_t(i), 0);
        REQUIRE(f);
        unsigned char pre[10];
        REQUIRE(zip_fread(f, pre, 10) == 10);
        zip_fclose(f);
        CHECK(std::memcmp(pre, "\x93NUMPY\x01\x00", 8) == 0);
        CHECK((10 + pre[8] + 256 * pre[9]) % 64 == 0);
    }
    zip_discard(za);

    // An empty map makes an empty (but valid) archive.
    ps::npz_write(d / "empty.npz", {});
    CHECK(ps::npz_read(d / "empty.npz").empty());
}

TEST_CASE("npz_write rejects arrays whose data does not match their shape", "[npz]") {
    TmpDir d;
    ArrayMap m;
    m["W"] = f32({3, 4}, std::vector<float>(11));
    CHECK_THROWS_WITH(ps::npz_write(d / "a.npz", m), Contains("array 'W' holds 11 values but its shape (3, 4) needs 12"));
    m["W"] = f32({-1, 4}, {});
    CHECK_THROWS_AS(ps::npz_write(d / "a.npz", m), NpzError);
    m.clear();
    m[""] = ps::scalar_array(1);
    CHECK_THROWS_AS(ps::npz_write(d / "a.npz", m), NpzError);
    CHECK(!fs::exists(d / "a.npz"));
    CHECK(!d.has_temp_files());
}

TEST_CASE("npz reads the variants numpy writes: deflated, Fortran order, int32, bool, npy 2.0", "[npz]") {
    const std::string c = "'fortran_order': False, ";
    // A 2x3 matrix [[0,1,2],[3,4,5]] written in Fortran order: column by column.
    const std::string fort = npy("{'descr': '<f8', 'fortran_order': True, 'shape': (2, 3), }", f8_bytes({0, 3, 1, 4, 2, 5}));
    // 2x3x2, element (i,j,k) = 100i + 10j + k, Fortran order: i fastest, then j, then k.
    std::vector<double> f3;
    for (int k = 0; k < 2; ++k) for (int j = 0; j < 3; ++j) for (int i = 0; i < 2; ++i) f3.push_back(100 * i + 10 * j + k);
    const int32_t i4[3] = {7, -8, 2147483647};
    const std::string members_i4(reinterpret_cast<const char*>(i4), 12);
    for (const bool deflate : {false, true}) {
        INFO("deflate " << deflate);
        const std::string z = make_zip({
            {"F.npy", fort},
            {"F3.npy", npy("{'descr': '<f8', 'fortran_order': True, 'shape': (2, 3, 2), }", f8_bytes(f3))},
            {"i4.npy", npy("{'descr': '<i4', " + c + "'shape': (3,), }", members_i4)},
            {"b.npy", npy("{'descr': '|b1', " + c + "'shape': (2,), }", std::string("\x01\x00", 2))},
            {"v2.npy", npy("{'shape': (1,), 'fortran_order': False, 'descr': '<f8'}", f8_bytes({2.5}), 2)},
            {"py2.npy", npy("{'descr': '<f8', " + c + "'shape': (1L, 2L), }", f8_bytes({1, 2}))},
            {"zeros.npy", npy("{'descr': '<f8', " + c + "'shape': (4000,), }", std::string(32000, '\0'))},
        }, deflate);
        const ArrayMap m = read_mem(z);
        REQUIRE(m.size() == 7);
        CHECK(m.at("F").shape == std::vector<int64_t>{2, 3});
        CHECK(m.at("F").f64 == std::vector<double>{0, 1, 2, 3, 4, 5});
        const Array& a3 = m.at("F3");
        REQUIRE(a3.f64.size() == 12);
        for (int i = 0; i < 2; ++i) for (int j = 0; j < 3; ++j) for (int k = 0; k < 2; ++k)
            CHECK(a3.f64[size_t(i * 6 + j * 2 + k)] == 100 * i + 10 * j + k);
        CHECK(m.at("i4").dtype == Array::Dtype::I64);
        CHECK(m.at("i4").i64 == std::vector<int64_t>{7, -8, 2147483647});
        CHECK(m.at("b").dtype == Array::Dtype::U8);
        CHECK(m.at("b").u8 == std::vector<uint8_t>{1, 0});
        CHECK(m.at("v2").f64 == std::vector<double>{2.5});
        CHECK(m.at("py2").shape == std::vector<int64_t>{1, 2});
        CHECK(m.at("zeros").f64 == std::vector<double>(4000, 0.0));
    }
}

TEST_CASE("npz rejects bad .npy members with a message naming the file, member and problem", "[npz]") {
    const std::string c = "'fortran_order': False, ";
    struct Case { std::string member, expect; };
    const std::vector<Case> cases = {
        {npy("{'descr': '<c8', " + c + "'shape': (2,), }", std::string(16, '\0')), "member 'W.npy' has unsupported dtype '<c8'"},
        {npy("{'descr': '>f4', " + c + "'shape': (1,), }", std::string(4, '\0')), "unsupported dtype '>f4'"},
        {npy("{'descr': '<f8', " + c + "'shape': (1099511627776, 1099511627776), }", ""), "impossible shape (1099511627776, 1099511627776)"},
        {npy("{'descr': '<f8', " + c + "'shape': (4611686018427387904, 4, 0), }", ""), "impossible shape"},
        {npy("{'descr': '<f8', " + c + "'shape': (1048576, 1048576), }", ""), "is truncated (expected 8796093022208 bytes of data, found 0)"},
        {npy("{'descr': '<f4', " + c + "'shape': (1000000,), }", std::string(123, '\0')), "x.npz: member 'W.npy' is truncated (expected 4000000 bytes of data, found 123)"},
        {npy("{'descr': '<f8', " + c + "'shape': (1,), }", std::string(9, '\0')), "has 1 bytes after its data"},
        {npy("{'descr': '<f8', " + c + "'shape': (-1,), }", ""), "'shape' is not a tuple"},
        {npy("{'descr': '<f8', " + c + "'shape': (3), }", std::string(24, '\0')), "'shape' is not a tuple"},
        {npy("{'descr': '<f8', " + c + "'shape': (99999999999999999999,), }", ""), "'shape' is not a tuple"},
        {npy("{'descr': '<f8', 'fortran_order': Maybe, 'shape': (), }", std::string(8, '\0')), "'fortran_order' is not True or False"},
        {npy("{'descr': '<f8', 'shape': (), }", std::string(8, '\0')), "is missing"},
        {npy("{'descr': '<f8', " + c + "'shape': (), 'extra': 1, }", std::string(8, '\0')), "unknown key 'extra'"},
        {npy("{'descr': '<f8', 'descr': '<f8', " + c + "'shape': (), }", std::string(8, '\0')), "appears twice"},
        {npy("{'descr': '<f8', " + c + "'shape': (), } x", std::string(8, '\0')), "junk after"},
        {npy("['descr']", ""), "does not start with '{'"},
        {npy("", ""), "does not start with '{'"},
        {"\x93NUMPZ\x01\x00" + std::string(100, ' '), "bad magic"},
        {std::string("\x93NUMPY\x09\x00", 8) + std::string(100, ' '), "unsupported .npy version 9.0"},
        {std::string("\x93NUMPY\x01\x00\xff\x00{'descr'", 17), "truncated (no complete .npy header)"},
        {std::string("\x93NUMPY\x02\x00\xff\xff\xff\x7f", 12), "too long"},
        {std::string("\x93NUM", 4), "truncated (no complete .npy header)"},
        {"", "truncated (no complete .npy header)"},
    };
    for (const auto& k : cases) {
        INFO("expect: " << k.expect);
        CHECK_THROWS_WITH(read_mem(make_zip({{"W.npy", k.member}})), Contains("x.npz: member 'W.npy'") && Contains(k.expect));
    }
    const std::string ok = npy("{'descr': '<f8', " + c + "'shape': (), }", f8_bytes({1}));
    CHECK_THROWS_WITH(read_mem(make_zip({{"W.npy", ok}, {"readme.txt", "hi"}})), Contains("member 'readme.txt' is not a .npy array"));
    CHECK_THROWS_WITH(read_mem(make_zip({{".npy", ok}})), Contains("is not a .npy array"));
    CHECK_THROWS_WITH(read_mem(make_zip({{"bad\nname.npy", "junk"}})), Contains("member 'bad\\x0aname.npy'"));
}

TEST_CASE("npz limits memory before allocating: byte budget, bombs and lying zip sizes", "[npz]") {
    const std::string c = "'fortran_order': False, ";
    const std::string big = npy("{'descr': '<f8', " + c + "'shape': (1000,), }", std::string(8000, '\0'));
    CHECK(read_mem(make_zip({{"a.npy", big}}), 8000).at("a").f64.size() == 1000);
    CHECK_THROWS_WITH(read_mem(make_zip({{"a.npy", big}}), 7999), Contains("over the limit of 7999 bytes"));
    CHECK_THROWS_WITH(read_mem(make_zip({{"a.npy", big}, {"b.npy", big}}), 12000), Contains("member 'b.npy'") && Contains("over the limit"));

    // A deflate bomb: 16 MB of zeros in a few KB, read with a 1 MB budget.
    const std::string bomb = npy("{'descr': '|u1', " + c + "'shape': (16777216,), }", std::string(16777216, '\0'));
    const std::string z = make_zip({{"bomb.npy", bomb}}, true);
    CHECK(z.size() < 100000);
    CHECK_THROWS_WITH(read_mem(z, 1 << 20), Contains("over the limit"));

    // Entries that claim a huge uncompressed size (local header and central directory agree).
    const std::string member = npy("{'descr': '<f8', " + c + "'shape': (4,), }", std::string(32, '\0'));
    for (const bool deflate : {false, true}) {
        std::string liar = make_zip({{"W.npy", member}}, deflate);
        REQUIRE(liar.compare(0, 4, "PK\x03\x04") == 0);
        put32(liar, 22, 0xF0000000u);
        const size_t cd = liar.find("PK\x01\x02");
        REQUIRE(cd != std::string::npos);
        put32(liar, cd + 24, 0xF0000000u);
        CHECK_THROWS_AS(read_mem(liar), NpzError);
    }
}

TEST_CASE("npz rejects missing, empty, foreign, truncated and corrupted files with NpzError", "[npz]") {
    TmpDir d;
    CHECK_THROWS_WITH(ps::npz_read(d / "nope.npz"), Contains(d / "nope.npz") && Contains("file not found"));
    CHECK_THROWS_WITH(ps::npz_read(d / "nodir/nope.npz"), Contains("file not found"));
    CHECK_THROWS_WITH(ps::npz_read(d.p.string()), Contains("is a directory"));
    spit(d / "empty.npz", "");
    CHECK_THROWS_WITH(ps::npz_read(d / "empty.npz"), Contains(d / "empty.npz") && Contains("empty file"));
    CHECK_THROWS_WITH(read_mem(""), Contains("x.npz: empty file"));
    spit(d / "text.npz", "this is not a zip file at all, just some text\n");
    CHECK_THROWS_WITH(ps::npz_read(d / "text.npz"), Contains("text.npz: not a zip archive (is it an .npz file?)"));
    const std::string single = npy("{'descr': '<f8', 'fortran_order': False, 'shape': (), }", f8_bytes({1}));
    CHECK_THROWS_WITH(read_mem(single), Contains("single .npy array"));

    ps::Rng rng(7);
    for (const size_t n : {1, 3, 21, 22, 100, 4096, 70000}) {
        std::string junk(n, '\0');
        for (auto& ch : junk) ch = char(rng.below(256));
        CHECK_THROWS_AS(read_mem(junk), NpzError);
        CHECK_THROWS_AS(read_mem("PK\x03\x04" + junk), NpzError);
        // Junk before an empty end-of-directory record is a legal (self-extractor style) empty zip.
        CHECK(read_mem(junk + std::string("PK\x05\x06", 4) + std::string(18, '\0')).empty());
    }

    ps::npz_write(d / "good.npz", sample());
    const std::string good = slurp(d / "good.npz");
    for (size_t len = 1; len < good.size(); ++len) {
        INFO("truncated to " << len << " of " << good.size() << " bytes");
        CHECK_THROWS_AS(read_mem(good.substr(0, len)), NpzError);
    }
    spit(d / "cut.npz", good.substr(0, good.size() / 2));
    CHECK_THROWS_WITH(ps::npz_read(d / "cut.npz"), Contains("cut.npz: truncated or damaged zip archive"));

    // Flip each byte: any outcome but a crash or a foreign exception is acceptable for bytes of
    // the zip structure (some are timestamps), but a flip in array data must fail the CRC.
    const double probe = 1234.5678;
    const size_t data_at = good.find(std::string(reinterpret_cast<const char*>(&probe), 8));
    REQUIRE(data_at != std::string::npos);
    size_t rejected = 0;
    for (size_t i = 0; i < good.size(); ++i) {
        std::string bad = good;
        bad[i] = char(bad[i] ^ 0x5a);
        try {
            read_mem(bad);
        } catch (const NpzError&) {
            ++rejected;
            continue;
        }
        INFO("flipped byte " << i);
        CHECK((i < data_at || i >= data_at + 48));
    }
    CHECK(rejected > good.size() / 2);
}

TEST_CASE("npz and text writes are atomic: a failed write leaves the old file byte-identical", "[npz]") {
    TmpDir d;
    const std::string path = d / "ck.npz";
    ps::npz_write(path, sample());
    const std::string before = slurp(path);
    ArrayMap big;
    big["W"] = f32({200, 200}, std::vector<float>(40000, 1.5f));
    const std::string tmp = path + ".tmp." + std::to_string(::getpid());

    SECTION("the temp file cannot be created") {
        fs::create_directory(tmp);   // open(O_WRONLY) on a directory fails, even for root
        CHECK_THROWS_WITH(ps::npz_write(path, big), Contains(path) && Contains("cannot create temporary file"));
        CHECK_THROWS_AS(ps::write_file_atomic(path, "new text"), std::runtime_error);
        fs::remove(tmp);
    }
    SECTION("the disk fills up mid-write (RLIMIT_FSIZE)") {
        rlimit old;
        REQUIRE(::getrlimit(RLIMIT_FSIZE, &old) == 0);
        const auto old_handler = ::signal(SIGXFSZ, SIG_IGN);   // write() then fails with EFBIG
        rlimit small = old;
        small.rlim_cur = 4096;
        REQUIRE(::setrlimit(RLIMIT_FSIZE, &small) == 0);
        bool threw = false;
        std::string msg;
        try { ps::npz_write(path, big); } catch (const NpzError& e) { threw = true; msg = e.what(); }
        bool threw_text = false;
        try { ps::write_file_atomic(path, std::string(10000, 'x')); } catch (const std::runtime_error&) { threw_text = true; }
        ::setrlimit(RLIMIT_FSIZE, &old);
        ::signal(SIGXFSZ, old_handler);
        CHECK(threw);
        CHECK_THAT(msg, Contains(path) && Contains("cannot write"));
        CHECK(threw_text);
    }
    SECTION("the target cannot be replaced (it became a non-empty directory)") {
        const std::string dir = d / "dir.npz";
        fs::create_directories(dir + "/inside");
        CHECK_THROWS_WITH(ps::npz_write(dir, big), Contains("cannot rename"));
        CHECK(fs::is_directory(dir + "/inside"));
    }
    SECTION("the directory does not exist") {
        CHECK_THROWS_AS(ps::npz_write(d / "no/such/dir.npz", big), NpzError);
        CHECK_THROWS_AS(ps::write_file_atomic(d / "no/such/dir.txt", "x"), std::runtime_error);
    }
    CHECK(slurp(path) == before);
    CHECK(!d.has_temp_files());
    check_same(ps::npz_read(path), sample());

    // And a successful write replaces it.
    ps::npz_write(path, big);
    check_same(ps::npz_read(path), big);
    ps::write_file_atomic(d / "t.txt", "first");
    ps::write_file_atomic(d / "t.txt", "second");
    CHECK(slurp(d / "t.txt") == "second");
    CHECK(!d.has_temp_files());
}

TEST_CASE("npz files interoperate with numpy (load ours, read savez_compressed)", "[npz][numpy]") {
    if (std::system("/usr/bin/python3 -c 'import numpy' > /dev/null 2>&1") != 0) {
        WARN("/usr/bin/python3 cannot import numpy (apt-get install python3-numpy): numpy interop not tested");
        SUCCEED();
        return;
    }
    TmpDir d;
    ps::npz_write(d / "ours.npz", sample());
    spit(d / "check.py", R"PY(
import sys, numpy as np
a = np.load(sys.argv[1])
want = {'W': ('float32', (3, 4)), 'pi': ('float64', ()), 'eta32': ('float32', ()), 'config': ('uint8', (29,)),
        'steps': ('int64', (4,)), 'empty2d': ('float32', (0, 5)), 'empty1d': ('float64', (0,)),
        'emptytext': ('uint8', (0,)), 'grad/W': ('float64', (2, 3)), 'deep/er/cube': ('float64', (2, 3, 4)),
        'count': ('int64', ())}
assert sorted(a.files) == sorted(want), a.files
for k, (dt, sh) in want.items():
    assert a[k].dtype == np.dtype(dt) and a[k].shape == sh, (k, a[k].dtype, a[k].shape)
assert (a['W'] == np.arange(12, dtype=np.float32).reshape(3, 4) * 0.5 - 1).all()
assert a['pi'] == np.pi and a['eta32'] == np.float32(0.25) and a['count'] == 42
assert bytes(a['config']) == b'{"task": "patterns", "n": 51}'
assert list(a['steps']) == [0, -1, 2**63 - 1, -2**63]
g = a['grad/W']
assert g[0, 0] == 1234.5678 and np.signbit(g[0, 1]) and g[1, 0] == np.inf and np.isnan(g[1, 2])
assert (a['deep/er/cube'] == np.arange(24).reshape(2, 3, 4) * 1.25).all()
np.savez_compressed(sys.argv[2], F=np.asfortranarray(np.arange(6.0).reshape(2, 3)),
                    i4=np.array([1, -2, 3], dtype=np.int32), b=np.array([True, False, True]),
                    s=np.float64(2.5), e=np.zeros((0, 3), np.float32), u=np.frombuffer(b'hi', np.uint8),
                    **{'grad/x': np.arange(4, dtype=np.int64)})
)PY");
    const std::string cmd = "/usr/bin/python3 " + (d / "check.py") + " " + (d / "ours.npz") + " " + (d / "theirs.npz");
    const int rc = std::system(cmd.c_str());
    REQUIRE(WIFEXITED(rc));
    REQUIRE(WEXITSTATUS(rc) == 0);

    const ArrayMap t = ps::npz_read(d / "theirs.npz");
    REQUIRE(t.size() == 7);
    CHECK(t.at("F").shape == std::vector<int64_t>{2, 3});
    CHECK(t.at("F").f64 == std::vector<double>{0, 1, 2, 3, 4, 5});
    CHECK(t.at("i4").i64 == std::vector<int64_t>{1, -2, 3});
    CHECK(t.at("b").u8 == std::vector<uint8_t>{1, 0, 1});
    CHECK(t.at("s").shape.empty());
    CHECK(t.at("s").f64 == std::vector<double>{2.5});
    CHECK(t.at("e").shape == std::vector<int64_t>{0, 3});
    CHECK(ps::array_text(t.at("u")) == "hi");
    CHECK(t.at("grad/x").i64 == std::vector<int64_t>{0, 1, 2, 3});
}
