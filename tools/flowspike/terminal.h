// Terminal output helpers shared by the subcommands: a progress bar drawn on
// stderr only when stderr is a terminal (quiet in pipes, logs and CI), and
// warnings. Not thread-safe: call from the thread that runs the command.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

namespace flowspike::cli {

bool stderr_is_terminal();

// Prints "flowspike: warning: <text>" on stderr.
void warn(const std::string& text);

class ProgressBar {
 public:
  // Draws nothing unless stderr is a terminal (or `force` is set).
  explicit ProgressBar(std::string label, bool force = false);
  ~ProgressBar();
  // fraction in [0, 1] (negative: unknown, shows a spinner); detail follows the bar.
  // Redraws at most ten times a second.
  void update(double fraction, const std::string& detail);
  // Clears the line so normal output can follow.
  void finish();

 private:
  std::string label_;
  bool enabled_;
  bool drawn_ = false;
  unsigned spin_ = 0;
  std::chrono::steady_clock::time_point last_;
};

}  // namespace flowspike::cli
