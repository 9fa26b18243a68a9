#include "flowspike/common/atomic_file.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

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

TEST(AtomicFile, DashMeansStdout) {
  OutputStream out("-");
  EXPECT_TRUE(out.is_stdout());
}

}  // namespace
}  // namespace flowspike
