#include "scenarios/persuasion/appendices_scenario.hpp"

#include "engine/metric.hpp"
#include "scenarios/persuasion/appendices.hpp"

#include <cmath>

namespace fairmc::persuasion {
namespace {

// One draw: the LP's best factor for n agents (deterministic).
struct Best {
  double factor;
  int n;
};

// Factors are ratios of utilities, dimensionless.
constexpr Metric<Best> kAppendixBMetrics[] = {
    {"beta_best", "1", "Appendix B: best β over lotteries (1/LP optimum)",
     [](const Best& b) { return b.factor; }},
    {"beta_over_n", "1", "beta_best / n", [](const Best& b) { return b.factor / b.n; }},
};
static_assert(well_formed(kAppendixBMetrics));

constexpr Metric<Best> kAppendixCMetrics[] = {
    {"alpha_best", "1", "Appendix C (1): best utility-majorization α over lotteries",
     [](const Best& b) { return b.factor; }},
    {"alpha_over_n", "1", "alpha_best / n", [](const Best& b) { return b.factor / b.n; }},
};
static_assert(well_formed(kAppendixCMetrics));

class AppendixModel final : public Model {
 public:
  AppendixModel(bool appendix_b, int n, double m_exponent)
      : b_(appendix_b), n_(n), M_(std::pow(static_cast<double>(n), m_exponent)) {}

  std::vector<std::string> metrics() const override {
    return b_ ? names(kAppendixBMetrics) : names(kAppendixCMetrics);
  }

  void run(const Draw&, std::span<double> out) const override {
    if (b_)
      write_values(kAppendixBMetrics, Best{appendix_b_best_beta(n_, M_), n_}, out);
    else
      write_values(kAppendixCMetrics, Best{appendix_c_best_alpha(n_), n_}, out);
  }

  std::vector<std::pair<std::string, double>> constants() const override {
    const double n = n_;
    if (b_) return {{"n", n}, {"M", M_}, {"beta_paper_lower", n / (1.0 + n * n / M_)}};
    // Appendix C (1): α >= n(1 - o(1))/(1 + 2/n); the leading term without the o(1).
    return {{"n", n}, {"alpha_paper_leading", n / (1.0 + 2.0 / n)}};
  }

 private:
  bool b_;
  int n_;
  double M_;
};

}  // namespace

ScenarioInfo appendices_scenario() {
  ScenarioInfo info;
  info.name = "persuasion_appendices";
  info.paper = "002 Fair Multi-agent Persuasion with Submodular Constraints";
  info.help =
      "Appendices B and C (1): without a polymatroid the best majorization factor of any "
      "allocation lottery grows linearly in n (LPs; deterministic).";
  info.samplers = {{"appendix_b",
                    "n agents of value 1, allocations conv{u^(j)}, u^(j)_k = M^j "
                    "for k >= j, M = n^M_exponent"},
                   {"appendix_c", "2n agents in groups {i, 2n+1-i}, values n^(2i) and N - n^(2i)"}};
  info.metrics = describe(kAppendixBMetrics, kAppendixCMetrics);
  info.prepare = [](const Params& p) -> std::unique_ptr<const Model> {
    const Params ex = p.child("example");
    const bool b = ex.choice("name", {"appendix_b", "appendix_c"}) == "appendix_b";
    const auto n = static_cast<int>(ex.integer("n", b ? 1 : 2, b ? 200 : 5));
    const double m_exponent = ex.number("M_exponent", 3.0, Range::closed(1.0, 10.0));
    if (b && std::pow(static_cast<double>(n), m_exponent) <= n)
      ex.fail("M_exponent", "the construction needs M > n");
    return std::make_unique<AppendixModel>(b, n, m_exponent);
  };
  return info;
}

}  // namespace fairmc::persuasion
