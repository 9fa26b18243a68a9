#include "flowspike/report/training_log.h"

#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <sstream>

#include "flowspike/common/error.h"
#include "support/temp_dir.h"

namespace flowspike::report {
namespace {

TEST(TrainingLog, ReadsColumnsByNameAndToleratesExtraOnes) {
  std::istringstream in(
      "epoch,loss,train_accuracy,val_accuracy,lr,beta1,beta2,spikes_per_window,windows_per_s\r\n"
      "1,2.5,0.40,0.35,0.0005,0.7,0.7,120,900\n"
      "\n"
      "2,1.5,0.60,,0.0005,0.65,0.69,130,950\n");
  const TrainingLog log = parse_training_log(in, "log.csv");
  EXPECT_EQ(log.rows(), 2u);
  EXPECT_EQ(log.columns.size(), 9u);
  const TrainingCurves c = training_curves(log);
  EXPECT_EQ(c.epoch, (std::vector<double>{1, 2}));
  EXPECT_EQ(c.loss, (std::vector<double>{2.5, 1.5}));
  EXPECT_DOUBLE_EQ(c.train_accuracy[1], 60.0);  // fractions become percent
  EXPECT_DOUBLE_EQ(c.val_accuracy[0], 35.0);
  EXPECT_TRUE(std::isnan(c.val_accuracy[1]));   // empty cell
  EXPECT_DOUBLE_EQ(c.lr[0], 0.0005);
  EXPECT_TRUE(c.val_loss.empty());
  EXPECT_EQ(c.beta1, (std::vector<double>{0.7, 0.65}));
}

TEST(TrainingLog, AcceptsAliasesPercentagesAndMissingEpochs) {
  std::istringstream in("train_loss,\"train_acc\",val_acc,learning_rate\n3,40,45,0.1\n2,50,55,0.01\n");
  const TrainingCurves c = training_curves(parse_training_log(in, "x"));
  EXPECT_EQ(c.epoch, (std::vector<double>{1, 2}));
  EXPECT_EQ(c.loss, (std::vector<double>{3, 2}));
  EXPECT_DOUBLE_EQ(c.train_accuracy[0], 40.0);  // already percent
  EXPECT_DOUBLE_EQ(c.val_accuracy[1], 55.0);
  EXPECT_DOUBLE_EQ(c.lr[1], 0.01);
}

TEST(TrainingLog, BadFilesAreErrorsNamingTheFile) {
  std::istringstream empty("");
  EXPECT_THROW(parse_training_log(empty, "log.csv"), Error);
  std::istringstream wide("a,b\n1,2,3\n");
  try {
    parse_training_log(wide, "log.csv");
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("log.csv: line 2"), std::string::npos) << e.what();
  }
  testing::TempDir dir;
  EXPECT_THROW(read_training_log(dir.file("missing.csv")), Error);
  std::ofstream(dir.file("ok.csv")) << "epoch,loss\n1,0.5\n";
  EXPECT_EQ(read_training_log(dir.file("ok.csv")).rows(), 1u);
}

}  // namespace
}  // namespace flowspike::report
