#include "flowspike/classify/classifier.h"

#include <gtest/gtest.h>

#include <map>
#include <numeric>

#include "classify/test_traffic.h"
#include "flowspike/capture/packet_source.h"
#include "flowspike/classify/capture_run.h"
#include "flowspike/common/error.h"
#include "support/temp_dir.h"

namespace flowspike::classify {
namespace {

using testing::test_flows;
using testing::test_model;

// Keeps every prediction.
class Recorder final : public PredictionSink {
 public:
  void on_window(const WindowPrediction& w) override {
    windows.push_back(w);
    order.push_back('w');
  }
  void on_flow(const FlowPrediction& f) override {
    flows.push_back(f);
    order.push_back('f');
  }
  std::vector<WindowPrediction> windows;
  std::vector<FlowPrediction> flows;
  std::string order;
};

struct Run {
  Recorder recorder;
  ClassifyCounts counts;
};

std::unique_ptr<Run> classify_file(const std::string& path, ClassifierOptions options = {}) {
  auto run = std::make_unique<Run>();
  capture::SourceOptions source_options;
  source_options.paths = {path};
  capture::PacketSource source(source_options);
  Classifier classifier(test_model(), "test model", options, run->recorder);
  classify_source(source, classifier);
  run->counts = classifier.counts();
  return run;
}

class ClassifierTest : public ::testing::Test {
 protected:
  void SetUp() override { packets_ = testing::write_test_capture(capture_); }
  flowspike::testing::TempDir dir_;
  std::string capture_ = dir_.file("test.pcap");
  uint64_t packets_ = 0;
};

TEST_F(ClassifierTest, ReportsEveryFlowWithItsMajorityOrWhyItIsUnknown) {
  auto run = classify_file(capture_);
  const auto expected = test_flows();
  ASSERT_EQ(run->recorder.flows.size(), expected.size());
  const auto& classes = testing::test_classes();
  for (size_t i = 0; i < expected.size(); ++i) {
    const FlowPrediction& f = run->recorder.flows[i];
    SCOPED_TRACE(expected[i].sport);
    EXPECT_EQ(f.flow.sport, expected[i].sport);
    EXPECT_EQ(f.flow.proto, expected[i].proto);
    EXPECT_EQ(static_cast<int>(f.windows), expected[i].expected_windows);
    if (expected[i].expected_class == "unknown") {
      EXPECT_TRUE(f.unknown());
      EXPECT_EQ(unknown_reason_name(f.reason), expected[i].expected_reason);
      EXPECT_FALSE(f.reason_text.empty());
      EXPECT_TRUE(f.mean_probabilities.empty());
    } else {
      ASSERT_FALSE(f.unknown());
      EXPECT_EQ(classes[static_cast<size_t>(f.predicted)], expected[i].expected_class);
      EXPECT_EQ(f.reason, UnknownReason::none);
      ASSERT_EQ(f.mean_probabilities.size(), classes.size());
      EXPECT_NEAR(std::accumulate(f.mean_probabilities.begin(), f.mean_probabilities.end(), 0.0), 1.0, 1e-5);
    }
  }
  EXPECT_EQ(run->counts.flows, 6u);
  EXPECT_EQ(run->counts.flows_classified, 3u);
  EXPECT_EQ(run->counts.flows_unknown, 3u);
  EXPECT_EQ(run->counts.windows, 8u);
  EXPECT_EQ(run->counts.packets, packets_);
  EXPECT_EQ(run->counts.unknown_by_reason[static_cast<size_t>(UnknownReason::short_flow)], 1u);
  EXPECT_EQ(run->counts.unknown_by_reason[static_cast<size_t>(UnknownReason::few_packets)], 1u);
  EXPECT_EQ(run->counts.unknown_by_reason[static_cast<size_t>(UnknownReason::short_span)], 1u);
}

TEST_F(ClassifierTest, UnknownReasonsNameTheRule) {
  auto run = classify_file(capture_);
  std::map<uint16_t, std::string> reason;
  for (const auto& f : run->recorder.flows) reason[f.flow.sport] = f.reason_text;
  EXPECT_NE(reason[1003].find("shorter than one window"), std::string::npos) << reason[1003];
  EXPECT_NE(reason[1004].find("fewer than 10 packets in a direction"), std::string::npos) << reason[1004];
  EXPECT_NE(reason[1004].find("3 windows"), std::string::npos) << reason[1004];
  EXPECT_NE(reason[1005].find("span < 40 s"), std::string::npos) << reason[1005];
  EXPECT_NE(reason[1005].find("only window"), std::string::npos) << reason[1005];
}

TEST_F(ClassifierTest, WindowRecordsCarryFlowIndexStartAndProbabilities) {
  auto run = classify_file(capture_);
  const auto& windows = run->recorder.windows;
  ASSERT_EQ(windows.size(), 8u);
  std::map<uint16_t, std::vector<const WindowPrediction*>> by_flow;
  for (const auto& w : windows) by_flow[w.flow.sport].push_back(&w);
  ASSERT_EQ(by_flow[1001].size(), 3u);
  ASSERT_EQ(by_flow[1002].size(), 2u);
  ASSERT_EQ(by_flow[1006].size(), 3u);
  for (auto& [sport, list] : by_flow) {
    for (size_t k = 0; k < list.size(); ++k) {
      const WindowPrediction& w = *list[k];
      EXPECT_EQ(w.index, static_cast<int32_t>(k));
      // Windows start every 15 s from the flow's first packet.
      EXPECT_EQ(w.start_ns, w.flow.first_ns + static_cast<int64_t>(k) * 15'000'000'000);
      EXPECT_EQ(w.flow.src.to_string(), "10.0.0.1");
      EXPECT_EQ(w.flow.dst.to_string(), "10.0.0.2");
      EXPECT_EQ(w.flow.dport, 443);
      ASSERT_EQ(w.probabilities.size(), 4u);
      EXPECT_NEAR(std::accumulate(w.probabilities.begin(), w.probabilities.end(), 0.0), 1.0, 1e-5);
      const auto best = std::max_element(w.probabilities.begin(), w.probabilities.end()) - w.probabilities.begin();
      EXPECT_EQ(best, w.predicted);
      EXPECT_GT(w.input_events, 0u);
    }
  }
  const auto& classes = testing::test_classes();
  const auto f_classes = testing::flow_f_window_classes();
  for (size_t k = 0; k < 3; ++k) EXPECT_EQ(classes[static_cast<size_t>(by_flow[1006][k]->predicted)], f_classes[k]);
}

TEST_F(ClassifierTest, MajorityCountsVotesOfTheFlowsWindows) {
  auto run = classify_file(capture_);
  const FlowPrediction& f = run->recorder.flows[5];
  ASSERT_EQ(f.flow.sport, 1006);
  EXPECT_EQ(f.windows, 3u);
  EXPECT_EQ(f.votes, 2u);
  EXPECT_EQ(testing::test_classes()[static_cast<size_t>(f.predicted)], "Chat-NonVPN");
  // The mean probabilities are the mean of the windows' probabilities.
  std::vector<double> mean(4, 0.0);
  for (const auto& w : run->recorder.windows)
    if (w.flow.sport == 1006)
      for (size_t k = 0; k < 4; ++k) mean[k] += w.probabilities[k] / 3.0;
  for (size_t k = 0; k < 4; ++k) EXPECT_NEAR(f.mean_probabilities[k], mean[k], 1e-6);
}

TEST_F(ClassifierTest, FlowRecordFollowsItsWindows) {
  auto run = classify_file(capture_);
  // Each flow's record comes after all its windows.
  size_t w = 0, f = 0;
  std::map<int64_t, bool> ended;
  for (char c : run->recorder.order) {
    if (c == 'w') EXPECT_FALSE(ended[run->recorder.windows[w++].flow.id]);
    else ended[run->recorder.flows[f++].flow.id] = true;
  }
}

TEST_F(ClassifierTest, ResultsDoNotDependOnBatchSizeOrThreads) {
  ClassifierOptions one;
  one.threads = 1;
  one.batch_windows = 1;
  ClassifierOptions big;
  big.threads = 2;
  big.batch_windows = 1000;
  auto a = classify_file(capture_, one);
  auto b = classify_file(capture_, big);
  EXPECT_EQ(a->recorder.order, b->recorder.order);
  ASSERT_EQ(a->recorder.windows.size(), b->recorder.windows.size());
  for (size_t i = 0; i < a->recorder.windows.size(); ++i) {
    EXPECT_EQ(a->recorder.windows[i].flow.id, b->recorder.windows[i].flow.id);
    EXPECT_EQ(a->recorder.windows[i].predicted, b->recorder.windows[i].predicted);
    EXPECT_EQ(a->recorder.windows[i].probabilities, b->recorder.windows[i].probabilities);
  }
}

TEST_F(ClassifierTest, NoWindowIsAnErrorThatSaysWhy) {
  flowspike::testing::TempDir dir;
  const std::string path = dir.file("short.pcap");
  {
    flowspike::testing::PcapWriter w(path);
    for (int i = 0; i < 20; ++i)
      w.ipv4(testing::kTestStartNs + i * 100'000'000LL, {10, 0, 0, 1}, {10, 0, 0, 2}, 5000, 53, 17, 80);
  }
  auto run = classify_file(path);
  EXPECT_EQ(run->counts.windows, 0u);
  ASSERT_EQ(run->recorder.flows.size(), 1u);
  EXPECT_EQ(run->recorder.flows[0].reason, UnknownReason::short_flow);
  capture::ParseReport report;
  try {
    require_windows(run->counts, report, testing::test_preset(), "short.pcap");
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("no usable flow"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("1 short_flow"), std::string::npos) << e.what();
  }
}

TEST(Classifier, RejectsAModelWhoseWeightsDoNotMatchItsShape) {
  model::Model m = test_model();
  m.params.W1.resize(3, 4);
  Recorder r;
  EXPECT_THROW(Classifier(m, "bad.h5", {}, r), Error);
}

}  // namespace
}  // namespace flowspike::classify
