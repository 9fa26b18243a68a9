#include "flowspike/report/output_set.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "flowspike/common/error.h"
#include "support/temp_dir.h"

namespace flowspike::report {
namespace {

namespace fs = std::filesystem;

size_t entries(const fs::path& dir) {
  return static_cast<size_t>(std::distance(fs::directory_iterator(dir), fs::directory_iterator()));
}

TEST(OutputSet, PublishesEverythingOnCommit) {
  flowspike::testing::TempDir dir;
  {
    OutputSet outputs;
    outputs.open(dir.file("a.json")) << "{}";
    outputs.open_in_directory(dir.file("report/sub"), "index.html") << "<html>";
    EXPECT_FALSE(fs::exists(dir.file("a.json")));
    EXPECT_FALSE(fs::exists(dir.file("report/sub/index.html")));
    outputs.commit();
  }
  EXPECT_TRUE(fs::exists(dir.file("a.json")));
  std::ifstream in(dir.file("report/sub/index.html"));
  std::string text;
  std::getline(in, text);
  EXPECT_EQ(text, "<html>");
  EXPECT_EQ(entries(dir.path()), 2u);
}

TEST(OutputSet, LeavesNothingWithoutCommit) {
  flowspike::testing::TempDir dir;
  {
    OutputSet outputs;
    outputs.open(dir.file("a.csv")) << "x";
    outputs.open_in_directory(dir.file("new/report"), "index.html") << "<html>";
  }
  EXPECT_EQ(entries(dir.path()), 0u);  // the created directories are gone too
}

TEST(OutputSet, KeepsDirectoriesThatExistedBefore) {
  flowspike::testing::TempDir dir;
  fs::create_directory(dir.file("report"));
  std::ofstream(dir.file("report/old.txt")) << "keep";
  {
    OutputSet outputs;
    outputs.open_in_directory(dir.file("report"), "index.html") << "<html>";
  }
  EXPECT_TRUE(fs::exists(dir.file("report/old.txt")));
  EXPECT_EQ(entries(dir.file("report")), 1u);
}

TEST(OutputSet, BadPathsFailBeforeAnythingIsWritten) {
  flowspike::testing::TempDir dir;
  OutputSet outputs;
  EXPECT_THROW(outputs.open(dir.file("missing/a.json")), Error);
  std::ofstream(dir.file("file")) << "x";
  EXPECT_THROW(outputs.open_in_directory(dir.file("file"), "index.html"), Error);
}

}  // namespace
}  // namespace flowspike::report
