// Levels of interpersonal comparability (Section III-A) as groups of invariance transformations.
//
// A level is the set of transformations phi_i of the agents' costs under which the social ranking
// must not change (Definition 3). Besides the paper's four levels (OLC, CNC, CUC, CFC) we keep the
// refinements the paper uses or implies: CNC with b_i = 0 (the ratio-scale case of Theorem 1 and
// Table I), ratio-scale full comparability (a common a > 0, b = 0) and ordinal non-comparability
// (Arrow's setting, where only a dictatorship survives).
#pragma once

#include <array>
#include <string_view>

namespace fairmc::scf {

enum class Level {
  onc,        // per-agent strictly increasing phi_i (ordinal non-comparability)
  olc,        // common strictly increasing phi (OLC)
  cnc,        // a_i J_i + b_i, a_i > 0 (CNC)
  cnc_ratio,  // a_i J_i, a_i > 0 (CNC with b_i = 0, Theorem 1)
  cuc,        // a J_i + b_i, a > 0 (CUC)
  cfc,        // a J_i + b, a > 0 (CFC)
  rfc,        // a J_i, a > 0 (ratio-scale full comparability)
};

inline constexpr std::array<Level, 7> all_levels{
    Level::onc, Level::olc, Level::cnc, Level::cnc_ratio, Level::cuc, Level::cfc, Level::rfc};

std::string_view name(Level level);
// The transformations the level admits, in words (for `fairmc list` and the docs).
std::string_view describe(Level level);
// Inverse of name(); throws std::invalid_argument for an unknown name.
Level level_from_name(std::string_view text);

// True when every transformation of `sub` is also a transformation of `super` (Figure 2's nesting:
// rfc ⊂ cfc ⊂ cuc ⊂ cnc ⊂ onc, rfc ⊂ cnc_ratio ⊂ cnc, cfc ⊂ olc ⊂ onc). An SCF whose ranking is
// invariant under `super` is therefore invariant under `sub`.
bool is_subgroup(Level sub, Level super);

}  // namespace fairmc::scf
