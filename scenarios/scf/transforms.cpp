#include "scenarios/scf/transforms.hpp"

#include <cmath>

namespace fairmc::scf {

namespace {

double log_uniform(Rng& rng, double lo, double hi) {
  return std::exp(std::log(lo) + (std::log(hi) - std::log(lo)) * rng.uniform01());
}

}  // namespace

Transform Transform::sample(Level level, std::size_t agents, Rng& rng, double offset_scale) {
  Transform t;
  t.level_ = level;
  const bool per_agent_scale =
      level == Level::onc || level == Level::cnc || level == Level::cnc_ratio;
  const bool per_agent_offset = per_agent_scale || level == Level::cuc;
  const bool has_offset = level != Level::cnc_ratio && level != Level::rfc;
  const bool ordinal = level == Level::onc || level == Level::olc;
  t.a_.resize(agents);
  t.b_.resize(agents, 0.0);
  t.p_.resize(agents, 1.0);
  const double a0 = log_uniform(rng, 0.2, 5.0);
  const double b0 = has_offset ? -offset_scale * rng.uniform01() : 0.0;
  const double p0 = ordinal ? log_uniform(rng, 1.0 / 3.0, 3.0) : 1.0;
  for (std::size_t i = 0; i < agents; ++i) {
    t.a_[i] = per_agent_scale ? log_uniform(rng, 0.2, 5.0) : a0;
    t.b_[i] = has_offset && per_agent_offset ? -offset_scale * rng.uniform01() : b0;
    t.p_[i] = ordinal && level == Level::onc ? log_uniform(rng, 1.0 / 3.0, 3.0) : p0;
  }
  return t;
}

double Transform::apply(std::size_t agent, double cost) const {
  if (level_ == Level::onc || level_ == Level::olc) {
    return b_[agent] - a_[agent] * std::pow(-cost, p_[agent]);
  }
  return a_[agent] * cost + b_[agent];
}

}  // namespace fairmc::scf
