// BOHP pattern completion (Miconi 2016): at step 1 a random ±1 pattern of 8 bits is shown, at
// step 2 a cue with a single bit of it kept (the others 0); the network must output the whole
// pattern at step 2. 8 inputs -> 8 plastic tanh units (bias b) -> identity output + learned bias c.
// Loss = squared error Σ_j (y_j(2) + c_j - p_j)² at step 2 (≈ 8 for a silent net).
// What it learns: strong fixed i -> i weights (to pass the cue bit and the pattern of step 1) and
// plastic all-to-all connections that store the step-1 pattern in the traces.
#include "bohp/bohp_task.hpp"

namespace ps::bohp {
namespace {

TaskInfo completion_info() {
    // name, description, metric, whether lower is better, presets (the first is the default)
    return {"bohp-completion",
            "Pattern completion with Hebbian plasticity (Miconi 2016). Step 1 shows a random ±1 pattern of "
            "8 bits; step 2 shows only one of its bits. The 8 plastic tanh units must output the whole "
            "pattern at step 2: the Hebbian traces written at step 1 (x_k·y_j) hold the pattern, and the cue "
            "bit reads it back through alpha. Watch Hebb fill with the outer product at step 1, the diagonal "
            "of w grow strong, and alpha become an all-to-all plastic matrix. Gradients are the paper's "
            "online forward-in-time ones (dy/dw, dy/dalpha views).",
            "wrong completions (any bit of the wrong sign)", true,
            {{"paper", "8 bits, γ 0.5, RMSprop lr 0.03 clip 0.1, L1 1e-3, L2 1e-4, 5000 episodes (~0.05 s on one core)"}}};
}

class Completion : public BohpTask {
public:
    Completion() : BohpTask(completion_info()) { set_preset("paper"); init(1); }

protected:
    void apply_preset(const std::string&) override {
        cfg_ = TaskConfig{};
        cfg_.gamma = 0.5;
        cfg_.lr = 0.03;
        cfg_.clip = 0.1;
        cfg_.l1 = 1e-3;
        cfg_.l2 = 1e-4;
        cfg_.episodes = 5000;
        bits_ = 8;
    }
    std::vector<std::string> input_names() const override {
        std::vector<std::string> n;
        for (int k = 0; k < bits_; ++k) n.push_back("bit " + std::to_string(k + 1));
        return n;
    }
    std::vector<std::string> output_names() const override { return input_names(); }
    Shape shape() const override {
        Shape s;
        s.K = s.M = s.O = bits_;
        s.readout = Readout::Identity;
        s.loss = LossKind::SquaredError;
        return s;
    }
    void make_episode(Rng& rng, Episode<double>& ep) const override {
        const int n = bits_;
        ep.x.setZero(2, n);
        ep.target.setZero(2, n);
        for (int k = 0; k < n; ++k) ep.x(0, k) = rng.below(2) ? 1.0 : -1.0;
        const int keep = int(rng.below(uint64_t(n)));
        ep.x(1, keep) = ep.x(0, keep);
        ep.target.row(1) = ep.x.row(0);
        ep.target.row(0) = ep.x.row(0);   // not scored
        ep.scored = {0, 1};
    }
    std::vector<Field> task_fields() override {
        return {Field::integer("bits", &bits_, 2, 64, "", "Pattern length = inputs = plastic units.", Apply::Rebuild)};
    }
    std::vector<std::pair<int, std::string>> marks() const override { return {{1, "pattern"}, {2, "cue: 1 bit"}}; }
    void add_stats(StepStats& st) const override {
        const int n = bits_;
        double wd = 0, wo = 0, ad = 0, ao = 0;
        for (int i = 0; i < n; ++i)
            for (int j = 0; j < n; ++j) {
                if (i == j) { wd += p_.w(i, j); ad += p_.alpha(i, j); }
                else { wo += std::abs(p_.w(i, j)); ao += p_.alpha(i, j); }
            }
        st.extra["w_diag_mean"] = wd / n;
        st.extra["w_offdiag_abs_mean"] = wo / (n * (n - 1));
        st.extra["alpha_diag_mean"] = ad / n;
        st.extra["alpha_offdiag_mean"] = ao / (n * (n - 1));
    }
    std::string live_status(int t) const override {
        if (t == 0) return "t = 0: traces at zero; step 1 shows the pattern";
        if (t == 1) return "step 1: the pattern; the traces now hold x·y (not scored)";
        return "step 2: one bit of the pattern as a cue; the output must be the whole pattern (scored)";
    }

private:
    int bits_ = 8;
};

}  // namespace
}  // namespace ps::bohp

PS_REGISTER_TASK("bohp-completion", "BOHP 2016: complete an 8-bit pattern from one bit (online Hebbian gradients)",
                 ps::bohp::Completion);
