// Outputs that appear whole or not at all. An AtomicFile hands out a
// temporary path beside the target; commit() renames it onto the target, and
// the destructor removes it if commit() never ran (an error, Ctrl-C unwinding).
// A target that is a symbolic link is written through the link. A target that
// exists and is not a regular file (/dev/null, a FIFO, a terminal), or is the
// file that stdout or stderr goes to, cannot be replaced atomically and is
// written directly. OutputStream does the same for text, and writes to stdout
// itself for "-" and for any name of the file stdout is (/dev/stdout,
// /dev/fd/1 when stdout is redirected to a file: appends stay appends). Neither is thread-safe; each output
// has one owner.
#pragma once

#include <filesystem>
#include <fstream>
#include <iosfwd>
#include <memory>
#include <string>

namespace flowspike {

class AtomicFile {
 public:
  // The target's directory must exist; nothing is created until written.
  explicit AtomicFile(std::filesystem::path target);
  AtomicFile(const AtomicFile&) = delete;
  AtomicFile& operator=(const AtomicFile&) = delete;
  ~AtomicFile();

  // Where to write: a hidden file in the target's directory (same filesystem),
  // or the target itself when it is a device or FIFO.
  const std::filesystem::path& temp_path() const { return temp_; }
  const std::filesystem::path& target() const { return target_; }

  // Renames the temporary file onto the target. Throws flowspike::Error.
  void commit();

 private:
  std::filesystem::path target_;
  std::filesystem::path temp_;
  bool direct_ = false;  // the target is written in place (not a regular file)
  bool committed_ = false;
};

// A text output: a file written atomically, or stdout when the path is "-".
class OutputStream {
 public:
  explicit OutputStream(const std::string& path_or_dash);
  OutputStream(const OutputStream&) = delete;
  OutputStream& operator=(const OutputStream&) = delete;
  ~OutputStream();

  std::ostream& stream();
  bool is_stdout() const { return file_ == nullptr; }
  // Flushes, checks for write errors and publishes the file. Throws flowspike::Error.
  void commit();

 private:
  std::string name_;
  std::unique_ptr<AtomicFile> file_;
  std::ofstream out_;
};

}  // namespace flowspike
