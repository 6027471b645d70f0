// Ctrl-C / SIGTERM handling for a run: the first signal asks the runner to finish its current
// blocks, save and exit; a second one exits at once (the last checkpoint is still a valid file).
#pragma once

#include <signal.h>

#include <string>

namespace fairmc {

class InterruptGuard {
 public:
  InterruptGuard();   // installs the handlers
  ~InterruptGuard();  // restores the previous ones
  InterruptGuard(const InterruptGuard&) = delete;
  InterruptGuard& operator=(const InterruptGuard&) = delete;
  bool requested() const;

  // How the first signal is reported, set once before the run: `quiet` drops the usual line
  // (every MPI rank but rank 0), `note` is written at once after it. Under mpirun the ranks get
  // SIGTERM when mpirun gets Ctrl-C and are killed about two seconds later, so rank 0 says at once
  // how to resume instead of after the final save.
  static void set_report(bool quiet, const std::string& note);
  // Whether the first signal wrote a note.
  static bool note_written();

 private:
  struct sigaction previous_int_ {};  // restored on destruction
  struct sigaction previous_term_ {};
};

}  // namespace fairmc
