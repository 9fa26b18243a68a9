#include "terminal.h"

#include <unistd.h>

#include <algorithm>
#include <cstdio>

#include <fmt/format.h>

namespace flowspike::cli {

bool stderr_is_terminal() { return ::isatty(STDERR_FILENO) == 1; }

void warn(const std::string& text) { fmt::print(stderr, "flowspike: warning: {}\n", text); }

ProgressBar::ProgressBar(std::string label, bool force)
    : label_(std::move(label)), enabled_(force || stderr_is_terminal()) {}

ProgressBar::~ProgressBar() { finish(); }

void ProgressBar::update(double fraction, const std::string& detail) {
  if (!enabled_) return;
  auto now = std::chrono::steady_clock::now();
  if (drawn_ && now - last_ < std::chrono::milliseconds(100) && fraction < 1.0) return;
  last_ = now;
  constexpr int kWidth = 28;
  std::string bar;
  if (fraction < 0) {
    static const char* kSpin = "|/-\\";
    bar = fmt::format("[{}]", kSpin[spin_++ % 4]);
  } else {
    int filled = static_cast<int>(std::clamp(fraction, 0.0, 1.0) * kWidth + 0.5);
    bar = fmt::format("[{}{}] {:3.0f}%", std::string(static_cast<size_t>(filled), '#'),
                      std::string(static_cast<size_t>(kWidth - filled), ' '), std::clamp(fraction, 0.0, 1.0) * 100);
  }
  fmt::print(stderr, "\r\033[K{} {} {}", label_, bar, detail);
  std::fflush(stderr);
  drawn_ = true;
}

void ProgressBar::finish() {
  if (enabled_ && drawn_) {
    fmt::print(stderr, "\r\033[K");
    std::fflush(stderr);
  }
  drawn_ = false;
}

}  // namespace flowspike::cli
