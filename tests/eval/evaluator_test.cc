#include "flowspike/eval/evaluator.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "flowspike/common/error.h"
#include "flowspike/dataset/split.h"
#include "tiny_model.h"

namespace flowspike::eval {
namespace {

using testing::tiny_dataset;
using testing::tiny_model;

EvaluateOptions one_thread() {
  EvaluateOptions o;
  o.threads = 1;
  return o;
}

std::string message_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.what();
  }
  return "(no error)";
}

TEST(Evaluator, HandSetModelGivesTheExpectedPredictionsAndActivity) {
  const model::Model m = tiny_model();
  model::validate_model(m, "tiny");
  const dataset::Dataset d = tiny_dataset();
  const EvaluationResult r = evaluate_split(m, d, "tiny.h5", SplitSelection::all, one_thread());
  ASSERT_EQ(r.size(), d.size());
  EXPECT_EQ(r.selection, "all");
  for (size_t i = 0; i < r.size(); ++i) {
    const int w = static_cast<int>(r.windows[i]);
    EXPECT_EQ(r.predicted[i], testing::tiny_expected_prediction(w)) << "window " << w;
    EXPECT_EQ(r.truth[i], w % 4);
    EXPECT_EQ(r.flows[i], w);
    const int64_t cells = w % 5 == 4 ? 8 : 3;
    EXPECT_EQ(r.activity[i].input_events, cells);
    EXPECT_EQ(r.activity[i].hidden_spikes, cells);
    EXPECT_EQ(r.activity[i].synaptic_ops, cells * 4 + cells * 4);
    // Logit of the window's own class: its size bin is busy in 3 of 10 time bins.
    EXPECT_NEAR(r.logits_of(i)[static_cast<size_t>(w % 4)], 0.3f, 1e-6);
  }
  // 8 of 40 windows (i % 5 == 4) are predicted wrongly.
  ASSERT_TRUE(r.metrics.accuracy.has_value());
  EXPECT_DOUBLE_EQ(r.metrics.accuracy.value, 32.0 / 40);
  EXPECT_EQ(r.shape.dense_ann_macs(), 10 * (4 * 4 + 4 * 4));
  EXPECT_DOUBLE_EQ(r.energy.mean_input_events, (32 * 3 + 8 * 8) / 40.0);
}

TEST(Evaluator, TestSplitIsTheModelsSplitAndNeverTouchesTrainingWindows) {
  const model::Model m = tiny_model();
  const dataset::Dataset d = tiny_dataset();
  const dataset::Split split = dataset::make_split(d, dataset::SplitKind::flow, 3);
  const WindowSelection test = select_windows(m, d, SplitSelection::test, "tiny.h5");
  EXPECT_EQ(test.windows, split.test);
  EXPECT_NE(test.description.find("flow split, seed 3"), std::string::npos) << test.description;
  for (int64_t w : test.windows)
    EXPECT_EQ(std::count(split.train.begin(), split.train.end(), w), 0) << w;
  EXPECT_EQ(select_windows(m, d, SplitSelection::val, "tiny.h5").windows, split.val);
  EXPECT_EQ(select_windows(m, d, SplitSelection::train, "tiny.h5").windows, split.train);
  const EvaluationResult r = evaluate(m, d, "tiny.h5", test, one_thread());
  EXPECT_EQ(r.windows, split.test);
  EXPECT_EQ(r.selection, "test");
}

TEST(Evaluator, ResultsDoNotDependOnThreadsOrBatchSize) {
  const model::Model m = tiny_model();
  const dataset::Dataset d = tiny_dataset();
  size_t calls = 0, last_done = 0;
  EvaluateOptions small;
  small.threads = 2;
  small.batch_windows = 3;
  small.progress = [&](size_t done, size_t total) {
    ++calls;
    last_done = done;
    EXPECT_EQ(total, 40u);
  };
  const EvaluationResult a = evaluate_split(m, d, "tiny.h5", SplitSelection::all, one_thread());
  const EvaluationResult b = evaluate_split(m, d, "tiny.h5", SplitSelection::all, small);
  EXPECT_EQ(a.logits, b.logits);
  EXPECT_EQ(a.predicted, b.predicted);
  EXPECT_EQ(calls, 14u);  // ceil(40 / 3)
  EXPECT_EQ(last_done, 40u);
}

TEST(Evaluator, DifferentClassesAreAClearError) {
  const model::Model m = tiny_model();
  dataset::Dataset d = tiny_dataset();
  d.classes[1] = "Chat-Tor";
  const std::string msg = message_of([&] { evaluate_split(m, d, "other.h5", SplitSelection::all); });
  EXPECT_NE(msg.find("other.h5"), std::string::npos) << msg;
  EXPECT_NE(msg.find("Chat-Tor"), std::string::npos) << msg;
}

TEST(Evaluator, DifferentBinEdgesOrTimeBinsAreClearErrors) {
  const model::Model m = tiny_model();
  dataset::Dataset d = tiny_dataset();
  d.preset.picture.size_edges = features::SizeBinEdges({0, 10, 25, 30, 40}, 2);
  std::string msg = message_of([&] { evaluate_split(m, d, "edges.h5", SplitSelection::all); });
  EXPECT_NE(msg.find("size-bin edges"), std::string::npos) << msg;
  d = tiny_dataset();
  d.preset.picture.time_bins = 20;
  msg = message_of([&] { evaluate_split(m, d, "time.h5", SplitSelection::all); });
  EXPECT_NE(msg.find("time bins"), std::string::npos) << msg;
}

TEST(Evaluator, EmptySplitIsAClearError) {
  const model::Model m = tiny_model();
  const dataset::Dataset d = tiny_dataset(1);  // one flow: it lands in one part only
  const dataset::Split split = dataset::make_split(d, dataset::SplitKind::flow, 3);
  const SplitSelection empty = split.test.empty() ? SplitSelection::test
                               : split.val.empty() ? SplitSelection::val
                                                   : SplitSelection::train;
  const std::string msg = message_of([&] { select_windows(m, d, empty, "one.h5"); });
  EXPECT_NE(msg.find("one.h5"), std::string::npos) << msg;
  EXPECT_NE(msg.find("has no windows"), std::string::npos) << msg;
  EXPECT_NE(msg.find("--split"), std::string::npos) << msg;
}

TEST(Evaluator, TellsWhetherTheDatasetIsTheOneTheModelWasTrainedOn) {
  model::Model m = tiny_model();
  const dataset::Dataset trained_on = tiny_dataset();
  EXPECT_FALSE(dataset_matches_training(m, trained_on).has_value());  // the model records no fingerprint
  EXPECT_FALSE(evaluate_split(m, trained_on, "tiny.h5", SplitSelection::test, one_thread())
                   .dataset_matches_training.has_value());

  m.training.dataset_path = "train.h5";
  m.training.dataset_fingerprint = dataset::fingerprint(trained_on);
  EXPECT_EQ(dataset_matches_training(m, trained_on), true);
  EXPECT_EQ(evaluate_split(m, trained_on, "train.h5", SplitSelection::test, one_thread()).dataset_matches_training,
            true);

  // The same flows, one window relabelled: another dataset, though it fits the model.
  dataset::Dataset other = tiny_dataset();
  other.label[0] = (other.label[0] + 1) % 4;
  EXPECT_EQ(dataset_matches_training(m, other), false);
  const WindowSelection test = select_windows(m, other, SplitSelection::test, "other.h5");
  EXPECT_EQ(test.dataset_matches_training, false);
  EXPECT_EQ(evaluate(m, other, "other.h5", test, one_thread()).dataset_matches_training, false);
  EXPECT_EQ(select_windows(m, tiny_dataset(30), SplitSelection::all, "fewer.h5").dataset_matches_training, false);
}

TEST(Evaluator, WarningNamesBothDatasetsAndSaysTheFiguresAreNotHeldOut) {
  model::Model m = tiny_model();
  m.training.dataset_path = "train.h5";
  const std::string test = training_dataset_warning(m, "model.h5", "other.h5", "test");
  for (const char* part : {"other.h5 is not the dataset model.h5 was trained on (train.h5)",
                           "split is rebuilt from other.h5", "test windows may include windows the model was trained on",
                           "not a held-out estimate", "evaluate on train.h5"})
    EXPECT_NE(test.find(part), std::string::npos) << part << "\n" << test;

  const std::string all = training_dataset_warning(m, "model.h5", "other.h5", "all");
  EXPECT_NE(all.find("All its windows are evaluated"), std::string::npos) << all;
  EXPECT_NE(all.find("not a held-out estimate"), std::string::npos) << all;

  // The same path, but the file has changed since training.
  const std::string again = training_dataset_warning(m, "model.h5", "train.h5", "test");
  EXPECT_NE(again.find("the model records that path, but the file has changed"), std::string::npos) << again;
}

TEST(Evaluator, SplitSelectionNames) {
  EXPECT_EQ(split_selection_from_string("val"), SplitSelection::val);
  EXPECT_EQ(split_selection_name(SplitSelection::all), "all");
  EXPECT_THROW(split_selection_from_string("validation"), Error);
}

}  // namespace
}  // namespace flowspike::eval
