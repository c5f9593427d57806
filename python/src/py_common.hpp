// What the binding's files share: the engine's named arrays as numpy without copying (the
// storage is moved into a capsule that the array keeps alive), matrix views on memory another
// Python object owns, and the conversion of Python values into the text the engine's settings
// parse (so a bad value gives the CLI's message).
#pragma once
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>
#include <mutex>
#include <string>
#include <utility>
#include <vector>
#include "arrays.hpp"
#include "tensor.hpp"

namespace pyps {

namespace py = pybind11;

// A vector moved to the heap and handed to numpy: the array owns it through its base capsule.
template <class T>
py::array owned_array(std::vector<T>&& v, const std::vector<int64_t>& shape) {
    auto* held = new std::vector<T>(std::move(v));
    py::capsule base(held, [](void* p) { delete static_cast<std::vector<T>*>(p); });
    std::vector<py::ssize_t> sh(shape.begin(), shape.end());
    return py::array_t<T>(sh, held->data(), base);
}

// One engine array as numpy (float32, float64, uint8 or int64, as in the .npz files); moves
// its storage.
py::array to_numpy(ps::Array&& a);
// Every array of the map by its name, storage moved.
py::dict to_dict(ps::ArrayMap&& m);

// A row-major matrix owned by `owner` (a Python object that keeps it alive and does not move
// it), as a 2-D numpy view; writable unless read_only.
template <class S>
py::array matrix_view(ps::MatR<S>& m, py::handle owner, bool read_only = false) {
    py::array_t<S> a({py::ssize_t(m.rows()), py::ssize_t(m.cols())},
                     {py::ssize_t(m.cols() * sizeof(S)), py::ssize_t(sizeof(S))}, m.data(), owner);
    if (read_only) a.attr("flags").attr("writeable") = false;
    return std::move(a);
}

// A copy of a row-major float matrix (or its first `rows` rows) as numpy.
py::array matrix_copy(const ps::MatR<float>& m, int64_t rows = -1);

// A Python setting value as the text Field parsing takes: True -> "true", 3 -> "3",
// 0.001 -> "0.001" (shortest round trip), a str as it is. Throws py::type_error naming `key`.
std::string setting_text(const std::string& key, py::handle v);

// FileNotFoundError("what PATH does not exist") unless path names a file.
void require_file(const std::string& path, const char* what);

// Objects used from several Python threads: a second caller while one works (with the GIL
// released) gets an error instead of a data race.
class BusyGuard {
public:
    BusyGuard(std::mutex& m, const char* what);
    ~BusyGuard() { m_.unlock(); }
    BusyGuard(const BusyGuard&) = delete;
    BusyGuard& operator=(const BusyGuard&) = delete;

private:
    std::mutex& m_;
};

// f() with the GIL released, so that other Python threads run while the engine works; f's result.
template <class F>
auto without_gil(F&& f) {
    py::gil_scoped_release nogil;
    return f();
}

void bind_task(py::module_& m);
void bind_net(py::module_& m);

}  // namespace pyps
