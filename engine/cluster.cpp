#include "engine/cluster.hpp"

#include <cstdlib>

#ifdef FAIRMC_HAVE_MPI
#include <mpi.h>
#endif

namespace fairmc {

Cluster::Cluster(int* argc, char*** argv) {
#ifdef FAIRMC_HAVE_MPI
  // Only under a launcher (mpirun, srun, ...): a plain run stays one process and never pays for
  // MPI start-up (OpenMPI's singleton mode starts a PMIx server).
  bool launched = false;
  for (const char* var : {"OMPI_COMM_WORLD_SIZE", "PMI_SIZE", "PMIX_RANK", "PMI_RANK",
                          "MPI_LOCALNRANKS", "SLURM_STEP_NUM_TASKS"})
    launched = launched || std::getenv(var) != nullptr;
  if (!launched) return;
  int initialized = 0;
  MPI_Initialized(&initialized);
  if (!initialized) {
    int provided = 0;
    // Only the main thread calls MPI; TBB workers never do.
    MPI_Init_thread(argc, argv, MPI_THREAD_FUNNELED, &provided);
    owns_mpi_ = true;
  }
  MPI_Comm_rank(MPI_COMM_WORLD, &rank_);
  MPI_Comm_size(MPI_COMM_WORLD, &size_);
#else
  (void)argc;
  (void)argv;
#endif
}

Cluster::~Cluster() {
#ifdef FAIRMC_HAVE_MPI
  if (owns_mpi_) MPI_Finalize();
#endif
}

std::vector<std::vector<char>> Cluster::gather(const std::vector<char>& mine) const {
  if (size_ == 1) return {mine};
#ifdef FAIRMC_HAVE_MPI
  const long long n = static_cast<long long>(mine.size());
  std::vector<long long> sizes(root() ? size_ : 0);
  MPI_Gather(&n, 1, MPI_LONG_LONG, sizes.data(), 1, MPI_LONG_LONG, 0, MPI_COMM_WORLD);
  std::vector<int> counts, displs;
  std::vector<char> all;
  if (root()) {
    long long total = 0;
    for (const long long s : sizes) {
      counts.push_back(static_cast<int>(s));
      displs.push_back(static_cast<int>(total));
      total += s;
    }
    all.resize(static_cast<std::size_t>(total));
  }
  MPI_Gatherv(mine.data(), static_cast<int>(n), MPI_CHAR, all.data(), counts.data(), displs.data(),
              MPI_CHAR, 0, MPI_COMM_WORLD);
  std::vector<std::vector<char>> out;
  if (root())
    for (int r = 0; r < size_; ++r)
      out.emplace_back(all.begin() + displs[r], all.begin() + displs[r] + counts[r]);
  return out;
#else
  return {mine};
#endif
}

void Cluster::broadcast(std::vector<std::int64_t>& values) const {
#ifdef FAIRMC_HAVE_MPI
  if (size_ > 1)
    MPI_Bcast(values.data(), static_cast<int>(values.size()), MPI_INT64_T, 0, MPI_COMM_WORLD);
#else
  (void)values;
#endif
}

void Cluster::abort(int code) const {
#ifdef FAIRMC_HAVE_MPI
  if (size_ > 1) MPI_Abort(MPI_COMM_WORLD, code);
#else
  (void)code;
#endif
}

std::string Cluster::first_problem(const std::string& mine) const {
  if (size_ == 1) return mine;
  std::string first;
  for (const auto& p : gather(std::vector<char>(mine.begin(), mine.end())))
    if (first.empty() && !p.empty()) first.assign(p.begin(), p.end());
  std::vector<std::int64_t> failed{first.empty() ? 0 : 1};
  broadcast(failed);
  if (root() || failed[0] == 0) return first;
  return mine.empty() ? std::string("(reported by rank 0)") : mine;
}

void Cluster::barrier() const {
#ifdef FAIRMC_HAVE_MPI
  if (size_ > 1) MPI_Barrier(MPI_COMM_WORLD);
#endif
}

}  // namespace fairmc
