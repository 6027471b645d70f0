// Benchmark: the per-draw work of scenario `objective` at the reference size
// (n = 50 agents, m = 50 items, a_ij ~ U(0,1), α = 0.2, β = 0.1): sample, x*, x^θ (GLPK
// order-cone active-set LP, or cutting planes), all metrics. Prints draws/s, ms per draw, the LP's
// share, cuts (order rows) and order-cone LPs per draw, and how many draws needed cutting planes.
// Usage: bench_objective [draws=200] [agents=50] [items=50] [alpha=0.2] [beta=0.1]
#include "scenarios/objective/participatory_lp.hpp"
#include "scenarios/objective/population.hpp"
#include "scenarios/objective/scenario.hpp"

#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <limits>
#include <string>
#include <vector>

int main(int argc, char** argv) {
  using clock = std::chrono::steady_clock;
  const int draws = argc > 1 ? std::atoi(argv[1]) : 200;
  const std::string n = argc > 2 ? argv[2] : "50", m = argc > 3 ? argv[3] : "50";
  const std::string alpha = argc > 4 ? argv[4] : "0.2", beta = argc > 5 ? argv[5] : "0.1";
  const std::string yaml = "population: {agents: " + n + ", items: " + m +
                           "}\nmechanism: {alpha: " + alpha + ", beta: " + beta + "}";
  const auto model = fairmc::objective::scenario().prepare(fairmc::Params::parse(yaml));
  const auto names = model->metrics();
  std::vector<double> out(names.size());
  std::size_t cuts_at = 0;
  for (std::size_t k = 0; k < names.size(); ++k)
    if (names[k] == "lp_cuts") cuts_at = k;
  double cuts = 0;
  const auto t0 = clock::now();
  const std::clock_t c0 = std::clock();
  for (int d = 0; d < draws; ++d) {
    std::fill(out.begin(), out.end(), std::numeric_limits<double>::quiet_NaN());
    model->run(fairmc::Draw(1, static_cast<std::uint64_t>(d)), out);
    cuts += out[cuts_at];
  }
  const double total = std::chrono::duration<double>(clock::now() - t0).count();
  // CPU time is what matters on a shared machine: wall time counts other users' processes too.
  const double cpu = static_cast<double>(std::clock() - c0) / CLOCKS_PER_SEC;

  // LP alone on the same populations.
  fairmc::objective::PopulationSpec ps =
      fairmc::objective::PopulationSpec::parse(fairmc::Params::parse(yaml).child("population"));
  double lp_time = 0;
  int steps = 0, fallbacks = 0;  // order-cone LPs; draws handed to the cutting planes
  for (int d = 0; d < draws; ++d) {
    fairmc::Rng rng =
        fairmc::Draw(1, static_cast<std::uint64_t>(d)).stream(fairmc::Substream::population);
    fairmc::objective::Instance inst;
    inst.a = ps.sample(rng);
    inst.aversion.alpha.assign(static_cast<std::size_t>(ps.agents), std::stod(alpha));
    inst.aversion.beta.assign(static_cast<std::size_t>(ps.agents), std::stod(beta));
    const std::clock_t t1 = std::clock();
    const fairmc::objective::LpSolution lp = fairmc::objective::solve_participatory(inst);
    lp_time += static_cast<double>(std::clock() - t1) / CLOCKS_PER_SEC;
    steps += lp.order_steps;
    fallbacks += lp.order_steps == 0;
  }
  std::printf(
      "objective n=%s m=%s alpha=%s beta=%s: %d draws, wall %.2f s (%.1f draws/s), CPU %.2f "
      "ms/draw "
      "(LP solve %.2f ms CPU/draw, %.1f cuts/draw, %.1f order-cone LPs/draw, %d cutting-plane "
      "solves); 10000 draws on 2 idle cores ~ %.0f s\n",
      n.c_str(), m.c_str(), alpha.c_str(), beta.c_str(), draws, total, draws / total,
      1e3 * cpu / draws, 1e3 * lp_time / draws, cuts / draws, static_cast<double>(steps) / draws,
      fallbacks, 10000 * cpu / draws / 2);
}
