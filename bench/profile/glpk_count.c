// LD_PRELOAD shim for profiling (scripts/bench-profile.sh): counts GLPK simplex calls, their
// simplex iterations and their time, and prints the totals at exit. Debian's libglpk has no
// symbols for its internals, so this is how the profile attributes time inside glp_simplex.
// Build: cc -O2 -shared -fPIC -o glpk_count.so glpk_count.c -ldl
#define _GNU_SOURCE
#include <dlfcn.h>
#include <glpk.h>
#include <stdatomic.h>
#include <stdio.h>
#include <time.h>

static _Atomic long problems, calls, iterations, factorizations;
static _Atomic double seconds;

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

int glp_simplex(glp_prob* P, const glp_smcp* parm) {
  static int (*real)(glp_prob*, const glp_smcp*);
  if (!real) real = (int (*)(glp_prob*, const glp_smcp*))dlsym(RTLD_NEXT, "glp_simplex");
  const int before = glp_get_it_cnt(P);
  const double t0 = now();
  const int r = real(P, parm);
  seconds += now() - t0;
  calls += 1;
  iterations += glp_get_it_cnt(P) - before;
  return r;
}

// One problem per solve_participatory call, i.e. per draw of the objective scenario.
glp_prob* glp_create_prob(void) {
  static glp_prob* (*real)(void);
  if (!real) real = (glp_prob * (*)(void)) dlsym(RTLD_NEXT, "glp_create_prob");
  problems += 1;
  return real();
}

int glp_factorize(glp_prob* P) {
  static int (*real)(glp_prob*);
  if (!real) real = (int (*)(glp_prob*))dlsym(RTLD_NEXT, "glp_factorize");
  factorizations += 1;
  return real(P);
}

__attribute__((destructor)) static void report(void) {
  const double lps = problems > 0 ? (double)problems : 1.0;
  fprintf(stderr,
          "glpk_count: %ld problems (LPs); per LP: %.2f glp_simplex calls, %.1f simplex "
          "iterations, %.3f ms inside glp_simplex (%.1f us per iteration), %.2f explicit "
          "glp_factorize calls\n",
          (long)problems, (double)calls / lps, (double)iterations / lps, 1e3 * seconds / lps,
          iterations ? 1e6 * seconds / (double)iterations : 0.0, (double)factorizations / lps);
}
