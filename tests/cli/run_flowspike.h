// Runs the built flowspike binary (FLOWSPIKE_EXE) in a shell with stdout and
// stderr captured to files in a test directory, so stderr is not a terminal.
#pragma once

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <sys/wait.h>

#include "support/temp_dir.h"

namespace flowspike::testing {

struct CliRun {
  int code = -1;  // exit status, -1 if killed by a signal
  std::string out, err;
};

inline std::string read_text(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

inline CliRun run_flowspike(const TempDir& dir, const std::string& args) {
  const std::string cmd =
      fmt::format("{} {} >{} 2>{}", FLOWSPIKE_EXE, args, dir.file("stdout.txt"), dir.file("stderr.txt"));
  const int status = std::system(cmd.c_str());
  CliRun r;
  r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  r.out = read_text(dir.file("stdout.txt"));
  r.err = read_text(dir.file("stderr.txt"));
  return r;
}

inline std::vector<std::string> text_lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

}  // namespace flowspike::testing
