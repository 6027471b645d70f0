// Element-wise square roots and divisions over a batch of agents, two at a time in SSE2 registers
// (x86-64's baseline). Per-agent loops that take a root and divide by it are bound by the latency
// of sqrtsd and divsd; the packed instructions halve the count. IEEE 754 rounds sqrt and division
// correctly in every lane, so the results are bit-identical to the scalar std::sqrt and `/`
// (issue 19); the accumulations that follow stay sequential, in agent order.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace fairmc::power::detail {

// For k = 0..count-1: root = sqrt(s[k]); c[k] = 1 / (root > floor ? root : floor) and
// free[k] = root > floor (false for a NaN root, as in the scalar comparison).
inline void capped_inverse_roots(const double* s, std::size_t count, double floor, double* c,
                                 bool* free) {
  std::size_t k = 0;
#if defined(__SSE2__)
  const __m128d f = _mm_set1_pd(floor), one = _mm_set1_pd(1.0);
  for (; k + 2 <= count; k += 2) {
    const __m128d root = _mm_sqrt_pd(_mm_loadu_pd(s + k));
    // maxpd returns its second operand unless the first is greater (also for NaN): the same
    // choice as `root > floor ? root : floor`.
    _mm_storeu_pd(c + k, _mm_div_pd(one, _mm_max_pd(root, f)));
    const int gt = _mm_movemask_pd(_mm_cmpgt_pd(root, f));
    free[k] = (gt & 1) != 0;
    free[k + 1] = (gt & 2) != 0;
  }
#endif
  for (; k < count; ++k) {
    const double root = std::sqrt(s[k]);
    free[k] = root > floor;
    c[k] = 1.0 / (free[k] ? root : floor);
  }
}

// For k = 0..count-1: root = sqrt(s[k]); c[k] = 1 / std::max(root, floor) (a NaN root stays NaN)
// and unclamped[k] = root > floor. s and c may be the same array.
inline void inverse_max_roots(const double* s, std::size_t count, double floor, double* c,
                              char* unclamped) {
  std::size_t k = 0;
#if defined(__SSE2__)
  const __m128d f = _mm_set1_pd(floor), one = _mm_set1_pd(1.0);
  for (; k + 2 <= count; k += 2) {
    const __m128d root = _mm_sqrt_pd(_mm_loadu_pd(s + k));
    // maxpd(f, root) = f > root ? f : root: std::max(root, floor), NaN root included.
    _mm_storeu_pd(c + k, _mm_div_pd(one, _mm_max_pd(f, root)));
    const int gt = _mm_movemask_pd(_mm_cmpgt_pd(root, f));
    unclamped[k] = static_cast<char>((gt & 1) != 0);
    unclamped[k + 1] = static_cast<char>((gt & 2) != 0);
  }
#endif
  for (; k < count; ++k) {
    const double root = std::sqrt(s[k]);
    unclamped[k] = root > floor;
    c[k] = 1.0 / std::max(root, floor);
  }
}

// out[k] = sqrt(in[k]) for k = 0..count-1 (in and out may be the same array).
inline void sqrt_batch(const double* in, double* out, std::size_t count) {
  std::size_t k = 0;
#if defined(__SSE2__)
  for (; k + 2 <= count; k += 2) _mm_storeu_pd(out + k, _mm_sqrt_pd(_mm_loadu_pd(in + k)));
#endif
  for (; k < count; ++k) out[k] = std::sqrt(in[k]);
}

}  // namespace fairmc::power::detail
