// Named n-dimensional arrays: the common currency of checkpoints, `grad` dumps and the
// trainer-to-GUI parameter handoff. Stored as float32 or float64; written as .npz (see npz.hpp).
#pragma once
#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>
#include <Eigen/Dense>

namespace ps {

struct Array {
    enum class Dtype { F32, F64, U8, I64 };
    Dtype dtype = Dtype::F32;
    std::vector<int64_t> shape;       // C order (row-major), as numpy
    std::vector<float> f32;
    std::vector<double> f64;
    std::vector<uint8_t> u8;          // text (JSON) and byte data
    std::vector<int64_t> i64;

    int64_t size() const { int64_t n = 1; for (auto s : shape) n *= s; return n; }
    double at(int64_t i) const {
        switch (dtype) {
            case Dtype::F32: return f32[size_t(i)];
            case Dtype::F64: return f64[size_t(i)];
            case Dtype::U8: return u8[size_t(i)];
            case Dtype::I64: return double(i64[size_t(i)]);
        }
        return 0;
    }
};

using ArrayMap = std::map<std::string, Array>;

// Builders. Eigen matrices are copied in row-major (numpy C) order whatever their storage order.
template <class Derived>
Array to_array(const Eigen::DenseBase<Derived>& m) {
    using S = typename Derived::Scalar;
    Array a;
    a.shape = {int64_t(m.rows()), int64_t(m.cols())};
    const auto n = size_t(m.rows() * m.cols());
    if constexpr (std::is_same_v<S, double>) {
        a.dtype = Array::Dtype::F64; a.f64.resize(n);
        for (Eigen::Index i = 0; i < m.rows(); ++i)
            for (Eigen::Index j = 0; j < m.cols(); ++j) a.f64[size_t(i * m.cols() + j)] = m(i, j);
    } else {
        a.dtype = Array::Dtype::F32; a.f32.resize(n);
        for (Eigen::Index i = 0; i < m.rows(); ++i)
            for (Eigen::Index j = 0; j < m.cols(); ++j) a.f32[size_t(i * m.cols() + j)] = float(m(i, j));
    }
    return a;
}
Array scalar_array(double v, bool f64 = true);
Array text_array(const std::string& s);       // uint8 bytes
Array i64_array(std::vector<int64_t> v);
std::string array_text(const Array& a);       // inverse of text_array
// Marks (a position and a label: a recording's steps, a training history's episodes) as the text
// [[12, "probe"], ...]. Labels are kept to one line: control characters are dropped.
using MarkList = std::vector<std::pair<int64_t, std::string>>;
Array marks_array(const MarkList& marks);
MarkList array_marks(const Array& a);          // reads up to the first thing that is not a mark

// Copies `name` from the map into m (any float dtype), checking that it exists, that its shape is
// rows x cols (a 1-D array of length rows*cols with rows==1 or cols==1 is accepted) and that every
// value is finite. Throws std::runtime_error naming the array and the problem.
template <class Derived>
void from_array(const ArrayMap& am, const std::string& name, Eigen::PlainObjectBase<Derived>& m,
                Eigen::Index rows, Eigen::Index cols);
double scalar_from(const ArrayMap& am, const std::string& name);   // finite scalar, throws otherwise
std::string text_from(const ArrayMap& am, const std::string& name);

}  // namespace ps

#include "arrays_impl.hpp"
