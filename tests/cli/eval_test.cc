// `flowspike eval` end to end: the binary on a hand-set model and a small
// dataset written to disk, its tables, JSON, predictions CSV and HTML report,
// and its errors (no partial outputs).
#include <gtest/gtest.h>

#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "eval/tiny_model.h"
#include "flowspike/dataset/dataset.h"
#include "flowspike/dataset/split.h"
#include "flowspike/model/model.h"
#include "support/temp_dir.h"

namespace flowspike {
namespace {

namespace fs = std::filesystem;

std::string read(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

struct CommandResult {
  int exit_code;
  std::string out, err;
};

class EvalCli : public ::testing::Test {
 protected:
  void SetUp() override {
    model::Model m = eval::testing::tiny_model();
    m.training.log_csv = "model.log.csv";
    model::save_model(m, model_path());
    std::ofstream(dir.file("model.log.csv")) << "epoch,loss,train_accuracy,val_accuracy,lr,beta1\n"
                                                "1,1.2,0.5,0.45,0.0005,0.7\n2,0.8,0.7,0.65,0.0005,0.6\n";
    dataset::save_dataset(eval::testing::tiny_dataset(), data_path());
  }

  std::string model_path() const { return dir.file("model.h5"); }
  std::string data_path() const { return dir.file("data.h5"); }

  CommandResult run(const std::string& args) const {
    const std::string out = dir.file("stdout.txt"), err = dir.file("stderr.txt");
    const std::string command = fmt::format("'{}' eval {} > '{}' 2> '{}'", FLOWSPIKE_EXE, args, out, err);
    const int status = std::system(command.c_str());
    CommandResult r{WIFEXITED(status) ? WEXITSTATUS(status) : -1, read(out), read(err)};
    fs::remove(out);
    fs::remove(err);
    return r;
  }

  // Files in the temp dir besides the inputs.
  std::vector<std::string> outputs() const {
    std::vector<std::string> names;
    for (const auto& e : fs::directory_iterator(dir.path())) {
      const std::string name = e.path().filename().string();
      if (name != "model.h5" && name != "data.h5" && name != "model.log.csv") names.push_back(name);
    }
    return names;
  }

  flowspike::testing::TempDir dir;
};

TEST_F(EvalCli, PrintsTheTablesAndWritesEveryOutput) {
  const CommandResult r = run(fmt::format("'{}' '{}' --split all --threads 1 --json '{}' --predictions '{}' --report '{}'",
                                model_path(), data_path(), dir.file("eval.json"), dir.file("pred.csv"),
                                dir.file("report")));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  for (const char* text : {"Overall: 40 windows", "accuracy, 4 classes", "80.0", "Table 3: one-vs-all per class",
                           "Table 2", "Table 1", "Table 4", "Confusion matrix", "Energy proxy", "Chat-NonVPN"})
    EXPECT_NE(r.out.find(text), std::string::npos) << text << "\n" << r.out;

  const auto j = nlohmann::json::parse(read(dir.file("eval.json")));
  EXPECT_DOUBLE_EQ(j["overall"]["accuracy"]["value"].get<double>(), 0.8);
  EXPECT_EQ(j["windows"]["index"].size(), 40u);
  EXPECT_EQ(j["about"]["model"], model_path());

  std::istringstream csv(read(dir.file("pred.csv")));
  std::string line;
  size_t lines = 0;
  while (std::getline(csv, line)) ++lines;
  EXPECT_EQ(lines, 41u);

  const std::string html = read(dir.file("report/index.html"));
  EXPECT_NE(html.find("<svg"), std::string::npos);
  EXPECT_NE(html.find("Learning rate"), std::string::npos);  // the curves from model.log.csv
  EXPECT_NE(html.find("window 0"), std::string::npos);       // an example picture
  EXPECT_EQ(html.find("<script"), std::string::npos);
}

TEST_F(EvalCli, DefaultIsTheTestPartOfTheModelsSplit) {
  const CommandResult r = run(fmt::format("'{}' '{}' --json -", model_path(), data_path()));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto j = nlohmann::json::parse(r.out);  // tables went to stderr
  EXPECT_EQ(j["selection"], "test");
  EXPECT_LT(j["windows"]["index"].size(), 40u);
  EXPECT_NE(r.err.find("Table 3"), std::string::npos);
}

TEST_F(EvalCli, AnotherDatasetIsEvaluatedWithAWarning) {
  model::Model m = eval::testing::tiny_model();
  m.training.dataset_path = "train.h5";
  m.training.dataset_fingerprint = dataset::fingerprint(eval::testing::tiny_dataset());
  model::save_model(m, model_path());

  // The dataset it was trained on: no warning.
  CommandResult r = run(fmt::format("'{}' '{}' --json '{}'", model_path(), data_path(), dir.file("same.json")));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.err.find("warning"), std::string::npos) << r.err;
  EXPECT_TRUE(nlohmann::json::parse(read(dir.file("same.json")))["about"]["dataset_matches_training"].get<bool>());

  // Another one that fits the model: a warning naming both, and the evaluation still runs.
  dataset::save_dataset(eval::testing::tiny_dataset(35), data_path());
  r = run(fmt::format("'{}' '{}' --json '{}' --report '{}'", model_path(), data_path(), dir.file("other.json"),
                      dir.file("report")));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  for (const std::string& part : {"flowspike: warning: " + data_path() + " is not the dataset " + model_path() +
                                     " was trained on (train.h5)",
                                 std::string("split is rebuilt from ") + data_path(),
                                 std::string("may include windows the model was trained on"),
                                 std::string("not a held-out estimate"), std::string("--split all")})
    EXPECT_NE(r.err.find(part), std::string::npos) << part << "\n" << r.err;
  EXPECT_NE(r.out.find("Table 3"), std::string::npos) << r.out;
  const auto j = nlohmann::json::parse(read(dir.file("other.json")));
  EXPECT_FALSE(j["about"]["dataset_matches_training"].get<bool>());
  const std::string html = read(dir.file("report/index.html"));
  EXPECT_NE(html.find("class=\"warning\""), std::string::npos);
  EXPECT_NE(html.find("not a held-out estimate"), std::string::npos);

  // --split all on it: still said, without the split's wording.
  r = run(fmt::format("'{}' '{}' --split all", model_path(), data_path()));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("All its windows are evaluated"), std::string::npos) << r.err;
}

TEST_F(EvalCli, AModelWithoutAFingerprintSaysNothingAndJsonHasNull) {
  const CommandResult r = run(fmt::format("'{}' '{}' --json -", model_path(), data_path()));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.err.find("warning"), std::string::npos) << r.err;
  EXPECT_TRUE(nlohmann::json::parse(r.out)["about"]["dataset_matches_training"].is_null());
}

TEST_F(EvalCli, DifferentClassesFailWithoutOutputs) {
  dataset::Dataset d = eval::testing::tiny_dataset();
  d.classes[2] = "Video-NonVPN";
  dataset::save_dataset(d, data_path());
  const CommandResult r = run(fmt::format("'{}' '{}' --json '{}' --report '{}'", model_path(), data_path(),
                                dir.file("eval.json"), dir.file("report")));
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("Video-NonVPN"), std::string::npos) << r.err;
  EXPECT_TRUE(outputs().empty());
}

TEST_F(EvalCli, DifferentBinEdgesFailWithoutOutputs) {
  dataset::Dataset d = eval::testing::tiny_dataset();
  d.preset.picture.size_edges = features::SizeBinEdges({0, 10, 20, 30, 45}, 2);
  dataset::save_dataset(d, data_path());
  const CommandResult r = run(fmt::format("'{}' '{}' --predictions '{}'", model_path(), data_path(), dir.file("p.csv")));
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("size-bin edges"), std::string::npos) << r.err;
  EXPECT_TRUE(outputs().empty());
}

TEST_F(EvalCli, EmptySplitFailsWithoutOutputs) {
  const dataset::Dataset one = eval::testing::tiny_dataset(1);
  dataset::save_dataset(one, data_path());
  // The one flow lands in one part of the model's split; pick an empty part.
  const dataset::Split split = dataset::make_split(one, dataset::SplitKind::flow, eval::testing::tiny_model().training.seed);
  const char* empty = split.test.empty() ? "test" : split.val.empty() ? "val" : "train";
  const CommandResult r = run(fmt::format("'{}' '{}' --split {} --json '{}'", model_path(), data_path(), empty,
                                dir.file("e.json")));
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("has no windows"), std::string::npos) << r.err;
  EXPECT_TRUE(outputs().empty());
}

TEST_F(EvalCli, NonModelFileFailsWithoutOutputs) {
  const CommandResult r = run(fmt::format("'{}' '{}' --report '{}'", data_path(), data_path(), dir.file("report")));
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find(data_path()), std::string::npos) << r.err;
  EXPECT_TRUE(outputs().empty());  // the report directory was removed again
}

TEST_F(EvalCli, MissingOutputDirectoryFailsAtOnce) {
  const CommandResult r = run(fmt::format("'{}' '{}' --json '{}'", model_path(), data_path(), dir.file("no/such/dir.json")));
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("does not exist"), std::string::npos) << r.err;
  EXPECT_TRUE(outputs().empty());
}

}  // namespace
}  // namespace flowspike
