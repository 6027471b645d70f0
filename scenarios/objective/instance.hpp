// One draw of the fair-division problem of Section 2.2: n agents, m divisible items, linear
// utilities u_i(x) = <a_i, x_i> (Eq. 1) and Fehr–Schmidt aversion parameters (α_i, β_i) (Eq. 9).
#pragma once

#include <Eigen/Dense>

#include <vector>

namespace fairmc::objective {

// Fehr–Schmidt parameters per agent: α_i weighs disadvantageous, β_i advantageous inequality.
struct Aversion {
  std::vector<double> alpha;
  std::vector<double> beta;
};

struct Instance {
  Eigen::MatrixXd a;  // n x m utility coefficients a_ij >= 0
  Aversion aversion;
  int winners = 1;  // 1/b_j: at most a share b_j = 1/winners of any item per agent (Lemma 3.3)

  int agents() const { return static_cast<int>(a.rows()); }
  int items() const { return static_cast<int>(a.cols()); }
  double cap() const { return 1.0 / winners; }
};

}  // namespace fairmc::objective
