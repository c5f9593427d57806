// Glyph / Omniglot loaders and the episode sampler (see dataset.hpp).
#include "dataset.hpp"

#include <zip.h>

#include <algorithm>
#include <cmath>
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <chrono>
#include <filesystem>
#include <future>
#include <map>
#include <mutex>
#include <tuple>

#include "fields.hpp"
#include "data_dir.hpp"
#include "glyph_synth.hpp"
#include "image_decode.hpp"
#include "npz.hpp"
#include "npz_data_set.hpp"

namespace ps::omni {

namespace fs = std::filesystem;

void CharSet::add_char(const std::string& alphabet, const std::string& name, const std::vector<std::vector<uint8_t>>& imgs) {
    if (alphabets.empty() || alphabets.back() != alphabet) alphabets.push_back(alphabet);
    char_alphabet.push_back(int(alphabets.size()) - 1);
    char_name.push_back(alphabet + "/" + name);
    for (const auto& im : imgs) pixels.insert(pixels.end(), im.begin(), im.end());
    char_first.push_back(char_first.back() + int(imgs.size()));
}

// ---------------------------------------------------------------- glyphs
CharSet load_glyphs(const std::string& path, GlyphSplit split) {
    NpzDataSet<DataError> f("glyph set", path, path, int64_t(512) << 20,
                            "rebuild it with tools/glyphs/make_glyphs, see assets/glyphs/SOURCES.md", "plastiscope-glyphs-1");
    auto fail = [&](const std::string& why) { return f.fail(why); };
    auto get = [&](const std::string& n, Array::Dtype dt, size_t ndim) -> const Array& { return f.get(n, dt, ndim); };
    auto& meta = f.meta;
    const int side = std::atoi(meta["side"].c_str()), bits = std::atoi(meta["bits"].c_str());
    const int drawers = std::atoi(meta["drawers"].c_str());
    if (side < 8 || side > 256 || bits != 4 || drawers < 2 || drawers > 1000)
        throw fail("meta has side=" + meta["side"] + " bits=" + meta["bits"] + " drawers=" + meta["drawers"] +
                   " (expected side 8..256, bits 4, drawers >= 2)");
    const Array& images = get("images", Array::Dtype::U8, 2);
    const Array& calph = get("char_alphabet", Array::Dtype::I64, 1);
    const Array& asplit = get("alphabet_split", Array::Dtype::I64, 1);
    const Array& ccp = get("char_codepoint", Array::Dtype::I64, 1);
    std::vector<std::string> names;
    {
        const std::string s = array_text(get("alphabet_names", Array::Dtype::U8, 1));
        size_t a = 0;
        for (size_t b; (b = s.find('\n', a)) != std::string::npos; a = b + 1) names.push_back(s.substr(a, b - a));
        names.push_back(s.substr(a));
    }
    const int64_t nchar = calph.shape[0], npx = int64_t(side) * side, nbytes = (npx + 1) / 2;
    if (int64_t(names.size()) != asplit.shape[0]) throw fail("alphabet_names and alphabet_split differ in length");
    if (ccp.shape[0] != nchar) throw fail("char_codepoint and char_alphabet differ in length");
    if (images.shape[0] != nchar * drawers || images.shape[1] != nbytes)
        throw fail("images has shape (" + std::to_string(images.shape[0]) + ", " + std::to_string(images.shape[1]) +
                   "), expected (" + std::to_string(nchar * drawers) + ", " + std::to_string(nbytes) + ")");
    CharSet cs;
    cs.side = side;
    cs.source = path + (split == GlyphSplit::Background ? " (background)" : split == GlyphSplit::Evaluation ? " (evaluation)" : "");
    std::vector<std::vector<uint8_t>> imgs(static_cast<size_t>(drawers), std::vector<uint8_t>(static_cast<size_t>(npx)));
    for (int64_t c = 0; c < nchar; ++c) {
        const int64_t a = calph.i64[size_t(c)];
        if (a < 0 || a >= int64_t(names.size())) throw fail("char_alphabet[" + std::to_string(c) + "] is out of range");
        const int64_t sp = asplit.i64[size_t(a)];
        if (sp != 0 && sp != 1) throw fail("alphabet_split holds " + std::to_string(sp) + " (0 or 1 expected)");
        if (split != GlyphSplit::All && sp != int64_t(split)) continue;
        for (int d = 0; d < drawers; ++d) {
            const uint8_t* src = &images.u8[size_t((c * drawers + d) * nbytes)];
            for (int64_t i = 0; i < npx; ++i) {
                const int q = (i % 2) ? (src[i / 2] >> 4) : (src[i / 2] & 15);
                imgs[size_t(d)][size_t(i)] = uint8_t(q * 17);   // q/15 of full ink
            }
        }
        char buf[32];
        std::snprintf(buf, sizeof buf, "U+%04llX", (unsigned long long)ccp.i64[size_t(c)]);
        cs.add_char(names[size_t(a)], buf, imgs);
    }
    if (cs.num_chars() == 0) throw fail("no characters in the requested split");
    return cs;
}

// ---------------------------------------------------------------- real Omniglot
std::vector<float> decode_png_ink(const void* data, size_t size, int side, const std::string& label) {
    // A character image: Omniglot's are 105 px; 4096 per side is far beyond any real one.
    ImageLimits lim;
    lim.max_side = 4096;
    lim.max_pixels = int64_t(4096) * 4096;
    lim.max_bytes = size_t(64) << 20;
    DecodedImage img;
    try {
        img = decode_image(data, size, label, 1, lim);
    } catch (const ImageDecodeError& e) {
        throw DataError(e.what());
    }
    const int w = img.w, h = img.h;
    if (w != h || w < side) {
        throw DataError(printable(label) + ": image is " + std::to_string(w) + "x" + std::to_string(h) + ", expected a square of at least " +
                        std::to_string(side) + " px");
    }
    const std::vector<uint8_t>& px = img.px;
    std::vector<float> v(size_t(w) * size_t(h));
    double mean = 0;
    for (size_t i = 0; i < v.size(); ++i) { v[i] = float(px[i]) / 255.f; mean += v[i]; }
    mean /= double(v.size());
    if (mean > 0.5) for (auto& x : v) x = 1.f - x;   // paper is the majority colour
    return area_downsample(v, w, side);
}

namespace {
struct Item { std::string alphabet, character, file; std::vector<uint8_t> img; };

std::vector<uint8_t> to_bytes(const std::vector<float>& ink) {
    std::vector<uint8_t> b(ink.size());
    for (size_t i = 0; i < ink.size(); ++i) b[i] = uint8_t(std::lround(std::clamp(ink[i], 0.f, 1.f) * 255.f));
    return b;
}

bool split3(const std::string& path, Item& it) {
    std::vector<std::string> parts;
    size_t a = 0;
    for (size_t b; (b = path.find('/', a)) != std::string::npos; a = b + 1)
        if (b > a) parts.push_back(path.substr(a, b - a));
    if (a < path.size()) parts.push_back(path.substr(a));
    if (parts.size() < 3) return false;
    std::string f = parts.back();
    if (f.size() < 5) return false;
    std::string ext = f.substr(f.size() - 4);
    std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return char(std::tolower(c)); });
    if (ext != ".png" || f[0] == '.') return false;
    it.alphabet = parts[parts.size() - 3];
    it.character = parts[parts.size() - 2];
    it.file = f;
    return true;
}

CharSet group(std::vector<Item>& items, int side, const std::string& source) {
    std::sort(items.begin(), items.end(), [](const Item& x, const Item& y) {
        return std::tie(x.alphabet, x.character, x.file) < std::tie(y.alphabet, y.character, y.file);
    });
    CharSet cs;
    cs.side = side;
    cs.source = source;
    for (size_t i = 0; i < items.size();) {
        size_t j = i;
        std::vector<std::vector<uint8_t>> imgs;
        while (j < items.size() && items[j].alphabet == items[i].alphabet && items[j].character == items[i].character)
            imgs.push_back(std::move(items[j++].img));
        if (imgs.size() >= 2) cs.add_char(items[i].alphabet, items[i].character, imgs);
        i = j;
    }
    if (cs.num_chars() < 2)
        throw DataError(source + ": found " + std::to_string(cs.num_chars()) +
                        " usable characters (expected <alphabet>/<character>/<drawer>.png with >= 2 drawings each)");
    return cs;
}
}  // namespace

namespace {
bool ends_with_npz(const std::string& p) {
    if (p.size() < 4) return false;
    std::string ext = p.substr(p.size() - 4);
    std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return char(std::tolower(c)); });
    return ext == ".npz";
}

// The project's packed asset (assets/omniglot/README.md, made by tools/omniglot/make_omniglot.py):
// 1-bit drawings unpacked to 0/1 ink and reduced as a PNG would be, so both give the same bytes.
std::vector<Item> read_packed(const std::string& path, int side) {
    NpzDataSet<DataError> f("Omniglot asset", path, printable(path), int64_t(256) << 20,
                            "rebuild it with tools/omniglot/make_omniglot.py, see assets/omniglot/README.md", "plastiscope-omniglot-1");
    auto fail = [&](const std::string& why) { return f.fail(why); };
    auto get = [&](const std::string& n, size_t ndim) -> const Array& { return f.get(n, Array::Dtype::U8, ndim); };
    auto& meta = f.meta;
    const int in_side = std::atoi(meta["side"].c_str());
    if (in_side < side || in_side > 4096)
        throw fail("meta has side=" + printable(meta["side"]) + " (expected " + std::to_string(side) + " to 4096)");
    const Array& ink = get("ink", 2);
    const int64_t npx = int64_t(in_side) * in_side, nbytes = (npx + 7) / 8;
    std::vector<std::string> paths;
    {
        const std::string s = array_text(get("paths", 1));
        size_t a = 0;
        for (size_t b; (b = s.find('\n', a)) != std::string::npos; a = b + 1) paths.push_back(s.substr(a, b - a));
        paths.push_back(s.substr(a));
    }
    if (ink.shape[1] != nbytes || ink.shape[0] != int64_t(paths.size()))
        throw fail("ink has shape (" + std::to_string(ink.shape[0]) + ", " + std::to_string(ink.shape[1]) + "), expected (" +
                   std::to_string(paths.size()) + ", " + std::to_string(nbytes) + ") for " + std::to_string(paths.size()) +
                   " paths of " + std::to_string(in_side) + " px");
    std::vector<Item> items(paths.size());
    std::vector<float> v(static_cast<size_t>(npx));
    for (size_t i = 0; i < paths.size(); ++i) {
        if (!split3(paths[i], items[i])) throw fail("path " + std::to_string(i) + " '" + printable(paths[i]) + "' is not alphabet/character/file.png");
        const uint8_t* src = &ink.u8[i * size_t(nbytes)];
        for (int64_t k = 0; k < npx; ++k) v[size_t(k)] = float((src[k >> 3] >> (7 - (k & 7))) & 1);
        items[i].img = to_bytes(area_downsample(v, in_side, side));
    }
    return items;
}
}  // namespace

CharSet load_omniglot(const std::string& path, int side) {
    std::error_code ec;
    std::vector<Item> items;
    if (fs::is_regular_file(path, ec) && ends_with_npz(path)) {
        items = read_packed(path, side);
    } else if (fs::is_directory(path, ec)) {
        for (auto it = fs::recursive_directory_iterator(path, ec); !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
            if (!it->is_regular_file(ec)) continue;
            Item item;
            const std::string rel = fs::relative(it->path(), path, ec).generic_string();
            if (!split3(rel, item)) continue;
            std::FILE* f = std::fopen(it->path().c_str(), "rb");
            if (!f) throw DataError(printable(it->path().string()) + ": cannot open");
            std::string bytes;
            char buf[65536];
            for (size_t n; (n = std::fread(buf, 1, sizeof buf, f)) > 0;) bytes.append(buf, n);
            std::fclose(f);
            item.img = to_bytes(decode_png_ink(bytes.data(), bytes.size(), side, it->path().string()));
            items.push_back(std::move(item));
        }
        if (ec) throw DataError(printable(path) + ": " + ec.message());
    } else if (fs::is_regular_file(path, ec)) {
        int err = 0;
        zip_t* z = zip_open(path.c_str(), ZIP_RDONLY, &err);
        if (!z) {
            zip_error_t ze;
            zip_error_init_with_code(&ze, err);
            std::string msg = printable(path) + ": not a readable zip (" + zip_error_strerror(&ze) + ")";
            zip_error_fini(&ze);
            throw DataError(msg);
        }
        std::unique_ptr<zip_t, int (*)(zip_t*)> hold(z, zip_close);
        const zip_int64_t n = zip_get_num_entries(z, 0);
        for (zip_int64_t i = 0; i < n; ++i) {
            zip_stat_t st;
            if (zip_stat_index(z, zip_uint64_t(i), 0, &st) != 0 || !(st.valid & ZIP_STAT_NAME) || !(st.valid & ZIP_STAT_SIZE)) continue;
            Item item;
            if (!split3(st.name, item)) continue;
            const std::string raw_label = path + ":" + st.name, label = printable(raw_label);
            if (st.size > (zip_uint64_t(64) << 20)) throw DataError(label + ": member too large for a character image");
            zip_file_t* zf = zip_fopen_index(z, zip_uint64_t(i), 0);
            if (!zf) throw DataError(label + ": cannot open member (" + zip_strerror(z) + ")");
            std::string bytes(size_t(st.size), '\0');
            const zip_int64_t got = zip_fread(zf, bytes.data(), st.size);
            zip_fclose(zf);
            if (got < 0 || zip_uint64_t(got) != st.size) throw DataError(label + ": truncated or corrupt member");
            item.img = to_bytes(decode_png_ink(bytes.data(), bytes.size(), side, raw_label));
            items.push_back(std::move(item));
        }
    } else {
        throw DataError(printable(path) + ": no such folder or zip file");
    }
    return group(items, side, printable(path));
}

CharSet without_alphabets(const CharSet& cs, const std::vector<std::string>& names) {
    CharSet out;
    out.side = cs.side;
    out.source = cs.source;
    const size_t npx = size_t(cs.side) * size_t(cs.side);
    for (int c = 0; c < cs.num_chars(); ++c) {
        const std::string& a = cs.alphabets[size_t(cs.char_alphabet[size_t(c)])];
        if (std::find(names.begin(), names.end(), a) != names.end()) continue;
        std::vector<std::vector<uint8_t>> imgs;
        for (int k = 0; k < cs.drawers(c); ++k) imgs.emplace_back(cs.image(c, k), cs.image(c, k) + npx);
        const std::string& full = cs.char_name[size_t(c)];
        out.add_char(a, full.substr(full.find('/') + 1), imgs);
    }
    return out;
}

// ---------------------------------------------------------------- locations and cache
std::string default_glyphs_path() {
    if (const char* e = std::getenv("PS_GLYPHS"); e && *e) return e;
    return data_path("glyphs/glyphs.npz");
}

std::string default_omniglot_root() {
    if (const char* e = std::getenv("PS_OMNIGLOT_DIR"); e && *e) return e;
    return data_path("omniglot");
}

std::string find_omniglot_part(const std::string& root, const std::string& name) {
    std::error_code ec;
    const std::string dir = root + "/" + name, zip = dir + ".zip", npz = dir + ".npz";
    if (fs::is_directory(dir, ec)) return dir;
    if (fs::is_regular_file(zip, ec)) return zip;
    if (fs::is_regular_file(npz, ec)) return npz;
    throw DataError("Omniglot data not found: none of the folder '" + dir + "', '" + zip + "' or '" + npz +
                    "' exists (set PS_OMNIGLOT_DIR to the folder holding images_background[.zip] etc.)");
}

namespace {
using CharsetPtr = std::shared_ptr<const CharSet>;
thread_local int64_t t_loads = 0;

// One slot per key: the shared result of its load (the set, or the loader's exception). A slot
// made by charset_if_ready holds the future of a std::async thread. The cache is never destroyed:
// a loader thread still running at exit must not find it half gone (the program waits for its
// loads first: charset_wait_all).
struct Cache {
    std::mutex mu;
    std::map<std::string, std::shared_future<CharsetPtr>> slots;
};
Cache& cache() {
    static Cache* c = new Cache;
    return *c;
}

CharsetPtr run_load(const std::function<CharSet()>& load) {
    ++t_loads;
    return std::make_shared<const CharSet>(load());
}

bool is_ready(const std::shared_future<CharsetPtr>& f) {
    return f.wait_for(std::chrono::seconds(0)) == std::future_status::ready;
}

CharsetStatus status_of(const std::shared_future<CharsetPtr>& f) {
    CharsetStatus st;
    if (!is_ready(f)) {
        st.pending = true;
        return st;
    }
    try {
        st.set = f.get();
    } catch (const std::exception& e) {
        st.error = e.what();
    }
    return st;
}
}  // namespace

std::shared_ptr<const CharSet> cached_charset(const std::string& key, const std::function<CharSet()>& load) {
    Cache& c = cache();
    std::shared_future<CharsetPtr> other;
    std::promise<CharsetPtr> mine;
    {
        std::lock_guard<std::mutex> lk(c.mu);
        auto it = c.slots.find(key);
        const bool failed = it != c.slots.end() && is_ready(it->second) && !status_of(it->second).error.empty();
        if (it != c.slots.end() && !failed) other = it->second;   // loaded, or loading on another thread
        else c.slots[key] = mine.get_future().share();           // ours to load (again, after a failure)
    }
    if (other.valid()) return other.get();   // rethrows that load's error
    try {   // outside the lock: a load takes seconds
        CharsetPtr p = run_load(load);
        mine.set_value(p);
        return p;
    } catch (...) {
        mine.set_exception(std::current_exception());
        throw;
    }
}

CharsetStatus charset_if_ready(const std::string& key, const std::function<CharSet()>& load) {
    Cache& c = cache();
    std::lock_guard<std::mutex> lk(c.mu);
    auto it = c.slots.find(key);
    if (it == c.slots.end())
        it = c.slots.emplace(key, std::async(std::launch::async, [load] { return run_load(load); }).share()).first;
    return status_of(it->second);
}

CharsetStatus charset_wait_for(const std::string& key, const std::function<CharSet()>& load, int ms) {
    CharsetStatus st = charset_if_ready(key, load);
    if (!st.pending) return st;
    std::shared_future<CharsetPtr> f;
    {
        Cache& c = cache();
        std::lock_guard<std::mutex> lk(c.mu);
        f = c.slots.at(key);
    }
    f.wait_for(std::chrono::milliseconds(ms));
    return status_of(f);
}

int64_t charset_loads_on_this_thread() { return t_loads; }

void charset_wait_all() {
    std::vector<std::shared_future<CharsetPtr>> all;
    {
        Cache& c = cache();
        std::lock_guard<std::mutex> lk(c.mu);
        for (const auto& [k, f] : c.slots) all.push_back(f);
    }
    for (const auto& f : all) f.wait();
}

// ---------------------------------------------------------------- episodes
Episode sample_episode(const CharSet& cs, int ways, int shots, bool rotate, Rng& rng) {
    if (ways < 2 || shots < 1) throw DataError("an episode needs ways >= 2 and shots >= 1");
    std::vector<int> eligible;
    for (int c = 0; c < cs.num_chars(); ++c)
        if (cs.drawers(c) >= shots + 1) eligible.push_back(c);
    if (int(eligible.size()) < ways)
        throw DataError(cs.source + ": only " + std::to_string(eligible.size()) + " characters have " + std::to_string(shots + 1) +
                        " drawings; a " + std::to_string(ways) + "-way episode needs " + std::to_string(ways));
    Episode ep;
    ep.ways = ways; ep.shots = shots; ep.side = cs.side;
    // Distinct characters: a partial Fisher-Yates shuffle of the eligible list.
    for (int k = 0; k < ways; ++k) {
        const size_t j = size_t(k) + size_t(rng.below(uint64_t(eligible.size() - size_t(k))));
        std::swap(eligible[size_t(k)], eligible[j]);
        ep.chars.push_back(eligible[size_t(k)]);
        ep.rots.push_back(rotate ? int(rng.below(4)) : 0);
    }
    const int query = int(rng.below(uint64_t(ways)));
    struct Step { int cls, drawer; };
    std::vector<Step> support;
    Step q{query, 0};
    for (int k = 0; k < ways; ++k) {
        const int nd = cs.drawers(ep.chars[size_t(k)]);
        std::vector<int> d(static_cast<size_t>(nd));
        for (int i = 0; i < nd; ++i) d[size_t(i)] = i;
        const int need = shots + (k == query ? 1 : 0);
        for (int i = 0; i < need; ++i) std::swap(d[size_t(i)], d[size_t(i) + size_t(rng.below(uint64_t(nd - i)))]);
        for (int i = 0; i < shots; ++i) support.push_back({k, d[size_t(i)]});
        if (k == query) q.drawer = d[size_t(shots)];
    }
    rng.shuffle(support.begin(), support.end());
    support.push_back(q);
    const size_t npx = size_t(cs.side) * size_t(cs.side);
    ep.images.resize(support.size() * npx);
    std::vector<float> img(npx);
    for (size_t s = 0; s < support.size(); ++s) {
        const uint8_t* src = cs.image(ep.chars[size_t(support[s].cls)], support[s].drawer);
        for (size_t i = 0; i < npx; ++i) img[i] = float(src[i]) / 255.f;
        const auto r = rot90(img, cs.side, ep.rots[size_t(support[s].cls)]);
        std::copy(r.begin(), r.end(), ep.images.begin() + std::ptrdiff_t(s * npx));
        ep.labels.push_back(support[s].cls);
        ep.drawer.push_back(support[s].drawer);
    }
    return ep;
}

}  // namespace ps::omni
