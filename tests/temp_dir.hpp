// A scratch directory for one test process: unique per process id (ctest runs test cases in
// parallel processes), removed when the test case ends.
#pragma once

#include <unistd.h>
#include <filesystem>
#include <string>

namespace fairmc::testing {

struct TempDir {
  std::filesystem::path dir;
  // `name` tells the test apart; the process id keeps parallel test processes apart.
  explicit TempDir(const std::string& name)
      : dir(std::filesystem::temp_directory_path() /
            ("fairmc_test_" + name + "_" + std::to_string(::getpid()))) {
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  ~TempDir() { std::filesystem::remove_all(dir); }
};

}  // namespace fairmc::testing
