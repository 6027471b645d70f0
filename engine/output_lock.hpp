// One run at a time per output directory: an exclusive flock(2) on DIR/.fairmc.lock, held for the
// whole run. The kernel releases it when the process ends however it ends, so a killed run leaves
// no lock that blocks the next one (the file may stay; only the lock on it counts).
#pragma once

#include <filesystem>
#include <string>

namespace fairmc {

class OutputLock {
 public:
  static constexpr const char* file_name = ".fairmc.lock";

  // Takes the lock, or throws std::runtime_error naming the run that holds it. `dir` must exist.
  explicit OutputLock(const std::filesystem::path& dir);
  // Removes the lock file, then releases the lock.
  ~OutputLock();
  OutputLock(const OutputLock&) = delete;
  OutputLock& operator=(const OutputLock&) = delete;

 private:
  std::filesystem::path file_;
  int fd_ = -1;
};

}  // namespace fairmc
