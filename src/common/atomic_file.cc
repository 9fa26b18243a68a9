#include "flowspike/common/atomic_file.h"

#include <sys/stat.h>
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

// Whether `path` names the open file behind descriptor `fd`: /dev/stdout,
// /dev/fd/1, /proc/self/fd/1, or the file stdout was redirected to.
bool is_file_of_descriptor(const std::filesystem::path& path, int fd) {
  struct stat a {}, b {};
  return ::stat(path.c_str(), &a) == 0 && ::fstat(fd, &b) == 0 && a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

}  // namespace

AtomicFile::AtomicFile(std::filesystem::path target) : target_(std::move(target)) {
  namespace fs = std::filesystem;
  if (target_.filename().empty()) throw Error(fmt::format("'{}' is not a file name", target_.string()));
  std::error_code ec;
  const fs::file_status status = fs::status(target_, ec);  // follows symbolic links
  if (fs::is_directory(status)) throw Error(fmt::format("cannot write '{}': it is a directory", target_.string()));
  if (fs::exists(status) && (!fs::is_regular_file(status) || is_file_of_descriptor(target_, STDOUT_FILENO) ||
                              is_file_of_descriptor(target_, STDERR_FILENO))) {
    // Renaming onto a device or FIFO would replace it with a plain file, and
    // renaming onto the file our stdout or stderr goes to would cut the shell's
    // redirection off from it.
    direct_ = true;
    temp_ = target_;
    return;
  }
  if (fs::is_symlink(fs::symlink_status(target_, ec)) && fs::exists(status)) {
    fs::path resolved = fs::canonical(target_, ec);
    if (!ec) target_ = std::move(resolved);
  }
  fs::path dir = target_.parent_path();
  if (!dir.empty() && !fs::is_directory(dir, ec))
    throw Error(fmt::format("cannot write '{}': directory '{}' does not exist", target_.string(), dir.string()));
  temp_ = temp_path_for(target_);
}

AtomicFile::~AtomicFile() {
  if (!committed_ && !direct_) {
    std::error_code ec;
    std::filesystem::remove(temp_, ec);
  }
}

void AtomicFile::commit() {
  if (direct_) {
    committed_ = true;
    return;
  }
  std::error_code ec;
  std::filesystem::rename(temp_, target_, ec);
  if (ec) throw Error(fmt::format("cannot write '{}': {}", target_.string(), ec.message()));
  committed_ = true;
}

OutputStream::OutputStream(const std::string& path_or_dash) : name_(path_or_dash) {
  // "-", and any name of the file stdout already is (/dev/stdout when stdout
  // is redirected to a file, say), write to stdout itself: at its offset,
  // appending where the shell appends, and after what was written before.
  if (path_or_dash == "-" || is_file_of_descriptor(path_or_dash, STDOUT_FILENO)) return;
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
