// The maze reward-curve file reader (engine/maze/reward_curves): median / IQR per window against
// hand-computed values, the last-10 % summary, the shipped assets/maze/curves.csv, and clear
// errors for bad files (each names the line and what is wrong). Kept apart from test_maze.cpp.
#include <catch2/catch.hpp>
#include <string>
#include "maze/reward_curves.hpp"

using namespace ps::maze;

TEST_CASE("maze curves: median and inter-quartile band over seeds", "[maze][curves]") {
    const std::string text =
        "# a comment\n"
        "agent,seed,episode,reward\n"
        "non-plastic,1,10,1\nnon-plastic,1,20,2\n"
        "non-plastic,2,10,3\nnon-plastic,2,20,4\n"
        "non-plastic,3,10,5\nnon-plastic,3,20,9\n"
        "plastic,1,10,10\nplastic,1,20,20\n";
    const RewardCurves c = parse_reward_curves(text, "t.csv");
    REQUIRE(c.agents.size() == 2);
    REQUIRE(c.comments.size() == 1);
    CHECK(c.comments[0] == "a comment");
    const RewardBand* np = c.find("non-plastic");
    REQUIRE(np);
    CHECK(np->seeds == 3);
    REQUIRE(np->episode.size() == 2);
    CHECK(np->episode[1] == 20);
    // window 2: {2, 4, 9}: median 4, q25 = 2 + 0.5*(4-2) = 3, q75 = 4 + 0.5*(9-4) = 6.5
    CHECK(np->median[1] == Approx(4));
    CHECK(np->q25[1] == Approx(3));
    CHECK(np->q75[1] == Approx(6.5));
    const RewardBand* p = c.find("plastic");
    REQUIRE(p);
    CHECK(p->seeds == 1);
    CHECK(p->q25[0] == Approx(10));
    CHECK(p->q75[0] == Approx(10));
    // last half of the windows = the last window: per seed 2, 4, 9
    const TailSummary t = tail_summary(*np, 0.5);
    REQUIRE(t.per_seed.size() == 3);
    CHECK(t.median == Approx(4));
    CHECK(t.q75 == Approx(6.5));
    CHECK(quantile_linear({4, 1, 3, 2}, 0.25) == Approx(1.75));
}

TEST_CASE("maze curves: bad files are refused with the line and the reason", "[maze][curves]") {
    const std::string h = "agent,seed,episode,reward\n";
    auto msg = [](const std::string& text) {
        try {
            parse_reward_curves(text, "f.csv");
        } catch (const std::runtime_error& e) {
            return std::string(e.what());
        }
        return std::string("accepted");
    };
    CHECK_THAT(msg(""), Catch::Contains("no header"));
    CHECK_THAT(msg(h), Catch::Contains("no data rows"));
    CHECK_THAT(msg("agent,seed,episode\nx,1,2\n"), Catch::Contains("f.csv:1: expected the header"));
    CHECK_THAT(msg(h + "plastic,1,10\n"), Catch::Contains("f.csv:2: expected 4 fields"));
    CHECK_THAT(msg(h + "plastic,one,10,1\n"), Catch::Contains("seed 'one' is not an integer"));
    CHECK_THAT(msg(h + "plastic,1,0,1\n"), Catch::Contains("not a positive integer"));
    CHECK_THAT(msg(h + "plastic,1,10,nan\n"), Catch::Contains("reward 'nan' is not a finite number"));
    CHECK_THAT(msg(h + "plastic,1,10,1x\n"), Catch::Contains("is not a finite number"));
    CHECK_THAT(msg(h + "plastic,1,10,1\nplastic,1,10,2\n"), Catch::Contains("f.csv:3: episode 10 of plastic seed 1 does not increase"));
    CHECK_THAT(msg(h + "plastic,1,10,1\nplastic,1,20,2\nplastic,2,10,1\n"), Catch::Contains("seed 2 has 1 windows"));
    CHECK_THAT(msg(h + "plastic,1,10,1\nplastic,2,11,1\n"), Catch::Contains("ends at episode 11, not 10"));
    CHECK_THAT(msg(std::string("\x89PNG\r\n\x1a\n", 8) + "junk"), Catch::Contains("expected the header"));
    CHECK_THROWS_WITH(read_reward_curves("/nonexistent/curves.csv"), Catch::Contains("cannot open /nonexistent/curves.csv"));
}

TEST_CASE("maze curves: the shipped file loads (plastic and non-plastic, >= 4 seeds)", "[maze][curves]") {
    const RewardCurves c = read_reward_curves(std::string(PS_ASSETS_DIR) + "/maze/curves.csv");
    for (const char* a : {"plastic", "non-plastic"}) {
        const RewardBand* b = c.find(a);
        REQUIRE(b);
        CHECK(b->seeds >= 4);   // 5 seeds shipped (docs/maze.md)
        CHECK(b->episode.size() >= 10);
        CHECK(b->median.back() > b->median.front());   // both agents learn over the run
    }
}
