// Non-template helpers of arrays.hpp.
#include "arrays.hpp"
#include <cstdlib>

namespace ps {

Array scalar_array(double v, bool f64) {
    Array a;
    a.shape = {};
    if (f64) { a.dtype = Array::Dtype::F64; a.f64 = {v}; }
    else { a.dtype = Array::Dtype::F32; a.f32 = {float(v)}; }
    return a;
}

Array text_array(const std::string& s) {
    Array a;
    a.dtype = Array::Dtype::U8;
    a.shape = {int64_t(s.size())};
    a.u8.assign(s.begin(), s.end());
    return a;
}

Array i64_array(std::vector<int64_t> v) {
    Array a;
    a.dtype = Array::Dtype::I64;
    a.shape = {int64_t(v.size())};
    a.i64 = std::move(v);
    return a;
}

std::string array_text(const Array& a) { return std::string(a.u8.begin(), a.u8.end()); }

Array marks_array(const MarkList& marks) {
    std::string s = "[";
    for (const auto& [pos, label] : marks) {
        s += std::string(s.size() > 1 ? ", " : "") + "[" + std::to_string(pos) + ", \"";
        for (char c : label) {
            if (static_cast<unsigned char>(c) < 0x20) continue;
            if (c == '"' || c == '\\') s += '\\';
            s += c;
        }
        s += "\"]";
    }
    return text_array(s + "]");
}

MarkList array_marks(const Array& a) {
    const std::string s = array_text(a);
    MarkList out;
    size_t pos = 0;
    while ((pos = s.find('[', pos + 1)) != std::string::npos) {
        char* end = nullptr;
        const long long at = std::strtoll(s.c_str() + pos + 1, &end, 10);
        if (end == s.c_str() + pos + 1) break;
        const size_t q0 = s.find('"', size_t(end - s.c_str()));
        if (q0 == std::string::npos) break;
        std::string label;
        size_t q = q0 + 1;
        for (; q < s.size() && s[q] != '"'; ++q) {
            if (s[q] == '\\' && q + 1 < s.size()) ++q;
            label += s[q];
        }
        out.push_back({at, label});
        pos = q;
    }
    return out;
}

double scalar_from(const ArrayMap& am, const std::string& name) {
    auto it = am.find(name);
    if (it == am.end()) throw std::runtime_error("array '" + name + "' is missing");
    if (it->second.size() != 1) throw std::runtime_error("array '" + name + "' is not a scalar");
    const double v = it->second.at(0);
    if (!std::isfinite(v)) throw std::runtime_error("array '" + name + "' is not finite");
    return v;
}

std::string text_from(const ArrayMap& am, const std::string& name) {
    auto it = am.find(name);
    if (it == am.end()) throw std::runtime_error("array '" + name + "' is missing");
    if (it->second.dtype != Array::Dtype::U8 || it->second.shape.size() != 1)
        throw std::runtime_error("array '" + name + "' is not a uint8 text array");
    return array_text(it->second);
}

}  // namespace ps
