// The values of one sweep dimension: a YAML list, or range() / linspace() / logspace(), counted
// and checked against max_sweep_points before any value is generated.
#include "engine/config.hpp"
#include "engine/config_text.hpp"

#include <cmath>

namespace fairmc {

namespace {

// A sweep's values as written: a list, or one of the functions with its arguments.
struct SweepSpec {
  std::string fn;  // "" for a list
  std::vector<double> args;
  bool round = false;
  std::size_t count = 0;
};

std::string limit_text() {
  return std::to_string(max_sweep_points);
}

// Python's range: start, start + step, ... (accumulated, as always), stop excluded. Every value
// must differ from the one before: past 2^53 adding 1 changes nothing, and the loop never ends.
template <class Fn>
void each_range_value(const SweepSpec& s, const SourceMark& where, const std::string& key, Fn&& f) {
  const double step = s.args.size() == 3 ? s.args[2] : 1.0;
  const double stop = s.args[1];
  std::size_t n = 0;
  for (double x = s.args[0];
       step > 0 ? x < stop - 1e-12 * std::fabs(step) : x > stop + 1e-12 * std::fabs(step);) {
    if (++n > max_sweep_points)
      throw ConfigError(where, key,
                        "range() gives more than " + limit_text() + " values; that is the limit");
    f(x);
    const double next = x + step;
    if (next == x)
      throw ConfigError(where, key,
                        "range(): the step " + shortest(step) + " is lost in rounding at " +
                            shortest(x) +
                            " (doubles hold integers exactly only up to 2^53); use a larger step "
                            "or smaller values");
    x = next;
  }
}

SweepSpec parse_sweep(const YAML::Node& spec, const SourceMark& where, const std::string& key) {
  SweepSpec out;
  if (spec.IsSequence()) {
    out.count = spec.size();
  } else if (spec.IsScalar()) {
    std::smatch m;
    const std::string s = spec.Scalar();
    if (!std::regex_match(s, m, sweep_fn()))
      throw ConfigError(where, key,
                        "sweep values must be a list or range(a,b[,step]) / linspace(a,b,n) / "
                        "logspace(a,b,n[,round]); got '" +
                            s + "'");
    out.fn = m[1];
    for (std::string a : split_top_level(m[2])) {
      a.erase(0, a.find_first_not_of(" \t"));
      a.erase(a.find_last_not_of(" \t") + 1);
      if (a == "round" && out.fn == "logspace" && out.args.size() == 3 && !out.round) {
        out.round = true;
        continue;
      }
      const auto v = as_number(a);
      if (!v || !std::isfinite(*v) || out.round)
        throw ConfigError(where, key, out.fn + "(): argument '" + a + "' is not a finite number");
      out.args.push_back(*v);
    }
    constexpr double exact = 9007199254740992.0;  // 2^53
    if (out.fn == "range") {
      if (out.args.size() < 2 || out.args.size() > 3)
        throw ConfigError(where, key, "range(start, stop[, step]) takes 2 or 3 numbers");
      for (const double a : out.args)
        if (std::fabs(a) > exact)
          throw ConfigError(where, key,
                            "range(): " + shortest(a) +
                                " is beyond 2^53, where doubles no longer hold every integer");
      const double step = out.args.size() == 3 ? out.args[2] : 1.0;
      if (step == 0) throw ConfigError(where, key, "range(): step must be non-zero");
      // Size first (no allocation), then the exact count.
      if ((out.args[1] - out.args[0]) / step > static_cast<double>(max_sweep_points))
        throw ConfigError(where, key,
                          "range() would give " +
                              shortest(std::ceil((out.args[1] - out.args[0]) / step)) +
                              " values; the limit is " + limit_text());
      each_range_value(out, where, key, [&](double) { ++out.count; });
    } else {
      if (out.args.size() != 3 || out.args[2] < 1 || std::floor(out.args[2]) != out.args[2])
        throw ConfigError(
            where, key,
            out.fn + "(start, stop, count) needs an integer count in [1, " + limit_text() + "]");
      if (out.args[2] > static_cast<double>(max_sweep_points))
        throw ConfigError(where, key,
                          out.fn + "(): " + shortest(out.args[2]) +
                              " values asked for; the limit is " + limit_text());
      if (out.fn == "logspace")
        for (const double a : {out.args[0], out.args[1]})
          if (!std::isfinite(std::pow(10.0, a)) || std::pow(10.0, a) == 0)
            throw ConfigError(where, key,
                              "logspace(): 10^" + shortest(a) + " is not a finite non-zero double");
      out.count = static_cast<std::size_t>(out.args[2]);
    }
  } else {
    throw ConfigError(where, key,
                      "sweep values must be a list or a range/linspace/logspace string");
  }
  if (out.count == 0) throw ConfigError(where, key, "empty sweep: give at least one value");
  return out;
}

std::vector<YAML::Node> generate(const YAML::Node& spec, const SweepSpec& s,
                                 const SourceMark& where, const std::string& key) {
  std::vector<YAML::Node> out;
  out.reserve(s.count);
  if (s.fn.empty()) {
    for (std::size_t i = 0; i < spec.size(); ++i) out.push_back(YAML::Clone(spec[i]));
  } else if (s.fn == "range") {
    each_range_value(s, where, key, [&](double x) { out.push_back(number_node(x)); });
  } else {
    const auto n = static_cast<std::size_t>(s.args[2]);
    for (std::size_t i = 0; i < n; ++i) {
      const double t = n == 1 ? 0.0 : static_cast<double>(i) / static_cast<double>(n - 1);
      const double x = s.args[0] + t * (s.args[1] - s.args[0]);
      if (s.fn == "linspace") {
        out.push_back(number_node(x));
      } else {
        const double v = std::pow(10.0, x);
        out.push_back(number_node(s.round ? std::round(v) : v));
      }
    }
  }
  return out;
}

}  // namespace

std::size_t sweep_count(const YAML::Node& spec, const SourceMark& where, const std::string& key) {
  return parse_sweep(spec, where, key).count;
}

std::vector<YAML::Node> sweep_values(const YAML::Node& spec, const SourceMark& where,
                                     const std::string& key) {
  return generate(spec, parse_sweep(spec, where, key), where, key);
}

}  // namespace fairmc
