#include "engine/output_lock.hpp"

#include "engine/results.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cerrno>
#include <cstring>
#include <stdexcept>

namespace fairmc {

namespace {

std::string holder(int fd) {
  char buf[256] = {};
  const ssize_t n = ::pread(fd, buf, sizeof buf - 1, 0);
  std::string s(buf, n > 0 ? static_cast<std::size_t>(n) : 0);
  while (!s.empty() && (s.back() == '\n' || s.back() == '\0')) s.pop_back();
  return s.empty() ? "" : " (" + s + ")";
}

}  // namespace

OutputLock::OutputLock(const std::filesystem::path& dir) : file_(dir / file_name) {
  // The holder removes the file before it unlocks, so a lock taken on a file that is no longer
  // the one at `file_` guards nothing: try again with the new file.
  for (int attempt = 0; attempt < 100; ++attempt) {
    const int fd = ::open(file_.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0)
      throw std::runtime_error("cannot create the lock file " + file_.string() + ": " +
                               std::strerror(errno));
    if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
      const int err = errno;
      const std::string who = holder(fd);
      ::close(fd);
      if (err == EWOULDBLOCK)
        throw std::runtime_error(dir.string() + " is in use by another fairmc run" + who +
                                 "; wait for it to end, or write to another directory (-o)");
      throw std::runtime_error("cannot lock " + file_.string() + ": " + std::strerror(err));
    }
    struct stat held {
    }, now{};
    if (::fstat(fd, &held) == 0 && ::stat(file_.c_str(), &now) == 0 && held.st_dev == now.st_dev &&
        held.st_ino == now.st_ino) {
      fd_ = fd;
      const std::string who = "pid " + std::to_string(::getpid()) + ", since " + utc_now() + "\n";
      if (::ftruncate(fd_, 0) == 0 && ::pwrite(fd_, who.data(), who.size(), 0) < 0) {
        // The pid is only for the message another run prints; the lock holds without it.
      }
      return;
    }
    ::close(fd);
  }
  throw std::runtime_error("cannot lock " + file_.string() + ": it keeps being replaced");
}

OutputLock::~OutputLock() {
  if (fd_ < 0) return;
  ::unlink(file_.c_str());
  ::close(fd_);
}

}  // namespace fairmc
