// plastiscope.PlasticNet: the engine's plastic recurrent network (engine/plastic_net.hpp) with its
// exact hand-written BPTT, for a researcher's own training loop. Parameters are numpy views on
// the network's own memory (read and write in place); gradients come out as numpy without a
// copy. float32 (the engine's training precision) or float64 (what its gradient tests use).
//
// The constructor's keywords are parsed as the engine's settings are (fields.hpp), so a bad
// value gives the CLI's one-line message: "bad value for 'rule': 'hebbian' (...; expected hebb|oja)".
#include <memory>
#include "fields.hpp"
#include "plastic_net.hpp"
#include "py_common.hpp"

namespace pyps {
namespace {

struct NetSettings {
    int n = 0, k = 0;
    int rule = 0, alpha = 0, eta = 0, input = 0, memory = 0, dtype = 0;
    bool learn_bias = false, bias_unit = false;
    double bias_value = 1.0, w_init = 0.01, a_init = 0.01, eta_init = 0.01;

    std::vector<ps::Field> fields() {
        using ps::Field;
        const auto R = ps::Apply::Rebuild;
        return {
            Field::integer("n", &n, 1, 16384, "neurons", "Neurons (with the bias unit, if any).", R),
            Field::choice("rule", &rule, {"hebb", "oja"}, "Trace rule: plain decaying Hebb or Oja.", R),
            Field::choice("alpha", &alpha, {"independent", "shared", "none"}, "Plasticity coefficients A: per connection, one scalar, none.", R),
            Field::choice("eta", &eta, {"scalar", "per-neuron", "fixed"}, "Plasticity rate: learned scalar, per post-synaptic neuron, fixed.", R),
            Field::choice("input", &input, {"add", "clamp", "linear"}, "Inputs add to the pre-activation, clamp x, or pass through Win (k wide).", R),
            Field::integer("k", &k, 0, 1 << 20, "", "Input width in linear mode.", R),
            Field::boolean("learn_bias", &learn_bias, "A learned bias b.", R),
            Field::boolean("bias_unit", &bias_unit, "Neuron n-1 gets bias_value (added, or clamped).", R),
            Field::real("bias_value", &bias_value, -1e6, 1e6, "", "The bias unit's input.", R),
            Field::real("w_init", &w_init, 0, 1e3, "", "W ~ w_init N(0, 1).", R),
            Field::real("a_init", &a_init, 0, 1e3, "", "A ~ a_init N(0, 1).", R),
            Field::real("eta_init", &eta_init, 0, 1, "1/step", "Initial plasticity rate.", R),
            Field::choice("memory", &memory, {"recompute", "store-all"}, "BPTT memory: recompute H backwards or store every H(t).", R),
            Field::choice("dtype", &dtype, {"float32", "float64"}, "Precision.", R),
        };
    }
    ps::NetConfig config() const {
        ps::NetConfig c;
        c.n = n;
        c.k = k;
        c.rule = ps::Rule(rule);
        c.alpha = ps::AlphaMode(alpha);
        c.eta = ps::EtaMode(eta);
        c.input = ps::InputMode(input);
        c.learn_bias = learn_bias;
        c.bias_unit = bias_unit;
        c.bias_value = bias_value;
        c.w_init = w_init;
        c.a_init = a_init;
        c.eta_init = eta_init;
        c.memory = ps::MemoryMode(memory);
        return c;
    }
};

struct PyNet {
    NetSettings s;
    std::unique_ptr<ps::PlasticNet<float>> f;
    std::unique_ptr<ps::PlasticNet<double>> d;
    enum class State { Fresh, Stepping, Consumed } state = State::Fresh;
    std::mutex busy;

    template <class F>
    decltype(auto) visit(F&& fn) { return f ? fn(*f) : fn(*d); }
    int n() { return visit([](auto& net) { return net.n(); }); }
    int width() { return visit([](auto& net) { return net.input_width(); }); }
    int batch() { return visit([](auto& net) { return net.batch(); }); }
    int t() { return visit([](auto& net) { return net.t(); }); }
    void need_steps(const char* what) {
        if (state == State::Fresh) throw std::runtime_error(std::string(what) + " needs an episode: call begin(batch, steps) first");
        if (state == State::Consumed)
            throw std::runtime_error(std::string(what) + ": backward() used this episode's recorded traces; call begin() for a new episode");
    }
};

template <class S>
py::dict params_of(ps::PlasticNet<S>& net, py::handle owner, bool trained_only) {
    py::dict d;
    if (trained_only) {
        for (auto& [name, m] : net.p.list(net.config())) d[py::str(name)] = matrix_view(*m, owner);
        return d;
    }
    auto add = [&](const char* name, ps::MatR<S>& m) { if (m.size()) d[name] = matrix_view(m, owner); };
    add("W", net.p.W);
    add("A", net.p.A);
    if (net.plastic()) add("eta", net.p.eta);
    add("Win", net.p.Win);
    add("b", net.p.b);
    return d;
}

// (batch, width) input of one step from an array of that shape, or (width,) when batch is 1.
template <class S>
ps::MatR<S> input_matrix(py::array_t<S, py::array::c_style | py::array::forcecast> u, int batch, int width) {
    const bool flat = u.ndim() == 1 && batch == 1 && u.shape(0) == width;
    if (!flat && (u.ndim() != 2 || u.shape(0) != batch || u.shape(1) != width))
        throw py::value_error("step: u must have shape (" + std::to_string(batch) + ", " + std::to_string(width) + ")" +
                              (batch == 1 ? " or (" + std::to_string(width) + ",)" : "") + ", got " +
                              std::string(py::str(py::tuple(py::cast(std::vector<py::ssize_t>(u.shape(), u.shape() + u.ndim()))))));
    ps::MatR<S> m(batch, width);
    std::copy(u.data(), u.data() + size_t(batch) * size_t(width), m.data());
    return m;
}

template <class S>
py::array step(ps::PlasticNet<S>& net, py::handle u_obj) {
    auto u = py::array_t<S, py::array::c_style | py::array::forcecast>::ensure(u_obj);
    if (!u) throw py::type_error("step: u must be an array of numbers");
    ps::MatR<S> m = input_matrix<S>(u, net.batch(), net.input_width());
    const ps::MatR<S> x = without_gil([&] { return net.step(m); });
    std::vector<S> v(x.data(), x.data() + x.size());
    return owned_array(std::move(v), {int64_t(x.rows()), int64_t(x.cols())});
}

template <class S>
py::dict backward(ps::PlasticNet<S>& net, py::handle g_obj) {
    auto g = py::array_t<S, py::array::c_style | py::array::forcecast>::ensure(g_obj);
    if (!g) throw py::type_error("backward: g_x must be an array of numbers");
    const int T = net.t(), B = net.batch(), n = net.n();
    bool ok = g.ndim() == 3 && g.shape(0) == T && g.shape(1) == B && g.shape(2) == n;
    const bool flat = B == 1 && g.ndim() == 2 && g.shape(0) == T && g.shape(1) == n;
    if (!ok && !flat)
        throw py::value_error("backward: g_x must have shape (T, batch, n) = (" + std::to_string(T) + ", " + std::to_string(B) + ", " +
                              std::to_string(n) + ")" + (B == 1 ? " or (T, n)" : "") + ": dloss/dx(t) for t = 1..T");
    const S* src = g.data();
    for (int t = 1; t <= T; ++t) std::copy(src + size_t(t - 1) * B * n, src + size_t(t) * B * n, net.grad_x(t).data());
    auto* held = new ps::NetParams<S>();
    py::capsule base(held, [](void* p) { delete static_cast<ps::NetParams<S>*>(p); });
    without_gil([&] { net.backward(*held); });
    py::dict d;
    for (auto& [name, m] : held->list(net.config())) d[py::str(name)] = matrix_view(*m, base);
    return d;
}

}  // namespace

void bind_net(py::module_& m) {
    py::class_<PyNet>(m, "PlasticNet",
                      "The plastic recurrent network of Miconi et al. 2018 with exact BPTT (engine/plastic_net.hpp; docs/python.md).")
        .def(py::init([](py::object n, int64_t seed, py::kwargs kw) {
                 auto net = std::make_unique<PyNet>();
                 if (seed < 0 || seed > (int64_t(1) << 62)) throw py::value_error("seed must be in 0..2^62, got " + std::to_string(seed));
                 std::vector<std::string> kv = {"n=" + setting_text("n", n)};
                 for (const auto& [k, v] : kw) {
                     const std::string key = py::str(k);
                     kv.push_back(key + "=" + setting_text(key, v));
                 }
                 ps::apply_overrides(net->s.fields(), kv);
                 if (net->s.input == int(ps::InputMode::Linear) && net->s.k < 1)
                     throw py::value_error("input='linear' needs k >= 1 (the input width)");
                 if (net->s.bias_unit && net->s.input == int(ps::InputMode::Linear))
                     throw py::value_error("bias_unit is for input='add' or 'clamp' (linear mode has a learned bias b)");
                 ps::Rng rng{uint64_t(seed)};
                 if (net->s.dtype == 0) {
                     net->f = std::make_unique<ps::PlasticNet<float>>(net->s.config());
                     net->f->init(rng);
                 } else {
                     net->d = std::make_unique<ps::PlasticNet<double>>(net->s.config());
                     net->d->init(rng);
                 }
                 return net;
             }),
             py::arg("n"), py::arg("seed") = 0,
             "PlasticNet(n, rule='hebb'|'oja', alpha='independent'|'shared'|'none', eta='scalar'|'per-neuron'|'fixed', "
             "input='add'|'clamp'|'linear', k=0, learn_bias=False, bias_unit=False, bias_value=1.0, w_init=0.01, "
             "a_init=0.01, eta_init=0.01, memory='recompute'|'store-all', dtype='float32'|'float64', seed=0)")
        .def_property_readonly("params", [](py::object self) {
            PyNet& p = self.cast<PyNet&>();
            return p.visit([&](auto& net) { return params_of(net, self, false); });
        }, "Every parameter (W, A, eta, Win, b, those the network has) as a numpy view: write in place (net.params['W'][:] = ...).")
        .def_property_readonly("trained", [](py::object self) {
            PyNet& p = self.cast<PyNet&>();
            py::list l;
            for (const auto& [k, v] : p.visit([&](auto& net) { return params_of(net, self, true); })) l.append(k);
            return l;
        }, "The names of the trained parameters: the keys backward() returns.")
        .def_property_readonly("config", [](PyNet& p) {
            py::dict d;
            for (const auto& f : p.s.fields()) d[py::str(f.key)] = ps::field_get(f);
            return d;
        })
        .def_property_readonly("n", &PyNet::n)
        .def_property_readonly("input_width", &PyNet::width)
        .def_property_readonly("batch", &PyNet::batch)
        .def_property_readonly("t", &PyNet::t, "Steps taken in this episode.")
        .def_property_readonly("dtype", [](PyNet& p) { return p.f ? "float32" : "float64"; })
        .def("begin", [](PyNet& p, int batch, int steps) {
            if (batch < 1 || batch > 4096) throw py::value_error("batch must be in 1..4096, got " + std::to_string(batch));
            if (steps < 0 || steps > 10000000) throw py::value_error("steps must be in 0..10000000, got " + std::to_string(steps));
            BusyGuard g(p.busy, "PlasticNet");
            p.visit([&](auto& net) { net.begin(batch, steps); });
            p.state = PyNet::State::Stepping;
        }, py::arg("batch") = 1, py::arg("steps") = 0,
           "Starts `batch` independent episodes: x(0) = 0, H = 0; `steps` reserves memory for that many steps.")
        .def("step", [](PyNet& p, py::handle u) {
            BusyGuard g(p.busy, "PlasticNet");
            p.need_steps("step");
            return p.visit([&](auto& net) { return step(net, u); });
        }, py::arg("u"), "One timestep with input u (batch, input_width); returns x(t) (batch, n).")
        .def("x", [](PyNet& p, int t) {
            BusyGuard g(p.busy, "PlasticNet");
            p.need_steps("x");
            if (t < 0 || t > p.t()) throw py::index_error("x: t must be in 0.." + std::to_string(p.t()) + ", got " + std::to_string(t));
            return p.visit([&](auto& net) {
                const auto& x = net.x(t);
                using S = typename std::decay_t<decltype(x)>::Scalar;
                return owned_array(std::vector<S>(x.data(), x.data() + x.size()), {int64_t(x.rows()), int64_t(x.cols())});
            });
        }, py::arg("t"), "x(t) (batch, n), t = 0..t (a copy).")
        .def("trace", [](PyNet& p, int e) {
            BusyGuard g(p.busy, "PlasticNet");
            p.need_steps("trace");
            if (e < 0 || e >= p.batch()) throw py::index_error("trace: e must be in 0.." + std::to_string(p.batch() - 1) + ", got " + std::to_string(e));
            return p.visit([&](auto& net) {
                if (!net.plastic()) throw py::value_error("trace: the network is not plastic (alpha='none')");
                const auto& H = net.trace(e);
                using S = typename std::decay_t<decltype(H)>::Scalar;
                return owned_array(std::vector<S>(H.data(), H.data() + H.size()), {int64_t(H.rows()), int64_t(H.cols())});
            });
        }, py::arg("e") = 0, "H(t) of episode e: the trace that produced x(t) (n, n; a copy).")
        .def("effective_weights", [](PyNet& p, int e) {
            BusyGuard g(p.busy, "PlasticNet");
            p.need_steps("effective_weights");
            if (e < 0 || e >= p.batch()) throw py::index_error("effective_weights: e must be in 0.." + std::to_string(p.batch() - 1) + ", got " + std::to_string(e));
            return p.visit([&](auto& net) {
                typename std::decay_t<decltype(net)>::Mat w;
                net.effective_weights(e, w);
                using S = typename std::decay_t<decltype(w)>::Scalar;
                return owned_array(std::vector<S>(w.data(), w.data() + w.size()), {int64_t(w.rows()), int64_t(w.cols())});
            });
        }, py::arg("e") = 0, "W + A*H(t) of episode e (n, n).")
        .def("backward", [](PyNet& p, py::handle g_x) {
            BusyGuard g(p.busy, "PlasticNet");
            p.need_steps("backward");
            if (p.t() < 1) throw std::runtime_error("backward: no step taken since begin()");
            py::dict r = p.visit([&](auto& net) { return backward(net, g_x); });
            p.state = PyNet::State::Consumed;
            return r;
        }, py::arg("g_x"),
           "Exact BPTT through the episode: g_x (T, batch, n) holds dloss/dx(t) for t = 1..T; returns dloss/dparam for "
           "every trained parameter (once per episode: it consumes the recorded traces).")
        .def("__repr__", [](PyNet& p) {
            std::string s = "<plastiscope.PlasticNet";
            for (const auto& f : p.s.fields()) s += " " + f.key + "=" + ps::field_get(f);
            return s + ">";
        });
}

}  // namespace pyps
