#include "scenarios/scf/transforms.hpp"

#include <cmath>

namespace fairmc::scf {

namespace {

// exp(U(log lo, log hi)), the logarithms passed in (computed once per transformation).
double log_uniform(Rng& rng, double log_lo, double log_hi) {
  return std::exp(log_lo + (log_hi - log_lo) * rng.uniform01());
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
  const double la = std::log(0.2), ha = std::log(5.0);
  const double lp = std::log(1.0 / 3.0), hp = std::log(3.0);
  const double a0 = log_uniform(rng, la, ha);
  const double b0 = has_offset ? -offset_scale * rng.uniform01() : 0.0;
  const double p0 = ordinal ? log_uniform(rng, lp, hp) : 1.0;
  for (std::size_t i = 0; i < agents; ++i) {
    t.a_[i] = per_agent_scale ? log_uniform(rng, la, ha) : a0;
    t.b_[i] = has_offset && per_agent_offset ? -offset_scale * rng.uniform01() : b0;
    t.p_[i] = ordinal && level == Level::onc ? log_uniform(rng, lp, hp) : p0;
  }
  return t;
}

void Transform::apply(std::span<const double> costs, std::span<double> out) const {
  const std::size_t n = costs.size();
  if (level_ == Level::onc || level_ == Level::olc) {
    for (std::size_t i = 0; i < n; ++i) out[i] = b_[i] - a_[i] * std::pow(-costs[i], p_[i]);
  } else {
    for (std::size_t i = 0; i < n; ++i) out[i] = a_[i] * costs[i] + b_[i];
  }
}

double Transform::apply(std::size_t agent, double cost) const {
  if (level_ == Level::onc || level_ == Level::olc) {
    return b_[agent] - a_[agent] * std::pow(-cost, p_[agent]);
  }
  return a_[agent] * cost + b_[agent];
}

}  // namespace fairmc::scf
