#include "engine/checks_file.hpp"

#include "engine/h5io.hpp"

#include <cmath>
#include <iomanip>
#include <sstream>

namespace fairmc {
using namespace h5;

namespace {

template <class T>
void column(hid_t g, const std::string& name, const std::vector<T>& values) {
  if (values.empty())
    create_dataset<T>(g, name, {0});
  else
    write<T>(g, name, {values.size()}, values.data());
}

std::string number(double x) {
  std::ostringstream o;
  o << std::setprecision(4) << x;
  return o.str();
}

}  // namespace

void write_checks(hid_t file, const std::vector<CheckResult>& checks) {
  if (checks.empty()) return;
  Hid top = create_group(file, "checks");
  const Verdict overall = overall_verdict(checks);
  attr(top, "verdict", verdict_name(overall));
  std::int64_t counts[3] = {0, 0, 0};
  for (const auto& c : checks) ++counts[static_cast<int>(c.verdict)];
  attr<std::int64_t>(top, "passed", counts[0]);
  attr<std::int64_t>(top, "failed", counts[1]);
  attr<std::int64_t>(top, "undetermined", counts[2]);
  for (const CheckResult& c : checks) {
    Hid g = create_group(top, c.spec.name);
    attr(g, "claim", c.spec.claim);
    attr(g, "source", c.spec.source);
    attr(g, "erratum", c.spec.erratum);
    attr(g, "subject", c.spec.subject_text());
    attr(g, "comparison", c.spec.comparison_text());
    attr(g, "verdict", verdict_name(c.verdict));
    attr(g, "statistic_name", c.statistic_name);
    attr(g, "pass_if", c.pass_if);
    const CheckRow* worst = c.worst >= 0 ? &c.rows[static_cast<std::size_t>(c.worst)] : nullptr;
    const double nan = std::numeric_limits<double>::quiet_NaN();
    attr<double>(g, "statistic", worst ? worst->statistic : nan);
    attr<double>(g, "threshold", worst ? worst->threshold : nan);
    attr<std::int64_t>(g, "worst_point", worst ? worst->point : -1);
    attr<std::int64_t>(g, "points_evaluated", static_cast<std::int64_t>(c.rows.size()));
    attr<std::int64_t>(g, "points_failed", c.failed);
    attr<std::int64_t>(g, "points_undetermined", c.undetermined);
    attr<std::int64_t>(g, "violations", c.violations);
    attr<std::int64_t>(g, "violations_exact", c.violations_exact ? 1 : 0);
    std::vector<std::int64_t> point, violations;
    std::vector<double> estimate, error, target, lo, hi, statistic, threshold;
    std::vector<std::string> verdict;
    for (const CheckRow& r : c.rows) {
      point.push_back(r.point);
      estimate.push_back(r.estimate);
      error.push_back(r.error);
      target.push_back(r.target);
      lo.push_back(r.lo);
      hi.push_back(r.hi);
      statistic.push_back(r.statistic);
      threshold.push_back(r.threshold);
      violations.push_back(r.violations);
      verdict.push_back(verdict_name(r.verdict));
    }
    column(g, "point", point);
    column(g, "estimate", estimate);
    column(g, "error", error);
    column(g, "target", target);
    column(g, "lo", lo);
    column(g, "hi", hi);
    column(g, "statistic", statistic);
    column(g, "threshold", threshold);
    column(g, "violations", violations);
    write_strings(g, "verdict", {verdict.size()}, verdict);
  }
}

ChecksTable describe_checks(hid_t file) {
  ChecksTable out;
  if (!exists(file, "checks")) return out;
  Hid top = open_group(file, "checks");
  out.verdict = read_string_attr(top, "verdict");
  const auto passed = read_attr<std::int64_t>(top, "passed");
  const auto failed = read_attr<std::int64_t>(top, "failed");
  const auto undetermined = read_attr<std::int64_t>(top, "undetermined");
  std::string head = "checks: " + std::to_string(passed) + " passed";
  if (failed) head += ", " + std::to_string(failed) + " failed";
  if (undetermined) head += ", " + std::to_string(undetermined) + " undetermined";
  out.lines.push_back(head);
  const auto names = members(top);
  std::size_t width = 0;
  for (const auto& n : names) width = std::max(width, n.size());
  for (const auto& name : names) {
    Hid g = open_group(top, name);
    const std::string v = read_string_attr(g, "verdict");
    std::ostringstream o;
    o << "  " << std::left << std::setw(5)
      << (v == "pass"   ? "pass"
          : v == "fail" ? "FAIL"
                        : "??")
      << " " << std::setw(static_cast<int>(width)) << name << "  " << read_string_attr(g, "subject")
      << " " << read_string_attr(g, "comparison") << ": ";
    const auto worst = read_attr<std::int64_t>(g, "worst_point");
    const auto evaluated = read_attr<std::int64_t>(g, "points_evaluated");
    const auto undecided = read_attr<std::int64_t>(g, "points_undetermined");
    const double stat = read_attr<double>(g, "statistic");
    const double threshold = read_attr<double>(g, "threshold");
    const std::string rule = has_attr(g, "pass_if") ? read_string_attr(g, "pass_if") : "";
    if (worst < 0) {
      o << (evaluated == 0 ? "no point selected" : "no point could be evaluated");
    } else if (read_string_attr(g, "statistic_name") == "violations") {
      const auto total = read_attr<std::int64_t>(g, "violations");
      const bool exact =
          !has_attr(g, "violations_exact") || read_attr<std::int64_t>(g, "violations_exact") != 0;
      o << (exact ? "" : ">= ") << total << " violating draw" << (total == 1 ? "" : "s")
        << " (worst point " << worst << ")";
    } else {
      const bool above = rule == "statistic > threshold";
      const bool ok = above ? stat > threshold : stat <= threshold;
      o << "worst " << (above ? "t" : "z") << " = " << number(stat) << " "
        << (above ? (ok ? ">" : "<=") : (ok ? "<=" : ">")) << " " << number(threshold) << " (point "
        << worst << ")";
    }
    if (undecided > 0) o << "; " << undecided << " of " << evaluated << " points undetermined";
    out.lines.push_back(o.str());
  }
  return out;
}

ChecksTable describe_checks(const std::filesystem::path& file) {
  Hid f = open_file(file);
  return describe_checks(f);
}

}  // namespace fairmc
