// `flowspike classify` end to end: the built binary on a generated capture
// with a hand-set model (tests/classify/test_traffic.h), and on a real capture.
#include <gtest/gtest.h>

#include <filesystem>

#include <nlohmann/json.hpp>

#include "classify/test_traffic.h"
#include "cli/run_flowspike.h"
#include "flowspike/model/model.h"

namespace flowspike {
namespace {

namespace fs = std::filesystem;
using testing::run_flowspike;
using testing::TempDir;
using testing::text_lines;

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

class CliClassify : public ::testing::Test {
 protected:
  void SetUp() override {
    classify::testing::write_test_capture(capture_);
    model::save_model(classify::testing::test_model(), model_);
  }
  TempDir dir_;
  std::string capture_ = dir_.file("test.pcap");
  std::string model_ = dir_.file("model.h5");
};

TEST_F(CliClassify, WritesOneCsvRecordPerWindowAndPerUnknownFlow) {
  const std::string out = dir_.file("out.csv");
  auto r = run_flowspike(dir_, fmt::format("classify {} -r {} -w {}", model_, capture_, out));
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(r.out.empty());
  const auto lines = text_lines(testing::read_text(out));
  ASSERT_EQ(lines.size(), 1u + 8u + 3u);
  EXPECT_TRUE(lines[0].starts_with("capture,flow_id,proto,src,sport,dst,dport,window,start_s,class,"));
  int unknown = 0, windows = 0;
  for (size_t i = 1; i < lines.size(); ++i) {
    if (contains(lines[i], ",unknown,")) ++unknown;
    else ++windows;
  }
  EXPECT_EQ(unknown, 3);
  EXPECT_EQ(windows, 8);
  EXPECT_TRUE(contains(r.err, "6 flows (3 with windows, 3 unknown), 8 windows")) << r.err;
  EXPECT_TRUE(contains(r.err, "1 short_flow, 1 few_packets, 1 short_span")) << r.err;
}

TEST_F(CliClassify, PerFlowJsonLinesToStdoutGiveTheMajority) {
  auto r = run_flowspike(dir_, fmt::format("classify {} -r {} --per flow --format jsonl --threads 1", model_, capture_));
  ASSERT_EQ(r.code, 0) << r.err;
  const auto lines = text_lines(r.out);
  ASSERT_EQ(lines.size(), 6u);
  const auto expected = classify::testing::test_flows();
  for (size_t i = 0; i < lines.size(); ++i) {
    const auto j = nlohmann::json::parse(lines[i]);
    EXPECT_EQ(j["sport"], expected[i].sport);
    EXPECT_EQ(j["class"], expected[i].expected_class);
    EXPECT_EQ(j["windows"], expected[i].expected_windows);
    if (expected[i].expected_class == "unknown") {
      EXPECT_EQ(j["reason_code"], expected[i].expected_reason);
    }
  }
  const auto f = nlohmann::json::parse(lines[5]);
  EXPECT_EQ(f["votes"], 2);
  EXPECT_EQ(f["category"], "Chat");
  EXPECT_EQ(f["encryption"], "NonVPN");
}

TEST_F(CliClassify, TrailingWordsAreAFilter) {
  auto r = run_flowspike(dir_, fmt::format("classify {} -r {} --per flow udp", model_, capture_));
  ASSERT_EQ(r.code, 0) << r.err;
  const auto lines = text_lines(r.out);
  ASSERT_EQ(lines.size(), 3u);  // header, B and E
  EXPECT_TRUE(contains(lines[1], ",1002,")) << lines[1];
  EXPECT_TRUE(contains(lines[2], ",1005,")) << lines[2];
}

TEST_F(CliClassify, StatsPrintTheParseReport) {
  auto r = run_flowspike(dir_, fmt::format("classify {} -r {} -w {} --stats", model_, capture_, dir_.file("o.csv")));
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(contains(r.err, "packets read")) << r.err;
  EXPECT_TRUE(contains(r.err, "windows considered")) << r.err;
  EXPECT_TRUE(contains(r.err, "too few packets")) << r.err;
}

TEST_F(CliClassify, CaptureWithoutUsableFlowIsAnErrorAndWritesNothing) {
  const std::string short_capture = dir_.file("short.pcap");
  {
    testing::PcapWriter w(short_capture);
    for (int i = 0; i < 30; ++i)
      w.ipv4(classify::testing::kTestStartNs + i * 100'000'000LL, {10, 0, 0, 1}, {10, 0, 0, 2}, 5000, 53, 17, 80);
  }
  const std::string out = dir_.file("none.csv");
  auto r = run_flowspike(dir_, fmt::format("classify {} -r {} -w {}", model_, short_capture, out));
  EXPECT_EQ(r.code, 1);
  EXPECT_TRUE(contains(r.err, "no usable flow")) << r.err;
  EXPECT_TRUE(contains(r.err, "1 short_flow")) << r.err;
  EXPECT_FALSE(fs::exists(out));
  // To stdout: the unknown flow's record is not printed either.
  r = run_flowspike(dir_, fmt::format("classify {} -r {}", model_, short_capture));
  EXPECT_EQ(r.code, 1);
  EXPECT_TRUE(r.out.empty()) << r.out;
}

TEST_F(CliClassify, BadModelOrCaptureIsAnErrorAndWritesNothing) {
  const std::string out = dir_.file("out.csv");
  // A capture given as the model.
  auto r = run_flowspike(dir_, fmt::format("classify {} -r {} -w {}", capture_, capture_, out));
  EXPECT_EQ(r.code, 1);
  EXPECT_TRUE(contains(r.err, capture_)) << r.err;
  EXPECT_FALSE(fs::exists(out));
  // A file that is not a capture.
  std::ofstream(dir_.file("junk.pcap")) << "not a capture at all";
  r = run_flowspike(dir_, fmt::format("classify {} -r {} -w {}", model_, dir_.file("junk.pcap"), out));
  EXPECT_EQ(r.code, 1);
  EXPECT_TRUE(contains(r.err, "junk.pcap")) << r.err;
  EXPECT_FALSE(fs::exists(out));
  // A missing capture.
  r = run_flowspike(dir_, fmt::format("classify {} -r {} -w {}", model_, dir_.file("missing.pcap"), out));
  EXPECT_EQ(r.code, 1);
  EXPECT_FALSE(fs::exists(out));
  // With --keep-going the bad file is skipped, and the good one classified.
  r = run_flowspike(dir_, fmt::format("classify {} -r {} {} -w {} --keep-going", model_, dir_.file("junk.pcap"),
                                      capture_, out));
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(contains(r.err, "skipped")) << r.err;
  EXPECT_TRUE(fs::exists(out));
}

TEST(CliClassifyReal, LabelsTheWindowsOfARealCapture) {
  FLOWSPIKE_REQUIRE_SHARED_DATA("real/requet/baseline_Mar05_exp_41.pcap");
  TempDir dir;
  const model::Model m = classify::testing::random_paper_model(16, 3);
  model::save_model(m, dir.file("model.h5"));
  const std::string capture = testing::shared_data("real/requet/baseline_Mar05_exp_41.pcap").string();
  auto r = run_flowspike(dir, fmt::format("classify {} -r {} --format jsonl", dir.file("model.h5"), capture));
  ASSERT_EQ(r.code, 0) << r.err;
  int windows = 0;
  for (const auto& line : text_lines(r.out)) {
    const auto j = nlohmann::json::parse(line);
    if (j["window"].is_null()) continue;
    ++windows;
    EXPECT_EQ(j["probabilities"].size(), 14u);
    EXPECT_NE(std::find(m.classes.begin(), m.classes.end(), j["class"].get<std::string>()), m.classes.end());
  }
  EXPECT_GT(windows, 0);
}

}  // namespace
}  // namespace flowspike
