// exp, log and pow over arrays, four lanes at a time where the build allows it.
//
// The scf draw spends most of its arithmetic in these functions (the Nash log-sums, the
// log-uniform scales and powers of the random transformations, the ordinal maps b - a (-c)^p).
// With FAIRMC_SCF_AVX2 (CMake option, on by default where the configuring machine has AVX2) they
// call glibc's libmvec AVX2 kernels (_ZGVdN4v_log, _ZGVdN4v_exp, _ZGVdN4vv_pow; within 4 ulp),
// otherwise the scalar glibc functions. The ISA is fixed at build time, never chosen per call or
// per machine, and every element goes through the same kernel whatever its position or the batch
// size (the kernels are lane-wise), so results are bit-identical for any thread count and any
// batching; they differ between the two builds in the last bits. An AVX2 build refuses to run on
// a CPU without AVX2 (std::runtime_error) rather than fault.
#pragma once

#include <cstddef>
#include <span>

namespace fairmc::scf::vmath {

// out[i] = log(x[i]); out may alias x.
void log(std::span<const double> x, std::span<double> out);
// out[i] = exp(x[i]); out may alias x.
void exp(std::span<const double> x, std::span<double> out);
// out[i] = pow(x[i], y[i]); out may alias x or y.
void pow(std::span<const double> x, std::span<const double> y, std::span<double> out);

// One value through the same kernels (a lane of a padded batch): equal to the batch result.
double log(double x);
double exp(double x);
double pow(double x, double y);

// "libmvec AVX2" or "glibc scalar": which kernels this build uses (for docs and bench output).
const char* kernels();

}  // namespace fairmc::scf::vmath
