// Several output files that appear together or not at all, for commands that
// write more than one result (`flowspike eval --json --predictions --report`).
// Each file is opened at once (so a bad path fails before any work is done)
// and written to a temporary file beside its target; commit() renames them
// all onto their targets. If commit() never runs (an error, Ctrl-C), the
// temporary files are removed, and so are directories that open_in_directory
// created. A rename failing halfway through commit() can leave the earlier
// outputs published; renames within one filesystem practically do not fail.
// Not thread-safe.
#pragma once

#include <filesystem>
#include <memory>
#include <ostream>
#include <string>
#include <vector>

#include "flowspike/common/atomic_file.h"

namespace flowspike::report {

class OutputSet {
 public:
  OutputSet() = default;
  OutputSet(const OutputSet&) = delete;
  OutputSet& operator=(const OutputSet&) = delete;
  ~OutputSet();

  // A text output at `path` ("-" = stdout). Its directory must exist.
  // Throws flowspike::Error naming the path.
  std::ostream& open(const std::string& path);
  // `name` inside directory `dir`, which is created (with missing parents) if needed.
  std::ostream& open_in_directory(const std::string& dir, const std::string& name);

  // Publishes every output. Throws flowspike::Error on a write error.
  void commit();

 private:
  std::vector<std::unique_ptr<OutputStream>> outputs_;
  std::vector<std::filesystem::path> created_dirs_;  // outermost first
  bool committed_ = false;
};

}  // namespace flowspike::report
