#include "flowspike/report/json_report.h"

#include <gtest/gtest.h>

#include <sstream>

#include "report_fixture.h"

namespace flowspike::report {
namespace {

using nlohmann::json;

TEST(JsonReport, RoundTripsWithEveryTopLevelKey) {
  std::ostringstream out;
  write_evaluation_json(out, testing::small_result(), {{"model", "m.h5"}, {"dataset", "d.h5"}});
  const json j = json::parse(out.str());
  for (const char* key : {"format", "version", "about", "selection", "split", "classes", "shape", "taxonomy",
                          "paper_column", "overall", "per_class", "per_category", "per_encryption",
                          "confusion_matrix", "energy", "paper_figures", "windows"})
    EXPECT_TRUE(j.contains(key)) << key;
  EXPECT_EQ(j["format"], "flowspike-evaluation");
  EXPECT_EQ(j["about"]["model"], "m.h5");
  EXPECT_EQ(j["selection"], "test");
  EXPECT_FALSE(j["paper_column"].get<bool>());
}

TEST(JsonReport, AboutSaysWhetherTheDatasetIsTheOneTheModelWasTrainedOn) {
  eval::EvaluationResult r = testing::small_result();
  EXPECT_TRUE(evaluation_json(r)["about"]["dataset_matches_training"].is_null());  // not known
  r.dataset_matches_training = true;
  EXPECT_TRUE(evaluation_json(r)["about"]["dataset_matches_training"].get<bool>());
  r.dataset_matches_training = false;
  EXPECT_FALSE(evaluation_json(r)["about"]["dataset_matches_training"].get<bool>());
}

TEST(JsonReport, MeasuresCarryValueOrNullWithStatus) {
  const json j = evaluation_json(testing::small_result());
  EXPECT_DOUBLE_EQ(j["overall"]["accuracy"]["value"].get<double>(), 5.0 / 8);
  EXPECT_EQ(j["overall"]["accuracy"]["status"], "value");
  EXPECT_TRUE(j["overall"]["accuracy"]["paper"].is_null());  // not the 14 ISCX classes
  const json& absent = j["per_class"][4];
  EXPECT_EQ(absent["name"], "Video-NonVPN");
  EXPECT_TRUE(absent["recall"]["value"].is_null());
  EXPECT_EQ(absent["recall"]["status"], "absent");
  EXPECT_EQ(j["per_encryption"][1]["category_one_vs_all_accuracy"]["Video"]["status"], "not_a_class");
  EXPECT_DOUBLE_EQ(j["per_encryption"][0]["mean_one_vs_all_accuracy"]["value"].get<double>(), 0.75);
}

TEST(JsonReport, ConfusionMatrixAndWindows) {
  const json j = evaluation_json(testing::small_result());
  const json& cm = j["confusion_matrix"];
  EXPECT_EQ(cm["rows"], "predicted");
  EXPECT_EQ(cm["counts"][3][3], 2);
  EXPECT_NEAR(cm["column_normalised"][2][3].get<double>(), 1.0 / 3, 1e-12);
  EXPECT_TRUE(cm["column_normalised"][0][4].is_null());  // absent true class
  const json& w = j["windows"];
  EXPECT_EQ(w["index"].size(), 8u);
  EXPECT_EQ(w["index"][1], 12);
  EXPECT_EQ(w["predicted_label"][4], 0);
  EXPECT_EQ(w["logits"][0].size(), 5u);
  EXPECT_DOUBLE_EQ(w["logits"][0][1].get<double>(), 0.1);  // shortest text of 0.1f
  EXPECT_EQ(w["hidden_spikes"][2], 40);
  EXPECT_EQ(j["paper_figures"].size(), 7u);
}

}  // namespace
}  // namespace flowspike::report
