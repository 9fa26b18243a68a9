#include "flowspike/common/atomic_file.h"

#include <gtest/gtest.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <thread>

#include "flowspike/common/error.h"
#include "support/temp_dir.h"

namespace flowspike {
namespace {

namespace fs = std::filesystem;

size_t entries(const fs::path& dir) {
  return static_cast<size_t>(std::distance(fs::directory_iterator(dir), fs::directory_iterator()));
}

TEST(AtomicFile, TargetAppearsOnlyAfterCommit) {
  testing::TempDir dir;
  std::string target = dir.file("out.bin");
  {
    AtomicFile file(target);
    std::ofstream(file.temp_path()) << "data";
    EXPECT_FALSE(fs::exists(target));
    file.commit();
  }
  EXPECT_TRUE(fs::exists(target));
  EXPECT_EQ(entries(dir.path()), 1u);
}

TEST(AtomicFile, UncommittedFileLeavesNothingBehind) {
  testing::TempDir dir;
  {
    AtomicFile file(dir.file("out.bin"));
    std::ofstream(file.temp_path()) << "half";
  }
  EXPECT_EQ(entries(dir.path()), 0u);
}

TEST(AtomicFile, CommitReplacesAnExistingTarget) {
  testing::TempDir dir;
  std::string target = dir.file("out.txt");
  std::ofstream(target) << "old";
  OutputStream out(target);
  out.stream() << "new";
  out.commit();
  std::ifstream in(target);
  std::string text;
  in >> text;
  EXPECT_EQ(text, "new");
}

TEST(AtomicFile, MissingDirectoryIsAUserError) {
  testing::TempDir dir;
  EXPECT_THROW(AtomicFile(dir.file("no/such/dir/out.h5")), Error);
  EXPECT_THROW(OutputStream(dir.file("no/such/out.csv")), Error);
}

TEST(AtomicFile, WritesThroughASymbolicLink) {
  testing::TempDir dir;
  std::ofstream(dir.file("real.csv")) << "old";
  fs::create_symlink(dir.file("real.csv"), dir.file("link.csv"));
  OutputStream out(dir.file("link.csv"));
  out.stream() << "new";
  out.commit();
  EXPECT_TRUE(fs::is_symlink(dir.file("link.csv")));
  std::ifstream in(dir.file("real.csv"));
  std::string text;
  in >> text;
  EXPECT_EQ(text, "new");
}

// Renaming onto a FIFO or a device (-w /dev/null) would replace it with a
// plain file; such targets are written in place.
TEST(AtomicFile, WritesAFifoInPlace) {
  testing::TempDir dir;
  std::string fifo = dir.file("pipe");
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  std::string received;
  std::thread reader([&] {
    std::ifstream in(fifo);
    received.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  });
  {
    OutputStream out(fifo);
    out.stream() << "through the pipe";
    out.commit();
  }
  reader.join();
  EXPECT_EQ(received, "through the pipe");
  EXPECT_TRUE(fs::is_fifo(fifo));
  EXPECT_EQ(entries(dir.path()), 1u);
}

TEST(AtomicFile, DirectoryTargetIsAUserError) {
  testing::TempDir dir;
  EXPECT_THROW(AtomicFile(dir.path().string()), Error);
}

TEST(AtomicFile, DashMeansStdout) {
  OutputStream out("-");
  EXPECT_TRUE(out.is_stdout());
}

// `-w /dev/stdout >> log.txt`: the output goes where stdout goes, after what
// was written there before, and the file is not replaced by a renamed one.
TEST(AtomicFile, DevStdoutRedirectedToAFileWritesToStdoutItself) {
  testing::TempDir dir;
  const std::string log = dir.file("log.txt");
  std::ofstream(log) << "before\n";
  std::cout.flush();
  const int saved = ::dup(STDOUT_FILENO);
  ASSERT_GE(saved, 0);
  const int fd = ::open(log.c_str(), O_WRONLY | O_APPEND);
  ASSERT_GE(fd, 0);
  ::dup2(fd, STDOUT_FILENO);
  ::close(fd);
  struct stat before {};
  ::stat(log.c_str(), &before);
  bool was_stdout = false;
  {
    OutputStream out("/dev/stdout");
    was_stdout = out.is_stdout();
    out.stream() << "records\n";
    out.commit();
  }
  std::cout.flush();
  {
    AtomicFile file("/dev/fd/1");  // for files written by path (HDF5): in place, never renamed over
    EXPECT_EQ(file.temp_path(), "/dev/fd/1");
    file.commit();
  }
  ::dup2(saved, STDOUT_FILENO);
  ::close(saved);
  EXPECT_TRUE(was_stdout);
  struct stat after {};
  ::stat(log.c_str(), &after);
  EXPECT_EQ(after.st_ino, before.st_ino);
  std::ifstream in(log);
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_EQ(text, "before\nrecords\n");
  EXPECT_EQ(entries(dir.path()), 1u);
}

}  // namespace
}  // namespace flowspike
