// Template part of arrays.hpp.
#pragma once
#include <cmath>
#include <cstdio>
#include <limits>
#include <stdexcept>

namespace ps {

inline std::string shape_str(const std::vector<int64_t>& s) {
    std::string r = "(";
    for (size_t i = 0; i < s.size(); ++i) r += (i ? ", " : "") + std::to_string(s[i]);
    return r + (s.size() == 1 ? ",)" : ")");
}

template <class Derived>
void from_array(const ArrayMap& am, const std::string& name, Eigen::PlainObjectBase<Derived>& m,
                Eigen::Index rows, Eigen::Index cols) {
    auto it = am.find(name);
    if (it == am.end()) throw std::runtime_error("array '" + name + "' is missing");
    const Array& a = it->second;
    if (a.dtype != Array::Dtype::F32 && a.dtype != Array::Dtype::F64)
        throw std::runtime_error("array '" + name + "' is not float32/float64");
    const bool ok2d = a.shape.size() == 2 && a.shape[0] == rows && a.shape[1] == cols;
    const bool ok1d = a.shape.size() == 1 && (rows == 1 || cols == 1) && a.shape[0] == rows * cols;
    const bool ok0d = a.shape.empty() && rows == 1 && cols == 1;
    if (!ok2d && !ok1d && !ok0d)
        throw std::runtime_error("array '" + name + "' has shape " + shape_str(a.shape) + ", expected (" +
                                 std::to_string(rows) + ", " + std::to_string(cols) + ")");
    m.resize(rows, cols);
    for (Eigen::Index i = 0; i < rows; ++i)
        for (Eigen::Index j = 0; j < cols; ++j) {
            const double v = a.at(i * cols + j);
            if (!std::isfinite(v))
                throw std::runtime_error("array '" + name + "' holds a non-finite value at (" + std::to_string(i) +
                                         ", " + std::to_string(j) + ")");
            // Converting a double beyond the scalar's range is undefined behaviour (and would
            // give Inf in practice): refuse it, naming the array.
            using Sc = typename Derived::Scalar;
            if (std::fabs(v) > double(std::numeric_limits<Sc>::max())) {
                char num[32];
                std::snprintf(num, sizeof num, "%.6g", v);
                throw std::runtime_error("array '" + name + "' holds " + num + " at (" + std::to_string(i) + ", " +
                                         std::to_string(j) + "), beyond the range of " +
                                         (sizeof(Sc) == 4 ? std::string("float32") : std::string("its type")));
            }
            m(i, j) = Sc(v);
        }
}

}  // namespace ps
