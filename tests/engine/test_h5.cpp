#include "engine/results_file.hpp"

#include "engine/rng.hpp"

#include "tests/temp_dir.hpp"

#include <doctest/doctest.h>

#include <cstring>
#include <filesystem>
#include <map>
#include <vector>

namespace fs = std::filesystem;

namespace {

using fairmc::testing::TempDir;

// Two demo points, 10 blocks of 8 draws each (the last one short: 77 draws), two metrics.
fairmc::RunRecord empty_run(bool keep_draws) {
  const std::string yaml = std::string("experiment: h5_test\nscenario: demo\nseed: 1\n") +
                           "draws: 77\nblock: 8\nkeep_draws: " + (keep_draws ? "true" : "false") +
                           "\nsweep: {grid: {population.agents: [2, 3]}}\n";
  fairmc::RunRecord run;
  run.experiment = fairmc::load_experiment_text(yaml, "<test>", {});
  run.points = fairmc::expand(run.experiment);
  run.created_utc = "2026-11-25T00:00:00Z";
  run.results.resize(run.points.size());
  for (auto& r : run.results) r.metrics = {"a", "b"};
  return run;
}

fairmc::BlockRecord block(std::size_t point, std::int64_t b, bool keep_draws) {
  fairmc::Rng rng(5, point * 100 + static_cast<std::uint64_t>(b), 0u);
  fairmc::BlockRecord rec;
  rec.length = std::min<std::int64_t>(8, 77 - 8 * b);
  std::vector<fairmc::BlockAccumulator> acc(2);
  rec.draws.assign(2, {});
  for (std::int64_t d = 0; d < rec.length; ++d)
    for (std::size_t m = 0; m < 2; ++m) {
      const double x = rng.uniform01() * (m + 1);
      acc[m].add(x);
      rec.draws[m].push_back(x);
    }
  for (const auto& a : acc) rec.metrics.push_back(a.summary());
  if (!keep_draws) rec.draws.clear();
  return rec;
}

using Blocks = std::vector<std::map<std::int64_t, fairmc::BlockRecord>>;
Blocks read_blocks(const fs::path& file, std::size_t chunk_rows) {
  Blocks out(2);
  for (std::size_t p = 0; p < 2; ++p)
    fairmc::for_each_stored_block(
        file, p, [&](std::int64_t b, const fairmc::BlockRecord& rec) { out[p].emplace(b, rec); },
        chunk_rows);
  return out;
}

bool same(const fairmc::BlockRecord& x, const fairmc::BlockRecord& y) {
  if (x.length != y.length || x.metrics.size() != y.metrics.size() ||
      x.draws.size() != y.draws.size())
    return false;
  for (std::size_t m = 0; m < x.metrics.size(); ++m)
    if (std::memcmp(&x.metrics[m], &y.metrics[m], sizeof(fairmc::Summary)) != 0) return false;
  return x.draws == y.draws;
}

}  // namespace

TEST_CASE("checkpoints that copy earlier blocks from the previous file lose and reorder nothing") {
  for (const bool keep_draws : {false, true}) {
    CAPTURE(keep_draws);
    TempDir t(keep_draws ? "h5_draws" : "h5_nodraws");
    // Blocks arrive in waves, out of order, with a gap that closes late; every wave is written
    // (3 blocks per chunk, so copies span several chunks) and then forgotten.
    const std::vector<std::vector<std::int64_t>> waves{{0, 1}, {4, 2}, {3, 6, 7}, {}, {9, 5, 8}};
    fairmc::RunRecord streamed = empty_run(keep_draws);
    fairmc::RunRecord whole = empty_run(keep_draws);
    for (const auto& wave : waves) {
      for (const auto b : wave)
        for (std::size_t p = 0; p < 2; ++p) {
          streamed.results[p].add(b, block(p, b, keep_draws));
          whole.results[p].add(b, block(p, b, keep_draws));
        }
      fairmc::write_results(t.dir / "streamed.h5", streamed, 3);
      streamed.mark_saved(t.dir / "streamed.h5");
      for (const auto& r : streamed.results) CHECK(r.unsaved.empty());
      // The file holds every block so far, in block order.
      const auto so_far = read_blocks(t.dir / "streamed.h5", 2);
      CHECK(static_cast<std::int64_t>(so_far[0].size()) == streamed.results[0].blocks_done());
    }
    fairmc::write_results(t.dir / "whole.h5", whole);
    const auto a = read_blocks(t.dir / "streamed.h5", 4);
    const auto b = read_blocks(t.dir / "whole.h5", 0);
    for (std::size_t p = 0; p < 2; ++p) {
      REQUIRE(a[p].size() == 10);
      REQUIRE(b[p].size() == 10);
      for (std::int64_t i = 0; i < 10; ++i) {
        CHECK(same(a[p].at(i), b[p].at(i)));
        CHECK(same(a[p].at(i), block(p, i, keep_draws)));
      }
    }
    CHECK(fairmc::describe_results(t.dir / "streamed.h5") ==
          fairmc::describe_results(t.dir / "whole.h5"));
  }
}

TEST_CASE("a rewrite drops saved blocks the run no longer counts and keeps recomputed ones") {
  TempDir t("h5_stale");
  fairmc::RunRecord first = empty_run(true);
  for (std::int64_t b = 0; b < 4; ++b) first.results[0].add(b, block(0, b, true));
  fairmc::write_results(t.dir / "r.h5", first);
  // As a resume does: blocks 0-2 still count, block 3 is recomputed (here: with other numbers).
  fairmc::RunRecord second = empty_run(true);
  second.saved_in = t.dir / "r.h5";
  for (std::int64_t b = 0; b < 3; ++b) second.results[0].add_saved(b, block(0, b, true));
  second.results[0].add(3, block(1, 3, true));
  fairmc::write_results(t.dir / "r.h5", second, 2);
  const auto stored = read_blocks(t.dir / "r.h5", 0);
  REQUIRE(stored[0].size() == 4);
  CHECK(same(stored[0].at(2), block(0, 2, true)));
  CHECK(same(stored[0].at(3), block(1, 3, true)));
  CHECK(stored[1].empty());
}

TEST_CASE("a failed point is written with no blocks") {
  TempDir t("h5_failed");
  fairmc::RunRecord run = empty_run(false);
  for (std::int64_t b = 0; b < 3; ++b) run.results[1].add(b, block(1, b, false));
  fairmc::write_results(t.dir / "f.h5", run);
  run.mark_saved(t.dir / "f.h5");
  run.results[1].fail("broken");
  fairmc::write_results(t.dir / "f.h5", run);
  const auto stored = fairmc::read_results(t.dir / "f.h5");
  CHECK(stored.errors[1] == "broken");
  CHECK(read_blocks(t.dir / "f.h5", 0)[1].empty());
}
