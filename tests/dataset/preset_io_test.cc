#include "flowspike/dataset/preset_io.h"

#include <gtest/gtest.h>

#include "flowspike/common/error.h"
#include "support/temp_dir.h"

namespace flowspike::dataset {
namespace {

void expect_same_preset(const features::Preset& a, const features::Preset& b) {
  EXPECT_EQ(a.name, b.name);
  EXPECT_EQ(a.window.length_s, b.window.length_s);
  EXPECT_EQ(a.window.step_s, b.window.step_s);
  EXPECT_EQ(a.window.min_packets, b.window.min_packets);
  EXPECT_EQ(a.window.min_span_s, b.window.min_span_s);
  EXPECT_EQ(a.window.clock, b.window.clock);
  EXPECT_EQ(a.window.closed_end, b.window.closed_end);
  EXPECT_EQ(a.window.set, b.window.set);
  EXPECT_EQ(a.picture.time_bins, b.picture.time_bins);
  EXPECT_EQ(a.picture.size_edges, b.picture.size_edges);
  EXPECT_EQ(a.picture.size_edges.forward_bins(), b.picture.size_edges.forward_bins());
  EXPECT_EQ(a.picture.overflow, b.picture.overflow);
  EXPECT_EQ(a.picture.time_axis, b.picture.time_axis);
  EXPECT_EQ(a.picture.authors_layout, b.picture.authors_layout);
}

features::Preset round_trip(const features::Preset& p, const std::string& path) {
  {
    hdf5::File f = hdf5::File::create(path);
    hdf5::Group g = f.create_group("preset");
    write_preset(g, p);
  }
  hdf5::File f = hdf5::File::open(path);
  return read_preset(f.open_group("preset"));
}

TEST(PresetIo, RoundTripsEveryNamedPreset) {
  flowspike::testing::TempDir dir;
  for (const std::string& name : features::Preset::names()) {
    SCOPED_TRACE(name);
    features::Preset p = features::Preset::named(name);
    expect_same_preset(p, round_trip(p, dir.file(name + ".h5")));
  }
}

TEST(PresetIo, RoundTripsChangedFields) {
  flowspike::testing::TempDir dir;
  features::Preset p = features::Preset::authors();
  p.name = "custom";
  p.window.length_s = 30;
  p.window.step_s = 7.5;
  p.window.min_packets = 3;
  p.window.min_span_s = 12.25;
  p.window.clock = flow::WindowClock::per_flow;
  p.window.closed_end = !p.window.closed_end;
  p.window.set = flow::WindowSet::started;
  p.picture.time_bins = 120;
  p.picture.size_edges = features::SizeBinEdges({0, 100, 200, 1500, 1600, 1700, 3000}, 3);
  p.picture.overflow = features::SizeOverflow::drop;
  p.picture.time_axis = features::TimeAxis::sample_span;
  p.picture.authors_layout = true;
  expect_same_preset(p, round_trip(p, dir.file("p.h5")));
}

TEST(PresetIo, WritesTheDocumentedAttributes) {
  flowspike::testing::TempDir dir;
  {
    hdf5::File f = hdf5::File::create(dir.file("p.h5"));
    write_preset(f, features::Preset::paper());
  }
  hdf5::File f = hdf5::File::open(dir.file("p.h5"));
  EXPECT_EQ(f.attr_string("preset"), "paper");
  EXPECT_EQ(f.attr<int>("time_bins"), 300);
  EXPECT_EQ(f.attr<int>("size_bins"), 300);
  EXPECT_EQ(f.attr<int>("forward_size_bins"), 151);  // the authors' halves are 151 + 149 bins
  EXPECT_EQ(f.attr<double>("window_s"), 60.0);
  EXPECT_EQ(f.attr<double>("step_s"), 15.0);
  EXPECT_EQ(f.attr_string("clock"), "per_flow");
  EXPECT_EQ(f.attr_string("overflow"), "last_bin");
  EXPECT_EQ(f.read<double>("size_edges").size(), 301u);
}

TEST(PresetIo, MissingOrBadAttributesNameTheFile) {
  flowspike::testing::TempDir dir;
  std::string path = dir.file("p.h5");
  {
    hdf5::File f = hdf5::File::create(path);
    write_preset(f, features::Preset::paper());
    f.set_attr("clock", "sideways");
  }
  try {
    read_preset(hdf5::File::open(path));
    FAIL() << "read_preset accepted clock=sideways";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find(path), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("sideways"), std::string::npos) << e.what();
  }
  {
    hdf5::File f = hdf5::File::create(path);
    f.set_attr("preset", "paper");
  }
  try {
    read_preset(hdf5::File::open(path));
    FAIL() << "read_preset accepted a group without the preset attributes";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find(path), std::string::npos) << e.what();
  }
}

TEST(PresetIo, RejectsEdgesThatDoNotMatchTheBinCount) {
  flowspike::testing::TempDir dir;
  std::string path = dir.file("p.h5");
  {
    hdf5::File f = hdf5::File::create(path);
    write_preset(f, features::Preset::paper());
    f.set_attr("size_bins", 299);
  }
  EXPECT_THROW(read_preset(hdf5::File::open(path)), Error);
}

}  // namespace
}  // namespace flowspike::dataset
