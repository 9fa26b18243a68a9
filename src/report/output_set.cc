#include "flowspike/report/output_set.h"

#include <fmt/format.h>

#include "flowspike/common/error.h"

namespace flowspike::report {

namespace fs = std::filesystem;

OutputSet::~OutputSet() {
  if (committed_) return;
  outputs_.clear();  // removes the temporary files first
  std::error_code ec;
  for (const fs::path& dir : created_dirs_) fs::remove_all(dir, ec);
}

std::ostream& OutputSet::open(const std::string& path) {
  outputs_.push_back(std::make_unique<OutputStream>(path));
  return outputs_.back()->stream();
}

std::ostream& OutputSet::open_in_directory(const std::string& dir, const std::string& name) {
  const fs::path d(dir);
  std::error_code ec;
  if (fs::exists(d, ec) && !fs::is_directory(d, ec))
    throw Error(fmt::format("cannot write the report: '{}' exists and is not a directory", dir));
  // Remember the outermost directory this call creates, to remove it on failure.
  fs::path outermost;
  for (fs::path p = fs::absolute(d, ec).lexically_normal(); !p.empty() && !fs::exists(p, ec); p = p.parent_path()) {
    outermost = p;
    if (p == p.parent_path()) break;
  }
  fs::create_directories(d, ec);
  if (ec) throw Error(fmt::format("cannot create the report directory '{}': {}", dir, ec.message()));
  if (!outermost.empty()) created_dirs_.push_back(outermost);
  return open((d / name).string());
}

void OutputSet::commit() {
  for (auto& out : outputs_) out->commit();
  committed_ = true;
}

}  // namespace flowspike::report
