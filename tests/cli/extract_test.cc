// `flowspike extract` end to end: runs the built binary on generated captures.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include <fmt/format.h>

#include "cli/run_flowspike.h"
#include "flowspike/dataset/dataset.h"
#include "flowspike/dataset/labels.h"
#include "support/synthetic_flows.h"
#include "support/temp_dir.h"

namespace flowspike {
namespace {

namespace fs = std::filesystem;
using testing::TempDir;

using RunResult = testing::CliRun;

RunResult flowspike(const TempDir& dir, const std::string& args) { return testing::run_flowspike(dir, args); }

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

TEST(CliExtract, WritesADatasetAndPrintsASummary) {
  TempDir dir;
  testing::write_pcap(dir.file("in/Chat-VPN/a.pcap"), testing::mixed_flows());
  testing::write_pcap(dir.file("in/Video-Tor/b.pcap"), {testing::mixed_flows()[0]});
  RunResult r = flowspike(dir, fmt::format("extract -r {} --labels dirs -o {} --stats", dir.file("in"), dir.file("d.h5")));
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(contains(r.out, "23 windows of 3 flows from 2 capture(s)")) << r.out;
  EXPECT_TRUE(contains(r.out, "Chat-VPN")) << r.out;
  EXPECT_TRUE(contains(r.err, "packets read")) << r.err;
  EXPECT_FALSE(contains(r.err, "\r")) << "a progress bar was drawn although stderr is not a terminal";
  dataset::Dataset d = dataset::load_dataset(dir.file("d.h5"));
  EXPECT_EQ(d.size(), 23u);
  EXPECT_EQ(d.classes, dataset::iscx_classes());
}

TEST(CliExtract, TrailingWordsAreAFilterAndOptionsReachThePreset) {
  TempDir dir;
  testing::write_pcap(dir.file("in/youtube1.pcap"), testing::mixed_flows());
  std::ofstream(dir.file("edges.txt")) << "# 3 bins per direction\n0, 100\n1000 2000\n";
  RunResult r = flowspike(dir, fmt::format("extract -r {} --labels iscx -o {} --preset uniform --window 30 --step 10 "
                                     "--time-bins 30 --min-packets 5 --min-span 20 --size-edges {} --compression 0 tcp port 1001",
                                     dir.file("in/youtube1.pcap"), dir.file("d.h5"), dir.file("edges.txt")));
  ASSERT_EQ(r.code, 0) << r.err;
  dataset::Dataset d = dataset::load_dataset(dir.file("d.h5"));
  EXPECT_EQ(d.preset.name, "uniform");
  EXPECT_EQ(d.preset.window.length_s, 30);
  EXPECT_EQ(d.preset.window.step_s, 10);
  EXPECT_EQ(d.preset.window.min_packets, 5u);
  EXPECT_EQ(d.preset.window.min_span_s, 20);
  EXPECT_EQ(d.preset.picture.time_bins, 30u);
  EXPECT_EQ(d.preset.picture.size_edges.edges(), (std::vector<double>{0, 100, 1000, 2000, 2100, 3000, 4000}));
  // Only the flow on port 1001 passes the filter: 100 s long, so trunc((99.875 - 30) / 10) + 1 = 7 windows.
  EXPECT_EQ(d.size(), 7u);
  EXPECT_EQ(d.flow_count(), 1u);
  EXPECT_EQ(d.flow_sport[0], 1001);
}

TEST(CliExtract, ReadsFlowPicCsvWrittenByFlows) {
  TempDir dir;
  testing::write_pcap(dir.file("in/Chat-VPN/a.pcap"), testing::mixed_flows());
  fs::create_directories(dir.path() / "csv" / "Chat-VPN");
  RunResult flows = flowspike(dir, fmt::format("flows -r {} --format flowpic -w {}", dir.file("in/Chat-VPN/a.pcap"),
                                               dir.file("csv/Chat-VPN/a.csv")));
  ASSERT_EQ(flows.code, 0) << flows.err;
  RunResult r = flowspike(dir, fmt::format("extract --flowpic-csv {} --labels dirs -o {}", dir.file("csv"), dir.file("d.h5")));
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(contains(r.out, "sessions: 7 read, 3 paired into flows, 1 without a reverse session")) << r.out;
  dataset::Dataset d = dataset::load_dataset(dir.file("d.h5"));
  EXPECT_EQ(d.size(), 13u);
  for (int32_t label : d.label) EXPECT_EQ(label, 11);
}

TEST(CliExtract, WarnsAboutUnlabelledCaptures) {
  TempDir dir;
  testing::write_pcap(dir.file("in/youtube1.pcap"), {testing::mixed_flows()[0]});
  testing::write_pcap(dir.file("in/holiday.pcap"), {testing::mixed_flows()[0]});
  RunResult r = flowspike(dir, fmt::format("extract -r {} --labels iscx -o {}", dir.file("in"), dir.file("d.h5")));
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(contains(r.err, "warning: 1 of 2 captures have no label from 'iscx' (holiday.pcap); their 10 windows"))
      << r.err;
  EXPECT_TRUE(contains(r.out, "10 unlabelled")) << r.out;
}

TEST(CliExtract, ErrorsNameTheProblemAndLeaveNoOutput) {
  TempDir dir;
  testing::write_pcap(dir.file("in/youtube1.pcap"), {testing::mixed_flows()[0]});
  std::ofstream(dir.file("in/bad.pcap")) << "not a capture at all";
  fs::create_directories(dir.path() / "out");

  RunResult r = flowspike(dir, fmt::format("extract -r {} --labels iscx -o {}", dir.file("in"), dir.file("out/d.h5")));
  EXPECT_EQ(r.code, 1);
  EXPECT_TRUE(contains(r.err, "flowspike: error: ")) << r.err;
  EXPECT_TRUE(contains(r.err, "bad.pcap")) << r.err;
  EXPECT_TRUE(fs::is_empty(dir.path() / "out"));

  r = flowspike(dir, fmt::format("extract -r {} --labels iscx -o {} --keep-going", dir.file("in"), dir.file("out/d.h5")));
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(contains(r.err, "skipped")) << r.err;
  fs::remove(dir.file("out/d.h5"));

  r = flowspike(dir, fmt::format("extract -r {} --labels {} -o {}", dir.file("in/youtube1.pcap"),
                                 dir.file("nolabels.csv"), dir.file("out/d.h5")));
  EXPECT_EQ(r.code, 1);
  EXPECT_TRUE(contains(r.err, "nolabels.csv")) << r.err;

  r = flowspike(dir, fmt::format("extract -r {} --labels iscx -o {} --preset fancy", dir.file("in/youtube1.pcap"),
                                 dir.file("out/d.h5")));
  EXPECT_EQ(r.code, 2) << r.err;
  r = flowspike(dir, fmt::format("extract -r {} -o {}", dir.file("in/youtube1.pcap"), dir.file("out/d.h5")));
  EXPECT_EQ(r.code, 2) << r.err;  // --labels is required
  r = flowspike(dir, fmt::format("extract -r {} --labels iscx -o {} --size-edges {}", dir.file("in/youtube1.pcap"),
                                 dir.file("out/d.h5"), dir.file("in/youtube1.pcap")));
  EXPECT_EQ(r.code, 1) << r.err;
  EXPECT_TRUE(fs::is_empty(dir.path() / "out"));
}

TEST(CliExtract, AuthorsPresetCountsLeftOutSizesApartFromDroppedPackets) {
  // Every backward packet is above the authors' last edge and lies in up to
  // four overlapping windows: the picture counts exceed the packets read, but
  // no packet was dropped.
  TempDir dir;
  testing::FlowSpec jumbo{{10, 0, 0, 1}, {10, 0, 0, 2}, 1000, 443, 6, 0.0, 200.0, 0.5, false, 100, 1600};
  testing::write_pcap(dir.file("in/youtube1.pcap"), {jumbo});
  RunResult r = flowspike(dir, fmt::format("extract -r {} --labels iscx -o {} --preset authors --stats",
                                           dir.file("in/youtube1.pcap"), dir.file("d.h5")));
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(contains(r.err, fmt::format("packets read        {:>12}\n", 800))) << r.err;
  EXPECT_TRUE(contains(r.err, fmt::format("  used              {:>12}\n", 800))) << r.err;
  EXPECT_TRUE(contains(r.err, fmt::format("  dropped           {:>12}\n", 0))) << r.err;
  EXPECT_TRUE(contains(r.err, "sizes left out")) << r.err;
  EXPECT_TRUE(contains(r.err, "left out of the window pictures by the authors preset")) << r.err;
  EXPECT_FALSE(contains(r.err, "were not used")) << r.err;
}

TEST(CliExtract, RefusesToWriteOverAnInput) {
  TempDir dir;
  testing::write_pcap(dir.file("in/youtube1.pcap"), {testing::mixed_flows()[0]});
  std::ofstream(dir.file("rules.csv")) << "youtube1*,Video-NonVPN\n";
  const auto size = fs::file_size(dir.file("in/youtube1.pcap"));
  const auto rules_size = fs::file_size(dir.file("rules.csv"));

  RunResult r = flowspike(dir, fmt::format("extract -r {} --labels iscx -o {}", dir.file("in/youtube1.pcap"),
                                           dir.file("in/youtube1.pcap")));
  EXPECT_EQ(r.code, 1);
  EXPECT_TRUE(contains(r.err, dir.file("in/youtube1.pcap") + ": the output file is also an input")) << r.err;
  // Found inside an input directory, named by another path.
  r = flowspike(dir, fmt::format("extract -r {} --labels iscx -o {}/in/../in/youtube1.pcap", dir.file("in"),
                                 dir.path().string()));
  EXPECT_EQ(r.code, 1);
  EXPECT_TRUE(contains(r.err, "the output file is also an input (as " + dir.file("in/youtube1.pcap") + ")")) << r.err;
  r = flowspike(dir, fmt::format("extract -r {} --labels {} -o {}", dir.file("in"), dir.file("rules.csv"),
                                 dir.file("rules.csv")));
  EXPECT_EQ(r.code, 1);
  EXPECT_TRUE(contains(r.err, "the output file is also the label rules")) << r.err;
  EXPECT_EQ(fs::file_size(dir.file("in/youtube1.pcap")), size);
  EXPECT_EQ(fs::file_size(dir.file("rules.csv")), rules_size);
  EXPECT_FALSE(contains(r.out, "wrote")) << r.out;
}

TEST(CliExtract, RefusesStdoutAsTheOutput) {
  TempDir dir;
  testing::write_pcap(dir.file("in/youtube1.pcap"), {testing::mixed_flows()[0]});
  RunResult r = flowspike(dir, fmt::format("extract -r {} --labels iscx -o -", dir.file("in/youtube1.pcap")));
  EXPECT_EQ(r.code, 1);
  EXPECT_TRUE(contains(r.err, "cannot be written to stdout")) << r.err;
  EXPECT_FALSE(fs::exists("-")) << "a file named '-' was written";
}

TEST(CliExtract, BadNumbersGetAShortMessage) {
  TempDir dir;
  testing::write_pcap(dir.file("in/youtube1.pcap"), {testing::mixed_flows()[0]});
  for (const char* option : {"--idle-timeout abc", "--active-timeout 0", "--window 0", "--min-span x"}) {
    RunResult r = flowspike(dir, fmt::format("extract -r {} --labels iscx -o {} {}", dir.file("in/youtube1.pcap"),
                                             dir.file("d.h5"), option));
    EXPECT_EQ(r.code, 2) << option;
    EXPECT_TRUE(contains(r.err, "is not a number of seconds")) << r.err;
    EXPECT_LT(r.err.size(), 200u) << r.err;
  }
  RunResult r = flowspike(dir, fmt::format("extract -r {} --labels iscx -o {} --min-span -2",
                                           dir.file("in/youtube1.pcap"), dir.file("d.h5")));
  EXPECT_TRUE(contains(r.err, "--min-span: '-2' is not a number of seconds >= 0")) << r.err;
  EXPECT_FALSE(fs::exists(dir.file("d.h5")));
}

}  // namespace
}  // namespace flowspike
