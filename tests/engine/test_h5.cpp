#include "engine/results_file.hpp"

#include "engine/checkpoint.hpp"
#include "engine/file_seal.hpp"
#include "engine/h5io.hpp"
#include "engine/output_lock.hpp"

#include "engine/rng.hpp"

#include "tests/temp_dir.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iterator>
#include <map>
#include <optional>
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

// --- primitives, checksums and verification (issue 16, items 4 and 7) -------------------------

namespace {

namespace h5 = fairmc::h5;

std::vector<unsigned char> bytes_of(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), {}};
}
void put_bytes(const fs::path& p, const std::vector<unsigned char>& b) {
  std::ofstream out(p, std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char*>(b.data()), static_cast<std::streamsize>(b.size()));
}
void flip(const fs::path& p, std::size_t at) {
  auto b = bytes_of(p);
  REQUIRE(at < b.size());
  b[at] ^= 0x10;
  put_bytes(p, b);
}

// File offset of the first chunk of a dataset.
std::size_t chunk_offset(const fs::path& file, const std::string& dataset) {
  h5::Hid f = h5::open_file(file);
  h5::Hid d = h5::open_dataset(f, dataset);
  haddr_t addr = 0;
  hsize_t size = 0, offset[2] = {0, 0};
  unsigned mask = 0;
  h5::Hid space(H5Dget_space(d), H5Sclose, "space");
  h5::check(H5Dget_chunk_info(d, space, 0, offset, &mask, &addr, &size), "chunk info");
  return static_cast<std::size_t>(addr);
}

std::string message_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const std::exception& e) {
    return e.what();
  }
  return "";
}

fairmc::RunRecord filled_run() {
  fairmc::RunRecord run = empty_run(true);
  for (std::size_t p = 0; p < 2; ++p)
    for (std::int64_t b = 0; b < 10; ++b) run.results[p].add(b, block(p, b, true));
  run.complete = true;
  return run;
}

}  // namespace

TEST_CASE("h5io round-trips plain vectors, numeric datasets are chunked with Fletcher-32") {
  TempDir t("h5io");
  const std::vector<double> xs{1.5, -2, 1e300, 0};
  const std::vector<std::int64_t> is{1, -2, 3, 4, 5, 6};
  const std::vector<std::string> ss{"a", "", "ünï", "long text"};
  {
    h5::Hid f = h5::create_file(t.dir / "p.h5");
    h5::Hid g = h5::create_group(f, "g");
    h5::write<double>(g, "xs", {xs.size()}, xs.data());
    h5::Hid d = h5::create_dataset<std::int64_t>(g, "is", {3, 2}, {2, 2});
    h5::write_rows<std::int64_t>(d, 0, 2, is.data());
    h5::write_rows<std::int64_t>(d, 2, 1, is.data() + 4);
    h5::write_strings(g, "ss", {ss.size()}, ss);
    h5::attr(g, "text", std::string("hello"));
    h5::attr<std::uint64_t>(g, "big", 18446744073709551615ull);
  }
  fairmc::seal_file(t.dir / "p.h5");
  h5::Hid f = h5::open_file(t.dir / "p.h5");
  h5::verify(f);
  h5::Hid g = h5::open_group(f, "g");
  CHECK(h5::read<double>(g, "xs") == xs);
  CHECK(h5::read<std::int64_t>(g, "is") == is);
  std::vector<std::int64_t> row(2);
  h5::read_rows<std::int64_t>(h5::open_dataset(g, "is"), 1, 1, row.data());
  CHECK(row == std::vector<std::int64_t>{3, 4});
  CHECK_THROWS_WITH_AS(h5::read_rows<std::int64_t>(h5::open_dataset(g, "is"), 2, 2, row.data()),
                       doctest::Contains("has 3 rows"), std::runtime_error);
  CHECK(h5::read_strings(g, "ss") == ss);
  CHECK(h5::read_string_attr(g, "text") == "hello");
  CHECK(h5::read_attr<std::uint64_t>(g, "big") == 18446744073709551615ull);
  CHECK(h5::dims_of(h5::open_dataset(g, "is")) == std::vector<hsize_t>{3, 2});
  for (const char* name : {"xs", "is"}) {
    h5::Hid d = h5::open_dataset(g, name);
    h5::Hid dcpl(H5Dget_create_plist(d), H5Pclose, "dcpl");
    CHECK(H5Pget_layout(dcpl) == H5D_CHUNKED);
    CHECK(H5Pget_nfilters(dcpl) == 1);
    CHECK(H5Pget_filter2(dcpl, 0, nullptr, nullptr, nullptr, 0, nullptr, nullptr) ==
          H5Z_FILTER_FLETCHER32);
  }
  CHECK_THROWS_WITH_AS(h5::open_dataset(g, "absent"), doctest::Contains("open absent"),
                       std::runtime_error);
}

TEST_CASE("a seal refuses any changed, missing or added byte, unsealed files pass") {
  // Fletcher-64's published check values (32-bit little-endian words, zero padded).
  const unsigned char text[] = {'a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'};
  CHECK(fairmc::fletcher64(text, 5) == 0xc8c6c527646362c6ull);
  CHECK(fairmc::fletcher64(text, 6) == 0xc8c72b276463c8c6ull);
  CHECK(fairmc::fletcher64(text, 8) == 0x312e2b28cccac8c6ull);

  TempDir t("seal");
  const fs::path f = t.dir / "r.h5";
  fairmc::write_results(f, filled_run());
  CHECK(fairmc::check_seal(f));
  const auto good = bytes_of(f);
  // Every 997th byte, seal included: each change is found before HDF5 reads the file.
  for (std::size_t at = 0; at < good.size(); at += 997) {
    CAPTURE(at);
    flip(f, at);
    CHECK_THROWS_WITH_AS(fairmc::check_seal(f), doctest::Contains("damaged"), std::runtime_error);
    CHECK_THROWS_WITH_AS(fairmc::describe_results(f), doctest::Contains("damaged"),
                         std::runtime_error);
    put_bytes(f, good);
  }
  auto cut = good;
  cut.pop_back();
  put_bytes(f, cut);
  CHECK_THROWS_WITH_AS(fairmc::read_results(f), doctest::Contains("truncated"), std::runtime_error);
  auto longer = good;
  longer.push_back(0);
  put_bytes(f, longer);
  CHECK_THROWS_WITH_AS(fairmc::read_results(f), doctest::Contains("truncated or extended"),
                       std::runtime_error);
  // Without its seal: HDF5 would read the file, but its generation is always sealed.
  put_bytes(f, std::vector<unsigned char>(good.begin(), good.end() - fairmc::seal_bytes));
  CHECK_THROWS_WITH_AS(fairmc::check_seal(f), doctest::Contains("checksum trailer is missing"),
                       std::runtime_error);
  // A file written before seals existed (HDF5's default, superblock version 0) is not checked.
  {
    h5::Hid old(H5Fcreate(f.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT), H5Fclose, "create");
  }
  CHECK_FALSE(fairmc::check_seal(f));
}

TEST_CASE("bit rot in stored draws and block tables is refused by resume and show, by name") {
  TempDir t("rot");
  const fs::path f = t.dir / "r.h5";
  fairmc::write_results(f, filled_run());
  const auto good = bytes_of(f);
  for (const std::string dataset : {"/points/1/draws/a", "/points/0/blocks/b"}) {
    CAPTURE(dataset);
    put_bytes(f, good);
    // Re-sealed after the flip, as if the bit had rotted before the seal was computed: the
    // dataset's own Fletcher-32 checksum still finds it.
    flip(f, chunk_offset(f, dataset) + 9);
    fairmc::seal_file(f);
    for (const auto& msg : {message_of([&] { fairmc::read_results(f); }),
                            message_of([&] { fairmc::describe_results(f); }), message_of([&] {
                              fairmc::for_each_stored_block(f, dataset[8] - '0',
                                                            [](auto, auto&) {});
                            })}) {
      CAPTURE(msg);
      CHECK(msg.find(f.string() + ": damaged: ") == 0);
      CHECK(msg.find(dataset) != std::string::npos);
      CHECK(msg.find("Fletcher32") != std::string::npos);
      CHECK(msg.find('\n') == std::string::npos);
    }
  }
  // Strings live in HDF5's global heap, which has no checksum of its own: the text checksum.
  put_bytes(f, good);
  auto b = bytes_of(f);
  const std::string needle = "experiment: h5_test";
  const auto it = std::search(b.begin(), b.end(), needle.begin(), needle.end());
  REQUIRE(it != b.end());
  *(it + 12) = 'H';
  put_bytes(f, b);
  fairmc::seal_file(f);
  CHECK_THROWS_WITH_AS(fairmc::read_results(f), doctest::Contains("text checksum"),
                       std::runtime_error);
}

namespace {

// A results file made with the primitives: the root attributes describe_results reads, and one
// point whose stats row for metric "a" holds `stats` values.
void minimal_file(const fs::path& f, std::optional<std::int64_t> version,
                  const std::vector<double>& stats) {
  {
    h5::Hid file = h5::create_file(f);
    h5::attr(file, "format", std::string("fairmc-results"));
    if (version) h5::attr<std::int64_t>(file, "format_version", *version);
    for (const char* a : {"experiment", "scenario", "claim", "created_utc"})
      h5::attr(file, a, std::string("x"));
    for (const char* a : {"draws", "block", "complete"}) h5::attr<std::int64_t>(file, a, 1);
    h5::attr<std::uint64_t>(file, "seed", 1);
    h5::Hid pts = h5::create_group(file, "points");
    h5::Hid p = h5::create_group(pts, "0");
    h5::write_strings(p, "metrics", {1}, {"a"});
    h5::Hid st = h5::create_group(p, "stats");
    h5::write<double>(st, "a", {stats.size()}, stats.data());
  }
  fairmc::seal_file(f);
}

}  // namespace

TEST_CASE("format_version: newer or missing is refused, a short stats row too (was a crash)") {
  TempDir t("version");
  const fs::path f = t.dir / "v.h5";
  const std::vector<double> row{1, 2, 3, 4, 5, 6, 7, 8};
  minimal_file(f, fairmc::results_format_version, row);
  CHECK(fairmc::describe_results(f).find("mean") != std::string::npos);
  minimal_file(f, 1, row);  // format 1: same layout
  CHECK(fairmc::describe_results(f).find("mean") != std::string::npos);
  minimal_file(f, fairmc::results_format_version + 1, row);
  CHECK_THROWS_WITH_AS(fairmc::describe_results(f), doctest::Contains("is newer than this fairmc"),
                       std::runtime_error);
  CHECK_THROWS_WITH_AS(fairmc::read_results(f), doctest::Contains("use a newer fairmc"),
                       std::runtime_error);
  minimal_file(f, std::nullopt, row);
  CHECK_THROWS_WITH_AS(fairmc::describe_results(f), doctest::Contains("no format_version"),
                       std::runtime_error);
  minimal_file(f, 0, row);
  CHECK_THROWS_AS(fairmc::describe_results(f), std::runtime_error);
  for (std::size_t n : {0, 1, 7}) {
    minimal_file(f, fairmc::results_format_version, std::vector<double>(n, 1.0));
    CHECK_THROWS_WITH_AS(fairmc::describe_results(f), doctest::Contains("/points/0/stats/a has"),
                         std::runtime_error);
  }
  put_bytes(f, {'n', 'o', 't'});
  CHECK_THROWS_AS(fairmc::describe_results(f), std::runtime_error);
}

TEST_CASE("keep_previous: the old file stays until a checkpoint or the complete run replaces it") {
  TempDir t("keep");
  const fs::path f = t.dir / "r.h5";
  fairmc::write_results(f, filled_run());
  const auto old = bytes_of(f);
  fairmc::RunRecord run = empty_run(false);
  {
    fairmc::Checkpointer c(f, run, true);
    c.write_now();  // the runner's first write: an empty run
    run.results[0].add(0, block(0, 0, false));
    c.write_now();  // interrupted: an incomplete run
    CHECK_FALSE(c.replaced());
    CHECK(bytes_of(f) == old);
    REQUIRE(c.start(true));  // a checkpoint
    c.write_now();
    CHECK(c.replaced());
  }
  CHECK(fairmc::read_results(f).metrics.size() == 2);
  CHECK(bytes_of(f) != old);
  fairmc::write_results(f, filled_run());
  fairmc::RunRecord done = empty_run(false);
  done.complete = true;
  fairmc::Checkpointer c(f, done, true);
  c.write_now();
  CHECK(c.replaced());
  CHECK(fairmc::describe_results(f).find(", complete") != std::string::npos);
}

TEST_CASE("an output directory has one run at a time, a dead run's lock file does not block") {
  TempDir t("lock");
  {
    fairmc::OutputLock first(t.dir);
    CHECK(fs::exists(t.dir / fairmc::OutputLock::file_name));
    // flock conflicts between open file descriptions, so a second lock in one process is refused
    // just as one from another process.
    CHECK_THROWS_WITH_AS(fairmc::OutputLock(t.dir), doctest::Contains("in use by another"),
                         std::runtime_error);
  }
  CHECK_FALSE(fs::exists(t.dir / fairmc::OutputLock::file_name));
  // Left behind by a killed run: the kernel released its lock, the file stays.
  put_bytes(t.dir / fairmc::OutputLock::file_name, {'p', 'i', 'd'});
  fairmc::OutputLock again(t.dir);
  CHECK_THROWS_AS(fairmc::OutputLock(t.dir / "absent"), std::runtime_error);
}
