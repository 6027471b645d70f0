// Runs the independent work units of a wave on a fixed number of threads.
//
// The normal build uses a TBB task arena (work stealing, the threads stay alive between waves).
// ThreadSanitizer builds define FAIRMC_STD_THREADS and use plain std::threads with an atomic work
// index instead: Debian's libtbb is not instrumented, so TSan cannot see the synchronisation
// inside it and reports false races in TBB's headers and in every hand-off through it. With
// std::thread and std::atomic, TSan sees all of it and checks what matters here: that the units
// share nothing they write.
#pragma once

#include <cstddef>
#include <functional>
#include <memory>

namespace fairmc {

class Executor {
 public:
  explicit Executor(int threads);  // threads <= 0: all cores
  ~Executor();
  Executor(const Executor&) = delete;
  Executor& operator=(const Executor&) = delete;

  int threads() const { return threads_; }
  // body(i) for every i in [0, n), in any order and concurrently; returns when all are done.
  void for_each(std::size_t n, const std::function<void(std::size_t)>& body);

 private:
  struct Impl;
  int threads_;
  std::unique_ptr<Impl> impl_;
};

}  // namespace fairmc
