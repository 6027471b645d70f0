// The fairmc command line: parses options and hands over to the engine.
#include "engine/config.hpp"
#include "engine/config_input.hpp"
#include "engine/describe.hpp"
#include "engine/describe_json.hpp"
#include "engine/grow.hpp"
#include "engine/interrupt.hpp"
#include "engine/merge.hpp"
#include "engine/option_value.hpp"
#include "engine/output_lock.hpp"
#include "engine/prepare.hpp"
#include "engine/results_csv.hpp"
#include "engine/results_file.hpp"
#include "engine/results_json.hpp"
#include "engine/run_json.hpp"
#include "engine/runner.hpp"
#include "scenarios/catalog.hpp"

#include <malloc.h>
#include <boost/program_options.hpp>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <sstream>
#include <tuple>
#include <utility>

namespace po = boost::program_options;
namespace fs = std::filesystem;

namespace {

constexpr int exit_ok = 0, exit_failed_points = 1, exit_usage = 2, exit_checks = 3,
              exit_interrupted = 130;
constexpr int max_threads = 1024;
constexpr double max_checkpoint_seconds = 1e6;

std::string joined(int argc, char** argv) {
  std::string s;
  for (int i = 0; i < argc; ++i) {
    if (i) s += ' ';
    s += argv[i];
  }
  return s;
}

int usage(std::ostream& o) {
  o << "usage: fairmc <command> [options]\n\n"
       "commands:\n"
       "  run EXPERIMENT.yaml [key=value ...] [-j N] [-o DIR]   run a sweep, write DIR/results.h5\n"
       "  run --resume DIR [draws=N] [key=more,values]          finish, extend or grow a run\n"
       "  run EXPERIMENT.yaml --shard I/K -o DIR                the I-th of K parts of the sweep\n"
       "  merge DIR1 DIR2 ... -o DIR                            join results of one experiment\n"
       "  plan EXPERIMENT.yaml [key=value ...] [--resolved]     validate and print the sweep\n"
       "  list [SCENARIO ...]                                   scenarios, samplers, mechanisms, "
       "metrics\n"
       "  show RESULTS.h5 [--csv]                               summary table of a results file\n"
       "  help COMMAND, version\n\n"
       "`fairmc <command> --help` explains each. --json on run, plan, list and show prints one\n"
       "JSON document on stdout (docs/cli.md).\n";
  return exit_usage;
}

struct Parsed {
  po::variables_map vm;
  std::vector<std::string> positional;
};

Parsed parse(const std::vector<std::string>& args, const po::options_description& opts) {
  po::positional_options_description pos;
  pos.add("args", -1);
  po::options_description all = opts;
  all.add_options()("args", po::value<std::vector<std::string>>(), "");
  Parsed p;
  po::store(po::command_line_parser(args).options(all).positional(pos).run(), p.vm);
  po::notify(p.vm);
  if (p.vm.count("args")) p.positional = p.vm["args"].as<std::vector<std::string>>();
  return p;
}

// --shard I/K as (I, K); the error names the option and the accepted form.
std::pair<std::size_t, std::size_t> shard_of(const std::string& text) {
  const auto slash = text.find('/');
  std::size_t i = 0, k = 0;
  bool ok = slash != std::string::npos && slash > 0 && slash + 1 < text.size() &&
            text.find_first_not_of("0123456789/") == std::string::npos &&
            text.find('/', slash + 1) == std::string::npos && slash < 10 &&
            text.size() - slash - 1 < 10;
  if (ok) {
    i = std::stoul(text.substr(0, slash));
    k = std::stoul(text.substr(slash + 1));
    ok = k >= 1 && i < k;
  }
  if (!ok)
    throw fairmc::ConfigError(
        fairmc::command_line_mark("--shard " + text), "",
        "--shard takes I/K with whole numbers 0 <= I < K (e.g. 0/4 .. 3/4; "
        "in a Slurm job array: $SLURM_ARRAY_TASK_ID/$SLURM_ARRAY_TASK_COUNT)");
  return {i, k};
}

// The numbers of run's options, checked.
struct RunNumbers {
  int threads = 0;
  double checkpoint_seconds = 0;
};

// Options are checked before anything is read or written; each error names the option and what
// it accepts.
RunNumbers check_run_options(const Parsed& p) {
  const auto refuse = [](const std::string& option, const std::string& problem) {
    throw fairmc::ConfigError(fairmc::command_line_mark(option), "", problem);
  };
  RunNumbers n;
  n.threads =
      static_cast<int>(fairmc::whole_option("-j", p.vm["threads"].as<std::string>(), 0, max_threads,
                                            "worker threads (-j/--threads), 0 = all cores"));
  n.checkpoint_seconds = fairmc::real_option(
      "--checkpoint", p.vm["checkpoint"].as<std::string>(), 0, max_checkpoint_seconds,
      "seconds between checkpoints, 0 = after every wave of blocks");
  for (const char* dir : {"output", "resume"})
    if (p.vm.count(dir) && p.vm[dir].as<std::string>().empty())
      refuse(std::string("--") + dir + " ''", "the directory name is empty");
  if (p.vm.count("resume") && p.vm.count("output"))
    refuse("-o " + p.vm["output"].as<std::string>(),
           "--resume writes into the directory it resumes; -o cannot be combined with it");
  if (p.vm.count("resume") && p.vm.count("overwrite"))
    refuse("--overwrite", "--resume extends the results file; --overwrite cannot be combined");
  if (p.vm.count("shard")) shard_of(p.vm["shard"].as<std::string>());
  return n;
}

// Collective over the ranks, which all check the same input: true when none has a problem,
// otherwise rank 0 prints the first one, once.
bool agreed(const fairmc::Cluster& cluster, const std::string& mine) {
  const std::string first = cluster.first_problem(mine);
  if (first.empty()) return true;
  if (cluster.root()) std::cerr << "fairmc: " << first << std::endl;
  return false;
}

std::string resume_hint(const fs::path& outdir) {
  return "fairmc: interrupted; partial results saved in " + (outdir / "results.h5").string() +
         "\nfairmc: resume with: fairmc run --resume " + outdir.string() + "\n";
}

// The exit code of a finished run (run --help): interrupted, then failed points, then --check.
int run_exit_code(const fairmc::RunOutcome& outcome, bool check) {
  if (outcome.interrupted) return exit_interrupted;
  if (outcome.failed_points > 0) return exit_failed_points;
  if (check && !outcome.checks_verdict.empty() && outcome.checks_verdict != "pass")
    return exit_checks;
  return exit_ok;
}

// `validated` turns true once every rank has accepted the input (main reports errors before
// that collectively, after it with MPI_Abort).
int cmd_run(const std::vector<std::string>& args, const std::string& command_line, bool plan_only,
            const fairmc::Cluster& cluster, bool& validated) {
  po::options_description opts(
      plan_only ? "fairmc plan EXPERIMENT.yaml [key=value ...] [--resolved]\n\n"
                  "Validates the experiment and every sweep point, prints the "
                  "expanded sweep; runs nothing.\n\noptions"
                : "fairmc run EXPERIMENT.yaml [key=value ...] [options]\n"
                  "fairmc run --resume DIR [draws=N] [key=values ...]\n\n"
                  "Runs every sweep point and writes DIR/results.h5 (checkpointed "
                  "every few seconds;\nCtrl-C saves and tells how to resume). "
                  "Overrides: a.b=v, a.b=1,2,3 (sweep),\na.b=range(a,b[,s]) | "
                  "linspace(a,b,n) | logspace(a,b,n[,round]).\n"
                  "--resume DIR key=v1,v2,... grows the sweep: the stored values plus new ones\n"
                  "(appended or inserted); finished points are reused, the new ones computed.\n"
                  "The experiment's checks: are evaluated on every write of the file (unfinished\n"
                  "points are undetermined), stored in /checks and printed after the summary.\n\n"
                  "exit codes: 0 done; 1 some sweep point failed; 2 usage or input error;\n"
                  "3 with --check, a check did not pass (failed or undetermined); 130 "
                  "interrupted\n(resumable). Failed points take precedence over checks.\n\n"
                  "options");
  opts.add_options()("help,h", "this help")(
      "config-dir", po::value<std::string>(),
      "the configs/ directory (defaults.yaml and the files `defaults:` names); default: the "
      "first configs/ beside the experiment file or above it");
  if (plan_only)
    opts.add_options()("resolved",
                       "print the resolved configuration (configs/defaults.yaml, `defaults:`, the "
                       "file and the overrides merged) as YAML instead of the sweep")(
        "json", "print the plan as one JSON document (docs/cli.md)")(
        "keys",
        "print the keys key=value overrides can set, one per line (for shell completion; "
        "the points are not prepared)");
  if (!plan_only) {
    opts.add_options()("threads,j", po::value<std::string>()->default_value("0"),
                       "worker threads, 0 to 1024 (0 = all cores)")(
        "output,o", po::value<std::string>(), "output directory (default results/<experiment>)")(
        "resume", po::value<std::string>(), "resume the run in this output directory")(
        "overwrite", "replace an existing results file in the output directory")(
        "checkpoint", po::value<std::string>()->default_value("5"),
        "seconds between checkpoints, 0 to 1e6 (0 = after every wave of blocks)")(
        "shard", po::value<std::string>(),
        "I/K: run only the points p with p % K == I (0 <= I < K), e.g. one Slurm array task each; "
        "join the K results with `fairmc merge`")("no-progress",
                                                  "plain log lines instead of a progress bar")(
        "quiet,q", "print nothing but errors (no progress, summary, notes or checks table)")(
        "check", "exit with 3 unless every check of the experiment passes")(
        "json",
        "print the final summary as one JSON document on stdout: the run's outcome and the "
        "results file's content, as `fairmc show --json` (docs/cli.md); messages stay on stderr");
  }
  const Parsed p = parse(args, opts);
  if (p.vm.count("help")) {
    std::cout << opts << "\n";
    return exit_ok;
  }
  const RunNumbers numbers = plan_only ? RunNumbers{} : check_run_options(p);
  if (p.vm.count("config-dir") && p.vm["config-dir"].as<std::string>().empty())
    throw fairmc::ConfigError(fairmc::command_line_mark("--config-dir ''"), "",
                              "the directory name is empty");
  const fs::path configs_dir =
      p.vm.count("config-dir") ? fs::path(p.vm["config-dir"].as<std::string>()) : fs::path();
  const auto catalog = fairmc::scenario_catalog();
  std::optional<fairmc::StoredRun> stored;
  fairmc::GrowPlan grow;  // --resume DIR key=more,values
  fairmc::Experiment e;
  fs::path outdir;
  std::vector<std::string> overrides;
  std::optional<fairmc::OutputLock> lock;  // rank 0 holds it for the whole run
  if (!plan_only && p.vm.count("resume")) {
    outdir = p.vm["resume"].as<std::string>();
    std::string experiment_file;
    for (const auto& a : p.positional) {
      if (a.find('=') != std::string::npos)
        overrides.push_back(a);
      else if (experiment_file.empty())
        experiment_file = a;
      else
        throw fairmc::ConfigError(fairmc::command_line_mark(a), "",
                                  "extra argument: --resume takes at most one experiment file "
                                  "(to check it is the stored one), draws=N and sweep values");
    }
    if (cluster.root() && fs::is_directory(outdir)) lock.emplace(outdir);
    stored = fairmc::read_results(outdir / "results.h5");
    // Overrides besides draws=N grow the sweep (engine/grow.hpp checks that they only add values).
    const bool grows = std::any_of(overrides.begin(), overrides.end(),
                                   [](const std::string& o) { return o.rfind("draws=", 0) != 0; });
    e = grows ? fairmc::load_grown(*stored, overrides)
              : fairmc::load_stored_experiment(stored->config_text, stored->experiment_file,
                                               overrides);
    if (!experiment_file.empty()) {
      const auto given = fairmc::load_experiment(experiment_file, overrides, configs_dir);
      if (given.config_hash() != e.config_hash())
        throw fairmc::ConfigError({experiment_file, 0, 0}, "",
                                  "the experiment differs from the one in " +
                                      (outdir / "results.h5").string() +
                                      "; resume refuses to mix results. Run it into a new "
                                      "directory (-o) instead.");
    }
    if (e.config_hash() != stored->config_hash && grows)
      grow = fairmc::plan_grow(*stored, e);
    else if (e.config_hash() != stored->config_hash)
      throw fairmc::ConfigError(
          {(outdir / "results.h5").string(), 0, 0}, "",
          "its stored configuration reads back as another experiment (configuration hash " +
              std::to_string(e.config_hash()) + ", stored " + std::to_string(stored->config_hash) +
              "; written by fairmc " +
              (stored->history.empty() ? std::string("of unknown version")
                                       : stored->history.back().fairmc_version) +
              "); resume it with the build that wrote it, or run the experiment anew (-o)");
    if (e.draws < stored->draws) {
      const auto given = std::find_if(overrides.begin(), overrides.end(), [](const std::string& o) {
        return o.rfind("draws=", 0) == 0;
      });
      throw fairmc::ConfigError(
          given != overrides.end() ? fairmc::command_line_mark(*given)
                                   : fairmc::SourceMark{"<command line>", 0, 0},
          "draws",
          "a resumed run can add draws, not remove them; accepted: draws >= " +
              std::to_string(stored->draws) + " (what " + (outdir / "results.h5").string() +
              " holds)");
    }
  } else {
    if (p.positional.empty())
      throw fairmc::ConfigError(fairmc::command_line_mark(plan_only ? "plan" : "run"), "",
                                "no experiment file: fairmc " +
                                    std::string(plan_only ? "plan" : "run") +
                                    " EXPERIMENT.yaml [key=value ...] (--help explains)");
    overrides.assign(p.positional.begin() + 1, p.positional.end());
    e = fairmc::load_experiment(p.positional.front(), overrides, configs_dir);
  }
  const auto& scenario = fairmc::find_scenario(catalog, e);
  if (plan_only && p.vm.count("keys")) {
    if (cluster.root()) std::cout << fairmc::describe_keys(e);
    return exit_ok;
  }
  if (plan_only && p.vm.count("resolved") && p.vm.count("json"))
    throw fairmc::ConfigError(fairmc::command_line_mark("--json"), "",
                              "--resolved prints YAML, --json the plan: give one");
  if (plan_only && p.vm.count("resolved")) {
    // Validated like a run (every point prepared) before it is printed.
    fairmc::prepare_points(e, fairmc::expand(e), scenario);
    if (!agreed(cluster, "")) return exit_usage;
    if (cluster.root()) std::cout << e.resolved_text();
    return exit_ok;
  }
  if (plan_only) {
    const auto points = fairmc::expand(e);
    const auto prepared = fairmc::prepare_points(e, points, scenario);
    const auto plan = p.vm.count("json") ? fairmc::plan_json(e, points, prepared)
                                         : fairmc::describe_plan(e, points, prepared);
    if (!agreed(cluster, "")) return exit_usage;
    if (cluster.root()) std::cout << plan;
    return exit_ok;
  }
  if (outdir.empty())
    outdir = p.vm.count("output") ? fs::path(p.vm["output"].as<std::string>())
                                  : fs::path("results") / e.name;
  const fs::path results = outdir / "results.h5";
  if (!stored && fs::exists(results) && !p.vm.count("overwrite"))
    throw fairmc::ConfigError({"<command line>", 0, 0}, "",
                              results.string() + " exists; use --resume " + outdir.string() +
                                  " to finish or extend it, or --overwrite to replace it");
  // --overwrite replaces a results file; anything else there (a directory, say) made the whole
  // run compute and then fail at its first write, leaving results.h5.tmp behind.
  if (!stored && fs::exists(fs::symlink_status(results)) && !fs::is_regular_file(results))
    throw fairmc::ConfigError({"<command line>", 0, 0}, "output",
                              results.string() +
                                  " exists and is not a results file (a directory or another "
                                  "kind of file); remove it or choose another directory (-o)");
  {
    // Validate the whole sweep before creating anything on disk.
    const auto points = fairmc::expand(e);
    fairmc::prepare_points(e, points, scenario);
  }
  if (!agreed(cluster, "")) return exit_usage;
  std::error_code ec;
  const bool created = !fs::exists(outdir);
  if (cluster.root()) fs::create_directories(outdir, ec);
  cluster.barrier();
  if (!agreed(cluster,
              ec || access(outdir.c_str(), W_OK) != 0
                  ? std::string("error: ") +
                        fairmc::ConfigError({"<command line>", 0, 0}, "output",
                                            "cannot write to directory '" + outdir.string() + "'" +
                                                (ec ? ": " + ec.message() : ""))
                            .what()
                  : std::string()))
    return exit_usage;
  // Rank 0 takes the lock; every rank learns whether it could (an error must reach all ranks
  // while they still agree, before the run's own collectives).
  std::string lock_problem;
  if (cluster.root() && !lock) {
    try {
      lock.emplace(outdir);
      // Again under the lock: a run that ended meanwhile may have written it.
      if (!stored && fs::exists(results) && !p.vm.count("overwrite"))
        throw fairmc::ConfigError({"<command line>", 0, 0}, "",
                                  results.string() + " exists; use --resume " + outdir.string() +
                                      " to finish or extend it, or --overwrite to replace it");
    } catch (const std::exception& err) {
      lock_problem = std::string("error: ") + err.what();
    }
  }
  if (!agreed(cluster, lock_problem)) return exit_usage;
  validated = true;  // from here on an error may hit one rank only
  if (cluster.size() > 1)
    fairmc::InterruptGuard::set_report(!cluster.root(), cluster.root() ? resume_hint(outdir) : "");
  fairmc::RunOptions opt;
  opt.threads = numbers.threads;
  opt.results = results;
  opt.checkpoint_seconds = numbers.checkpoint_seconds;
  if (p.vm.count("no-progress") || p.vm.count("quiet")) opt.progress_bar = false;
  opt.command_line = command_line;
  opt.resume = stored ? &*stored : nullptr;
  opt.grow = std::move(grow);
  opt.keep_previous = !stored && fs::exists(results);  // --overwrite
  if (p.vm.count("shard"))
    std::tie(opt.shard_index, opt.shard_count) = shard_of(p.vm["shard"].as<std::string>());
  opt.cluster = &cluster;
  // --quiet: the run's own lines go nowhere; errors still reach stderr.
  std::ostringstream discarded;
  std::ostream& info = p.vm.count("quiet") ? discarded : std::cerr;
  fairmc::RunOutcome outcome;
  try {
    outcome = fairmc::run_experiment(e, scenario, opt, info);
  } catch (...) {
    // Nothing valid was written: remove the directory this run created, if it is empty (whatever
    // else is in it stays).
    if (cluster.root() && created && !fs::exists(results)) {
      lock.reset();
      fs::remove(outdir, ec);
    }
    throw;
  }
  if (!cluster.root())  // rank 0 reports and writes
    return outcome.interrupted ? exit_interrupted : exit_ok;
  info << "fairmc: " << outcome.draws_computed << " draws in " << outcome.seconds << " s";
  if (outcome.seconds > 0) info << " (" << outcome.draws_computed / outcome.seconds << " draws/s)";
  info << "\n";
  for (const auto& line : outcome.notes) info << "fairmc: " << line << "\n";
  for (const auto& line : outcome.checks) info << line << "\n";
  const int code = run_exit_code(outcome, p.vm.count("check") > 0);
  if (p.vm.count("json")) std::cout << fairmc::run_json(outcome, opt, code) << std::flush;
  if (outcome.interrupted && outcome.previous_kept) {
    std::cerr << "fairmc: interrupted before the first checkpoint; " << results.string()
              << " still holds the previous results\n";
  } else if (outcome.interrupted) {
    if (!fairmc::InterruptGuard::note_written()) std::cerr << resume_hint(outdir);
  } else if (outcome.failed_points > 0) {
    std::cerr << "fairmc: " << outcome.failed_points
              << " sweep point(s) failed; their messages are in /sweep/error of "
              << results.string() << " (fairmc show)\n";
  } else {
    if (fairmc::InterruptGuard::note_written())
      info << "fairmc: the interrupt came during the last wave: the run is complete after all\n";
    info << "fairmc: wrote " << results.string() << "\n";
    if (opt.shard_count > 1)
      info << "fairmc: shard " << opt.shard_index << "/" << opt.shard_count
           << " done; once every shard is, join them: fairmc merge DIR_0 ... DIR_"
           << opt.shard_count - 1 << " -o DIR\n";
    if (code == exit_checks)
      std::cerr << "fairmc: --check: the checks' verdict is " << outcome.checks_verdict << "\n";
  }
  return code;
}

int cmd_merge(const std::vector<std::string>& args, const std::string& command_line) {
  po::options_description opts(
      "fairmc merge RESULTS1 RESULTS2 ... -o DIR\n\n"
      "Joins results of one experiment (the shards of `fairmc run --shard I/K`, or runs stopped\n"
      "at different points) into DIR/results.h5, identical to a single run of the union. Each\n"
      "point is taken from the input holding most of its blocks; a point no input finished stays\n"
      "pending (resume DIR to compute it). Refuses inputs of different experiments, draws or\n"
      "builds.\n\noptions");
  opts.add_options()("help,h", "this help")("output,o", po::value<std::string>(),
                                            "output directory (must not hold results.h5)");
  const Parsed p = parse(args, opts);
  if (p.vm.count("help")) {
    std::cout << opts << "\n";
    return exit_ok;
  }
  if (p.positional.size() < 2)
    throw fairmc::ConfigError(fairmc::command_line_mark("merge"), "",
                              "merge takes at least two results files (or directories), got " +
                                  std::to_string(p.positional.size()));
  if (!p.vm.count("output") || p.vm["output"].as<std::string>().empty())
    throw fairmc::ConfigError(fairmc::command_line_mark("-o"), "",
                              "merge needs the output directory: -o DIR (a new or empty one)");
  std::vector<fs::path> inputs;
  for (const auto& a : p.positional) {
    fs::path path = a;
    if (fs::is_directory(path)) path /= "results.h5";
    if (!fs::exists(path))
      throw fairmc::ConfigError(fairmc::command_line_mark(a), "",
                                "no results file " + path.string());
    inputs.push_back(path);
  }
  const fs::path outdir = p.vm["output"].as<std::string>();
  const fs::path results = outdir / "results.h5";
  if (fs::exists(results))
    throw fairmc::ConfigError(fairmc::command_line_mark("-o " + outdir.string()), "",
                              results.string() + " exists; merge into a new directory");
  const bool created = !fs::exists(outdir);
  fs::create_directories(outdir);
  fairmc::MergeOutcome outcome;
  try {
    const fairmc::OutputLock lock(outdir);
    outcome = fairmc::merge_results(inputs, results, fairmc::scenario_catalog(), command_line);
  } catch (...) {
    std::error_code ec;
    if (created && !fs::exists(results)) fs::remove_all(outdir, ec);  // leave nothing behind
    throw;
  }
  for (const auto& line : outcome.notes) std::cerr << "fairmc: " << line << "\n";
  std::cerr << "fairmc: merged " << inputs.size() << " files: " << outcome.complete << " of "
            << outcome.points << " points complete, " << outcome.failed << " failed, "
            << outcome.pending << " pending -> " << results.string() << "\n";
  if (outcome.pending > 0)
    std::cerr << "fairmc: compute the pending points with: fairmc run --resume " << outdir.string()
              << "\n";
  return outcome.failed > 0 ? exit_failed_points : exit_ok;
}

int cmd_show(const std::vector<std::string>& args) {
  po::options_description opts(
      "fairmc show RESULTS.h5 [--csv | --json]\n\nPrints the summary table of a results file.\n\n"
      "options");
  opts.add_options()("help,h", "this help")(
      "csv",
      "print /summary as CSV instead: a row per sweep point (point, swept keys, status, "
      "every statistic, constant and ratio)")(
      "json",
      "print the whole file as one JSON document instead: points with their swept keys, status "
      "and every statistic, fits, checks and provenance (docs/cli.md)");
  const Parsed p = parse(args, opts);
  if (p.vm.count("help")) {
    std::cout << opts << "\n";
    return exit_ok;
  }
  if (p.positional.size() > 1)
    throw fairmc::ConfigError(fairmc::command_line_mark(p.positional[1]), "",
                              "extra argument: show takes one results file (or its directory)");
  if (p.positional.empty())
    throw fairmc::ConfigError(fairmc::command_line_mark("show"), "",
                              "no results file: fairmc show RESULTS.h5 (or its directory)");
  fs::path path = p.positional.front();
  if (fs::is_directory(path)) path /= "results.h5";
  if (p.vm.count("csv") && p.vm.count("json"))
    throw fairmc::ConfigError(fairmc::command_line_mark("--json"), "",
                              "--csv and --json are two formats of one output: give one");
  std::cout << (p.vm.count("csv")    ? fairmc::results_csv(path)
                : p.vm.count("json") ? fairmc::results_json(path)
                                     : fairmc::describe_results(path));
  return exit_ok;
}

int cmd_list(const std::vector<std::string>& args) {
  po::options_description opts(
      "fairmc list [SCENARIO ...] [--json]\n\nLists the scenarios (or the ones named) with their "
      "samplers, mechanisms and metrics.\n\noptions");
  opts.add_options()("help,h", "this help")(
      "json",
      "print one JSON document: per scenario its samplers, mechanisms, metrics (name, unit, "
      "help) and ratios (docs/cli.md)");
  const Parsed p = parse(args, opts);
  if (p.vm.count("help")) {
    std::cout << opts << "\n";
    return exit_ok;
  }
  auto catalog = fairmc::scenario_catalog();
  if (!p.positional.empty()) {
    std::vector<fairmc::ScenarioInfo> chosen;
    for (const auto& name : p.positional) {
      const auto it = std::find_if(catalog.begin(), catalog.end(),
                                   [&](const fairmc::ScenarioInfo& s) { return s.name == name; });
      if (it == catalog.end()) {
        std::string known;
        for (const auto& s : catalog) known += (known.empty() ? "" : ", ") + s.name;
        throw fairmc::ConfigError(fairmc::command_line_mark(name), "",
                                  "unknown scenario '" + name + "'; the scenarios: " + known);
      }
      chosen.push_back(*it);
    }
    catalog = std::move(chosen);
  }
  std::cout << (p.vm.count("json") ? fairmc::catalog_json(catalog)
                                   : fairmc::describe_catalog(catalog));
  return exit_ok;
}

// Reports a fatal error in one line and leaves at once: after a failed write, HDF5's own exit
// handlers can crash on the file it could not close, so they are skipped (the results file on
// disk is the last complete one either way).
[[noreturn]] int fail(const fairmc::Cluster& cluster, const std::string& message) {
  std::cerr << "fairmc: " << message << std::endl;
  std::cout.flush();
  cluster.abort(exit_usage);
  std::_Exit(exit_usage);
}

// Before the ranks have accepted the input, each checked the same input: they meet in
// first_problem, rank 0 prints one line and all exit with 2 (no MPI_Abort and its banner).
int report(const fairmc::Cluster& cluster, bool validated, const std::string& message) {
  if (cluster.size() == 1 || validated) fail(cluster, message);
  agreed(cluster, message);
  return exit_usage;
}

}  // namespace

int main(int argc, char** argv) {
  // Keep freed heap memory in the process: with glibc's defaults a draw that allocates more than
  // 128 KiB returns it at its end and the next draw faults the pages back in and zeroes them
  // (power at n = 1e5 ran 1.95x slower; docs/performance.md, finding 5).
  mallopt(M_TRIM_THRESHOLD, 1 << 30);
  mallopt(M_MMAP_THRESHOLD, 32 << 20);
  const fairmc::Cluster cluster(&argc, &argv);  // MPI ranks when started by mpirun/srun
  if (argc < 2) return usage(std::cerr);
  const std::string cmd = argv[1];
  const std::vector<std::string> args(argv + 2, argv + argc);
  bool validated = false;
  try {
    if (cmd == "run") return cmd_run(args, joined(argc, argv), false, cluster, validated);
    if (cmd == "plan") return cmd_run(args, joined(argc, argv), true, cluster, validated);
    if (cmd == "list") return cmd_list(args);
    if (cmd == "show") return cmd_show(args);
    if (cmd == "merge") return cmd_merge(args, joined(argc, argv));
    if (cmd == "--version" || cmd == "version") {
      if (!args.empty())
        throw fairmc::ConfigError(fairmc::command_line_mark(args.front()), "",
                                  "extra argument: " + cmd + " takes none");
      std::cout << fairmc::build_info() << "\n";
      return exit_ok;
    }
    if (cmd == "--help" || cmd == "-h" || cmd == "help") {
      // `fairmc help COMMAND` is `fairmc COMMAND --help`.
      const std::vector<std::string> help{"--help"};
      if (args.size() == 1 && (args[0] == "run" || args[0] == "plan"))
        return cmd_run(help, "", args[0] == "plan", cluster, validated);
      if (args.size() == 1 && args[0] == "list") return cmd_list(help);
      if (args.size() == 1 && args[0] == "show") return cmd_show(help);
      if (args.size() == 1 && args[0] == "merge") return cmd_merge(help, "");
      if (!args.empty())
        throw fairmc::ConfigError(
            fairmc::command_line_mark(args.front()), "",
            args.size() == 1 ? "no command '" + args.front() + "': run, plan, merge, list, show"
                             : "extra argument: help takes one command");
      usage(std::cout);
      return exit_ok;
    }
    std::cerr << "fairmc: unknown command '" << cmd << "'\n";
    return usage(std::cerr);
  } catch (const fairmc::ConfigError& e) {
    return report(cluster, validated, std::string("error: ") + e.what());
  } catch (const po::error& e) {
    return report(cluster, validated,
                  std::string("error: ") + e.what() + " (see fairmc " + cmd + " --help)");
  } catch (const std::exception& e) {
    return report(cluster, validated, std::string("error: ") + e.what());
  }
}
