#include "engine/executor.hpp"

#ifdef FAIRMC_STD_THREADS
#include <atomic>
#include <thread>
#include <vector>
#else
#include <oneapi/tbb/blocked_range.h>
#include <oneapi/tbb/info.h>
#include <oneapi/tbb/parallel_for.h>
#include <oneapi/tbb/task_arena.h>
#endif

namespace fairmc {

#ifdef FAIRMC_STD_THREADS

struct Executor::Impl {};

Executor::Executor(int threads)
    : threads_(threads > 0 ? threads : static_cast<int>(std::thread::hardware_concurrency())) {
  if (threads_ < 1) threads_ = 1;
}

void Executor::for_each(std::size_t n, const std::function<void(std::size_t)>& body) {
  std::atomic<std::size_t> next{0};
  const auto work = [&] {
    for (std::size_t i = next++; i < n; i = next++) body(i);
  };
  std::vector<std::jthread> helpers;
  for (int t = 1; t < threads_ && static_cast<std::size_t>(t) < n; ++t) helpers.emplace_back(work);
  work();
}  // the jthreads join here

#else

struct Executor::Impl {
  tbb::task_arena arena;
  explicit Impl(int threads) : arena(threads) {}
};

Executor::Executor(int threads)
    : threads_(threads > 0 ? threads : tbb::info::default_concurrency()),
      impl_(std::make_unique<Impl>(threads_)) {}

void Executor::for_each(std::size_t n, const std::function<void(std::size_t)>& body) {
  impl_->arena.execute([&] {
    tbb::parallel_for(tbb::blocked_range<std::size_t>(0, n, 1),
                      [&](const tbb::blocked_range<std::size_t>& r) {
                        for (std::size_t i = r.begin(); i != r.end(); ++i) body(i);
                      });
  });
}

#endif

Executor::~Executor() = default;

}  // namespace fairmc
