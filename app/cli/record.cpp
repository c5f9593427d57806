// `plastiscope record`: one live episode written down step by step (engine/record.hpp), the
// format of docs/recording-format.md, for numpy users and for `plastiscope view`; or, with
// --out FILE.gif / FILE.mp4, the same episode as an animation of the chosen views
// (render/episode_export.hpp).
#include <cstdio>
#include <string>
#include "checkpoint.hpp"
#include "data_dir.hpp"
#include "cli/commands.hpp"
#include "npz.hpp"
#include "record.hpp"
#include "render/episode_export.hpp"

namespace ps {
namespace {

const std::vector<ArgSpec> kRecordSpec = flag_table(R"(
--task NAME       task (or taken from --checkpoint)
--preset P          preset of the task
--checkpoint FILE  the trained parameters (default: the shipped checkpoint of the preset, else fresh ones)
--seed S          the episode's seed (default 1)
--steps T         record only the first T steps
--track [VIEW:]I,J  follow one cell of a view (repeatable; default view H)
--full            every matrix view at every step, even above 512 x 512
--tracked-only    only the tracked cells, not the full views
--out FILE       where to write: .npz (the arrays), .gif or .mp4 (an animation)
--views A,B,...  the views of an animation: matrix or image names, or activity (default: H, W+A*H, the output)
--size PX        the side of each view in an animation (default 256)
--fps N          frames per second of an animation (default 12)
--help            this help
)");

int fail(const std::string& msg, int code = 2) {
    std::fprintf(stderr, "plastiscope record: %s\n", msg.c_str());
    return code;
}

// --track [VIEW:]I,J; the view defaults to the trace H, and "VIEW:" cannot be empty.
RecordOptions::Cell track_cell(const std::string& s) {
    RecordOptions::Cell c;
    if (!parse_cell(s, c) || s[0] == ':') throw UsageError("--track expects [VIEW:]I,J with I, J >= 0, got '" + s + "'");
    if (c.view.empty()) c.view = "H";
    return c;
}

int cmd_record(const std::vector<std::string>& args) {
    try {
        const ParsedArgs a = parse_args(args, kRecordSpec);
        if (a.has("--help")) {
            std::printf("%s", usage_text("record",
                                         "--task NAME [--preset P] [--checkpoint FILE] [--seed S] [--track I,J ...] "
                                         "[--full] --out FILE.npz",
                                         kRecordSpec)
                                  .c_str());
            std::printf("Writes x (T+1, N), inputs (T, K), view/NAME (T, rows, cols), image/NAME, scalars/NAME (T),\n"
                        "target, param/NAME, info/*, meta/*: see docs/recording-format.md.\n");
            return 0;
        }
        const std::string out_path = a.require("--out", "FILE.npz");
        auto ends = [&](const char* e) {
            const std::string x = e;
            return out_path.size() > x.size() && out_path.compare(out_path.size() - x.size(), x.size(), x) == 0;
        };
        const bool animation = ends(".gif") || ends(".mp4");
        if (!animation && !ends(".npz"))
            throw UsageError("--out must name a .npz, .gif or .mp4 file, got '" + out_path + "'");
        if (!animation && (a.has("--views") || a.has("--size") || a.has("--fps")))
            throw UsageError("--views, --size and --fps are for a .gif or .mp4 --out");
        std::string name = a.get("--task");
        if (name.empty() && a.has("--checkpoint")) name = checkpoint_task(a.get("--checkpoint"));
        if (name.empty()) throw UsageError("--task is required (tasks: " + task_names() + ")");
        auto t = make_task(name);
        if (!t) throw UsageError("unknown task '" + name + "' (tasks: " + task_names() + ")");
        if (a.has("--preset")) t->set_preset(a.get("--preset"));
        apply_overrides(t->fields(), a.overrides);
        t->init(1);
        std::string source = "fresh parameters";
        // The given checkpoint, else the one shipped for the preset (unless settings change the net).
        std::string ck = a.get("--checkpoint");
        if (ck.empty() && a.overrides.empty()) {
            const std::string shipped = data_path("checkpoints/" + name + "-" + t->preset() + ".npz");
            if (std::FILE* f = std::fopen(shipped.c_str(), "rb")) {
                std::fclose(f);
                ck = shipped;
            }
        }
        if (!ck.empty()) {
            load_checkpoint(ck, *t, false);
            apply_overrides(t->fields(), a.overrides);
            source = ck;
        }
        RecordOptions o;
        o.max_steps = int(a.get_int("--steps", 0, 0, 100000000));
        if (a.has("--full") && a.has("--tracked-only")) throw UsageError("--full and --tracked-only exclude each other");
        if (a.has("--full")) o.views = RecordOptions::Views::Full;
        if (a.has("--tracked-only")) o.views = RecordOptions::Views::TrackedOnly;
        for (const auto& [f, v] : a.flags)
            if (f == "--track") o.track.push_back(track_cell(v));
        const uint64_t seed = uint64_t(a.get_int("--seed", 1, 0, 1LL << 62));
        if (animation) {
            ExportOptions eo;
            eo.cell = int(a.get_int("--size", 256, 64, 2048));
            eo.fps = int(a.get_int("--fps", 12, 1, 60));
            if (a.has("--views")) {
                std::string v = a.get("--views"), cur;
                for (char ch : v + ",") {
                    if (ch == ',') {
                        if (cur.empty()) throw UsageError("--views: an empty name in '" + v + "'");
                        eo.views.push_back(cur);
                        cur.clear();
                    } else {
                        cur += ch;
                    }
                }
            }
            LiveRun run(*t);
            run.begin(seed);
            if (o.max_steps > 0)   // the animation stops there
                while (run.t() < o.max_steps && run.step()) {}
            export_episode(run, eo, out_path);
            std::printf("wrote %s: %d steps of %s (%s)\n", out_path.c_str(), run.frontier() > 0 ? run.frontier() : run.length(),
                        name.c_str(), source.c_str());
            return 0;
        }
        const ArrayMap rec = record_episode(*t, seed, o);
        npz_write(out_path, rec);
        int views = 0;
        for (const auto& [k, v] : rec) views += k.rfind("view/", 0) == 0;
        const auto& x = rec.count("x") ? rec.at("x").shape : std::vector<int64_t>{0, 0};
        std::printf("wrote %s: %lld steps of %s (%s), x %lld x %lld, %d matrix views, %zu arrays\n", out_path.c_str(),
                    static_cast<long long>(x[0] - 1), name.c_str(), source.c_str(), static_cast<long long>(x[0]),
                    static_cast<long long>(x[1]), views, rec.size());
        return 0;
    } catch (const UsageError& e) {
        return fail(std::string(e.what()) + " (see plastiscope record --help)");
    } catch (const std::exception& e) {
        return fail(e.what(), 1);
    }
}

}  // namespace

PS_REGISTER_COMMAND("record", "one live episode, step by step, to .npz (x, inputs, every view, scalars: for numpy)",
                    cmd_record);

}  // namespace ps
