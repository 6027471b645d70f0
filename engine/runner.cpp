#include "engine/runner.hpp"

#include "engine/checkpoint.hpp"
#include "engine/checks_file.hpp"
#include "engine/executor.hpp"
#include "engine/interrupt.hpp"
#include "engine/point_report.hpp"
#include "engine/precision.hpp"
#include "engine/prepare.hpp"
#include "engine/progress.hpp"
#include "engine/run_start.hpp"
#include "engine/stats_layout.hpp"

#include <unistd.h>
#include <algorithm>
#include <chrono>
#include <cstring>
#include <ctime>
#include <iomanip>
#include <map>
#include <mutex>
#include <ostream>
#include <sstream>

namespace fairmc {

namespace {

struct Unit {
  std::size_t point;
  std::int64_t block;
};

// Hands out the (point, block) units in order, skipping the blocks done before the run started
// and, with precision targets, the blocks at or past each point's current limit. It keeps its own
// copy of which blocks were done and of the limits: only rank 0 records what happens during the
// run, and every rank must walk the same sequence (limits reach the other ranks by broadcast).
class UnitCursor {
 public:
  UnitCursor(const std::vector<PointRecord>& points, std::int64_t blocks) {
    for (const auto& p : points) {
      done_.push_back(p.fold);
      limit_.push_back(p.limit >= 0 ? p.limit : blocks);
      next_.push_back(0);
    }
    settle();
  }
  bool done() const { return first_ >= done_.size(); }
  void set_limit(std::size_t point, std::int64_t limit) {
    limit_[point] = limit;
    first_ = std::min(first_, point);
    settle();
  }
  std::vector<Unit> take(std::size_t n) {
    std::vector<Unit> out;
    for (std::size_t p = first_; p < done_.size() && out.size() < n; ++p) {
      while (out.size() < n && skip_done(p)) out.push_back({p, next_[p]++});
    }
    settle();
    return out;
  }

 private:
  // Moves next_[p] past blocks already done; whether a block below the limit is left.
  bool skip_done(std::size_t p) {
    const BlockFold& d = done_[p];
    next_[p] = std::max(next_[p], d.frontier());
    while (next_[p] < limit_[p] && d.contains(next_[p])) ++next_[p];
    return next_[p] < limit_[p];
  }
  void settle() {
    while (first_ < done_.size() && !skip_done(first_)) ++first_;
  }
  std::vector<BlockFold> done_;
  std::vector<std::int64_t> limit_, next_;
  std::size_t first_ = 0;
};

struct UnitResult {
  BlockRecord record;
  std::int64_t record_length = 0;
  std::string error;  // the mechanism threw
};

// Unit results travel between ranks as flat byte buffers.
template <class T>
void put(std::vector<char>& out, const T& v) {
  const char* p = reinterpret_cast<const char*>(&v);
  out.insert(out.end(), p, p + sizeof(T));
}
template <class T>
T take(const std::vector<char>& in, std::size_t& at) {
  T v;
  std::memcpy(&v, in.data() + at, sizeof(T));
  at += sizeof(T);
  return v;
}

// A wave's quantile sketches, merged per (point, short last block) as the units finish: integer
// counts add up the same in any order, and a wave then carries one sketch per point and metric
// instead of one per block (which took ~100 MB per wave of 2048 short blocks).
using WaveSketches = std::map<std::pair<std::size_t, bool>, std::vector<QuantileSketch>>;

void put_sketch(std::vector<char>& out, const QuantileSketch& s) {
  for (const auto* b : {&s.positive(), &s.negative()}) {
    put<std::uint64_t>(out, b->size());
    for (const auto& [key, n] : *b) {
      put(out, key);
      put(out, n);
    }
  }
  for (const std::uint64_t n : {s.zeros(), s.nan(), s.pos_inf(), s.neg_inf()}) put(out, n);
  put(out, s.min());
  put(out, s.max());
}

QuantileSketch take_sketch(const std::vector<char>& in, std::size_t& at) {
  QuantileSketch::Buckets b[2];
  for (auto& buckets : b) {
    buckets.resize(take<std::uint64_t>(in, at));
    for (auto& [key, n] : buckets) {
      key = take<std::int32_t>(in, at);
      n = take<std::uint64_t>(in, at);
    }
  }
  std::uint64_t c[4];
  for (auto& n : c) n = take<std::uint64_t>(in, at);
  const double lo = take<double>(in, at);
  const double hi = take<double>(in, at);
  return QuantileSketch::from_parts(std::move(b[0]), std::move(b[1]), c[0], c[1], c[2], c[3], lo,
                                    hi);
}

std::vector<char> encode(const std::vector<std::size_t>& units, const std::vector<UnitResult>& rs,
                         const WaveSketches& sketches) {
  std::vector<char> out;
  put<std::uint64_t>(out, units.size());
  for (std::size_t i = 0; i < units.size(); ++i) {
    const UnitResult& r = rs[i];
    put<std::uint64_t>(out, units[i]);
    put<std::int64_t>(out, r.record.length);
    put<std::uint64_t>(out, r.error.size());
    out.insert(out.end(), r.error.begin(), r.error.end());
    put<std::uint64_t>(out, r.record.metrics.size());
    for (const Summary& s : r.record.metrics)
      for (const double x : {s.n, s.mean, s.m2, s.min, s.max}) put(out, x);
    put<std::uint64_t>(out, r.record.draws.size());
    for (const auto& d : r.record.draws) {
      put<std::uint64_t>(out, d.size());
      for (const double x : d) put(out, x);
    }
    put<std::uint64_t>(out, r.record.ratios.size());
    for (const RatioSums& s : r.record.ratios)
      for (const double x : {s.n, s.num, s.den}) put(out, x);
  }
  put<std::uint64_t>(out, sketches.size());
  for (const auto& [key, per_metric] : sketches) {
    put<std::uint64_t>(out, key.first);
    put<std::uint8_t>(out, key.second ? 1 : 0);
    put<std::uint64_t>(out, per_metric.size());
    for (const auto& sk : per_metric) put_sketch(out, sk);
  }
  return out;
}

void decode(const std::vector<char>& in, std::map<std::size_t, UnitResult>& out,
            WaveSketches& sketches) {
  std::size_t at = 0;
  const auto units = take<std::uint64_t>(in, at);
  for (std::uint64_t i = 0; i < units; ++i) {
    const auto u = take<std::uint64_t>(in, at);
    UnitResult& r = out[u];
    r.record.length = take<std::int64_t>(in, at);
    r.record_length = r.record.length;
    const auto elen = take<std::uint64_t>(in, at);
    r.error.assign(in.data() + at, elen);
    at += elen;
    const auto nm = take<std::uint64_t>(in, at);
    for (std::uint64_t m = 0; m < nm; ++m) {
      Summary s;
      s.n = take<double>(in, at);
      s.mean = take<double>(in, at);
      s.m2 = take<double>(in, at);
      s.min = take<double>(in, at);
      s.max = take<double>(in, at);
      r.record.metrics.push_back(s);
    }
    const auto nd = take<std::uint64_t>(in, at);
    for (std::uint64_t m = 0; m < nd; ++m) {
      std::vector<double> d(take<std::uint64_t>(in, at));
      for (double& x : d) x = take<double>(in, at);
      r.record.draws.push_back(std::move(d));
    }
    const auto nr = take<std::uint64_t>(in, at);
    for (std::uint64_t k = 0; k < nr; ++k) {
      RatioSums s;
      s.n = take<double>(in, at);
      s.num = take<double>(in, at);
      s.den = take<double>(in, at);
      r.record.ratios.push_back(s);
    }
  }
  const auto entries = take<std::uint64_t>(in, at);
  for (std::uint64_t i = 0; i < entries; ++i) {
    const auto point = take<std::uint64_t>(in, at);
    const bool short_block = take<std::uint8_t>(in, at) != 0;
    auto& into = sketches[{point, short_block}];
    const auto nm = take<std::uint64_t>(in, at);
    if (into.size() < nm) into.resize(nm);
    for (std::uint64_t m = 0; m < nm; ++m) into[m].merge(take_sketch(in, at));
  }
}

UnitResult compute(const Experiment& e, const Point& pt, const PreparedPoint& pp, std::int64_t b) {
  UnitResult r;
  const std::size_t nm = pp.metrics.size();
  std::vector<BlockAccumulator> acc(nm);
  std::vector<SketchBuilder> sketch(nm);
  std::vector<RatioAccumulator> ratios(pp.ratios.size());  // compensated sums
  std::vector<double> out(pp.model_metric_count);
  std::vector<double> recorded(nm);
  const std::int64_t first = b * e.block;
  const std::int64_t end = std::min(e.draws, first + e.block);
  r.record.length = end - first;
  if (e.keep_draws) {
    r.record.draws.assign(nm, {});
    for (auto& d : r.record.draws) d.reserve(static_cast<std::size_t>(end - first));
  }
  try {
    for (std::int64_t d = first; d < end; ++d) {
      std::fill(out.begin(), out.end(), std::numeric_limits<double>::quiet_NaN());
      pp.model->run(Draw(pt.key, static_cast<std::uint64_t>(d)), out);
      for (std::size_t m = 0; m < nm; ++m) {
        const double x = out[pp.metric_slot[m]];
        recorded[m] = x;
        acc[m].add(x);
        sketch[m].add(x);
        if (e.keep_draws) r.record.draws[m].push_back(x);
      }
      for (std::size_t k = 0; k < ratios.size(); ++k)
        ratios[k].add(recorded[pp.ratio_slots[k].first], recorded[pp.ratio_slots[k].second]);
    }
  } catch (const std::exception& ex) {
    r.error = "draw failed in block " + std::to_string(b) + ": " + ex.what();
    return r;
  }
  r.record.metrics.reserve(nm);
  for (const auto& a : acc) r.record.metrics.push_back(a.summary());
  r.record.sketches.reserve(nm);
  for (const auto& sb : sketch) r.record.sketches.push_back(sb.sketch());
  for (const auto& acc : ratios) r.record.ratios.push_back(acc.sums());
  return r;
}

}  // namespace

RunOutcome run_experiment(const Experiment& e, const ScenarioInfo& scenario, const RunOptions& opt,
                          std::ostream& log) {
  if (opt.shard_count < 1 || opt.shard_index >= opt.shard_count)
    throw std::invalid_argument("run_experiment: shard " + std::to_string(opt.shard_index) + "/" +
                                std::to_string(opt.shard_count) + " (need 0 <= i < k)");
  std::vector<PreparedPoint> prepared;
  RunRecord run = new_run_record(e, scenario, &prepared);
  run.command_line = opt.command_line;
  run.created_utc =
      opt.resume && !opt.resume->created_utc.empty() ? opt.resume->created_utc : utc_now();
  if (opt.resume) {
    if (!opt.grow.from.empty() && opt.grow.from.size() != run.points.size())
      throw std::invalid_argument("run_experiment: the grow plan is for another sweep");
    for (std::size_t p = 0; p < run.points.size(); ++p) {
      const std::size_t from = opt.grow.from.empty() ? p : opt.grow.from[p];
      if (from != new_point) adopt_stored_point(*opt.resume, from, run.results[p], e);
    }
    run.saved_in = opt.resume->file;
  }
  // This invocation's points: every k-th from the i-th (--shard i/k); the others stay as they are.
  const auto in_shard = [&](std::size_t p) { return p % opt.shard_count == opt.shard_index; };
  const Cluster solo = Cluster::single();
  const Cluster& cluster = opt.cluster ? *opt.cluster : solo;
  const bool root = cluster.root();
  // Every rank has read the file it resumes before rank 0 replaces it (shared file systems).
  if (opt.resume) cluster.barrier();

  // Progress counts this invocation's points (all of them, or the shard's).
  std::int64_t blocks_done = 0, draws_done = 0, shard_points = 0;
  for (std::size_t p = 0; p < run.results.size(); ++p) {
    if (!in_shard(p)) continue;
    blocks_done += run.results[p].blocks_done();
    draws_done += run.results[p].draws_done;
    ++shard_points;
  }
  const std::int64_t total_blocks = shard_points * e.block_count();
  const std::int64_t total_draws = shard_points * e.draws;

  Executor executor(opt.threads);
  const int threads = executor.threads();
  // Provenance: this invocation is one more entry of the file's history (engine/provenance.hpp).
  if (opt.resume) run.history = opt.resume->history;
  const auto changed = opt.resume ? build_change(run.history) : std::nullopt;
  run.history.push_back(start_entry(opt.resume && !opt.grow.from.empty() ? "grow"
                                    : opt.resume                         ? "resume"
                                    : opt.keep_previous                  ? "overwrite"
                                                                         : "new",
                                    opt.command_line, e.overrides, threads, cluster.size()));
  if (opt.resume && !opt.grow.from.empty()) run.history.back().note = opt.grow.note;
  if (changed) {
    run.history.back().note += (run.history.back().note.empty() ? "" : "; ") + *changed;
    if (root) log << "fairmc: warning: " << *changed << "\n";
  }
  InterruptGuard interrupt;
  std::ostringstream quiet;  // ranks other than 0 report nothing
  Progress progress(opt.cluster && !opt.cluster->root() ? quiet : log,
                    opt.progress_bar.value_or(isatty(2) == 1), total_blocks, total_draws,
                    static_cast<std::size_t>(shard_points));
  auto points_done = [&] {
    std::size_t n = 0;
    for (std::size_t p = 0; p < run.results.size(); ++p)
      n += in_shard(p) && run.results[p].status(e.block_count()) >= PointStatus::complete;
    return n;
  };
  if (!opt.cluster || opt.cluster->root()) {
    log << "fairmc: " << e.name << " (" << scenario.name << "): " << run.points.size()
        << " points x " << e.draws << " draws in blocks of " << e.block << ", " << threads
        << " thread" << (threads > 1 ? "s" : "") << " -> " << opt.results.string() << "\n";
    if (opt.shard_count > 1)
      log << "fairmc: shard " << opt.shard_index << "/" << opt.shard_count << ": " << shard_points
          << " of the " << run.points.size() << " points (p % " << opt.shard_count
          << " == " << opt.shard_index << ")\n";
  }
  if (opt.resume && !opt.grow.from.empty() && root)
    log << "fairmc: " << opt.grow.note << "; " << opt.grow.added() << " new points\n";
  if (blocks_done > 0 && (!opt.cluster || opt.cluster->root()))
    log << "fairmc: resuming, " << blocks_done << " of " << total_blocks
        << " blocks already done\n";

  RunOutcome outcome;
  Checkpointer checkpoints(opt.results, run, opt.keep_previous);
  // Estimated heap of the blocks not yet handed to a write (kept raw draws not counted).
  std::size_t unsaved_bytes = 0;
  if (root) checkpoints.write_now();  // a valid (empty) file exists from the start on
  auto last_checkpoint = std::chrono::steady_clock::now();
  // Precision targets: decisions a resumed run's blocks already allow (rank 0 decides, the
  // other ranks learn the new limits with the next wave's control message).
  std::vector<std::int64_t> limit_updates;
  const auto decide = [&](std::size_t p) {
    if (in_shard(p) && decide_precision(e, run.results[p]))
      limit_updates.insert(limit_updates.end(),
                           {static_cast<std::int64_t>(p), run.results[p].limit});
  };
  if (root)
    for (std::size_t p = 0; p < run.results.size(); ++p) decide(p);
  // Work units in (point, block) order, skipping the blocks a resumed run already has and the
  // points of other shards.
  UnitCursor cursor(run.results, e.block_count());
  for (std::size_t p = 0; p < run.results.size(); ++p)
    if (!in_shard(p)) cursor.set_limit(p, 0);
  // A wave ends when its slowest unit does, so with few units per thread one thread idles at every
  // wave end (power's blocks of ~0.3 s left 14% of two threads idle at 2 units per thread).
  const std::int64_t min_wave = 4 * threads * cluster.size();
  constexpr std::int64_t max_wave = 2048;
  std::int64_t wave = min_wave;
  while (true) {
    // Rank 0 decides whether to go on, how many units the next wave has, and which points'
    // precision limits moved.
    for (std::size_t i = 0; root && i < limit_updates.size(); i += 2)
      cursor.set_limit(static_cast<std::size_t>(limit_updates[i]), limit_updates[i + 1]);
    std::vector<std::int64_t> control{!cursor.done() && !interrupt.requested() ? 1 : 0, wave,
                                      static_cast<std::int64_t>(limit_updates.size())};
    cluster.broadcast(control);
    if (control[2] > 0) {
      limit_updates.resize(static_cast<std::size_t>(control[2]));
      cluster.broadcast(limit_updates);
      for (std::size_t i = 0; !root && i < limit_updates.size(); i += 2)
        cursor.set_limit(static_cast<std::size_t>(limit_updates[i]), limit_updates[i + 1]);
    }
    limit_updates.clear();
    if (control[0] == 0) break;
    wave = control[1];
    const std::vector<Unit> units = cursor.take(static_cast<std::size_t>(wave));
    // This rank's share of the wave: every size-th unit.
    std::vector<std::size_t> mine;
    for (std::size_t u = static_cast<std::size_t>(cluster.rank()); u < units.size();
         u += static_cast<std::size_t>(cluster.size()))
      mine.push_back(u);
    std::vector<UnitResult> results(mine.size());
    std::map<std::pair<std::size_t, bool>, std::vector<SketchSum>> wave_sums;
    std::mutex wave_sketches_mutex;
    const auto t0 = std::chrono::steady_clock::now();
    executor.for_each(mine.size(), [&](std::size_t i) {
      const Unit& unit = units[mine[i]];
      if (!run.results[unit.point].error.empty()) return;  // failed earlier
      results[i] = compute(e, run.points[unit.point], prepared[unit.point], unit.block);
      auto& sketches = results[i].record.sketches;
      if (sketches.empty()) return;
      const std::lock_guard lock(wave_sketches_mutex);
      auto& into = wave_sums[{unit.point, results[i].record.length < e.block}];
      if (into.size() < sketches.size()) into.resize(sketches.size());
      for (std::size_t m = 0; m < sketches.size(); ++m) into[m].add(sketches[m]);
      sketches = {};
    });
    WaveSketches wave_sketches;
    for (const auto& [key, sums] : wave_sums) {
      auto& out = wave_sketches[key];
      for (const auto& sum : sums) out.push_back(sum.sketch());
    }
    wave_sums.clear();
    const double took =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    auto gathered = cluster.gather(encode(mine, results, wave_sketches));
    results.clear();
    wave_sketches.clear();
    if (root) {
      // Units are applied in unit order whatever rank computed them.
      std::map<std::size_t, UnitResult> wave_results;
      for (auto& buffer : gathered) decode(buffer, wave_results, wave_sketches);
      gathered.clear();
      for (auto& [u, r] : wave_results) {
        const Unit& unit = units[u];
        PointRecord& rec = run.results[unit.point];
        if (!rec.error.empty()) continue;
        if (!r.error.empty()) {
          rec.fail(r.error);
          continue;
        }
        // A map node, the record and its summaries, with allocator overhead.
        unsaved_bytes += 160 + sizeof(Summary) * r.record.metrics.size();
        rec.add(unit.block, std::move(r.record));
        ++blocks_done;
        draws_done += r.record_length;
        outcome.draws_computed += r.record_length;
        decide(unit.point);
      }
      // A point that failed keeps no sketch either.
      for (auto& [key, sketches] : wave_sketches)
        if (run.results[key.first].error.empty())
          run.results[key.first].add_sketches(key.second, sketches);
      progress.update(blocks_done, draws_done, points_done());
      // Aim for waves of about two seconds: Ctrl-C still answers within one, the wave-end idling
      // stays a few per cent, and synchronising is cheap.
      const double scale = took > 0 ? 2.0 / took : 4.0;
      // The cap bounds the memory one wave's results take, however fast the blocks are.
      wave = std::clamp<std::int64_t>(
          static_cast<std::int64_t>(static_cast<double>(wave) * std::clamp(scale, 0.25, 4.0)),
          min_wave, std::max<std::int64_t>(min_wave, max_wave));
      // Past the memory budget the workers wait for a write still in flight; otherwise a
      // checkpoint that finds the previous write still running is tried again after the next
      // wave, and checkpoints are spaced by 4x the last write's time at least, so that writing a
      // large file does not take a core from the workers most of the time.
      const bool over_budget = unsaved_bytes >= opt.checkpoint_bytes;
      const double since =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - last_checkpoint).count();
      if ((over_budget ||
           since >= std::max(opt.checkpoint_seconds, 4 * checkpoints.last_write_seconds())) &&
          checkpoints.start(over_budget)) {
        last_checkpoint = std::chrono::steady_clock::now();
        unsaved_bytes = 0;
      }
    }
  }
  progress.finish();
  outcome.interrupted = !cursor.done();
  if (!root) return outcome;
  outcome.failed_points = 0;
  for (const auto& r : run.results) outcome.failed_points += r.error.empty() ? 0 : 1;
  // Complete when every point is finished; a shard leaves the other shards' points pending.
  run.complete = !outcome.interrupted &&
                 std::all_of(run.results.begin(), run.results.end(), [&](const PointRecord& r) {
                   return r.status(e.block_count()) >= PointStatus::complete;
                 });
  outcome.complete = run.complete;
  checkpoints.write_now();
  outcome.previous_kept = !checkpoints.replaced();
  outcome.seconds = progress.elapsed_seconds();
  outcome.notes = run_notes(run);
  if (!e.fits.empty()) {
    const auto fits = describe_fits(opt.results);
    outcome.notes.insert(outcome.notes.end(), fits.begin(), fits.end());
  }
  if (!e.checks.empty() && !outcome.previous_kept) {
    auto table = describe_checks(opt.results);
    outcome.checks = std::move(table.lines);
    outcome.checks_verdict = std::move(table.verdict);
  }
  return outcome;
}

}  // namespace fairmc
