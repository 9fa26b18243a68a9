#include "flowspike/common/interrupt.h"

#include <csignal>

#include <atomic>

namespace flowspike {
namespace {

std::atomic<bool> g_interrupted{false};

extern "C" void on_signal(int signo) {
  if (g_interrupted.load(std::memory_order_relaxed)) {
    std::signal(signo, SIG_DFL);
    std::raise(signo);
    return;
  }
  g_interrupted.store(true, std::memory_order_relaxed);
}

}  // namespace

bool interrupt_requested() { return g_interrupted.load(std::memory_order_relaxed); }
void request_interrupt() { g_interrupted.store(true, std::memory_order_relaxed); }
void clear_interrupt() { g_interrupted.store(false, std::memory_order_relaxed); }

void throw_if_interrupted() {
  if (interrupt_requested()) throw Interrupted();
}

void install_interrupt_handlers() {
  struct sigaction action {};
  action.sa_handler = on_signal;
  sigemptyset(&action.sa_mask);
  sigaction(SIGINT, &action, nullptr);
  sigaction(SIGTERM, &action, nullptr);
}

}  // namespace flowspike
