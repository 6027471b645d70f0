// The processes of one run. Built with MPI (FAIRMC_HAVE_MPI) and started by mpirun/srun, a run
// spreads its (point, block) work units over the ranks and rank 0 merges and writes; otherwise
// it is a cluster of one and every call below is trivial.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace fairmc {

class Cluster {
 public:
  // Initialises MPI if available (idempotent); pass main's arguments.
  Cluster(int* argc, char*** argv);
  ~Cluster();
  Cluster(const Cluster&) = delete;
  Cluster& operator=(const Cluster&) = delete;

  static Cluster single() { return Cluster(); }

  int rank() const { return rank_; }
  int size() const { return size_; }
  bool root() const { return rank_ == 0; }

  // Rank 0 receives every rank's buffer, in rank order (its own first); others get {}.
  std::vector<std::vector<char>> gather(const std::vector<char>& mine) const;
  // Rank 0's values reach every rank.
  void broadcast(std::vector<std::int64_t>& values) const;
  // Every rank stops here until all arrive.
  void barrier() const;
  // Ends every rank with `code` (MPI_Abort) when there are several; no-op for one process.
  void abort(int code) const;
  // Collective: every rank passes its problem ("" if none). Returns "" on every rank when no rank
  // has one; otherwise the lowest failing rank's problem on rank 0 and a non-empty marker on the
  // others, so that all can stop together with one report (no MPI_Abort, no copies).
  std::string first_problem(const std::string& mine) const;

 private:
  Cluster() = default;
  int rank_ = 0;
  int size_ = 1;
  bool owns_mpi_ = false;
};

}  // namespace fairmc
