#include "flowspike/dataset/dataset.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>

#include <fmt/format.h>

#include "flowspike/common/error.h"
#include "flowspike/common/hdf5.h"
#include "flowspike/dataset/preset_io.h"
#include "make_dataset.h"
#include "support/temp_dir.h"

namespace flowspike::dataset {
namespace {

using testing::make_dataset;

// Writes the columns as they are, without save_dataset's validation, so the
// loader's checks can be tested on damaged files.
void write_raw(const Dataset& d, const std::string& path, int version = kDatasetVersion) {
  hdf5::File f = hdf5::File::create(path);
  f.set_attr("format", kDatasetFormat);
  f.set_attr("version", version);
  write_preset(f, d.preset);
  f.write_strings("classes", d.classes);
  f.write("windows/label", d.label);
  f.write("windows/flow", d.flow);
  f.write("windows/start_s", d.start_s);
  f.write("windows/offset", d.offset);
  f.write("cells/time_bin", d.time_bin);
  f.write("cells/size_bin", d.size_bin);
  f.write("cells/count", d.count);
  f.write("flows/capture", d.flow_capture);
  f.write("flows/proto", d.flow_proto);
  f.write_strings("flows/src", d.flow_src);
  f.write_strings("flows/dst", d.flow_dst);
  f.write("flows/sport", d.flow_sport);
  f.write("flows/dport", d.flow_dport);
  f.write("flows/packets", d.flow_packets);
  f.write_strings("captures/path", d.capture_paths);
}

void expect_same(const Dataset& a, const Dataset& b) {
  EXPECT_EQ(a.preset.name, b.preset.name);
  EXPECT_EQ(a.preset.picture.size_edges, b.preset.picture.size_edges);
  EXPECT_EQ(a.preset.picture.time_bins, b.preset.picture.time_bins);
  EXPECT_EQ(a.classes, b.classes);
  EXPECT_EQ(a.label, b.label);
  EXPECT_EQ(a.flow, b.flow);
  EXPECT_EQ(a.start_s, b.start_s);
  EXPECT_EQ(a.offset, b.offset);
  EXPECT_EQ(a.time_bin, b.time_bin);
  EXPECT_EQ(a.size_bin, b.size_bin);
  EXPECT_EQ(a.count, b.count);
  EXPECT_EQ(a.flow_capture, b.flow_capture);
  EXPECT_EQ(a.flow_proto, b.flow_proto);
  EXPECT_EQ(a.flow_src, b.flow_src);
  EXPECT_EQ(a.flow_dst, b.flow_dst);
  EXPECT_EQ(a.flow_sport, b.flow_sport);
  EXPECT_EQ(a.flow_dport, b.flow_dport);
  EXPECT_EQ(a.flow_packets, b.flow_packets);
  EXPECT_EQ(a.capture_paths, b.capture_paths);
}

// Expects load_dataset(path) to fail with a message naming the file and containing `what`.
void expect_load_error(const std::string& path, const std::string& what) {
  try {
    load_dataset(path);
    ADD_FAILURE() << "loading " << path << " did not fail (expected: " << what << ")";
  } catch (const Error& e) {
    std::string msg = e.what();
    EXPECT_NE(msg.find(path), std::string::npos) << msg;
    EXPECT_NE(msg.find(what), std::string::npos) << msg;
  }
}

TEST(Dataset, RoundTripsEveryColumn) {
  flowspike::testing::TempDir dir;
  Dataset d = make_dataset(5, 7, 3, 4);
  save_dataset(d, dir.file("d.h5"));
  expect_same(d, load_dataset(dir.file("d.h5")));
}

// More cells than one chunk of the cell columns (65 536), the last chunk partial.
TEST(Dataset, RoundTripsCellsAcrossSeveralChunks) {
  flowspike::testing::TempDir dir;
  Dataset d = make_dataset(60, 20, 20, 3);
  ASSERT_GT(d.count.size(), 3u * 65536u);
  ASSERT_NE(d.count.size() % 65536u, 0u);
  save_dataset(d, dir.file("d.h5"));
  expect_same(d, load_dataset(dir.file("d.h5")));
  if (std::system("/usr/bin/python3 -c 'import h5py' >/dev/null 2>&1") != 0)
    GTEST_SKIP() << "/usr/bin/python3 with h5py is not available";
  double sum = 0;
  for (float c : d.count) sum += c;
  std::string cmd = fmt::format(
      "/usr/bin/python3 -c \"import h5py, sys; f = h5py.File('{}', 'r'); "
      "sys.exit(0 if f['cells/count'].shape == ({},) and f['cells/count'][:].sum() == {} and "
      "f['cells/time_bin'][-1] == {} else 1)\"",
      dir.file("d.h5"), d.count.size(), sum, d.time_bin.back());
  EXPECT_EQ(std::system(cmd.c_str()), 0) << cmd;
}

TEST(Dataset, RoundTripsAnEmptyDataset) {
  flowspike::testing::TempDir dir;
  Dataset d = make_dataset(2, 0, 0, 3);
  ASSERT_EQ(d.size(), 0u);
  save_dataset(d, dir.file("d.h5"));
  Dataset back = load_dataset(dir.file("d.h5"));
  expect_same(d, back);
  EXPECT_EQ(back.offset, std::vector<int64_t>{0});
}

TEST(Dataset, PictureReturnsTheCellsOfOneWindow) {
  Dataset d = make_dataset(1, 1, 3, 1);
  for (size_t w = 0; w < d.size(); ++w) {
    features::PictureView p = d.picture(w);
    auto begin = static_cast<size_t>(d.offset[w]);
    ASSERT_EQ(p.nnz(), static_cast<size_t>(d.offset[w + 1] - d.offset[w]));
    for (size_t i = 0; i < p.nnz(); ++i) {
      EXPECT_EQ(p.time_bin[i], d.time_bin[begin + i]);
      EXPECT_EQ(p.size_bin[i], d.size_bin[begin + i]);
      EXPECT_EQ(p.count[i], d.count[begin + i]);
    }
  }
}

TEST(Dataset, SaveLeavesNoFileWhenTheDataIsInvalid) {
  flowspike::testing::TempDir dir;
  Dataset d = make_dataset(2, 2, 2, 2);
  d.label[1] = 7;
  EXPECT_THROW(save_dataset(d, dir.file("d.h5")), Error);
  EXPECT_TRUE(std::filesystem::is_empty(dir.path()));
}

TEST(Dataset, SaveOverwritesAnExistingFileOnlyOnSuccess) {
  flowspike::testing::TempDir dir;
  Dataset good = make_dataset(2, 2, 2, 2);
  save_dataset(good, dir.file("d.h5"));
  Dataset bad = good;
  bad.flow[0] = 99;
  EXPECT_THROW(save_dataset(bad, dir.file("d.h5")), Error);
  expect_same(good, load_dataset(dir.file("d.h5")));
  EXPECT_EQ(std::distance(std::filesystem::directory_iterator(dir.path()), {}), 1);
}

TEST(Dataset, LoadRejectsAFileThatIsNotHdf5) {
  flowspike::testing::TempDir dir;
  std::ofstream(dir.file("x.h5")) << "hello";
  expect_load_error(dir.file("x.h5"), "not an HDF5 file");
  expect_load_error(dir.file("missing.h5"), "cannot open");
}

TEST(Dataset, LoadRejectsAnHdf5FileThatIsNotADataset) {
  flowspike::testing::TempDir dir;
  {
    hdf5::File f = hdf5::File::create(dir.file("x.h5"));
    f.set_attr("format", "flowspike-model");
  }
  expect_load_error(dir.file("x.h5"), "not a flowspike dataset");
}

TEST(Dataset, LoadRejectsAnotherVersion) {
  flowspike::testing::TempDir dir;
  write_raw(make_dataset(1, 1, 1, 1), dir.file("x.h5"), 2);
  expect_load_error(dir.file("x.h5"), "version 2 is not supported");
}

TEST(Dataset, LoadRejectsInconsistentColumns) {
  flowspike::testing::TempDir dir;
  struct Case {
    const char* what;
    std::function<void(Dataset&)> damage;
  };
  // A window with at least two cells, for the sorting case.
  auto window_with_two_cells = [](const Dataset& d) {
    for (size_t w = 0; w < d.size(); ++w)
      if (d.offset[w + 1] - d.offset[w] >= 2) return static_cast<size_t>(d.offset[w]);
    throw std::logic_error("no window with two cells");
  };
  const Case cases[] = {
      {"not monotone at window 1", [](Dataset& d) { d.offset[1] = d.offset[3] + 1; }},
      {"offset ends at", [](Dataset& d) { d.offset.back() -= 1; }},
      {"/windows/offset has", [](Dataset& d) { d.offset.pop_back(); }},
      {"has label 4, outside the 2 classes", [](Dataset& d) { d.label[3] = 4; }},
      {"has label -1", [](Dataset& d) { d.label[0] = -1; }},
      {"outside 300 x 300", [](Dataset& d) { d.size_bin[0] = 300; }},
      {"outside 300 x 300", [](Dataset& d) { d.time_bin[2] = 1000; }},
      {"refers to flow row 8", [](Dataset& d) { d.flow[1] = 8; }},
      {"refers to capture row 5", [](Dataset& d) { d.flow_capture[0] = 5; }},
      {"window columns differ", [](Dataset& d) { d.start_s.pop_back(); }},
      {"/flows columns differ", [](Dataset& d) { d.flow_packets.pop_back(); }},
      {"not sorted", [&](Dataset& d) {
         size_t c = window_with_two_cells(d);
         d.time_bin[c + 1] = d.time_bin[c];
         d.size_bin[c + 1] = d.size_bin[c];
       }},
  };
  for (const Case& c : cases) {
    Dataset d = make_dataset(4, 2, 3, 2);
    c.damage(d);
    std::string path = dir.file("bad.h5");
    write_raw(d, path);
    SCOPED_TRACE(c.what);
    expect_load_error(path, c.what);
  }
}

TEST(Dataset, LoadRejectsAMissingColumn) {
  flowspike::testing::TempDir dir;
  Dataset d = make_dataset(1, 1, 1, 1);
  {
    hdf5::File f = hdf5::File::create(dir.file("x.h5"));
    f.set_attr("format", kDatasetFormat);
    f.set_attr("version", kDatasetVersion);
    write_preset(f, d.preset);
    f.write_strings("classes", d.classes);
  }
  expect_load_error(dir.file("x.h5"), "missing dataset '/windows/label'");
}

// Opens a written dataset with h5py and checks the DESIGN section 5 layout and dtypes.
TEST(Dataset, FileHasTheDesignLayoutInH5py) {
  if (std::system("/usr/bin/python3 -c 'import h5py' >/dev/null 2>&1") != 0)
    GTEST_SKIP() << "/usr/bin/python3 with h5py is not available";
  flowspike::testing::TempDir dir;
  Dataset d = make_dataset(3, 4, 2, 3);
  save_dataset(d, dir.file("d.h5"));
  std::ofstream(dir.file("check.py")) << R"(
import sys, h5py, numpy as np
f = h5py.File(sys.argv[1], 'r')
a = f.attrs
assert a['format'] == 'flowspike-dataset', a['format']
assert int(a['version']) == 1
assert a['preset'] == 'paper'
assert int(a['time_bins']) == 300 and int(a['size_bins']) == 300
assert float(a['window_s']) == 60.0 and float(a['step_s']) == 15.0
assert int(a['forward_size_bins']) == 151
expect = {
  'size_edges': ('f8', (301,)),
  'windows/label': ('i4', (24,)), 'windows/flow': ('i8', (24,)),
  'windows/start_s': ('f8', (24,)), 'windows/offset': ('i8', (25,)),
  'cells/time_bin': ('u2', None), 'cells/size_bin': ('u2', None), 'cells/count': ('f4', None),
  'flows/capture': ('i4', (12,)), 'flows/proto': ('u1', (12,)), 'flows/sport': ('u2', (12,)),
  'flows/dport': ('u2', (12,)), 'flows/packets': ('i8', (12,)),
}
for name, (dtype, shape) in expect.items():
  ds = f[name]
  assert ds.dtype == np.dtype(dtype), (name, ds.dtype)
  if shape is not None: assert ds.shape == shape, (name, ds.shape)
nnz = f['windows/offset'][-1]
for name in ('cells/time_bin', 'cells/size_bin', 'cells/count'):
  assert f[name].shape == (nnz,), (name, f[name].shape)
classes = [c.decode() for c in f['classes'][()]]
assert classes == ['class-0', 'class-1', 'class-2'], classes
assert [p.decode() for p in f['captures/path'][()]] == ['captures/file0.pcap', 'captures/file1.pcap', 'captures/file2.pcap']
assert f['flows/src'][0].decode() == '10.0.0.0' and f['flows/dst'][0].decode() == '2001:db8::1'
assert f['size_edges'][0] == 0 and f['size_edges'][-1] == 3120
o = f['windows/offset'][()]
# A dense picture from the CSR arrays, as a PyTorch user would build it.
w = 5
pic = np.zeros((300, 300), np.float32)
sl = slice(o[w], o[w + 1])
pic[f['cells/time_bin'][sl], f['cells/size_bin'][sl]] = f['cells/count'][sl]
print(pic.sum())
)";
  std::string cmd = "/usr/bin/python3 " + dir.file("check.py") + " " + dir.file("d.h5") + " >" + dir.file("out.txt") +
                    " 2>&1";
  int rc = std::system(cmd.c_str());
  std::ifstream out(dir.file("out.txt"));
  std::string text((std::istreambuf_iterator<char>(out)), std::istreambuf_iterator<char>());
  ASSERT_EQ(rc, 0) << text;
  float expected = 0;
  for (float c : d.picture(5).count) expected += c;
  EXPECT_FLOAT_EQ(std::stof(text), expected);
}

}  // namespace
}  // namespace flowspike::dataset
