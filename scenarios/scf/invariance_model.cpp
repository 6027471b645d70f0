#include "scenarios/scf/invariance_model.hpp"

#include "engine/metric.hpp"
#include "scenarios/scf/distribution.hpp"
#include "scenarios/scf/invariance.hpp"
#include "scenarios/scf/outcome_keys.hpp"
#include "scenarios/scf/scf_settings.hpp"

#include <string>
#include <vector>

namespace fairmc::scf {

namespace {

// Per SCF and comparability level (Table I's cells).
constexpr Metric<InvarianceOutcome> kCellMetrics[] = {
    {"choice_changed_<scf>_<level>", "1",
     "invariance: 1 if the best outcome changed under a random transformation of the level "
     "(Definition 3)",
     [](const InvarianceOutcome& r) { return r.choice_changed ? 1.0 : 0.0; }},
    {"ranking_changed_<scf>_<level>", "1",
     "invariance: 1 if some strictly ranked pair of outcomes changed order",
     [](const InvarianceOutcome& r) { return r.ranking_changed ? 1.0 : 0.0; }},
};
static_assert(well_formed(kCellMetrics));
constexpr std::size_t kPerCell = std::size(kCellMetrics);

class InvarianceModel final : public Model {
 public:
  InvarianceModel(std::size_t agents, std::size_t outcomes, double lo, double hi,
                  Distribution weights, double offset_scale, ScfSettings settings,
                  std::vector<Level> levels)
      : agents_(agents),
        outcomes_(outcomes),
        lo_(lo),
        hi_(hi),
        weights_(weights),
        offset_scale_(offset_scale),
        settings_(std::move(settings)),
        levels_(std::move(levels)) {}

  std::vector<std::string> metrics() const override {
    std::vector<std::string> m;
    for (const Kind k : settings_.kinds)
      for (const Level l : levels_)
        append_names(m, kCellMetrics, {{"scf", info(k).name}, {"level", name(l)}});
    return m;
  }

  void run(const Draw& draw, std::span<double> out) const override {
    Rng pop = draw.stream(Substream::population);
    const CostProfile profile = CostProfile::sample(agents_, outcomes_, lo_, hi_, pop);
    std::vector<double> w(agents_);
    for (double& c : w) c = weights_.sample(pop);
    std::vector<SocialCost> scfs;
    for (const Kind k : settings_.kinds) scfs.push_back(settings_.make(k, w));
    // Every SCF's key of every outcome from shared per-outcome statistics; the original
    // profile's keys and sorted costs serve all levels.
    const OutcomeKeys keys(std::move(scfs));
    const std::size_t S = keys.scfs().size();
    const std::size_t L = levels_.size();
    std::vector<double> before, after;
    keys.compute(profile, before);
    WorstFirst sorted_before(profile);
    std::vector<RankingBefore> ranked(S);
    for (std::size_t s = 0; s < S; ++s) {
      ranked[s] = rank_before(keys.scfs()[s],
                              std::span<const double>(before.data() + s * outcomes_, outcomes_),
                              sorted_before);
    }
    CostProfile t(agents_, outcomes_);
    for (std::size_t li = 0; li < L; ++li) {
      const Level l = levels_[li];
      // One stream per level, so a level's transformation does not depend on the others chosen.
      Rng rng = draw.stream(static_cast<std::uint32_t>(Substream::first_free) +
                            static_cast<std::uint32_t>(l));
      profile.transform_into(Transform::sample(l, agents_, rng, offset_scale_), t);
      keys.compute(t, after);
      WorstFirst sorted_after(t);
      for (std::size_t s = 0; s < S; ++s) {
        const InvarianceOutcome r = compare_rankings(
            keys.scfs()[s], ranked[s],
            std::span<const double>(after.data() + s * outcomes_, outcomes_), sorted_after);
        write_values(kCellMetrics, r, out.subspan(kPerCell * (s * L + li)));
      }
    }
  }

  std::vector<std::pair<std::string, double>> constants() const override {
    // Table I's prediction per cell, except in trivially invariant cells: those where the SCF
    // with these parameters and agents degenerates to one invariant under the level although
    // Table I's SCF is not (one agent: every cell), marked table1_trivial_<scf>_<level> = 1.
    std::vector<std::pair<std::string, double>> c;
    for (const Kind k : settings_.kinds) {
      const SocialCost scf = settings_.make(k, {});
      const Level effective = scf.effective_level(agents_);
      for (const Level l : levels_) {
        const std::string tag = std::string(info(k).name) + "_" + std::string(name(l));
        const bool predicted = is_subgroup(l, info(k).level);
        if (agents_ <= 1 || (is_subgroup(l, effective) && !predicted)) {
          c.emplace_back("table1_trivial_" + tag, 1.0);
        } else {
          c.emplace_back("table1_invariant_" + tag, predicted ? 1.0 : 0.0);
        }
      }
    }
    return c;
  }

 private:
  std::size_t agents_;
  std::size_t outcomes_;
  double lo_, hi_;
  Distribution weights_;
  double offset_scale_;
  ScfSettings settings_;
  std::vector<Level> levels_;
};

std::vector<Level> read_levels(const Params& mech) {
  const std::vector<std::string> names = mech.texts("levels", {"all"});
  std::vector<Level> out;
  if (names.size() == 1 && names.front() == "all") return {all_levels.begin(), all_levels.end()};
  for (const std::string& name : names) {
    try {
      out.push_back(level_from_name(name));
    } catch (const std::invalid_argument& err) {
      mech.fail("levels", std::string(err.what()) +
                              "; accepted: onc, olc, cnc, cnc_ratio, cuc, cfc, rfc or all");
    }
  }
  if (out.empty()) mech.fail("levels", "lists no comparability level");
  return out;
}

}  // namespace

std::vector<Described> invariance_metrics() {
  return describe(kCellMetrics);
}

std::unique_ptr<const Model> make_invariance_model(const Params& p) {
  const Params pop = p.child("population");
  const Params mech = p.child("mechanism");
  pop.choice("sampler", {"negative_profiles"}, "negative_profiles");
  const auto agents = static_cast<std::size_t>(pop.integer("agents", 1, 100'000));
  const auto outcomes = static_cast<std::size_t>(pop.integer("outcomes", 10, 2, 10'000));
  const double lo = pop.number("cost_lo", 0.1, Range::positive());
  const double hi = pop.number("cost_hi", 1.0, Range::positive());
  if (!(hi > lo)) pop.fail("cost_hi", "must exceed cost_lo (costs are -U(cost_lo, cost_hi))");
  const Distribution weights =
      Distribution::read(pop.child("weights"), Distribution::uniform(0.5, 1.5), Range::positive());
  const double offset_scale = mech.number("offset_scale", 1.0, Range::nonnegative());
  ScfSettings settings =
      ScfSettings::read(mech, static_cast<double>(agents), agents - 1, [](Kind) { return true; });
  return std::make_unique<InvarianceModel>(agents, outcomes, lo, hi, weights, offset_scale,
                                           std::move(settings), read_levels(mech));
}

}  // namespace fairmc::scf
