#include "engine/interrupt.hpp"

#include <unistd.h>
#include <algorithm>
#include <array>
#include <atomic>
#include <csignal>

namespace fairmc {
namespace {
// A signal handler can only reach static storage: the count of signals and what to report.
std::atomic<int> signals_seen{0};
std::atomic<bool> quiet_report{false};
std::array<char, 4096> note_text{};
std::atomic<std::size_t> note_length{0};

extern "C" void on_signal(int) {
  if (signals_seen.fetch_add(1) >= 1) _exit(130);
  constexpr char msg[] =
      "\nfairmc: interrupt received, finishing current blocks (again to abort)\n";
  if (!quiet_report.load()) [[maybe_unused]]
    auto n = write(2, msg, sizeof msg - 1);
  if (const std::size_t len = note_length.load(); len > 0) [[maybe_unused]]
    auto n = write(2, note_text.data(), len);
}
}  // namespace

void InterruptGuard::set_report(bool quiet, const std::string& note) {
  quiet_report = quiet;
  const std::size_t len = std::min(note.size(), note_text.size());
  std::copy_n(note.begin(), len, note_text.begin());
  note_length = len;
}

bool InterruptGuard::note_written() {
  return signals_seen.load() > 0 && note_length.load() > 0;
}

InterruptGuard::InterruptGuard() {
  signals_seen = 0;
  struct sigaction sa {};
  sa.sa_handler = on_signal;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, &previous_int_);
  sigaction(SIGTERM, &sa, &previous_term_);
}

InterruptGuard::~InterruptGuard() {
  sigaction(SIGINT, &previous_int_, nullptr);
  sigaction(SIGTERM, &previous_term_, nullptr);
}

bool InterruptGuard::requested() const {
  return signals_seen.load() > 0;
}

}  // namespace fairmc
