// A run stopped by Ctrl-C while it goes on: how the engine tests show that an interrupted and
// resumed run changes no number.
#pragma once

#include "engine/runner.hpp"

#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <functional>
#include <thread>

namespace fairmc::testing {

// Starts `run` on a thread, sends this process SIGINT once `file` exists and `after` has passed
// (SIGINT is ignored outside the runner's own handler meanwhile), and returns the run's outcome.
// Whether it was interrupted depends on timing: callers resume only when it was.
inline RunOutcome interrupted_run(const std::filesystem::path& file,
                                  std::chrono::milliseconds after,
                                  const std::function<RunOutcome()>& run) {
  struct sigaction ignore {
  }, previous{};
  ignore.sa_handler = SIG_IGN;
  sigaction(SIGINT, &ignore, &previous);
  RunOutcome outcome;
  std::thread runner([&] { outcome = run(); });
  while (!std::filesystem::exists(file)) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  std::this_thread::sleep_for(after);
  kill(getpid(), SIGINT);
  runner.join();
  sigaction(SIGINT, &previous, nullptr);
  return outcome;
}

}  // namespace fairmc::testing
