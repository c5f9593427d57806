// _plastiscope: the compiled part of `import plastiscope` (python/plastiscope/__init__.py wraps
// it). Module-level functions, the translation of the engine's errors into Python exceptions
// (their one-line messages unchanged), and the array conversions the other files share.
#include <cmath>
#include <cstdio>
#include <filesystem>
#include "cancel.hpp"
#include "fields.hpp"
#include "npz.hpp"
#include "parallel.hpp"
#include "py_common.hpp"
#include "recording_task.hpp"
#include "task.hpp"

namespace pyps {

py::array to_numpy(ps::Array&& a) {
    switch (a.dtype) {
        case ps::Array::Dtype::F32: return owned_array(std::move(a.f32), a.shape);
        case ps::Array::Dtype::F64: return owned_array(std::move(a.f64), a.shape);
        case ps::Array::Dtype::U8: return owned_array(std::move(a.u8), a.shape);
        case ps::Array::Dtype::I64: return owned_array(std::move(a.i64), a.shape);
    }
    throw std::logic_error("unknown array type");
}

py::dict to_dict(ps::ArrayMap&& m) {
    py::dict d;
    for (auto& [k, a] : m) d[py::str(k)] = to_numpy(std::move(a));
    return d;
}

py::array matrix_copy(const ps::MatR<float>& m, int64_t rows) {
    if (rows < 0 || rows > m.rows()) rows = m.rows();
    std::vector<float> v(m.data(), m.data() + rows * m.cols());
    return owned_array(std::move(v), {rows, int64_t(m.cols())});
}

std::string setting_text(const std::string& key, py::handle v) {
    if (py::isinstance<py::bool_>(v)) return v.cast<bool>() ? "true" : "false";
    if (py::isinstance<py::int_>(v)) return py::str(v);
    if (py::isinstance<py::float_>(v)) return py::repr(v);
    if (py::isinstance<py::str>(v)) return v.cast<std::string>();
    // numpy scalars (np.float32(0.1), np.int64(3)) through their Python value
    if (py::hasattr(v, "item") && py::hasattr(v, "dtype") && py::getattr(v, "ndim").cast<int>() == 0)
        return setting_text(key, v.attr("item")());
    throw py::type_error("setting '" + key + "' must be a number, a bool or a string, got " +
                         std::string(py::str(v.get_type().attr("__name__"))));
}

void require_file(const std::string& path, const char* what) {
    std::error_code ec;
    if (!std::filesystem::is_regular_file(path, ec)) {
        const std::string msg = std::string(what) + " " + path + " does not exist";
        PyErr_SetString(PyExc_FileNotFoundError, msg.c_str());
        throw py::error_already_set();
    }
}

BusyGuard::BusyGuard(std::mutex& m, const char* what) : m_(m) {
    if (!m_.try_lock())
        throw std::runtime_error(std::string("this ") + what +
                                 " is busy in another thread (one call at a time per object)");
}

}  // namespace pyps

namespace py = pybind11;

PYBIND11_MODULE(_plastiscope, m) {
    m.doc() = "Plastiscope's engine: tasks, the plastic network and its exact gradients (see docs/python.md)";

    // The engine's errors keep their messages; the type says what kind of mistake it was.
    py::register_exception_translator([](std::exception_ptr p) {
        try {
            if (p) std::rethrow_exception(p);
        } catch (const ps::ConfigError& e) {
            PyErr_SetString(PyExc_ValueError, e.what());
        } catch (const ps::NpzError& e) {
            PyErr_SetString(PyExc_ValueError, e.what());
        } catch (const ps::Cancelled&) {
            PyErr_SetNone(PyExc_KeyboardInterrupt);
        }
    });

    pyps::bind_task(m);
    pyps::bind_net(m);

    m.def("tasks", [] {
        py::list l;
        for (const auto& e : ps::task_registry()) l.append(e.name);
        return l;
    }, "The registered task names, as `plastiscope tasks` lists them.");

    m.def("task_summaries", [] {
        py::dict d;
        for (const auto& e : ps::task_registry()) d[py::str(e.name)] = e.summary;
        return d;
    }, "Task name -> its one-line summary.");

    m.def("set_threads", [](int k) {
        if (k < 1 || k > 64) throw py::value_error("threads must be in 1..64, got " + std::to_string(k));
        ps::set_kernel_threads(k);
    }, py::arg("k"),
       "Threads for the network kernels (like `train --threads K`; default 1). Two split each step of a "
       "large plastic network (N >= 256) over both cores; results differ from one thread in the last bits.");
    m.def("threads", &ps::kernel_threads, "The kernel thread count (set_threads).");

    m.attr("assets_dir") = std::string(PS_ASSETS_DIR);   // data sets and the shipped checkpoints

    m.def("read_recording", [](const std::string& path) {
        pyps::require_file(path, "recording");
        ps::ArrayMap rec;
        try {
            rec = pyps::without_gil([&] { return ps::read_recording(path); });
        } catch (const std::runtime_error& e) {
            throw py::value_error(e.what());
        }
        return pyps::to_dict(std::move(rec));
    }, py::arg("path"),
       "Reads a recording (.npz, docs/recording-format.md) with the checks `plastiscope view` makes "
       "(x present, steps that agree, no NaN): the arrays, or ValueError naming what is wrong.");
}
