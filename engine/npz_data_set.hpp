// Opening a data set that a builder under tools/ packed as .npz (the image patches, the glyphs,
// the Omniglot asset): the file read with a size cap, arrays looked up by name with their type and
// rank checked, and the "meta" record parsed and its format checked. Every error is the loader's
// own DataError, prefixed with what the set is and which file, so a loader states only what is
// particular to its format.
#pragma once
#include <cstdint>
#include <map>
#include <string>
#include "arrays.hpp"
#include "fields.hpp"
#include "image_decode.hpp"
#include "npz.hpp"

namespace ps {

template <class Error>
class NpzDataSet {
public:
    // kind: "image set"; label: the file as messages name it; rebuild_hint: how to make the file
    // again (added when it cannot be read); format: what meta["format"] must say.
    NpzDataSet(const std::string& kind, const std::string& path, const std::string& label, int64_t max_bytes,
               const std::string& rebuild_hint, const std::string& format)
        : prefix_(kind + " '" + label + "': ") {
        try {
            arrays_ = npz_read(path, max_bytes);
        } catch (const std::exception& e) {
            throw fail(std::string(e.what()) + " (" + rebuild_hint + ")");
        }
        try {
            meta = parse_flat_json(array_text(get("meta", Array::Dtype::U8, 1)));
        } catch (const ConfigError& e) {
            throw fail(std::string("meta: ") + e.what());
        }
        if (meta["format"] != format) throw fail("unknown format '" + printable(meta["format"]) + "'");
    }

    // The error to throw: "<kind> '<label>': <why>".
    Error fail(const std::string& why) const { return Error(prefix_ + why); }

    const Array& get(const std::string& name, Array::Dtype dtype, size_t ndim) const {
        const auto it = arrays_.find(name);
        if (it == arrays_.end()) throw fail("array '" + name + "' is missing");
        if (it->second.dtype != dtype || it->second.shape.size() != ndim) throw fail("array '" + name + "' has the wrong type or rank");
        return it->second;
    }

    std::map<std::string, std::string> meta;   // the parsed "meta" record

private:
    std::string prefix_;
    ArrayMap arrays_;
};

}  // namespace ps
