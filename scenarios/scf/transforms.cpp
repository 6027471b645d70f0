#include "scenarios/scf/transforms.hpp"

#include "scenarios/scf/vector_math.hpp"

#include <cmath>

namespace fairmc::scf {

Transform Transform::sample(Level level, std::size_t agents, Rng& rng, double offset_scale) {
  Transform t;
  t.level_ = level;
  const bool per_agent_scale =
      level == Level::onc || level == Level::cnc || level == Level::cnc_ratio;
  const bool per_agent_offset = per_agent_scale || level == Level::cuc;
  const bool has_offset = level != Level::cnc_ratio && level != Level::rfc;
  const bool ordinal = level == Level::onc || level == Level::olc;
  const bool per_agent_power = level == Level::onc;
  t.a_.resize(agents);
  t.b_.resize(agents, 0.0);
  t.p_.resize(agents, 1.0);
  const double la = std::log(0.2), ha = std::log(5.0);
  const double lp = std::log(1.0 / 3.0), hp = std::log(3.0);
  // The uniforms in the order of one pass (a0, b0, p0, then per agent a_i, b_i, p_i); the
  // log-uniform variates exp(log lo + (log hi - log lo) u) are exponentiated afterwards in batches.
  const double a0 = vmath::exp(la + (ha - la) * rng.uniform01());
  const double b0 = has_offset ? -offset_scale * rng.uniform01() : 0.0;
  const double p0 = ordinal ? vmath::exp(lp + (hp - lp) * rng.uniform01()) : 1.0;
  for (std::size_t i = 0; i < agents; ++i) {
    t.a_[i] = per_agent_scale ? la + (ha - la) * rng.uniform01() : a0;
    t.b_[i] = has_offset && per_agent_offset ? -offset_scale * rng.uniform01() : b0;
    t.p_[i] = per_agent_power ? lp + (hp - lp) * rng.uniform01() : p0;
  }
  if (per_agent_scale) vmath::exp(t.a_, t.a_);
  if (per_agent_power) vmath::exp(t.p_, t.p_);
  return t;
}

void Transform::apply(std::span<const double> costs, std::span<double> out) const {
  const std::size_t n = costs.size();
  if (level_ == Level::onc || level_ == Level::olc) {
    // out = b - a (-c)^p: the powers in one batch, then the affine part.
    for (std::size_t i = 0; i < n; ++i) out[i] = -costs[i];
    vmath::pow(out.first(n), std::span<const double>(p_).first(n), out.first(n));
    for (std::size_t i = 0; i < n; ++i) out[i] = b_[i] - a_[i] * out[i];
  } else {
    for (std::size_t i = 0; i < n; ++i) out[i] = a_[i] * costs[i] + b_[i];
  }
}

double Transform::apply(std::size_t agent, double cost) const {
  if (level_ == Level::onc || level_ == Level::olc) {
    return b_[agent] - a_[agent] * vmath::pow(-cost, p_[agent]);
  }
  return a_[agent] * cost + b_[agent];
}

}  // namespace fairmc::scf
