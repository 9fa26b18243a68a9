#include "flowspike/dataset/extractor.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <numeric>

#include <fmt/format.h>

#include "flowspike/common/error.h"
#include "flowspike/common/interrupt.h"
#include "flowspike/dataset/dataset.h"
#include "flowspike/dataset/labels.h"
#include "support/synthetic_flows.h"
#include "support/temp_dir.h"

namespace flowspike::dataset {
namespace {

namespace fs = std::filesystem;
using flowspike::testing::FlowSpec;
using flowspike::testing::PcapWriter;
using flowspike::testing::SpecPacket;
using flowspike::testing::packets_of;
using flowspike::testing::mixed_flows;
using flowspike::testing::write_pcap;
using flowspike::testing::TempDir;

// The same flows as FlowPic session rows (one per direction, a's first).
void write_flowpic_csv(const std::string& path, const std::string& pcap_name, const std::vector<FlowSpec>& flows) {
  fs::create_directories(fs::path(path).parent_path());
  std::ofstream out(path, std::ios::binary);
  auto ip = [](const PcapWriter::Ipv4& a) { return fmt::format("{}.{}.{}.{}", a[0], a[1], a[2], a[3]); };
  for (const FlowSpec& f : flows) {
    for (bool from_a : {true, false}) {
      if (!from_a && f.one_way) continue;
      std::vector<int64_t> ts;
      for (const SpecPacket& p : packets_of({f}))
        if (p.from_a == from_a) ts.push_back(p.ts_ns);
      out << fmt::format("{},{},{},{},{},{},{:.6f},{}", pcap_name, ip(from_a ? f.a : f.b), from_a ? f.port_a : f.port_b,
                         ip(from_a ? f.b : f.a), from_a ? f.port_b : f.port_a, f.proto == 6 ? "TCP" : "UDP",
                         static_cast<double>(ts[0]) / 1e9, ts.size());
      for (int64_t t : ts) out << fmt::format(",{}", static_cast<double>(t - ts[0]) / 1e9);
      out << ",";
      for (size_t i = 0; i < ts.size(); ++i) out << "," << (from_a ? f.size_a : f.size_b);
      out << "\r\n";
    }
  }
}

uint64_t total(const std::vector<uint64_t>& v) { return std::accumulate(v.begin(), v.end(), uint64_t{0}); }

float picture_sum(const Dataset& d, size_t w) {
  float s = 0;
  for (float c : d.picture(w).count) s += c;
  return s;
}

TEST(Extract, CapturesToALabelledDataset) {
  TempDir dir;
  write_pcap(dir.file("in/Chat-VPN/a.pcap"), mixed_flows());
  write_pcap(dir.file("in/Video-Tor/b.pcap"), {mixed_flows()[0]});
  ExtractOptions o;
  o.inputs = {dir.file("in")};
  o.labels = "dirs";
  ExtractResult r = extract(o, dir.file("out.h5"));

  EXPECT_EQ(r.format, InputFormat::capture);
  EXPECT_EQ(r.classes, iscx_classes());
  EXPECT_EQ(r.files, 2u);
  EXPECT_EQ(r.windows_per_class[11], 13u);  // Chat-VPN
  EXPECT_EQ(r.windows_per_class[1], 10u);   // Video-Tor
  EXPECT_EQ(total(r.windows_per_class), 23u);
  EXPECT_EQ(r.windows_written, 23u);
  EXPECT_EQ(r.windows_unlabelled, 0u);
  EXPECT_GT(r.windows_few_packets, 0u);
  EXPECT_EQ(r.flows, 5u);
  EXPECT_EQ(r.flows_written, 3u);
  EXPECT_EQ(r.report.packets_used, r.packets);
  EXPECT_EQ(r.report.total_dropped(), 0u);

  Dataset d = load_dataset(dir.file("out.h5"));
  ASSERT_EQ(d.size(), 23u);
  EXPECT_EQ(d.count.size(), r.cells);
  EXPECT_EQ(d.classes, iscx_classes());
  ASSERT_EQ(d.flow_count(), 3u);
  ASSERT_EQ(d.capture_paths.size(), 2u);
  for (size_t w = 0; w < d.size(); ++w) {
    auto f = static_cast<size_t>(d.flow[w]);
    std::string capture = d.capture_paths[static_cast<size_t>(d.flow_capture[f])];
    EXPECT_EQ(d.label[w], capture.find("Chat-VPN") != std::string::npos ? 11 : 1);
    EXPECT_EQ(d.flow_src[f], "10.0.0.1");
    EXPECT_EQ(d.flow_proto[f], 6);
    EXPECT_EQ(d.flow_dport[f], 443);
    if (d.flow_sport[f] == 1000) {
      EXPECT_EQ(d.flow_dst[f], "10.0.0.2");
      EXPECT_EQ(d.flow_packets[f], 800);
      EXPECT_EQ(picture_sum(d, w), 240.f);  // 60 s of 2 + 2 packets per second
    } else {
      EXPECT_EQ(d.flow_sport[f], 1001);
      EXPECT_EQ(d.flow_dst[f], "10.0.0.3");
      EXPECT_EQ(d.flow_packets[f], 800);
      EXPECT_EQ(picture_sum(d, w), 480.f);
    }
  }
  // Window starts are the flow's first packet plus k steps.
  std::vector<double> starts;
  for (size_t w = 0; w < d.size(); ++w)
    if (d.flow_sport[static_cast<size_t>(d.flow[w])] == 1001) starts.push_back(d.start_s[w]);
  ASSERT_EQ(starts.size(), 3u);
  for (size_t k = 0; k < 3; ++k) EXPECT_NEAR(starts[k], 1.5e9 + 20 + 15.0 * static_cast<double>(k), 1e-6);
}

TEST(Extract, SkipsAndCountsWindowsOfUnlabelledCaptures) {
  TempDir dir;
  write_pcap(dir.file("in/youtube1.pcap"), {mixed_flows()[0]});
  write_pcap(dir.file("in/email1a.pcap"), {mixed_flows()[0]});
  write_pcap(dir.file("in/holiday.pcap"), {mixed_flows()[1]});
  ExtractOptions o;
  o.inputs = {dir.file("in")};
  ExtractResult r = extract(o, dir.file("out.h5"));
  EXPECT_EQ(r.windows_per_class[0], 10u);
  EXPECT_EQ(r.windows_written, 10u);
  EXPECT_EQ(r.windows_unlabelled, 13u);
  ASSERT_EQ(r.unlabelled.size(), 2u);
  Dataset d = load_dataset(dir.file("out.h5"));
  EXPECT_EQ(d.size(), 10u);
  EXPECT_EQ(d.flow_count(), 1u);
  EXPECT_EQ(d.capture_paths.size(), 3u);  // every capture read is listed, labelled or not
}

TEST(Extract, CsvLabelsAndFilter) {
  TempDir dir;
  write_pcap(dir.file("in/x1.pcap"), mixed_flows());
  std::ofstream(dir.file("labels.csv")) << "x*,streaming\n";
  ExtractOptions o;
  o.inputs = {dir.file("in/x1.pcap")};
  o.labels = dir.file("labels.csv");
  o.bpf_filter = "tcp port 1001";
  ExtractResult r = extract(o, dir.file("out.h5"));
  EXPECT_EQ(r.classes, std::vector<std::string>{"streaming"});
  EXPECT_EQ(r.windows_written, 3u);
  EXPECT_EQ(r.flows, 1u);
  EXPECT_GT(r.report.packets_filtered, 0u);
}

TEST(Extract, PresetsChangeThePictures) {
  TempDir dir;
  write_pcap(dir.file("in/youtube1.pcap"), {mixed_flows()[0]});
  ExtractOptions o;
  o.inputs = {dir.file("in")};
  o.preset = features::Preset::uniform();
  o.preset.picture.time_bins = 60;
  extract(o, dir.file("u.h5"));
  Dataset d = load_dataset(dir.file("u.h5"));
  EXPECT_EQ(d.preset.name, "uniform");
  EXPECT_EQ(d.preset.picture.time_bins, 60u);
  EXPECT_EQ(d.preset.picture.size_edges, features::SizeBinEdges::uniform());
  ASSERT_GT(d.size(), 0u);
  for (uint16_t s : d.size_bin) EXPECT_TRUE(s == 10 || s == 150 + 140) << s;  // 100 bytes fwd, 1400 bwd
}

TEST(Extract, CompressionChangesOnlyTheFileSize) {
  TempDir dir;
  write_pcap(dir.file("in/youtube1.pcap"), mixed_flows());
  ExtractOptions o;
  o.inputs = {dir.file("in")};
  std::vector<Dataset> loaded;
  std::vector<uintmax_t> sizes;
  for (int level : {0, 1, 9}) {
    o.compression = level;
    std::string out = dir.file(fmt::format("d{}.h5", level));
    extract(o, out);
    loaded.push_back(load_dataset(out));
    sizes.push_back(fs::file_size(out));
  }
  for (const Dataset& d : loaded) {
    EXPECT_EQ(d.label, loaded[0].label);
    EXPECT_EQ(d.offset, loaded[0].offset);
    EXPECT_EQ(d.time_bin, loaded[0].time_bin);
    EXPECT_EQ(d.size_bin, loaded[0].size_bin);
    EXPECT_EQ(d.count, loaded[0].count);
    EXPECT_EQ(d.flow_packets, loaded[0].flow_packets);
  }
  EXPECT_GT(sizes[0], sizes[1]);
  EXPECT_GE(sizes[1], sizes[2]);
  o.compression = 10;
  EXPECT_THROW(extract(o, dir.file("bad.h5")), Error);
}

TEST(Extract, FlowPicCsvGivesTheSamePicturesAsTheCapture) {
  TempDir dir;
  std::vector<FlowSpec> flows = mixed_flows();
  write_pcap(dir.file("pcap/Chat-VPN/a.pcap"), flows);
  write_flowpic_csv(dir.file("csv/Chat-VPN/sessions.csv"), "a", flows);
  ExtractOptions o;
  o.labels = "dirs";
  o.inputs = {dir.file("pcap")};
  extract(o, dir.file("from_pcap.h5"));
  o.inputs = {dir.file("csv")};
  o.format = InputFormat::flowpic_csv;
  ExtractResult r = extract(o, dir.file("from_csv.h5"));
  EXPECT_EQ(r.format, InputFormat::flowpic_csv);
  EXPECT_EQ(r.sessions, 7u);
  EXPECT_EQ(r.session_pairs, 3u);
  EXPECT_EQ(r.session_singles, 1u);

  Dataset a = load_dataset(dir.file("from_pcap.h5"));
  Dataset b = load_dataset(dir.file("from_csv.h5"));
  ASSERT_EQ(a.size(), 13u);
  ASSERT_EQ(b.size(), a.size());
  // Windows come in a different order (the CSV's flows are whole, one after the
  // other); compare them by (forward source port, start).
  auto key = [](const Dataset& d, size_t w) {
    return std::make_pair(d.flow_sport[static_cast<size_t>(d.flow[w])], std::llround(d.start_s[w] * 1e6));
  };
  std::map<std::pair<uint16_t, long long>, size_t> in_b;
  for (size_t w = 0; w < b.size(); ++w) in_b[key(b, w)] = w;
  for (size_t w = 0; w < a.size(); ++w) {
    auto it = in_b.find(key(a, w));
    ASSERT_NE(it, in_b.end());
    features::PictureView pa = a.picture(w), pb = b.picture(it->second);
    EXPECT_TRUE(std::equal(pa.time_bin.begin(), pa.time_bin.end(), pb.time_bin.begin(), pb.time_bin.end()));
    EXPECT_TRUE(std::equal(pa.size_bin.begin(), pa.size_bin.end(), pb.size_bin.begin(), pb.size_bin.end()));
    EXPECT_TRUE(std::equal(pa.count.begin(), pa.count.end(), pb.count.begin(), pb.count.end()));
    EXPECT_EQ(a.label[w], b.label[it->second]);
  }
  EXPECT_EQ(b.capture_paths, std::vector<std::string>{(fs::path(dir.file("csv/Chat-VPN")) / "a").string()});
}

TEST(Extract, FlowPicPacketsOutOfOrderAreKeptAndCounted) {
  TempDir dir;
  write_flowpic_csv(dir.file("csv/in_order.csv"), "youtube1", {mixed_flows()[0]});
  // The same sessions with two neighbouring timestamps of the first row swapped.
  std::ifstream in(dir.file("csv/in_order.csv"));
  std::string first, second;
  std::getline(in, first);
  std::getline(in, second);
  size_t a = first.find(",0.5,"), b = first.find(",1,", a);
  ASSERT_NE(a, std::string::npos);
  ASSERT_NE(b, std::string::npos);
  std::string swapped = first.substr(0, a) + ",1,0.5," + first.substr(b + 3);
  ExtractOptions o;
  o.inputs = {dir.file("csv/in_order.csv")};
  ExtractResult r1 = extract(o, dir.file("a.h5"));
  fs::create_directories(dir.path() / "csv2");
  std::ofstream(dir.file("csv2/reordered.csv")) << swapped << "\n" << second << "\n";
  o.inputs = {dir.file("csv2/reordered.csv")};
  ExtractResult r2 = extract(o, dir.file("b.h5"));
  EXPECT_EQ(r1.report.timestamps_backwards, 0u);
  EXPECT_EQ(r2.report.timestamps_backwards, 1u);
  EXPECT_EQ(r2.packets, r1.packets);
  Dataset d1 = load_dataset(dir.file("a.h5")), d2 = load_dataset(dir.file("b.h5"));
  EXPECT_EQ(d1.time_bin, d2.time_bin);  // sorted back into time order, the pictures are the same
  EXPECT_EQ(d1.count, d2.count);
}

TEST(Extract, FlowPicPacketOnABinEdgeAtAnEpochTimeLandsInTheLaterBin) {
  // The backward session starts exactly 200 ms after the forward one: on the
  // edge of time bin 1. Through doubles (start_s * 1e9) the two epoch-sized
  // starts are off by +152 and -104 ns, and every backward packet fell into
  // the bin before its own.
  TempDir dir;
  std::string fwd = "vpn_skype_chat1a,10.0.0.1,1000,10.0.0.2,443,TCP,1455555555.000049,10";
  std::string bwd = "vpn_skype_chat1a,10.0.0.2,443,10.0.0.1,1000,TCP,1455555555.200049,10";
  for (int i = 0; i < 10; ++i) {
    fwd += fmt::format(",{}", 5 * i);
    bwd += fmt::format(",{}", 5 * i);
  }
  fwd += ",";
  bwd += ",";
  for (int i = 0; i < 10; ++i) {
    fwd += ",100";
    bwd += ",200";
  }
  fs::create_directories(dir.path() / "csv");
  std::ofstream(dir.file("csv/edge.csv")) << fwd << "\n" << bwd << "\n";
  ExtractOptions o;
  o.inputs = {dir.file("csv/edge.csv")};
  ExtractResult r = extract(o, dir.file("edge.h5"));
  ASSERT_EQ(r.windows_written, 1u);
  Dataset d = load_dataset(dir.file("edge.h5"));
  features::PictureView p = d.picture(0);
  ASSERT_EQ(p.time_bin.size(), 20u);
  const uint32_t backward_half = d.preset.picture.size_edges.size_bins() / 2;
  for (size_t i = 0; i < p.time_bin.size(); ++i) {
    bool backward = p.size_bin[i] >= backward_half;
    // Forward packets at 5 k s: bin 25 k; backward ones at 5 k + 0.2 s: bin 25 k + 1.
    EXPECT_EQ(p.time_bin[i] % 25, backward ? 1 : 0) << "cell " << i << " size bin " << p.size_bin[i];
  }
}

TEST(Extract, CsvInputsAreDetectedByTheirExtension) {
  TempDir dir;
  write_flowpic_csv(dir.file("csv/vpn_skype_chat1a.csv"), "vpn_skype_chat1a", {mixed_flows()[0]});
  ExtractOptions o;
  o.inputs = {dir.file("csv/vpn_skype_chat1a.csv")};
  ExtractResult r = extract(o, dir.file("out.h5"));
  EXPECT_EQ(r.format, InputFormat::flowpic_csv);
  EXPECT_EQ(r.windows_per_class[11], 10u);  // iscx: the row's pcap name says Chat-VPN
  o.bpf_filter = "tcp";
  EXPECT_THROW(extract(o, dir.file("out2.h5")), Error);
}

// Nothing but the dataset (or nothing at all) may be left in the output directory.
void expect_no_output(const TempDir& dir, const std::string& out_dir) {
  for (const auto& e : fs::directory_iterator(dir.file(out_dir))) ADD_FAILURE() << "left behind: " << e.path();
}

TEST(Extract, FailedRunsLeaveNoOutput) {
  TempDir dir;
  write_pcap(dir.file("in/youtube1.pcap"), {mixed_flows()[0]});
  std::ofstream(dir.file("in/notes.pcap")) << "this is not a capture";
  fs::create_directories(dir.path() / "out");
  ExtractOptions o;
  o.inputs = {dir.file("in")};
  EXPECT_THROW(extract(o, dir.file("out/d.h5")), Error);  // not a capture
  expect_no_output(dir, "out");

  o.inputs = {dir.file("in/youtube1.pcap")};
  o.labels = dir.file("missing.csv");
  EXPECT_THROW(extract(o, dir.file("out/d.h5")), Error);
  expect_no_output(dir, "out");

  o.labels = "iscx";
  EXPECT_THROW(extract(o, dir.file("no/such/dir/d.h5")), Error);

  request_interrupt();
  EXPECT_THROW(extract(o, dir.file("out/d.h5")), Interrupted);
  clear_interrupt();
  expect_no_output(dir, "out");

  // A previous dataset survives a failed run untouched.
  extract(o, dir.file("out/d.h5"));
  auto size = fs::file_size(dir.file("out/d.h5"));
  o.inputs = {dir.file("in")};
  EXPECT_THROW(extract(o, dir.file("out/d.h5")), Error);
  EXPECT_EQ(fs::file_size(dir.file("out/d.h5")), size);
  EXPECT_EQ(std::distance(fs::directory_iterator(dir.file("out")), {}), 1);
}

TEST(Extract, KeepGoingSkipsBadCaptures) {
  TempDir dir;
  write_pcap(dir.file("in/youtube1.pcap"), {mixed_flows()[0]});
  std::ofstream(dir.file("in/notes.pcap")) << "this is not a capture";
  ExtractOptions o;
  o.inputs = {dir.file("in")};
  o.keep_going = true;
  ExtractResult r = extract(o, dir.file("d.h5"));
  EXPECT_EQ(r.windows_written, 10u);
  EXPECT_TRUE(std::any_of(r.captures.begin(), r.captures.end(), [](const capture::CaptureInfo& c) { return c.skipped; }));
}

// The Requet captures (headers only, snaplen 72) labelled by their directory,
// opened with h5py.
TEST(Extract, RequetCapturesOpenInH5py) {
  FLOWSPIKE_REQUIRE_SHARED_DATA("real/requet");
  TempDir dir;
  ExtractOptions o;
  o.inputs = {flowspike::testing::shared_data("real/requet").string()};
  o.labels = "dirs";
  ExtractResult r = extract(o, dir.file("requet.h5"));
  EXPECT_EQ(r.classes, std::vector<std::string>{"requet"});
  EXPECT_GT(r.windows_written, 0u);
  Dataset d = load_dataset(dir.file("requet.h5"));
  EXPECT_EQ(d.size(), r.windows_written);
  if (std::system("/usr/bin/python3 -c 'import h5py' >/dev/null 2>&1") != 0)
    GTEST_SKIP() << "/usr/bin/python3 with h5py is not available";
  std::string script = fmt::format(
      "import h5py; f = h5py.File('{}', 'r'); "
      "assert f.attrs['format'] == 'flowspike-dataset'; "
      "n = f['windows/label'].shape[0]; assert n == {}; "
      "assert f['windows/offset'].shape == (n + 1,); "
      "assert f['windows/offset'][-1] == f['cells/count'].shape[0]; "
      "assert f['flows/capture'][:].max() < f['captures/path'].shape[0]; "
      "assert f['cells/time_bin'].dtype == 'uint16' and f['cells/count'].dtype == 'float32'",
      dir.file("requet.h5"), d.size());
  std::ofstream(dir.file("check.py")) << script;
  EXPECT_EQ(std::system(("/usr/bin/python3 " + dir.file("check.py")).c_str()), 0);
}

}  // namespace
}  // namespace flowspike::dataset
