#include "engine/interrupt.hpp"

#include <unistd.h>
#include <atomic>
#include <csignal>

namespace fairmc {
namespace {
// A signal handler can only reach static storage; this flag is the one piece of it.
std::atomic<int> signals_seen{0};

extern "C" void on_signal(int) {
  if (signals_seen.fetch_add(1) >= 1) _exit(130);
  constexpr char msg[] =
      "\nfairmc: interrupt received, finishing current blocks (again to abort)\n";
  [[maybe_unused]] auto n = write(2, msg, sizeof msg - 1);
}
}  // namespace

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
