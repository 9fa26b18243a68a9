// `flowspike ablate` end to end: the built binary on a small dataset whose
// classes differ only in time, and a model trained on it in the test.
#include <gtest/gtest.h>

#include <filesystem>

#include <nlohmann/json.hpp>

#include "cli/run_flowspike.h"
#include "flowspike/model/model.h"
#include "ablation/timing_model.h"

namespace flowspike {
namespace {

namespace fs = std::filesystem;
using testing::run_flowspike;
using testing::TempDir;

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

class CliAblate : public ::testing::Test {
 protected:
  void SetUp() override {
    const dataset::Dataset data = train::testing::timing_dataset(60, 2);
    dataset::save_dataset(data, data_);
    model::save_model(ablation::testing::train_timing_model(data, data_, 4, 4), model_);
  }
  TempDir dir_;
  std::string data_ = dir_.file("data.h5");
  std::string model_ = dir_.file("model.h5");
};

TEST_F(CliAblate, PrintsTheSection5TableAndWritesJson) {
  const std::string json = dir_.file("ablation.json");
  auto r = run_flowspike(dir_, fmt::format("ablate {} {} --repetitions 2 --threads 1 --json {}", model_, data_, json));
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(contains(r.out, "Section 5 ablations")) << r.out;
  EXPECT_TRUE(contains(r.out, "unmodified model")) << r.out;
  EXPECT_TRUE(contains(r.out, "time shuffled in each size row")) << r.out;
  EXPECT_TRUE(contains(r.out, "time shuffled, one permutation for all rows")) << r.out;
  EXPECT_TRUE(contains(r.out, "Learned leaks")) << r.out;
  EXPECT_TRUE(contains(r.out, "mean of 2 seeded draws")) << r.out;
  const auto j = nlohmann::json::parse(testing::read_text(json));
  EXPECT_EQ(j["format"], "flowspike-ablation");
  EXPECT_EQ(j["rows"].size(), 3u);
  EXPECT_EQ(j["rows"][1]["accuracies"].size(), 2u);
  EXPECT_EQ(j["model"], model_);
}

TEST_F(CliAblate, RetrainsAtTheWidthsItCanMake) {
  auto r = run_flowspike(dir_, fmt::format("ablate {} {} --retrain --epochs 1 --widths 1000,4000 --repetitions 1 "
                                           "--threads 1",
                                           model_, data_));
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(contains(r.out, "retrained with beta = 0")) << r.out;
  EXPECT_TRUE(contains(r.out, "retrained with 4000 ms time bins")) << r.out;
  EXPECT_TRUE(contains(r.out, "skipped")) << r.out;
  EXPECT_TRUE(contains(r.out, "1000 ms bins cannot be made from the stored 2000 ms cells")) << r.out;
}

TEST_F(CliAblate, SaysOnStderrWhatEachExperimentIsAndWhatItGave) {
  auto r = run_flowspike(dir_, fmt::format("ablate {} {} --retrain --epochs 2 --widths 1000,4000 --repetitions 2 "
                                           "--threads 1",
                                           model_, data_));
  ASSERT_EQ(r.code, 0) << r.err;
  // As each starts: what it is and how much work it is.
  for (const char* line : {"ablate [1/6] unmodified model: evaluating ", "ablate [2/6] time shuffled in each size row: 2 "
                           "seeded draws over ", "ablate [4/6] retrained with beta = 0: training 2 epochs, then "
                           "evaluating ", "ablate [6/6] retrained with 4000 ms time bins: training 2 epochs"})
    EXPECT_TRUE(contains(r.err, line)) << line << "\n" << r.err;
  // As each ends: its figure, or why it was skipped.
  for (const char* line : {"ablate [1/6] unmodified model: accuracy ", "ablate [2/6] time shuffled in each size row: "
                           "accuracy ", "ablate [4/6] retrained with beta = 0: accuracy ",
                           "ablate [5/6] retrained with 1000 ms time bins: skipped: 1000 ms bins cannot be made",
                           "ablate [6/6] retrained with 4000 ms time bins: accuracy "})
    EXPECT_TRUE(contains(r.err, line)) << line << "\n" << r.err;
  EXPECT_TRUE(contains(r.err, "(best epoch ")) << r.err;
  EXPECT_TRUE(contains(r.err, " of 2), in ")) << r.err;
  EXPECT_TRUE(contains(r.err, "over 2 draws)")) << r.err;
  // Not a terminal: no bar, and stdout has the tables only.
  EXPECT_FALSE(contains(r.err, "\r")) << r.err;
  EXPECT_FALSE(contains(r.out, "ablate [")) << r.out;
  EXPECT_EQ(r.out.rfind("Section 5 ablations", 0), 0u) << r.out;
}

TEST_F(CliAblate, WarnsWhenTheDatasetIsNotTheOneTheModelWasTrainedOn) {
  const std::string other = dir_.file("other.h5");
  dataset::save_dataset(train::testing::timing_dataset(60, 7), other);
  const std::string json = dir_.file("ablation.json");
  auto r = run_flowspike(dir_, fmt::format("ablate {} {} --repetitions 1 --threads 1 --json {}", model_, other, json));
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(contains(r.err, fmt::format("flowspike: warning: {} is not the dataset {} was trained on ({})", other,
                                          model_, data_)))
      << r.err;
  EXPECT_TRUE(contains(r.err, "not a held-out estimate")) << r.err;
  EXPECT_FALSE(nlohmann::json::parse(testing::read_text(json))["dataset_matches_training"].get<bool>());

  r = run_flowspike(dir_, fmt::format("ablate {} {} --repetitions 1 --threads 1", model_, data_));
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_FALSE(contains(r.err, "warning")) << r.err;
}

TEST_F(CliAblate, AMismatchedDatasetIsAnErrorAndWritesNothing) {
  const std::string other = dir_.file("other.h5");
  dataset::save_dataset(train::testing::timing_dataset(10, 1, 60), other);
  const std::string json = dir_.file("ablation.json");
  auto r = run_flowspike(dir_, fmt::format("ablate {} {} --json {}", model_, other, json));
  EXPECT_EQ(r.code, 1);
  EXPECT_TRUE(contains(r.err, "other.h5")) << r.err;
  EXPECT_FALSE(contains(r.err, "warning")) << r.err;  // the error alone, not also the other-dataset warning
  EXPECT_FALSE(fs::exists(json));
  r = run_flowspike(dir_, fmt::format("ablate {} {} --json {}", data_, data_, json));
  EXPECT_EQ(r.code, 1);
  EXPECT_TRUE(contains(r.err, "not a model")) << r.err;
  EXPECT_FALSE(fs::exists(json));
}

}  // namespace
}  // namespace flowspike
