// A fresh directory under the system temp dir, removed with everything in it
// when the test ends.
#pragma once

#include <unistd.h>

#include <filesystem>
#include <random>
#include <string>

namespace flowspike::testing {

class TempDir {
 public:
  TempDir() {
    std::random_device rd;
    path_ = std::filesystem::temp_directory_path() /
            ("flowspike-test-" + std::to_string(::getpid()) + "-" + std::to_string(rd()));
    std::filesystem::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::filesystem::path& path() const { return path_; }
  std::string file(const std::string& name) const { return (path_ / name).string(); }

 private:
  std::filesystem::path path_;
};

// The shared real captures, or an empty path when ../shared/data is absent.
inline std::filesystem::path shared_data(const std::string& sub = "") {
  std::filesystem::path p = std::filesystem::path(FLOWSPIKE_SHARED_DATA_DIR) / sub;
  return std::filesystem::exists(p) ? p : std::filesystem::path();
}

}  // namespace flowspike::testing

// Skips the test (reported as skipped) when ../shared/data/<sub> is missing.
#define FLOWSPIKE_REQUIRE_SHARED_DATA(sub)                                                  \
  do {                                                                                        \
    if (::flowspike::testing::shared_data(sub).empty())                                       \
      GTEST_SKIP() << "shared data '" << (sub) << "' not present at " FLOWSPIKE_SHARED_DATA_DIR; \
  } while (0)
