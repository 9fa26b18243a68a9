#include "flowspike/common/atomic_file.h"

#include <unistd.h>

#include <atomic>
#include <iostream>
#include <system_error>

#include <fmt/format.h>

#include "flowspike/common/error.h"

namespace flowspike {
namespace {

std::filesystem::path temp_path_for(const std::filesystem::path& target) {
  static std::atomic<unsigned> counter{0};
  std::string name = fmt::format(".{}.tmp-{}-{}", target.filename().string(), ::getpid(), counter++);
  return target.parent_path() / name;
}

}  // namespace

AtomicFile::AtomicFile(std::filesystem::path target)
    : target_(std::move(target)), temp_(temp_path_for(target_)) {
  if (target_.filename().empty()) throw Error(fmt::format("'{}' is not a file name", target_.string()));
  std::filesystem::path dir = target_.parent_path();
  std::error_code ec;
  if (!dir.empty() && !std::filesystem::is_directory(dir, ec))
    throw Error(fmt::format("cannot write '{}': directory '{}' does not exist", target_.string(), dir.string()));
}

AtomicFile::~AtomicFile() {
  if (!committed_) {
    std::error_code ec;
    std::filesystem::remove(temp_, ec);
  }
}

void AtomicFile::commit() {
  std::error_code ec;
  std::filesystem::rename(temp_, target_, ec);
  if (ec) throw Error(fmt::format("cannot write '{}': {}", target_.string(), ec.message()));
  committed_ = true;
}

OutputStream::OutputStream(const std::string& path_or_dash) : name_(path_or_dash) {
  if (path_or_dash == "-") return;
  file_ = std::make_unique<AtomicFile>(path_or_dash);
  out_.open(file_->temp_path(), std::ios::binary | std::ios::trunc);
  if (!out_) throw Error(fmt::format("cannot open '{}' for writing", path_or_dash));
}

// Closing the stream before the AtomicFile member removes the unpublished file.
OutputStream::~OutputStream() { out_.close(); }

std::ostream& OutputStream::stream() { return file_ ? static_cast<std::ostream&>(out_) : std::cout; }

void OutputStream::commit() {
  if (!file_) {
    std::cout.flush();
    return;
  }
  out_.flush();
  bool ok = static_cast<bool>(out_);
  out_.close();
  if (!ok || out_.fail()) throw Error(fmt::format("cannot write '{}': write failed (disk full?)", name_));
  file_->commit();
}

}  // namespace flowspike
