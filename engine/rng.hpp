// Counter-based random streams (DESIGN.md "Randomness").
//
// A stream is Philox4x32-10 keyed by a 64-bit point key (a hash of the master seed and the
// canonical parameters of the sweep point) with counter (draw index, substream, position).
// Any (point, draw, substream) gets its own stream, so results never depend on which thread
// or MPI rank computes a draw. Rng is a UniformRandomBitGenerator: Boost.Random and <random>
// distributions work on top of it.
#pragma once

#include <Random123/philox.h>

#include <array>
#include <cstdint>
#include <limits>
#include <string_view>

namespace fairmc {

// Named substreams of one draw. Scenarios may use further ids (>= first_free) for extra
// independent streams; the numbers are part of the results' reproducibility contract.
enum class Substream : std::uint32_t {
  population = 0,
  mechanism = 1,
  tiebreak = 2,
  first_free = 16,
};

class Rng {
 public:
  using result_type = std::uint32_t;
  static constexpr result_type min() { return 0; }
  static constexpr result_type max() { return std::numeric_limits<result_type>::max(); }

  Rng(std::uint64_t key, std::uint64_t draw, std::uint32_t substream) {
    key_ = {{static_cast<std::uint32_t>(key), static_cast<std::uint32_t>(key >> 32)}};
    ctr_ = {
        {0u, substream, static_cast<std::uint32_t>(draw), static_cast<std::uint32_t>(draw >> 32)}};
  }
  Rng(std::uint64_t key, std::uint64_t draw, Substream s)
      : Rng(key, draw, static_cast<std::uint32_t>(s)) {}

  result_type operator()() {
    if (pos_ == 4) refill();
    return buf_[pos_++];
  }

  // Uniform on [0, 1) with 53 random bits.
  double uniform01() {
    const std::uint64_t hi = (*this)() >> 5;  // 27 bits
    const std::uint64_t lo = (*this)() >> 6;  // 26 bits
    return static_cast<double>((hi << 26) | lo) * 0x1.0p-53;
  }
  // Uniform on (0, 1): safe for log().
  double uniform_open01() {
    double u;
    do u = uniform01();
    while (u == 0.0);
    return u;
  }

 private:
  using Philox = r123::Philox4x32_R<10>;
  void refill() {
    const Philox::ctr_type out = Philox{}(ctr_, key_);
    for (int i = 0; i < 4; ++i) buf_[i] = out.v[i];
    ++ctr_.v[0];  // 2^32 blocks of 4 words per (draw, substream): never exhausted in practice
    pos_ = 0;
  }
  Philox::key_type key_{};
  Philox::ctr_type ctr_{};
  std::array<std::uint32_t, 4> buf_{};
  int pos_ = 4;
};

// Stable 64-bit hash (FNV-1a followed by the SplitMix64 finalizer); used to derive stream keys.
constexpr std::uint64_t mix64(std::uint64_t z) {
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}
constexpr std::uint64_t stable_hash(std::string_view text, std::uint64_t seed = 0) {
  std::uint64_t h = 0xcbf29ce484222325ULL ^ mix64(seed);
  for (const char c : text) {
    h ^= static_cast<unsigned char>(c);
    h *= 0x100000001b3ULL;
  }
  return mix64(h);
}

// Key of a sweep point: master seed combined with the point's canonical parameter text.
constexpr std::uint64_t point_key(std::uint64_t seed, std::string_view canonical_params) {
  return stable_hash(canonical_params, seed);
}

}  // namespace fairmc
