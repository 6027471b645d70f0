// The (1+ε) buckets of Section 4.1: I_k = [η^(k-1), η^k), η = 1+ε, the last one closed at V,
// K = ceil(log_η V) of them. The bounded-rational receiver replaces a posterior mean by the
// canonical value m_k of its bucket; we take m_k = η^(k-1) (the lower end) so that the fake
// utility m_k·x_i of Definition 4.1 never exceeds the true utility μ_i·x_i.
#pragma once

namespace fairmc::persuasion {

class Buckets {
 public:
  Buckets(double V, double epsilon);
  int count() const { return count_; }  // K
  double eta() const { return eta_; }
  // 0-based bucket of a posterior mean in [1, V] (values outside are clamped).
  int index(double mu) const;
  double lower(int k) const;      // η^k (0-based)
  double upper(int k) const;      // η^(k+1), or V for the last bucket
  double canonical(int k) const;  // m_k = lower(k)

 private:
  double V_;
  double eta_;
  int count_;
};

}  // namespace fairmc::persuasion
