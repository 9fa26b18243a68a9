#include "flowspike/ablation/reextract.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "classify/test_traffic.h"
#include "flowspike/dataset/extractor.h"
#include "flowspike/dataset/split.h"
#include "support/temp_dir.h"

namespace flowspike::ablation {
namespace {

namespace fs = std::filesystem;

class ReextractTest : public ::testing::Test {
 protected:
  void SetUp() override {
    fs::create_directories(dir_.path() / "captures");
    classify::testing::write_test_capture(capture_);
    std::ofstream(labels_) << "*.pcap,Chat-NonVPN\n";
  }

  dataset::Dataset extract_at(uint32_t time_bins, const std::string& name) {
    dataset::ExtractOptions o;
    o.inputs = {capture_};
    o.labels = labels_;
    o.preset = classify::testing::test_preset();
    o.preset.picture.time_bins = time_bins;
    const std::string out = dir_.file(name);
    dataset::extract(o, out);
    return dataset::load_dataset(out);
  }

  flowspike::testing::TempDir dir_;
  std::string capture_ = dir_.file("captures/test.pcap");
  std::string labels_ = dir_.file("labels.csv");
};

TEST_F(ReextractTest, GivesThePicturesOfADirectExtractionAtTheNewBins) {
  const dataset::Dataset coarse = extract_at(30, "coarse.h5");
  ASSERT_EQ(coarse.size(), 8u);
  std::string problem;
  const auto paths = locate_captures(coarse, {}, problem);
  ASSERT_TRUE(paths) << problem;
  const ReextractResult r = reextract(coarse, *paths, 120, {});
  EXPECT_EQ(r.windows_found, 8u);
  EXPECT_EQ(r.windows_missing, 0u);
  EXPECT_EQ(r.windows_extra, 0u);
  EXPECT_EQ(r.data.preset.picture.time_bins, 120u);
  EXPECT_EQ(r.data.label, coarse.label);
  EXPECT_EQ(r.data.flow, coarse.flow);
  r.data.validate("re-extracted");

  const dataset::Dataset direct = extract_at(120, "fine.h5");
  ASSERT_EQ(direct.size(), coarse.size());
  EXPECT_EQ(r.data.time_bin, direct.time_bin);
  EXPECT_EQ(r.data.size_bin, direct.size_bin);
  EXPECT_EQ(r.data.count, direct.count);
  EXPECT_EQ(dataset::make_split(r.data, dataset::SplitKind::flow, 2).test,
            dataset::make_split(coarse, dataset::SplitKind::flow, 2).test);
}

TEST_F(ReextractTest, FindsMovedCapturesBelowARootAndSaysWhichIsMissing) {
  dataset::Dataset d = extract_at(30, "coarse.h5");
  d.capture_paths = {"elsewhere/test.pcap"};
  std::string problem;
  EXPECT_FALSE(locate_captures(d, {}, problem));
  EXPECT_NE(problem.find("elsewhere/test.pcap"), std::string::npos) << problem;
  const auto found = locate_captures(d, {(dir_.path() / "captures").string()}, problem);
  ASSERT_TRUE(found);
  EXPECT_TRUE(fs::equivalent(found->at(0), capture_));
}

TEST_F(ReextractTest, CountsWindowsThatDoNotComeOutAgain) {
  dataset::Dataset d = extract_at(30, "coarse.h5");
  d.start_s[0] += 1.0;  // no window starts there
  const ReextractResult r = reextract(d, {capture_}, 60, {});
  EXPECT_EQ(r.windows_found, 7u);
  EXPECT_EQ(r.windows_missing, 1u);
  EXPECT_EQ(r.windows_extra, 1u);
  EXPECT_EQ(r.found[0], 0);
  const dataset::Dataset kept = keep_windows(r.data, r.found);
  EXPECT_EQ(kept.size(), 7u);
  kept.validate("kept");
}

}  // namespace
}  // namespace flowspike::ablation
