#include "scenarios/scf/vector_math.hpp"

#include <cmath>
#include <stdexcept>

#if defined(FAIRMC_SCF_AVX2)
#if !defined(__x86_64__)
#error "FAIRMC_SCF_AVX2 needs x86-64"
#endif
#include <immintrin.h>

// glibc's libmvec, vector-function ABI names (x86-64 "d" = AVX2, 4 doubles).
extern "C" {
__m256d _ZGVdN4v_log(__m256d);
__m256d _ZGVdN4v_exp(__m256d);
__m256d _ZGVdN4vv_pow(__m256d, __m256d);
}
#endif

namespace fairmc::scf::vmath {

#if defined(FAIRMC_SCF_AVX2)

namespace {

void require_avx2() {
  // One load and branch: the CPU features are read once by libgcc at start-up.
  if (!__builtin_cpu_supports("avx2") || !__builtin_cpu_supports("fma")) {
    throw std::runtime_error(
        "fairmc was built with FAIRMC_SCF_AVX2=ON but this CPU has no AVX2/FMA; rebuild with "
        "-DFAIRMC_SCF_AVX2=OFF (scf results then differ in the last bits)");
  }
}

// Only the functions below are compiled for AVX2; the CPU check above and the rest of fairmc stay
// baseline x86-64, so that the check runs (and reports) anywhere.
#pragma GCC push_options
#pragma GCC target("avx2,fma")

// Full blocks of four straight from the arrays, the tail through a block padded with 1.0
// (harmless for every kernel); each lane's result depends on that lane's inputs only.
template <class F>
void unary(std::span<const double> x, std::span<double> out, F f) {
  require_avx2();
  const std::size_t n = x.size();
  std::size_t i = 0;
  for (; i + 4 <= n; i += 4) _mm256_storeu_pd(out.data() + i, f(_mm256_loadu_pd(x.data() + i)));
  if (i < n) {
    alignas(32) double buf[4] = {1.0, 1.0, 1.0, 1.0};
    for (std::size_t j = i; j < n; ++j) buf[j - i] = x[j];
    _mm256_store_pd(buf, f(_mm256_load_pd(buf)));
    for (std::size_t j = i; j < n; ++j) out[j] = buf[j - i];
  }
}

__m256d log4(__m256d v) {
  return _ZGVdN4v_log(v);
}
__m256d exp4(__m256d v) {
  return _ZGVdN4v_exp(v);
}

}  // namespace

void log(std::span<const double> x, std::span<double> out) {
  unary(x, out, log4);
}
void exp(std::span<const double> x, std::span<double> out) {
  unary(x, out, exp4);
}

void pow(std::span<const double> x, std::span<const double> y, std::span<double> out) {
  require_avx2();
  const std::size_t n = x.size();
  std::size_t i = 0;
  for (; i + 4 <= n; i += 4) {
    _mm256_storeu_pd(out.data() + i,
                     _ZGVdN4vv_pow(_mm256_loadu_pd(x.data() + i), _mm256_loadu_pd(y.data() + i)));
  }
  if (i < n) {
    alignas(32) double bx[4] = {1.0, 1.0, 1.0, 1.0};
    alignas(32) double by[4] = {1.0, 1.0, 1.0, 1.0};
    for (std::size_t j = i; j < n; ++j) {
      bx[j - i] = x[j];
      by[j - i] = y[j];
    }
    _mm256_store_pd(bx, _ZGVdN4vv_pow(_mm256_load_pd(bx), _mm256_load_pd(by)));
    for (std::size_t j = i; j < n; ++j) out[j] = bx[j - i];
  }
}

const char* kernels() {
  return "libmvec AVX2";
}

#pragma GCC pop_options

#else

void log(std::span<const double> x, std::span<double> out) {
  for (std::size_t i = 0; i < x.size(); ++i) out[i] = std::log(x[i]);
}
void exp(std::span<const double> x, std::span<double> out) {
  for (std::size_t i = 0; i < x.size(); ++i) out[i] = std::exp(x[i]);
}
void pow(std::span<const double> x, std::span<const double> y, std::span<double> out) {
  for (std::size_t i = 0; i < x.size(); ++i) out[i] = std::pow(x[i], y[i]);
}

const char* kernels() {
  return "glibc scalar";
}

#endif

double log(double x) {
  log(std::span<const double>(&x, 1), std::span<double>(&x, 1));
  return x;
}
double exp(double x) {
  exp(std::span<const double>(&x, 1), std::span<double>(&x, 1));
  return x;
}
double pow(double x, double y) {
  pow(std::span<const double>(&x, 1), std::span<const double>(&y, 1), std::span<double>(&x, 1));
  return x;
}

}  // namespace fairmc::scf::vmath
