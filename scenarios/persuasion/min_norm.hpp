// The 1-majorized point of a polymatroid base polytope (Lemma 2.7, Tamir 1995).
//
// For a base polytope B(G) the least-majorized (lexicographically optimal) base is its point of
// minimum Euclidean norm (Fujishige 1980), and it maximises every prefix sum Q_k of the k
// smallest coordinates at once. We find it with Wolfe's minimum-norm-point algorithm, which needs
// only linear optimisation over B(G): min_q <x, q> is the greedy vertex for the order of
// increasing x (Lemma 2.5), i.e. the receiver breaking ties in favour of the agents with the
// smallest current utility. The result keeps its corral (vertices = priority orders, convex
// weights), which is the selection rule realising it: use order t with probability λ_t.
#pragma once

#include <functional>
#include <span>
#include <vector>

namespace fairmc::persuasion {

struct Vertex {
  std::vector<int> priority;  // priority[i] = rank of agent i in the tie-break order
  std::vector<double> fake;   // the vertex of B(G) (the optimised utilities)
  std::vector<double> value;  // the true utilities of the same selection rule
};

struct MinNormResult {
  std::vector<double> x;  // minimum-norm point of B(G) in fake utilities
  std::vector<Vertex> corral;
  std::vector<double> lambda;
  std::vector<double> value;  // Σ λ_t value_t: true utilities of the mixed selection rule
  int iterations = 0;
  bool converged = false;
};

// oracle(priority) -> the greedy vertex (fake and true utilities) for that tie-break order.
using VertexOracle = std::function<Vertex(std::span<const int> priority)>;

// Priority ranks sorting agents by increasing x (ties by index): the minimiser of <x, q>.
std::vector<int> increasing_priority(std::span<const double> x);

MinNormResult min_norm_base(int n, const VertexOracle& oracle, int max_iterations = 0);

// Wolfe's algorithm on any polytope given by linear optimisation: oracle(x) returns a vertex q
// minimising <x, q.fake> (q.priority may be empty; vertices are then told apart by q.fake).
// min_norm_base is this with oracle(x) = vertex(increasing_priority(x)). Stops when Wolfe's gap
// ||x||² - <x, q> is at most `tolerance` times the first vertex's squared norm (the distance to
// the optimum is then at most sqrt(tolerance) relative), or when the best vertex repeats.
using LinearOracle = std::function<Vertex(std::span<const double> x)>;
MinNormResult min_norm_point(int n, const LinearOracle& oracle, int max_iterations = 0,
                             double tolerance = 1e-12);

}  // namespace fairmc::persuasion
