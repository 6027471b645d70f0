#include "scenarios/persuasion/exact_alpha.hpp"

#include "scenarios/persuasion/lp.hpp"
#include "scenarios/persuasion/majorization.hpp"
#include "scenarios/persuasion/signaling.hpp"
#include "scenarios/persuasion/utility_oracle.hpp"

#include <glpk.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <memory>
#include <numeric>

namespace fairmc::persuasion {
namespace {

constexpr double kFeasTol = 1e-12;

struct ProbDeleter {
  void operator()(glp_prob* p) const { glp_delete_prob(p); }
};

void add_vertex(std::vector<std::vector<double>>& out, std::vector<double> p) {
  for (double& x : p)
    if (x < kFeasTol) x = 0.0;
  const double s = std::accumulate(p.begin(), p.end(), 0.0);
  for (double& x : p) x /= s;
  for (const auto& q : out) {
    double d = 0.0;
    for (std::size_t k = 0; k < p.size(); ++k) d = std::max(d, std::abs(p[k] - q[k]));
    if (d < 1e-12) return;
  }
  out.push_back(std::move(p));
}

bool same_prior(const DiscretePrior& a, const DiscretePrior& b) {
  return a.values == b.values && a.probs == b.probs;
}

// f(S + i) = f(S + j) for every S avoiding i and j: f is invariant under the transposition.
bool swap_invariant(const Polymatroid& f, int i, int j) {
  const int m = f.size();
  std::vector<int> others;
  for (int a = 0; a < m; ++a)
    if (a != i && a != j) others.push_back(a);
  std::vector<int> set;
  for (std::uint64_t mask = 0; mask < (std::uint64_t{1} << others.size()); ++mask) {
    set.clear();
    for (std::size_t b = 0; b < others.size(); ++b)
      if (mask >> b & 1U) set.push_back(others[b]);
    set.push_back(i);
    const double fi = f.rank(set);
    set.back() = j;
    const double fj = f.rank(set);
    if (std::abs(fi - fj) > 1e-12 * std::max(1.0, std::abs(fi))) return false;
  }
  return true;
}

// One class of exchangeable agents inside a component, with its candidate bucket distributions.
struct Class {
  int component = 0;
  std::vector<int> local;   // indices inside the component
  std::vector<int> global;  // agent indices
  std::vector<std::vector<double>> vertices;
};

// Steps a nondecreasing index list over {0..count-1} to the next multiset (lexicographic); false
// (and back to all zeros) after the last one. Generated on the fly: millions of them are visited.
bool next_multiset(std::vector<int>& cur, int count) {
  auto pos = static_cast<std::ptrdiff_t>(cur.size()) - 1;
  while (pos >= 0 && cur[static_cast<std::size_t>(pos)] == count - 1) --pos;
  if (pos < 0) {
    std::fill(cur.begin(), cur.end(), 0);
    return false;
  }
  const int v = cur[static_cast<std::size_t>(pos)] + 1;
  for (auto q = static_cast<std::size_t>(pos); q < cur.size(); ++q) cur[q] = v;
  return true;
}

double binomial(double n, double k) {
  double r = 1.0;
  for (int i = 1; i <= static_cast<int>(k); ++i) r = r * (n - k + i) / i;
  return r;
}

// max over vertex profiles of Ĝ_v(λ) for one component, and the maximising utility vector.
class ComponentOracle {
 public:
  ComponentOracle(const Component& comp, std::vector<const Class*> classes, const Buckets& buckets)
      : comp_(comp), classes_(std::move(classes)), buckets_(buckets) {
    if (const auto k = comp_.rank->uniform_capacity())
      oracle_ = std::make_unique<MatroidDpOracle>(*k);
    else
      oracle_ = std::make_unique<EnumerationOracle>(comp_.rank);
    for (const Class* c : classes_)
      count_ *= binomial(static_cast<double>(c->vertices.size() + c->local.size() - 1),
                         static_cast<double>(c->local.size()));
  }

  std::uint64_t profiles() const {
    return static_cast<std::uint64_t>(std::min(std::round(count_), 1e18));
  }

  // Returns max value; writes the component's utilities to `y` (global indices; spread evenly
  // inside each class, which is all the caller uses: class sums). The class sums of every profile
  // depend on λ only through the tie-break order, so they are cached per order (at most
  // kCacheDoubles in all): later oracle calls with the same order are a max over the cache.
  double best(const std::vector<double>& lambda, std::vector<double>& y) {
    const auto m = comp_.agents.size();
    std::vector<int> order(m);
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(), [&](int a, int b) {
      return lambda[static_cast<std::size_t>(comp_.agents[static_cast<std::size_t>(a)])] >
             lambda[static_cast<std::size_t>(comp_.agents[static_cast<std::size_t>(b)])];
    });
    std::vector<int> priority(m);
    for (std::size_t t = 0; t < m; ++t)
      priority[static_cast<std::size_t>(order[t])] = static_cast<int>(t);
    const std::size_t nc = classes_.size();
    std::vector<double> class_lambda(nc);
    for (std::size_t c = 0; c < nc; ++c)
      class_lambda[c] = lambda[static_cast<std::size_t>(classes_[c]->global.front())];

    auto hit = cache_.find(priority);
    if (hit == cache_.end()) {
      std::vector<double> sums;
      const bool keep = cached_ + profiles() * nc <= kCacheDoubles;
      if (keep) sums.reserve(profiles() * nc);
      Mapping mapping(1);
      mapping[0].agents.resize(m);
      std::vector<std::vector<int>> pick;
      for (const Class* c : classes_) pick.emplace_back(c->local.size(), 0);
      double best_value = -1.0;
      std::vector<double> best_sums(nc), cur(nc);
      while (true) {
        for (std::size_t c = 0; c < nc; ++c) {
          const auto& ms = pick[c];
          for (std::size_t a = 0; a < ms.size(); ++a) {
            const auto& p = classes_[c]->vertices[static_cast<std::size_t>(ms[a])];
            auto& sig = mapping[0].agents[static_cast<std::size_t>(classes_[c]->local[a])];
            sig.clear();
            for (std::size_t k = 0; k < p.size(); ++k)
              if (p[k] > 0.0) {
                const double mk = buckets_.canonical(static_cast<int>(k));
                sig.push_back({p[k], mk, mk, mk});
              }
          }
        }
        const Expected e = oracle_->evaluate(mapping, priority);
        double v = 0.0;
        for (std::size_t c = 0; c < nc; ++c) {
          cur[c] = 0.0;
          for (const int a : classes_[c]->local) cur[c] += e.value[static_cast<std::size_t>(a)];
          v += class_lambda[c] * cur[c];
        }
        if (keep) sums.insert(sums.end(), cur.begin(), cur.end());
        if (v > best_value) {
          best_value = v;
          best_sums = cur;
        }
        // Odometer over the classes' multisets.
        std::size_t c = 0;
        while (c < nc && !next_multiset(pick[c], static_cast<int>(classes_[c]->vertices.size())))
          ++c;
        if (c == pick.size()) break;
      }
      if (keep) {
        cached_ += sums.size();
        cache_.emplace(priority, std::move(sums));
      }
      spread(best_sums, y);
      return best_value;
    }
    const std::vector<double>& sums = hit->second;
    double best_value = -1.0;
    std::size_t arg = 0;
    for (std::size_t at = 0; at < sums.size(); at += nc) {
      double v = 0.0;
      for (std::size_t c = 0; c < nc; ++c) v += class_lambda[c] * sums[at + c];
      if (v > best_value) {
        best_value = v;
        arg = at;
      }
    }
    spread(std::vector<double>(sums.begin() + static_cast<std::ptrdiff_t>(arg),
                               sums.begin() + static_cast<std::ptrdiff_t>(arg + nc)),
           y);
    return best_value;
  }

 private:
  const Component& comp_;
  std::vector<const Class*> classes_;
  const Buckets& buckets_;
  std::unique_ptr<UtilityOracle> oracle_;
  double count_ = 1.0;  // profiles: Π_c C(|V_c| + |c| - 1, |c|)
  static constexpr std::uint64_t kCacheDoubles = 8'000'000;  // 64 MB
  std::map<std::vector<int>, std::vector<double>> cache_;
  std::uint64_t cached_ = 0;

  void spread(const std::vector<double>& class_sums, std::vector<double>& y) const {
    for (std::size_t c = 0; c < classes_.size(); ++c)
      for (const int a : classes_[c]->global)
        y[static_cast<std::size_t>(a)] =
            class_sums[c] / static_cast<double>(classes_[c]->global.size());
  }
};

}  // namespace

std::optional<std::vector<std::vector<double>>> bucket_polytope_vertices(const DiscretePrior& prior,
                                                                         const Buckets& buckets) {
  const int K = buckets.count();
  std::vector<std::vector<double>> out;
  const double c = prior.mean();
  if (prior.values.size() == 1) {
    std::vector<double> e(static_cast<std::size_t>(K), 0.0);
    e[static_cast<std::size_t>(buckets.index(c))] = 1.0;
    out.push_back(std::move(e));
    return out;
  }
  if (prior.values.size() != 2) return std::nullopt;
  // Any distribution on [a, b] with mean c is a garbling of the two-point prior (convex order),
  // so Π = {p : Σ p_k l_k <= c <= Σ p_k h_k} over the buckets meeting [a, b], where [l_k, h_k]
  // is the closure of I_k ∩ [a, b]. Its vertices have support <= 3 (simplex cut by 2 halfspaces).
  const double a = prior.values[0], b = prior.values[1];
  std::vector<int> use;
  std::vector<double> l(static_cast<std::size_t>(K)), h(static_cast<std::size_t>(K));
  for (int k = 0; k < K; ++k) {
    const double lo = std::max(buckets.lower(k), a);
    const double hi = std::min(buckets.upper(k), b);
    if (lo > hi) continue;
    l[static_cast<std::size_t>(k)] = lo;
    h[static_cast<std::size_t>(k)] = hi;
    use.push_back(k);
  }
  const auto feasible = [&](const std::vector<double>& p) {
    double L = 0.0, H = 0.0;
    for (std::size_t k = 0; k < p.size(); ++k) {
      if (p[k] < -kFeasTol) return false;
      L += p[k] * l[k];
      H += p[k] * h[k];
    }
    const double tol = 1e-11 * std::max(1.0, c);
    return L <= c + tol && H >= c - tol;
  };
  const auto zero = std::vector<double>(static_cast<std::size_t>(K), 0.0);
  for (const int k : use) {
    auto p = zero;
    p[static_cast<std::size_t>(k)] = 1.0;
    if (feasible(p)) add_vertex(out, p);
  }
  for (std::size_t x = 0; x < use.size(); ++x)
    for (std::size_t y = x + 1; y < use.size(); ++y) {
      const auto j = static_cast<std::size_t>(use[x]), k = static_cast<std::size_t>(use[y]);
      // p = (1-t) e_j + t e_k: L(t) <= c and H(t) >= c, both increasing in t.
      double t_lo = 0.0, t_hi = 1.0;
      if (l[k] > l[j]) t_hi = std::min(t_hi, (c - l[j]) / (l[k] - l[j]));
      if (h[k] > h[j]) t_lo = std::max(t_lo, (c - h[j]) / (h[k] - h[j]));
      if (t_lo > t_hi + 1e-15) continue;
      for (const double t : {t_lo, t_hi}) {
        auto p = zero;
        p[j] = 1.0 - t;
        p[k] = t;
        if (feasible(p)) add_vertex(out, p);
      }
    }
  for (std::size_t x = 0; x < use.size(); ++x)
    for (std::size_t y = x + 1; y < use.size(); ++y)
      for (std::size_t z = y + 1; z < use.size(); ++z) {
        const std::size_t idx[3] = {static_cast<std::size_t>(use[x]),
                                    static_cast<std::size_t>(use[y]),
                                    static_cast<std::size_t>(use[z])};
        // Solve p_1 + p_2 + p_3 = 1, Σ p l = c, Σ p h = c (Cramer's rule).
        double A[3][3], rhs[3] = {1.0, c, c};
        for (int r = 0; r < 3; ++r) {
          A[0][r] = 1.0;
          A[1][r] = l[idx[r]];
          A[2][r] = h[idx[r]];
        }
        const auto det = [](const double M[3][3]) {
          return M[0][0] * (M[1][1] * M[2][2] - M[1][2] * M[2][1]) -
                 M[0][1] * (M[1][0] * M[2][2] - M[1][2] * M[2][0]) +
                 M[0][2] * (M[1][0] * M[2][1] - M[1][1] * M[2][0]);
        };
        const double D = det(A);
        if (std::abs(D) < 1e-14) continue;
        auto p = zero;
        bool pos = true;
        for (int r = 0; r < 3; ++r) {
          double M[3][3];
          for (int i = 0; i < 3; ++i)
            for (int j = 0; j < 3; ++j) M[i][j] = j == r ? rhs[i] : A[i][j];
          const double v = det(M) / D;
          if (v < -1e-12) pos = false;
          p[idx[r]] = std::max(0.0, v);
        }
        if (pos && feasible(p)) add_vertex(out, p);
      }
  return out;
}

std::vector<std::vector<int>> exchangeable_agent_classes(const std::vector<DiscretePrior>& priors,
                                                         const Polymatroid& f) {
  std::shared_ptr<const Polymatroid> self(&f, [](const Polymatroid*) {});
  std::vector<std::vector<int>> out;
  for (const Component& comp : f.components(self)) {
    const auto m = static_cast<int>(comp.agents.size());
    const bool symmetric = comp.rank->uniform_capacity().has_value();
    std::vector<std::vector<int>> local;
    for (int a = 0; a < m; ++a) {
      const auto& pa = priors[static_cast<std::size_t>(comp.agents[static_cast<std::size_t>(a)])];
      bool placed = false;
      for (auto& cls : local) {
        const int r = cls.front();
        if (!same_prior(pa,
                        priors[static_cast<std::size_t>(comp.agents[static_cast<std::size_t>(r)])]))
          continue;
        if (!symmetric && (m > 14 || !swap_invariant(*comp.rank, r, a))) continue;
        cls.push_back(a);
        placed = true;
        break;
      }
      if (!placed) local.push_back({a});
    }
    for (auto& cls : local) {
      for (int& a : cls) a = comp.agents[static_cast<std::size_t>(a)];
      out.push_back(std::move(cls));
    }
  }
  return out;
}

ExactPrefix exact_best_prefix(const std::vector<DiscretePrior>& priors,
                              std::shared_ptr<const Polymatroid> f, const Buckets& buckets,
                              const ExactSettings& settings) {
  ExactPrefix res;
  const auto n = static_cast<int>(priors.size());
  const std::vector<Component> comps = f->components(f);
  // Classes, per component (exchangeable_agent_classes keeps them inside one component).
  std::vector<Class> classes;
  for (std::size_t ci = 0; ci < comps.size(); ++ci) {
    const Component& comp = comps[ci];
    std::vector<DiscretePrior> local_priors;
    for (const int a : comp.agents) local_priors.push_back(priors[static_cast<std::size_t>(a)]);
    std::vector<std::vector<int>> found;
    if (settings.symmetry) {
      found = exchangeable_agent_classes(local_priors, *comp.rank);
    } else {
      for (int a = 0; a < static_cast<int>(comp.agents.size()); ++a) found.push_back({a});
    }
    for (auto& cls : found) {
      Class c;
      c.component = static_cast<int>(ci);
      c.local = cls;
      for (const int a : cls) c.global.push_back(comp.agents[static_cast<std::size_t>(a)]);
      auto v =
          bucket_polytope_vertices(local_priors[static_cast<std::size_t>(cls.front())], buckets);
      if (!v) {
        res.reason = "prior with more than two values (bucket polytope not enumerated)";
        return res;
      }
      c.vertices = std::move(*v);
      classes.push_back(std::move(c));
    }
  }
  std::vector<ComponentOracle> oracles;
  oracles.reserve(comps.size());
  double work = 0.0;
  for (std::size_t ci = 0; ci < comps.size(); ++ci) {
    std::vector<const Class*> mine;
    double count = 1.0;
    for (const Class& c : classes)
      if (c.component == static_cast<int>(ci)) {
        mine.push_back(&c);
        count *= binomial(static_cast<double>(c.vertices.size() + c.local.size() - 1),
                          static_cast<double>(c.local.size()));
      }
    const double m = static_cast<double>(comps[ci].agents.size());
    const double per =
        comps[ci].rank->uniform_capacity() ? m * m * buckets.count() : std::pow(3.0, m) * m;
    work += count * per;
    if (work > static_cast<double>(settings.max_work)) {
      res.reason = "too many vertex profiles for the work budget";
      return res;
    }
    oracles.emplace_back(comps[ci], std::move(mine), buckets);
    res.profiles += oracles.back().profiles();
  }

  std::vector<double> lambda(static_cast<std::size_t>(n));
  std::vector<double> y(static_cast<std::size_t>(n));
  const auto oracle = [&](const std::vector<double>& class_lambda) {
    for (std::size_t c = 0; c < classes.size(); ++c)
      for (const int a : classes[c].global) lambda[static_cast<std::size_t>(a)] = class_lambda[c];
    double h = 0.0;
    for (auto& o : oracles) h += o.best(lambda, y);
    ++res.oracle_calls;
    std::vector<double> Y(classes.size(), 0.0);
    for (std::size_t c = 0; c < classes.size(); ++c)
      for (const int a : classes[c].global) Y[c] += y[static_cast<std::size_t>(a)];
    return std::pair{h, Y};
  };

  use_glpk_on_this_thread();
  std::unique_ptr<glp_prob, ProbDeleter> lp(glp_create_prob());
  glp_set_obj_dir(lp.get(), GLP_MIN);
  const auto nc = static_cast<int>(classes.size());
  glp_add_cols(lp.get(), nc + 1);  // λ_1..λ_C, t
  for (int c = 1; c <= nc; ++c) glp_set_col_bnds(lp.get(), c, GLP_DB, 0.0, 1.0);
  glp_set_col_bnds(lp.get(), nc + 1, GLP_FR, 0.0, 0.0);
  glp_set_obj_coef(lp.get(), nc + 1, 1.0);
  glp_add_rows(lp.get(), 1);  // Σ_c |class c| λ_c = k
  {
    std::vector<int> idx{0};
    std::vector<double> val{0.0};
    for (int c = 1; c <= nc; ++c) {
      idx.push_back(c);
      val.push_back(static_cast<double>(classes[static_cast<std::size_t>(c - 1)].global.size()));
    }
    glp_set_mat_row(lp.get(), 1, nc, idx.data(), val.data());
  }
  const auto add_cut = [&](const std::vector<double>& Y) {  // t - Σ Y_c λ_c >= 0
    const int r = glp_add_rows(lp.get(), 1);
    std::vector<int> idx{0};
    std::vector<double> val{0.0};
    for (int c = 1; c <= nc; ++c) {
      idx.push_back(c);
      val.push_back(-Y[static_cast<std::size_t>(c - 1)]);
    }
    idx.push_back(nc + 1);
    val.push_back(1.0);
    glp_set_mat_row(lp.get(), r, nc + 1, idx.data(), val.data());
    glp_set_row_bnds(lp.get(), r, GLP_LO, 0.0, 0.0);
  };
  const auto [h_half, Y_half] = oracle(std::vector<double>(classes.size(), 0.5));
  add_cut(Y_half);
  // Absolute scale of the tolerance: h at λ = 1/2 is half the best welfare, so a prefix whose
  // optimum is 0 (an agent no policy can serve) still terminates.
  const double scale = std::max(h_half, 1e-300);

  glp_smcp parm;
  glp_init_smcp(&parm);
  parm.msg_lev = GLP_MSG_OFF;
  parm.presolve = GLP_ON;
  res.best.assign(static_cast<std::size_t>(n), 0.0);
  std::vector<double> cl(classes.size());
  for (int k = 1; k <= n; ++k) {
    glp_set_row_bnds(lp.get(), 1, GLP_FX, k, k);
    for (int iter = 0;; ++iter) {
      if (iter > 10'000 || glp_simplex(lp.get(), &parm) != 0 ||
          glp_get_status(lp.get()) != GLP_OPT) {
        res.reason = "cutting-plane LP failed";
        res.best.clear();
        return res;
      }
      const double t = glp_get_obj_val(lp.get());
      for (int c = 1; c <= nc; ++c)
        cl[static_cast<std::size_t>(c - 1)] = std::clamp(glp_get_col_prim(lp.get(), c), 0.0, 1.0);
      auto [h, Y] = oracle(cl);
      // t <= Q_k* <= h(λ): stop when the bracket is closed to the tolerance.
      if (h - t <= settings.tolerance * std::max(scale, std::abs(h))) {
        res.best[static_cast<std::size_t>(k - 1)] = h;
        break;
      }
      add_cut(Y);
    }
  }
  res.ok = true;
  return res;
}

}  // namespace fairmc::persuasion

namespace fairmc::persuasion {

ExactAlpha exact_alpha(const std::vector<double>& best,
                       const std::vector<std::vector<double>>& canonical_utilities,
                       const std::vector<double>& upper) {
  ExactAlpha out;
  std::vector<double> known;
  for (const auto& u : canonical_utilities) raise_prefix(known, prefix_smallest(u));
  // Q_k* carries the cutting-plane tolerance (1e-9 relative); allow 1e-7 in the check.
  constexpr double slack = 1 + 1e-7;
  for (const auto& u : canonical_utilities) {
    const double a = majorization_ratio(best, u);
    const double lo = majorization_ratio(known, u);
    const double hi =
        upper.empty() ? std::numeric_limits<double>::quiet_NaN() : majorization_ratio(upper, u);
    out.alpha.push_back(a);
    out.known.push_back(lo);
    out.bound.push_back(hi);
    if (lo > a * slack || (!upper.empty() && a > hi * slack)) out.bracket_ok = false;
  }
  return out;
}

}  // namespace fairmc::persuasion
