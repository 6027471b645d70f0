// How power's per-agent loops are vectorised (issue 19). The hot passes over the agents
// (fixed_point.cpp's accumulate_fixed and final_scalings, outcome_metrics.cpp's blocked Program 1
// passes) compute per-agent quantities in blocks of branch-free loops, then the sums in agent
// order. Marked FAIRMC_POWER_KERNEL, such a function is compiled twice, for AVX2 and for the
// x86-64 baseline (SSE2), and the one for this CPU is picked at load time (GCC's target_clones,
// an ifunc). Only whole IEEE operations are vectorised (add, mul, div, sqrt, compare, select:
// correctly rounded in every lane; AVX2 without FMA, so nothing is contracted, and the build is
// ISO C++, -ffp-contract=off) and sums over agents stay sequential, so both clones give the bits
// of the scalar code. The files using it are compiled with -fno-math-errno (CMakeLists.txt) so
// that std::sqrt vectorises: that only drops the errno store for negative arguments, whose result
// is NaN either way. Divisions dominate these loops: 4 lanes per vdivpd instead of 1 per divsd.
#pragma once

// Not under ThreadSanitizer: the clones' IFUNC resolvers run while the dynamic loader relocates,
// before TSan's runtime is up, and the instrumented resolver crashes every test binary at start.
#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__) && \
    !defined(FAIRMC_POWER_NO_CLONES) && !defined(__SANITIZE_THREAD__)
#define FAIRMC_POWER_KERNEL __attribute__((target_clones("avx2", "default")))
#else
#define FAIRMC_POWER_KERNEL
#endif
