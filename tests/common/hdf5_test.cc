#include "flowspike/common/hdf5.h"

#include <gtest/gtest.h>

#include <fstream>
#include <numeric>

#include "flowspike/common/error.h"
#include "support/temp_dir.h"

namespace flowspike::hdf5 {
namespace {

TEST(Hdf5, RoundTripsArraysStringsAndAttributes) {
  testing::TempDir dir;
  std::string path = dir.file("x.h5");
  std::vector<float> big(200000);
  std::iota(big.begin(), big.end(), 0.0f);
  {
    File f = File::create(path);
    f.set_attr("format", "test");
    f.set_attr("version", 3);
    f.set_attr("ratio", 0.25);
    f.set_attr_vector("edges", std::vector<double>{0, 1.5, 3});
    f.write("a/b/values", std::vector<int32_t>{1, -2, 3});
    f.write("matrix", std::vector<double>{1, 2, 3, 4, 5, 6}, {2, 3});
    f.write("big", big);
    f.write_strings("names", {"Video-NonVPN", "", "Chat-Tor"});
    Group g = f.create_group("grp");
    g.set_attr("name", "inner");
  }
  File f = File::open(path);
  EXPECT_EQ(f.attr_string("format"), "test");
  EXPECT_EQ(f.attr<int>("version"), 3);
  EXPECT_DOUBLE_EQ(f.attr<double>("ratio"), 0.25);
  EXPECT_EQ(f.attr_vector<double>("edges"), (std::vector<double>{0, 1.5, 3}));
  EXPECT_EQ(f.read<int32_t>("a/b/values"), (std::vector<int32_t>{1, -2, 3}));
  std::vector<hsize_t> dims;
  EXPECT_EQ(f.read<double>("matrix", &dims).size(), 6u);
  EXPECT_EQ(dims, (std::vector<hsize_t>{2, 3}));
  EXPECT_EQ(f.read<float>("big"), big);
  EXPECT_EQ(f.read_range<float>("big", 1000, 3), (std::vector<float>{1000, 1001, 1002}));
  EXPECT_EQ(f.read_strings("names"), (std::vector<std::string>{"Video-NonVPN", "", "Chat-Tor"}));
  EXPECT_EQ(f.open_group("grp").attr_string("name"), "inner");
  EXPECT_TRUE(f.has("a/b/values"));
  EXPECT_FALSE(f.has("a/c/values"));
}

TEST(Hdf5, AppenderStreamsAcrossChunks) {
  testing::TempDir dir;
  std::string path = dir.file("x.h5");
  {
    File f = File::create(path);
    Appender<int64_t> a = f.appender<int64_t>("cells/v", 7);
    for (int64_t i = 0; i < 50; ++i) a.append(i);
    a.finish();
    Appender<uint16_t> empty = f.appender<uint16_t>("cells/empty");
    empty.finish();
  }
  File f = File::open(path);
  std::vector<int64_t> v = f.read<int64_t>("cells/v");
  ASSERT_EQ(v.size(), 50u);
  EXPECT_EQ(v[49], 49);
  EXPECT_TRUE(f.read<uint16_t>("cells/empty").empty());
}

TEST(Hdf5, ErrorsNameTheFileAndObject) {
  testing::TempDir dir;
  std::string text = dir.file("not.h5");
  std::ofstream(text) << "hello, not hdf5";
  try {
    File::open(text);
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("not.h5"), std::string::npos);
    EXPECT_NE(std::string(e.what()).find("not an HDF5 file"), std::string::npos);
  }
  EXPECT_THROW(File::open(dir.file("missing.h5")), Error);
  std::string path = dir.file("x.h5");
  { File::create(path).write("v", std::vector<int>{1}); }
  File f = File::open(path);
  try {
    f.read<int>("w");
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("'/w'"), std::string::npos);
  }
  EXPECT_THROW(f.attr<int>("nope"), Error);
  EXPECT_THROW(f.read_strings("v"), Error);
}

TEST(Hdf5, TruncatedFileIsAnError) {
  testing::TempDir dir;
  std::string path = dir.file("x.h5");
  {
    File f = File::create(path);
    std::vector<double> v(100000, 1.0);
    f.write("v", v);
  }
  std::filesystem::resize_file(path, 2000);
  EXPECT_THROW(
      {
        File f = File::open(path);
        f.read<double>("v");
      },
      Error);
}

}  // namespace
}  // namespace flowspike::hdf5
