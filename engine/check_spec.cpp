#include "engine/check_spec.hpp"

#include "engine/config.hpp"
#include "engine/config_input.hpp"
#include "engine/config_text.hpp"
#include "engine/params_impl.hpp"
#include "engine/point_report.hpp"
#include "engine/prepare.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <iomanip>
#include <regex>
#include <set>
#include <sstream>

namespace fairmc {

namespace {

const std::vector<std::string> kSubjects{"mean", "ratio", "slope", "draws"};
const std::vector<std::string> kComparisons{"equals", "le", "ge", "in", "exceeds", "below"};

std::string listed(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : ", ") + s;
  return out;
}

std::string number_text(double v) {
  return shortest(v);
}

// A percentage as people write it (97.5, not 97.50000000000001).
std::string percent_text(double fraction) {
  std::ostringstream o;
  o << std::setprecision(6) << fraction * 100;
  return o.str();
}

// One operand: a finite number, or a constant's name.
CheckTarget read_target(const Params& c, const std::string& key, const YAML::Node& n,
                        const std::string& what) {
  if (!n.IsScalar())
    c.fail(key, what + " is a number or the name of a per-point constant (e.g. expected_max)");
  CheckTarget t;
  std::string lower = n.Scalar();
  for (char& ch : lower) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  if (lower == ".inf" || lower == "+.inf" || lower == "-.inf" || lower == ".nan")
    c.fail(key, what + " must be a finite number");
  if (const auto v = as_number(n.Scalar())) {
    if (!std::isfinite(*v)) c.fail(key, what + " must be a finite number");
    t.value = *v;
  } else if (is_key_name(n.Scalar())) {
    t.constant = n.Scalar();
  } else {
    c.fail(key, "'" + n.Scalar() + "' is neither a number nor a constant's name; " + what +
                    " is a number or the name of a per-point constant (e.g. expected_max)");
  }
  return t;
}

SourceMark mark_at(const Experiment& e, const CheckSpec& c, const std::string& key) {
  return nearest_mark(*e.marks, c.path + "." + key, c.where);
}

}  // namespace

std::string CheckTarget::text() const {
  return constant.empty() ? number_text(value) : constant;
}

const std::vector<std::string>& check_keys() {
  static const std::vector<std::string> keys{
      "name", "claim", "source", "erratum", "mean",  "ratio",  "slope",     "draws",      "equals",
      "le",   "ge",    "in",     "exceeds", "below", "sigmas", "tolerance", "confidence", "at"};
  return keys;
}

std::string CheckSpec::subject_text() const {
  switch (subject) {
    case CheckSubject::mean:
      return "mean of " + metric;
    case CheckSubject::ratio:
      return "ratio " + metric;
    case CheckSubject::slope:
      return "slope of " + metric + " against " + against;
    case CheckSubject::draws:
      return "every draw of " + metric;
  }
  return "";
}

std::string CheckSpec::comparison_text() const {
  std::string op;
  switch (comparison) {
    case CheckComparison::equals:
      op = "equals " + targets[0].text();
      break;
    case CheckComparison::le:
      op = "<= " + targets[0].text();
      break;
    case CheckComparison::ge:
      op = ">= " + targets[0].text();
      break;
    case CheckComparison::in:
      op = "in [" + targets[0].text() + ", " + targets[1].text() + "]";
      break;
    case CheckComparison::exceeds:
      return "exceeds " + targets[0].text() + " with " + percent_text(confidence) + "% confidence";
    case CheckComparison::below:
      return "below " + targets[0].text() + " with " + percent_text(confidence) + "% confidence";
  }
  std::string slack;
  if (subject != CheckSubject::draws)
    slack = number_text(sigmas) + (subject == CheckSubject::slope ? " sigma" : " sem");
  if (tolerance > 0) slack += (slack.empty() ? "" : " + ") + number_text(tolerance);
  return slack.empty() ? op : op + " within " + slack;
}

std::vector<CheckSpec> read_checks(const Params& root) {
  std::vector<CheckSpec> out;
  static const std::regex name_re("^[A-Za-z0-9_]+$");
  for (const Params& c : root.children("checks")) {
    const YAML::Node& item = c.impl()->node;
    for (const auto& kv : item) {
      const std::string k = kv.first.Scalar();
      if (std::find(check_keys().begin(), check_keys().end(), k) == check_keys().end())
        c.fail(k, "unknown check key; accepted: " + listed(check_keys()) + " (README, 'Checks')");
    }
    CheckSpec s;
    s.path = c.path();
    s.where = nearest_mark(*c.impl()->marks, c.path(), c.impl()->self);
    s.name = c.text("name");
    if (!std::regex_match(s.name, name_re))
      c.fail("name", "'" + s.name + "' is not a check name: letters, digits and '_'");
    for (const auto& other : out)
      if (other.name == s.name) c.fail("name", "check '" + s.name + "' is declared twice");
    s.claim = c.text("claim");
    if (s.claim.empty()) c.fail("claim", "say what the simulation must show");
    s.source = c.text("source", "");
    s.erratum = c.text("erratum", "");

    std::vector<std::string> subjects, comparisons;
    for (const auto& k : kSubjects)
      if (c.has(k)) subjects.push_back(k);
    for (const auto& k : kComparisons)
      if (c.has(k)) comparisons.push_back(k);
    const auto refuse = [&](const std::string& key, const std::string& problem) {
      if (key.empty()) throw ConfigError(s.where, s.path, problem);
      c.fail(key, problem);
    };
    if (subjects.size() != 1)
      refuse(subjects.empty() ? "" : subjects[1],
             subjects.empty() ? "a check needs a subject: one of " + listed(kSubjects)
                              : "a check has exactly one subject (" + listed(kSubjects) +
                                    "); this one has " + listed(subjects));
    if (comparisons.size() != 1)
      refuse(comparisons.empty() ? "" : comparisons[1],
             comparisons.empty() ? "a check needs a comparison: one of " + listed(kComparisons)
                                 : "a check has exactly one comparison (" + listed(kComparisons) +
                                       "); this one has " + listed(comparisons));
    const std::string subject = subjects[0], comparison = comparisons[0];
    s.subject = static_cast<CheckSubject>(std::find(kSubjects.begin(), kSubjects.end(), subject) -
                                          kSubjects.begin());
    s.comparison = static_cast<CheckComparison>(
        std::find(kComparisons.begin(), kComparisons.end(), comparison) - kComparisons.begin());
    if (s.subject == CheckSubject::slope) {
      if (!c.is_map("slope"))
        c.fail("slope", "expected {metric: M, against: K}, a fit that fits: declares");
      const Params sl = c.child("slope");
      for (const auto& kv : sl.impl()->node)
        if (kv.first.Scalar() != "metric" && kv.first.Scalar() != "against")
          sl.fail(kv.first.Scalar(), "unknown key; slope accepts metric and against");
      s.metric = sl.text("metric");
      s.against = sl.text("against");
    } else {
      s.metric = c.text(subject);
      if (!is_key_name(s.metric))
        c.fail(subject, "'" + s.metric + "' is not a " +
                            (s.subject == CheckSubject::ratio ? "ratio" : "metric") + " name");
    }

    const YAML::Node value = item[comparison];
    if (s.comparison == CheckComparison::in) {
      if (!value.IsSequence() || value.size() != 2)
        c.fail("in", "expected [lo, hi]: two numbers or constants' names");
      s.targets.push_back(read_target(c, "in", value[0], "lo"));
      s.targets.push_back(read_target(c, "in", value[1], "hi"));
      if (s.targets[0].constant.empty() && s.targets[1].constant.empty() &&
          !(s.targets[0].value <= s.targets[1].value))
        c.fail("in", "lo " + s.targets[0].text() + " is above hi " + s.targets[1].text());
    } else {
      s.targets.push_back(read_target(c, comparison, value, "the value"));
    }
    if (s.subject == CheckSubject::slope)
      for (const auto& t : s.targets)
        if (!t.constant.empty())
          c.fail(comparison, "a slope is compared with numbers: '" + t.constant +
                                 "' is a per-point constant, and a fit spans several points");

    const bool one_sided =
        s.comparison == CheckComparison::exceeds || s.comparison == CheckComparison::below;
    if (s.subject == CheckSubject::draws && one_sided)
      c.fail(comparison,
             "every draw is compared with equals, le, ge or in (the draws themselves "
             "have no standard error)");
    if (one_sided) {
      for (const char* k : {"sigmas", "tolerance"})
        if (c.has(k))
          c.fail(k, std::string(k) + " applies to equals, le, ge and in; " + comparison +
                        " takes confidence");
      s.confidence = c.number("confidence", 0.95, Range::unit_open());
    } else {
      if (c.has("confidence"))
        c.fail("confidence", "confidence applies to exceeds and below; " + comparison +
                                 " takes sigmas and tolerance");
      if (s.subject == CheckSubject::draws && c.has("sigmas"))
        c.fail("sigmas", "every draw is compared exactly (give a tolerance instead)");
      s.sigmas = c.number("sigmas", 4, Range::closed(0, 100));
      s.tolerance = c.number("tolerance", 0, Range::nonnegative());
    }

    if (c.has("at")) {
      const YAML::Node at = item["at"];
      if (!at.IsMap() || at.size() == 0)
        c.fail("at",
               "expected a mapping of swept key: value or [values], e.g. "
               "{population.agents: [100, 1000]}");
      for (const auto& kv : at) {
        const std::string key = kv.first.Scalar();
        const std::string path = c.path_of("at") + "." + key;
        c.impl()->used->mark(path);
        const SourceMark where = nearest_mark(*c.impl()->marks, path, c.mark_of("at"));
        if (!is_key_path(key))
          throw ConfigError(where, path, "not a key path (e.g. population.agents)");
        std::vector<std::string> values;
        const auto take = [&](const YAML::Node& v) {
          if (!v.IsScalar())
            throw ConfigError(where, path, "expected a value or a list of values of the key");
          values.push_back(canonical_text(v));
        };
        if (kv.second.IsSequence()) {
          if (kv.second.size() == 0)
            throw ConfigError(where, path, "an empty list selects nothing");
          for (std::size_t i = 0; i < kv.second.size(); ++i) take(kv.second[i]);
        } else {
          take(kv.second);
        }
        s.at.emplace_back(key, std::move(values));
      }
    }
    out.push_back(std::move(s));
  }
  return out;
}

void check_against_sweep(const Experiment& e,
                         const std::vector<std::pair<std::string, std::string>>& declared_fits,
                         const std::set<std::string>& pinned, bool stored) {
  for (const CheckSpec& c : e.checks) {
    if (c.subject == CheckSubject::slope &&
        std::find(declared_fits.begin(), declared_fits.end(), std::pair{c.metric, c.against}) ==
            declared_fits.end()) {
      std::string fits;
      for (const auto& [m, k] : declared_fits) fits += (fits.empty() ? "" : ", ") + m + " vs " + k;
      throw ConfigError(mark_at(e, c, "slope"), c.path + ".slope",
                        "no fit of '" + c.metric + "' against '" + c.against +
                            "' in fits: (declared: " + (fits.empty() ? "none" : fits) + ")");
    }
    for (const auto& [key, values] : c.at) {
      const std::string path = c.path + ".at." + key;
      const SourceMark where = nearest_mark(*e.marks, path, c.where);
      // The fit's axis: its key, and the keys zipped with it.
      bool on_fit_axis = false;
      for (const Axis& a : e.axes)
        if (std::find(a.keys.begin(), a.keys.end(), c.against) != a.keys.end())
          on_fit_axis = std::find(a.keys.begin(), a.keys.end(), key) != a.keys.end();
      if (c.subject == CheckSubject::slope && (key == c.against || on_fit_axis))
        throw ConfigError(where, path,
                          "a slope is fitted along " + c.against +
                              (key == c.against ? "" : " (zipped with " + key + ")") +
                              ", so at: can select only the other swept keys");
      std::vector<std::string> taken;
      for (const Axis& a : e.axes)
        for (std::size_t k = 0; k < a.keys.size(); ++k)
          if (a.keys[k] == key)
            for (const auto& v : a.values[k]) taken.push_back(canonical_text(v));
      if (taken.empty() && pinned.count(key)) {
        const YAML::Node v = at_path(e.resolved, key);
        if (v) taken.push_back(canonical_text(v));
      }
      if (taken.empty()) {
        std::string swept;
        for (const Axis& a : e.axes)
          for (const auto& k : a.keys) swept += (swept.empty() ? "" : ", ") + k;
        throw ConfigError(where, path,
                          "'" + key + "' is not a swept key; at: selects points by swept keys (" +
                              (swept.empty() ? "this experiment sweeps none" : swept) + ")");
      }
      // A sweep the command line changed (or pinned) may leave some of the values out: they
      // select nothing then. A sweep as the file wrote it must take every value (a typo).
      const auto mk = e.marks->find(key);
      const bool from_command_line =
          stored || pinned.count(key) > 0 ||
          (mk != e.marks->end() && mk->second.file.rfind("<command line>", 0) == 0);
      for (const auto& v : values)
        if (!from_command_line && std::find(taken.begin(), taken.end(), v) == taken.end()) {
          std::string all;
          for (const auto& t : taken) all += (all.empty() ? "" : ", ") + t;
          throw ConfigError(
              where, path, key + " never takes the value " + v + " in this sweep; it takes " + all);
        }
    }
  }
}

void check_against_points(const Experiment& e, const std::vector<Point>& points,
                          const std::vector<PreparedPoint>& prepared) {
  for (const CheckSpec& c : e.checks) {
    for (std::size_t p = 0; p < points.size() && p < prepared.size(); ++p) {
      if (!check_selects(c, points[p])) continue;
      const PreparedPoint& pp = prepared[p];
      const std::string at = " at " + point_label(points[p]);
      std::vector<std::string> ratio_names;
      for (const auto& r : pp.ratios) ratio_names.push_back(r.name);
      const auto has = [](const std::vector<std::string>& v, const std::string& x) {
        return std::find(v.begin(), v.end(), x) != v.end();
      };
      if (c.subject == CheckSubject::mean || c.subject == CheckSubject::draws) {
        if (!has(pp.metrics, c.metric))
          throw ConfigError(mark_at(e, c, c.subject == CheckSubject::mean ? "mean" : "draws"),
                            c.path,
                            "unknown or unrecorded metric '" + c.metric + "'" + at +
                                (has(ratio_names, c.metric) && c.subject == CheckSubject::mean
                                     ? " (it is a ratio: write ratio: " + c.metric + ")"
                                     : "") +
                                "; recorded: " + listed(pp.metrics));
      } else if (c.subject == CheckSubject::ratio) {
        std::vector<std::string> names;
        for (const auto& r : pp.ratios) names.push_back(r.name);
        if (std::find(names.begin(), names.end(), c.metric) == names.end())
          throw ConfigError(
              mark_at(e, c, "ratio"), c.path,
              "unknown ratio '" + c.metric + "'" + at +
                  (has(pp.metrics, c.metric) ? " (it is a metric: write mean: " + c.metric + ")"
                                             : "") +
                  "; ratios here: " +
                  (names.empty() ? "none (declare one in ratios:)" : listed(names)));
      }
      for (const auto& t : c.targets) {
        if (t.constant.empty()) continue;
        std::vector<std::string> names;
        for (const auto& [name, v] : pp.constants) names.push_back(name);
        if (std::find(names.begin(), names.end(), t.constant) == names.end())
          throw ConfigError(
              mark_at(e, c, kComparisons[static_cast<std::size_t>(c.comparison)]), c.path,
              "'" + t.constant +
                  "' is not a number nor a constant the scenario "
                  "reports" +
                  at + "; constants here: " + (names.empty() ? "none" : listed(names)));
      }
    }
  }
}

bool check_selects(const CheckSpec& c, const Point& p) {
  for (const auto& [key, values] : c.at) {
    const YAML::Node v = at_path(p.config, key);
    if (!v || std::find(values.begin(), values.end(), canonical_text(v)) == values.end())
      return false;
  }
  return true;
}

}  // namespace fairmc
