// `plastiscope flp-report`: the interference and alignment figures of the FLP experiments
// (docs/flp.md) from trained checkpoints of the FLP tasks (flp-sine, flp-classify; any learner).
// For every checkpoint it runs evaluation episodes in order (engine/flp/flp_analysis.hpp) and
// writes, into --out DIR:
//   interference.csv  learner, label, k, rise_mean, rise_ci, rel_rise_mean, rel_rise_ci, n: after
//                     group k (1-based) was learned, the mean rise of the query loss of groups
//                     1..k-1 since each was learned, and that rise relative to their own losses
//                     (mean rise / mean own loss, over the evaluation episodes)
//   loss_after.csv    label, k, j, loss: query loss of group j right after group k (mean)
//   alignment.csv     label, step, layer, cos_mean, cos_ci, n: cosine between the update made at
//                     each inner step and the true negative gradient of that step's minibatch loss
//   summary.csv       label, learner, metric, metric_ci, final_forgetting, ci, mean_cos_all
//   interference.png  the relative rise (%) against k, per checkpoint, with 95 % CI bars
//   alignment.png     the cosine against the inner step (FLP: per head layer and all weights)
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>
#include "checkpoint.hpp"
#include "render/canvas.hpp"
#include "cli/commands.hpp"
#include "flp/flp_analysis.hpp"
#include "npz.hpp"
#include "task.hpp"

namespace ps {
namespace {

// ---- plotting (render/canvas.hpp)
const Rgb kPalette[] = {{31, 119, 180}, {214, 39, 40}, {44, 160, 44}, {148, 103, 189}, {255, 127, 14}, {23, 190, 207}};
const Rgb kBlack{0, 0, 0}, kGrey{190, 190, 190}, kLight{235, 235, 235};

struct Series {
    std::string label;
    std::vector<double> x, y, ci;   // ci: half-width (0 = none)
    int dash = 0;
    Rgb color;
};

std::string fmt(double v) {
    char b[32];
    std::snprintf(b, sizeof b, "%.3g", v);
    return b;
}

// A line plot with axes, ticks, a zero line, CI bars and a legend.
void plot(const std::string& path, const std::string& title, const std::string& xlabel, const std::string& ylabel,
          const std::vector<Series>& ss, double ylo, double yhi, const std::vector<std::pair<double, std::string>>& marks = {}) {
    Canvas im(900, 580);
    const int L = 90, R = 870, T = 64, B = 496;
    double xlo = 1e300, xhi = -1e300;
    for (auto& s : ss) for (double x : s.x) { xlo = std::min(xlo, x); xhi = std::max(xhi, x); }
    if (!(xhi > xlo)) { xlo -= 1; xhi += 1; }
    if (!(yhi > ylo)) { ylo -= 1; yhi += 1; }
    auto X = [&](double x) { return L + int(std::lround((x - xlo) / (xhi - xlo) * (R - L))); };
    auto Y = [&](double y) { return B - int(std::lround((std::clamp(y, ylo, yhi) - ylo) / (yhi - ylo) * (B - T))); };
    // ticks at a "nice" step (1, 2, 5 x 10^k) giving at most `n` intervals
    auto nice = [](double lo, double hi, int n) {
        double st = std::pow(10.0, std::floor(std::log10((hi - lo) / n)));
        for (double m : {1.0, 2.0, 5.0, 10.0}) if ((hi - lo) / (st * m) <= n) return st * m;
        return st * 10;
    };
    const double ystep = nice(ylo, yhi, 6);
    for (double y = std::ceil(ylo / ystep) * ystep; y <= yhi + 1e-9 * ystep; y += ystep) {   // grid, y ticks
        im.line(L, Y(y), R, Y(y), kLight);
        im.text(L - 8, Y(y) - 6, fmt(std::abs(y) < 1e-12 * ystep ? 0.0 : y), kBlack, 2, 2);
    }
    bool integer_x = true;
    for (auto& s : ss) for (double x : s.x) integer_x = integer_x && x == std::floor(x);
    const double step = integer_x ? std::max(1.0, nice(xlo, xhi, 10)) : nice(xlo, xhi, 10);
    for (double x = std::ceil(xlo / step) * step; x <= xhi + 1e-9 * step; x += step) {
        im.line(X(x), B, X(x), B + 6, kBlack);
        im.text(X(x), B + 10, fmt(x), kBlack, 2, 1);
    }
    for (auto& [x, lab] : marks) { im.line(X(x), T, X(x), B, kGrey, 1, 4); im.text(X(x) + 3, T + 2, lab, kGrey, 1); }
    if (ylo < 0 && yhi > 0) im.line(L, Y(0), R, Y(0), kGrey, 2);
    im.line(L, T, L, B, kBlack, 2);
    im.line(L, B, R, B, kBlack, 2);
    for (auto& s : ss) {
        for (size_t i = 0; i + 1 < s.x.size(); ++i) im.line(X(s.x[i]), Y(s.y[i]), X(s.x[i + 1]), Y(s.y[i + 1]), s.color, 3, s.dash);
        for (size_t i = 0; i < s.x.size(); ++i)
            if (i < s.ci.size() && s.ci[i] > 0) {
                im.line(X(s.x[i]), Y(s.y[i] - s.ci[i]), X(s.x[i]), Y(s.y[i] + s.ci[i]), s.color, 1);
                im.line(X(s.x[i]) - 4, Y(s.y[i] - s.ci[i]), X(s.x[i]) + 4, Y(s.y[i] - s.ci[i]), s.color, 1);
                im.line(X(s.x[i]) - 4, Y(s.y[i] + s.ci[i]), X(s.x[i]) + 4, Y(s.y[i] + s.ci[i]), s.color, 1);
            }
    }
    im.text((L + R) / 2, 8, title, kBlack, 2, 1);
    im.text((L + R) / 2, B + 34, xlabel, kBlack, 2, 1);
    im.text(8, T - 26, ylabel, kBlack, 2, 0);
    int ly = B + 56;
    int lx = L;
    for (auto& s : ss) {                                             // legend below the x label
        im.line(lx, ly + 6, lx + 30, ly + 6, s.color, 3, s.dash);
        im.text(lx + 36, ly, s.label, kBlack, 2);
        lx += 48 + im.text_width(s.label, 2);
        if (lx > R - 150) { lx = L; ly += 18; }
    }
    im.save(path);
}

const std::vector<ArgSpec> kSpec = flag_table(R"(
--checkpoint FILE  trained FLP-task checkpoint (repeat for several: flp, oml, sgd ...)
--label NAME        legend label of the preceding checkpoint (default: its learner)
--episodes N        evaluation episodes per checkpoint (default 100)
--seed S            seed of the evaluation episodes (default 12345)
--out DIR           output folder (created)
--help              this help
)");

int cmd_flp_report(const std::vector<std::string>& args) {
    return run_command({"flp-report", "--checkpoint FILE [--label NAME] [--checkpoint FILE ...] --out DIR", kSpec, {}, ""}, args,
                       [](const ParsedArgs& a) {
        std::vector<std::pair<std::string, std::string>> cks;   // (path, label)
        for (auto& [f, v] : a.flags) {
            if (f == "--checkpoint") cks.emplace_back(v, "");
            if (f == "--label") {
                if (cks.empty()) throw UsageError("--label must follow a --checkpoint");
                cks.back().second = v;
            }
        }
        if (cks.empty()) throw UsageError("at least one --checkpoint FILE is required");
        const std::string dir = a.require("--out", "DIR");
        const int episodes = int(a.get_int("--episodes", 100, 2, 100000));
        const uint64_t seed = uint64_t(a.get_int("--seed", 12345, 0, 1LL << 62));
        std::filesystem::create_directories(dir);

        std::vector<flp::Analysis> res;
        std::vector<std::string> labels;
        std::string metric_name, task_name;
        for (auto& [path, label] : cks) {
            const std::string name = checkpoint_task(path);
            auto t = make_task(name);
            auto* ft = dynamic_cast<flp::FlpTaskBase*>(t.get());
            if (!ft) throw std::runtime_error(path + ": task '" + name + "' is not an FLP task (flp-sine, flp-classify)");
            load_checkpoint(path, *t, false);
            if (!task_name.empty() && task_name != name) throw std::runtime_error(path + ": all checkpoints must be of one task (" + task_name + ")");
            task_name = name;
            metric_name = t->metric_name();
            static const char* kLearner[] = {"flp", "oml", "sgd"};
            std::printf("analysing %s (%s, learner %s) on %d episodes ...\n", path.c_str(), name.c_str(),
                        kLearner[int(ft->learner().kind())], episodes);
            res.push_back(flp::analyse(*ft, episodes, seed));
            labels.push_back(label.empty() ? res.back().learner : label);
            const auto& r = res.back();
            double cs = 0; int cn = 0;
            for (auto& c : r.cos) if (!c.empty() && c.back().n > 0) { cs += c.back().mean; ++cn; }
            std::printf("  %-10s %s %.4g ± %.3g; forgetting after the last group %.4g ± %.3g; mean cos(update, -grad) %.3f\n",
                        labels.back().c_str(), metric_name.c_str(), r.final_metric.mean, r.final_metric.ci, r.final_forgetting.mean,
                        r.final_forgetting.ci, cn ? cs / cn : 0.0);
        }
        // ---- CSV
        std::string inter = "learner,label,k,rise_mean,rise_ci,rel_rise_mean,rel_rise_ci,n\n", after = "label,k,j,loss\n",
                    align = "label,step,layer,cos_mean,cos_ci,n\n", summ = "label,learner,metric,metric_ci,final_forgetting,forgetting_ci,mean_cos_all\n";
        char b[256];
        for (size_t i = 0; i < res.size(); ++i) {
            const auto& r = res[i];
            for (size_t k = 1; k < r.rise.size(); ++k) {
                std::snprintf(b, sizeof b, "%s,%s,%zu,%.6g,%.6g,%.6g,%.6g,%d\n", r.learner.c_str(), labels[i].c_str(), k + 1, r.rise[k].mean,
                              r.rise[k].ci, r.rel_rise[k].mean, r.rel_rise[k].ci, r.rise[k].n);
                inter += b;
            }
            for (size_t k = 0; k < r.loss_after.size(); ++k)
                for (size_t j = 0; j < r.loss_after[k].size(); ++j) {
                    std::snprintf(b, sizeof b, "%s,%zu,%zu,%.6g\n", labels[i].c_str(), k + 1, j + 1, r.loss_after[k][j]);
                    after += b;
                }
            double cs = 0; int cn = 0;
            for (size_t t = 0; t < r.cos.size(); ++t)
                for (size_t h = 0; h < r.cos[t].size(); ++h) {
                    const std::string layer = h < r.layer.size() ? std::to_string(r.layer[h]) : "all";
                    std::snprintf(b, sizeof b, "%s,%zu,%s,%.6g,%.6g,%d\n", labels[i].c_str(), t + 1, layer.c_str(), r.cos[t][h].mean, r.cos[t][h].ci, r.cos[t][h].n);
                    align += b;
                    if (h + 1 == r.cos[t].size() && r.cos[t][h].n > 0) { cs += r.cos[t][h].mean; ++cn; }
                }
            std::snprintf(b, sizeof b, "%s,%s,%.6g,%.6g,%.6g,%.6g,%.6g\n", labels[i].c_str(), r.learner.c_str(), r.final_metric.mean, r.final_metric.ci,
                          r.final_forgetting.mean, r.final_forgetting.ci, cn ? cs / cn : 0.0);
            summ += b;
        }
        write_file_atomic(dir + "/interference.csv", inter);
        write_file_atomic(dir + "/loss_after.csv", after);
        write_file_atomic(dir + "/alignment.csv", align);
        write_file_atomic(dir + "/summary.csv", summ);
        // ---- plots
        std::vector<Series> si, sa;
        double ilo = 0, ihi = 0;
        for (size_t i = 0; i < res.size(); ++i) {
            Series s;
            s.label = labels[i];
            s.color = kPalette[i % 6];
            for (size_t k = 1; k < res[i].rel_rise.size(); ++k) {
                if (res[i].rel_rise[k].n == 0) continue;
                s.x.push_back(double(k + 1)); s.y.push_back(100 * res[i].rel_rise[k].mean); s.ci.push_back(100 * res[i].rel_rise[k].ci);
                ilo = std::min(ilo, s.y.back() - s.ci.back()); ihi = std::max(ihi, s.y.back() + s.ci.back());
            }
            si.push_back(s);
            const auto& r = res[i];
            for (size_t h = 0; h + 1 <= r.layer.size() + 1 && !r.cos.empty(); ++h) {
                if (h < r.layer.size() && r.learner != "flp") continue;      // SGD: cos = 1 in every layer
                Series c;
                c.label = labels[i] + (h < r.layer.size() ? " layer " + std::to_string(r.layer[h]) : " all");
                c.color = kPalette[sa.size() % 6];   // one colour per line: layers of one learner overlap
                c.dash = h < r.layer.size() ? 8 : 0;
                for (size_t t = 0; t < r.cos.size(); ++t)
                    if (h < r.cos[t].size() && r.cos[t][h].n > 0) { c.x.push_back(double(t + 1)); c.y.push_back(r.cos[t][h].mean); }
                sa.push_back(c);
            }
        }
        const std::string unit = task_name == "flp-sine" ? "function" : "class", units = task_name == "flp-sine" ? "functions" : "classes";
        plot(dir + "/interference.png", task_name + ": loss of earlier " + units + " after learning " + unit + " k",
             unit + " k just learned", "rise since each was learned, % of their own loss (95% CI)", si, ilo * 1.1, ihi * 1.1);
        std::vector<std::pair<double, std::string>> marks;
        const auto& sg = res[0].step_group;
        for (size_t t = 0; t < sg.size(); ++t)
            if (sg[t] >= 0 && (t == 0 || sg[t] != sg[t - 1])) marks.emplace_back(double(t + 1), std::to_string(sg[t] + 1));
        plot(dir + "/alignment.png", task_name + ": cosine(update, -gradient of the step's loss)", "inner step", "cosine (mean over episodes)", sa,
             -1, 1, marks);
        std::printf("wrote %s/{interference,loss_after,alignment,summary}.csv and interference.png, alignment.png\n", dir.c_str());
        return 0;
    });
}

}  // namespace

PS_REGISTER_COMMAND("flp-report", "FLP: interference and update/gradient alignment of trained checkpoints (CSV + PNG)", cmd_flp_report);

}  // namespace ps
