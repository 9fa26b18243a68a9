#include "flowspike/common/atomic_file.h"

#include <gtest/gtest.h>

#include <sys/stat.h>

#include <filesystem>
#include <fstream>
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

}  // namespace
}  // namespace flowspike
