// Non-template helpers of arrays.hpp.
#include "arrays.hpp"

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
