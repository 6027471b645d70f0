// Ctrl-C / SIGTERM handling for a run: the first signal asks the runner to finish its current
// blocks, save and exit; a second one exits at once (the last checkpoint is still a valid file).
#pragma once

#include <signal.h>

namespace fairmc {

class InterruptGuard {
 public:
  InterruptGuard();   // installs the handlers
  ~InterruptGuard();  // restores the previous ones
  InterruptGuard(const InterruptGuard&) = delete;
  InterruptGuard& operator=(const InterruptGuard&) = delete;
  bool requested() const;

 private:
  struct sigaction previous_int_ {};  // restored on destruction
  struct sigaction previous_term_ {};
};

}  // namespace fairmc
