// A deflated .npz writer for the data-set builders (tools/glyphs/make_glyphs, tools/images/
// make_images): the arrays go in uncompressed .npy form, each zip entry deflated at level 9 with a
// fixed time stamp, so the same input builds the same bytes and the rebuild tests can compare
// a fresh build with the committed asset file for file. MetaJson writes the set's "meta" entry.
#pragma once
#include <zip.h>
#include <cstdint>
#include <cstdio>
#include <stdexcept>
#include <string>
#include <vector>

// A one-line JSON object, keys in the order added: {"format": "...", "side": 32, ...}. Text is
// escaped; whole numbers are written as they are, reals as %g.
class MetaJson {
public:
    MetaJson& text(const std::string& key, const std::string& v) {
        std::string e;
        for (char c : v) {
            if (c == '"' || c == '\\') e += '\\';
            e += c;
        }
        return raw(key, "\"" + e + "\"");
    }
    MetaJson& whole(const std::string& key, long long v) { return raw(key, std::to_string(v)); }
    MetaJson& real(const std::string& key, double v) {
        char b[32];
        std::snprintf(b, sizeof b, "%g", v);
        return raw(key, b);
    }
    std::string str() const { return "{" + body_ + "}"; }

private:
    MetaJson& raw(const std::string& key, const std::string& v) {
        body_ += (body_.empty() ? "\"" : ", \"") + key + "\": " + v;
        return *this;
    }
    std::string body_;
};

struct NpzOut {
    struct Entry { std::string name, bytes; };
    std::vector<Entry> entries;
    // descr: the numpy dtype string ("|u1", "<i8"); n: bytes at data.
    void add(const std::string& name, const char* descr, std::vector<int64_t> shape, const void* data, size_t n) {
        std::string shp = "(";
        for (size_t i = 0; i < shape.size(); ++i) shp += std::to_string(shape[i]) + (shape.size() == 1 ? "," : (i + 1 < shape.size() ? ", " : ""));
        shp += ")";
        std::string hdr = std::string("{'descr': '") + descr + "', 'fortran_order': False, 'shape': " + shp + ", }";
        const size_t total = 10 + hdr.size() + 1;
        hdr.append((64 - total % 64) % 64, ' ');
        hdr += '\n';
        std::string b = "\x93NUMPY";
        b += char(1); b += char(0);
        b += char(hdr.size() & 0xff); b += char(hdr.size() >> 8);
        b += hdr;
        b.append(static_cast<const char*>(data), n);
        entries.push_back({name + ".npy", std::move(b)});
    }
    void add_u8(const std::string& name, std::vector<int64_t> shape, const std::vector<uint8_t>& v) {
        add(name, "|u1", std::move(shape), v.data(), v.size());
    }
    void add_i64(const std::string& name, const std::vector<int64_t>& v) {
        add(name, "<i8", {int64_t(v.size())}, v.data(), v.size() * 8);
    }
    void add_text(const std::string& name, const std::string& s) {
        add(name, "|u1", {int64_t(s.size())}, s.data(), s.size());
    }
    void write(const std::string& path) {
        const std::string tmp = path + ".tmp";
        std::remove(tmp.c_str());
        int err = 0;
        zip_t* z = zip_open(tmp.c_str(), ZIP_CREATE | ZIP_EXCL, &err);
        if (!z) throw std::runtime_error("cannot create " + tmp);
        for (auto& e : entries) {
            zip_source_t* src = zip_source_buffer(z, e.bytes.data(), e.bytes.size(), 0);
            const zip_int64_t idx = src ? zip_file_add(z, e.name.c_str(), src, ZIP_FL_ENC_UTF_8) : -1;
            if (idx < 0) { zip_source_free(src); zip_discard(z); throw std::runtime_error("zip: cannot add " + e.name); }
            zip_set_file_compression(z, zip_uint64_t(idx), ZIP_CM_DEFLATE, 9);
            zip_file_set_mtime(z, zip_uint64_t(idx), 315532800 + 86400, 0);   // 1980-01-02: reproducible
        }
        if (zip_close(z) != 0) { zip_discard(z); throw std::runtime_error("zip: cannot write " + tmp); }
        if (std::rename(tmp.c_str(), path.c_str()) != 0) throw std::runtime_error("cannot rename " + tmp + " to " + path);
    }
};
