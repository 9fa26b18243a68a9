// classify on a real capture of ../shared/data/real/ (Requet YouTube sessions,
// headers only), with a network of the paper's shape and seeded random
// weights: the point is the pipeline on real traffic, not the accuracy.
#include <gtest/gtest.h>

#include <set>

#include "classify/test_traffic.h"
#include "flowspike/capture/packet_source.h"
#include "flowspike/classify/capture_run.h"
#include "flowspike/classify/classifier.h"
#include "support/temp_dir.h"

namespace flowspike::classify {
namespace {

class Counter final : public PredictionSink {
 public:
  void on_window(const WindowPrediction& w) override {
    ++windows;
    flows_with_windows.insert(w.flow.id);
    EXPECT_GE(w.predicted, 0);
    EXPECT_LT(w.predicted, 14);
  }
  void on_flow(const FlowPrediction& f) override {
    ++flows;
    if (f.unknown()) ++unknown;
    else EXPECT_TRUE(flows_with_windows.count(f.flow.id));
  }
  uint64_t windows = 0, flows = 0, unknown = 0;
  std::set<int64_t> flows_with_windows;
};

TEST(ClassifyRealCapture, LabelsTheWindowsOfARequetCapture) {
  FLOWSPIKE_REQUIRE_SHARED_DATA("real/requet/baseline_Jan17_exp_41.pcap");
  capture::SourceOptions source_options;
  source_options.paths = {flowspike::testing::shared_data("real/requet/baseline_Jan17_exp_41.pcap").string()};
  capture::PacketSource source(source_options);
  Counter counter;
  Classifier classifier(testing::random_paper_model(16, 7), "random model", {}, counter);
  classify_source(source, classifier);
  const ClassifyCounts& c = classifier.counts();
  EXPECT_GT(c.windows, 0u);
  EXPECT_EQ(counter.windows, c.windows);
  EXPECT_EQ(counter.flows, c.flows);
  EXPECT_EQ(c.flows, c.table.flows_started);
  EXPECT_EQ(c.flows_classified, counter.flows_with_windows.size());
  EXPECT_EQ(c.flows_classified + c.flows_unknown, c.flows);
  EXPECT_GT(c.flows_unknown, 0u);  // DNS and other short flows of the device
  EXPECT_EQ(c.cutter.windows_kept, c.windows);
}

}  // namespace
}  // namespace flowspike::classify
