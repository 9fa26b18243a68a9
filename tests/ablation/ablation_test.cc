#include "flowspike/ablation/ablation.h"

#include <gtest/gtest.h>

#include "flowspike/common/error.h"
#include "ablation/timing_model.h"

namespace flowspike::ablation {
namespace {

// A dataset whose classes differ only in when packets arrive (2 s bins), and a
// model trained on it: shuffling time must hurt it.
struct Fixture {
  dataset::Dataset data = train::testing::timing_dataset(80, 3);
  model::Model model;
  Fixture() { model = testing::train_timing_model(data, "timing.h5", 8, 5); }
};

const Fixture& fixture() {
  static const Fixture f;
  return f;
}

const AblationRow& find_row(const AblationResult& r, const std::string& key) {
  for (const AblationRow& row : r.rows)
    if (row.key == key) return row;
  ADD_FAILURE() << "no row " << key;
  return r.rows.front();
}

TEST(Ablation, ShufflingTimeHurtsAModelThatUsesTime) {
  const Fixture& f = fixture();
  AblationOptions o;
  o.repetitions = 3;
  o.threads = 1;
  const AblationResult r = run_ablation(f.model, "model.h5", f.data, "timing.h5", o);
  ASSERT_EQ(r.rows.size(), 3u);
  const AblationRow& base = find_row(r, "unmodified");
  const AblationRow& per_row = find_row(r, "shuffle_per_row");
  const AblationRow& all_rows = find_row(r, "shuffle_all_rows");
  EXPECT_GT(*base.accuracy, 0.7) << "chance is 1/3";
  EXPECT_LT(*per_row.accuracy, *base.accuracy - 0.1);
  EXPECT_LT(*all_rows.accuracy, *base.accuracy - 0.1);
  EXPECT_EQ(per_row.accuracies.size(), 3u);
  EXPECT_EQ(base.accuracies.size(), 1u);
  EXPECT_EQ(base.windows, r.test_windows);
  EXPECT_EQ(per_row.windows, r.test_windows);
  EXPECT_FALSE(base.paper);  // not the paper's classes
  EXPECT_FALSE(r.paper_classes);
  EXPECT_DOUBLE_EQ(r.time_bin_ms, 2000);

  // Betas: one per layer, printed as they are.
  ASSERT_EQ(r.betas.size(), 2u);
  EXPECT_EQ(r.betas[0].values.size(), 1u);
  EXPECT_FLOAT_EQ(r.betas[0].values[0], f.model.params.beta1[0]);
  EXPECT_DOUBLE_EQ(r.betas[0].mean, r.betas[0].values[0]);

  // Seeded: the same options give the same numbers.
  const AblationResult again = run_ablation(f.model, "model.h5", f.data, "timing.h5", o);
  EXPECT_EQ(find_row(again, "shuffle_per_row").accuracies, per_row.accuracies);
  EXPECT_EQ(find_row(again, "shuffle_all_rows").accuracies, all_rows.accuracies);
}

TEST(Ablation, RetrainsWithBetaZeroAndOtherBinWidths) {
  const Fixture& f = fixture();
  AblationOptions o;
  o.repetitions = 1;
  o.retrain = true;
  o.epochs = 1;
  o.threads = 1;
  o.widths_ms = {1000, 2000, 4000, 7000};
  const AblationResult r = run_ablation(f.model, "model.h5", f.data, "timing.h5", o);
  ASSERT_EQ(r.rows.size(), 3u + 1u + 4u);
  const AblationRow& beta_zero = find_row(r, "beta_zero");
  ASSERT_TRUE(beta_zero.accuracy);
  EXPECT_EQ(beta_zero.epochs, 1);
  EXPECT_EQ(beta_zero.windows, r.test_windows);

  const AblationRow& finer = find_row(r, "width_1000ms");
  EXPECT_FALSE(finer.accuracy);  // 1 s bins cannot come from 2 s cells, and there is no capture
  EXPECT_NE(finer.note.find("cannot be made from the stored 2000 ms cells (finer)"), std::string::npos) << finer.note;
  EXPECT_NE(finer.note.find("synthetic.pcap"), std::string::npos) << finer.note;
  const AblationRow& same = find_row(r, "width_2000ms");
  ASSERT_TRUE(same.accuracy);
  EXPECT_NE(same.note.find("the stored cells"), std::string::npos) << same.note;
  const AblationRow& merged = find_row(r, "width_4000ms");
  ASSERT_TRUE(merged.accuracy);
  EXPECT_NE(merged.note.find("merged from 2 stored"), std::string::npos) << merged.note;
  EXPECT_EQ(merged.windows, r.test_windows);  // the same split
  const AblationRow& uneven = find_row(r, "width_7000ms");
  EXPECT_FALSE(uneven.accuracy);
  EXPECT_NE(uneven.note.find("not a whole number"), std::string::npos) << uneven.note;

  const std::vector<report::Table> tables = ablation_tables(r);
  ASSERT_EQ(tables.size(), 2u);
  EXPECT_EQ(tables[0].rows.size(), r.rows.size());
  EXPECT_EQ(tables[0].rows[4][1].text, "skipped");
  const std::string text = report::render_text(tables[0]);
  EXPECT_NE(text.find("time shuffled in each size row"), std::string::npos) << text;
  EXPECT_NE(text.find("n/a"), std::string::npos) << text;

  const nlohmann::json j = ablation_json(r);
  EXPECT_EQ(j["format"], "flowspike-ablation");
  EXPECT_EQ(j["rows"].size(), r.rows.size());
  EXPECT_TRUE(j["rows"][4]["accuracy"].is_null());
  EXPECT_EQ(j["betas"].size(), 2u);
}

// Records what the observer hears, checking that progress comes only inside an experiment.
struct Recorder : AblationObserver {
  std::vector<ExperimentStart> started;
  std::vector<AblationRow> finished;
  std::vector<std::string> steps;  // of the current experiment, each once, in order
  std::vector<std::vector<std::string>> steps_of;
  bool inside = false;
  void experiment_started(const ExperimentStart& e) override {
    EXPECT_FALSE(inside) << e.key;
    inside = true;
    started.push_back(e);
    steps.clear();
  }
  void progress(const std::string& step, double fraction) override {
    EXPECT_TRUE(inside) << step;
    EXPECT_LE(fraction, 1.0) << step;
    const std::string head = step.substr(0, step.find(','));  // "epoch 1/1, loss ..." -> "epoch 1/1"
    if (steps.empty() || steps.back() != head) steps.push_back(head);
  }
  void experiment_finished(const ExperimentStart& e, const AblationRow& row) override {
    EXPECT_TRUE(inside);
    inside = false;
    EXPECT_EQ(e.key, started.back().key);
    EXPECT_EQ(row.key, e.key);
    finished.push_back(row);
    steps_of.push_back(steps);
  }
};

TEST(Ablation, TellsTheObserverAsEachExperimentStartsAndEnds) {
  const Fixture& f = fixture();
  AblationOptions o;
  o.repetitions = 2;
  o.retrain = true;
  o.epochs = 2;
  o.threads = 1;
  o.widths_ms = {2000, 7000};  // the stored cells; not a whole number of bins (skipped)
  Recorder rec;
  o.observer = &rec;
  const AblationResult r = run_ablation(f.model, "model.h5", f.data, "timing.h5", o);
  EXPECT_FALSE(rec.inside);

  const std::vector<std::string> keys{"unmodified",   "shuffle_per_row", "shuffle_all_rows",
                                      "beta_zero",    "width_2000ms",    "width_7000ms"};
  ASSERT_EQ(rec.started.size(), keys.size());
  ASSERT_EQ(rec.finished.size(), keys.size());
  ASSERT_EQ(r.rows.size(), keys.size());
  for (size_t i = 0; i < keys.size(); ++i) {
    const ExperimentStart& e = rec.started[i];
    EXPECT_EQ(e.key, keys[i]);
    EXPECT_EQ(e.setting, r.rows[i].setting);
    EXPECT_EQ(e.index, i + 1);
    EXPECT_EQ(e.count, keys.size());
    EXPECT_EQ(e.windows, r.test_windows);
    EXPECT_EQ(rec.finished[i].accuracy, r.rows[i].accuracy) << keys[i];
  }
  EXPECT_EQ(rec.started[0].epochs, 0);
  EXPECT_EQ(rec.started[1].draws, 2u);
  EXPECT_EQ(rec.started[3].epochs, 2);
  EXPECT_EQ(rec.started[4].epochs, 2);
  EXPECT_EQ(rec.started[3].setting, "retrained with beta = 0");

  // Progress within each: evaluation, the draws, the epochs of a retraining.
  EXPECT_EQ(rec.steps_of[0], (std::vector<std::string>{"evaluating"}));
  EXPECT_EQ(rec.steps_of[1], (std::vector<std::string>{"draw 1/2", "draw 2/2"}));
  EXPECT_EQ(rec.steps_of[3], (std::vector<std::string>{"epoch 1/2", "epoch 2/2", "evaluating"}));
  EXPECT_EQ(rec.steps_of[4], (std::vector<std::string>{"epoch 1/2", "epoch 2/2", "evaluating"}));

  // The end of each: its result, or why it was skipped.
  EXPECT_EQ(rec.finished[3].epochs, 2);
  EXPECT_GE(rec.finished[3].best_epoch, 1);
  EXPECT_FALSE(rec.finished[5].accuracy);
  EXPECT_NE(rec.finished[5].note.find("not a whole number"), std::string::npos) << rec.finished[5].note;
  EXPECT_TRUE(rec.steps_of[5].empty());
}

TEST(Ablation, SaysWhenTheDatasetIsNotTheOneTheModelWasTrainedOn) {
  const Fixture& f = fixture();
  AblationOptions o;
  o.repetitions = 1;
  o.threads = 1;
  const AblationResult same = run_ablation(f.model, "model.h5", f.data, "timing.h5", o);
  EXPECT_EQ(same.dataset_matches_training, true);
  EXPECT_TRUE(ablation_json(same)["dataset_matches_training"].get<bool>());

  // Same classes and pictures, other windows: it fits, but its test split is not held out.
  const dataset::Dataset other = train::testing::timing_dataset(80, 4);
  const AblationResult r = run_ablation(f.model, "model.h5", other, "other.h5", o);
  EXPECT_EQ(r.dataset_matches_training, false);
  EXPECT_FALSE(ablation_json(r)["dataset_matches_training"].get<bool>());
  bool noted = false;
  for (const std::string& n : r.notes)
    noted = noted || (n.find("other.h5 is not the dataset model.h5 was trained on (timing.h5)") != std::string::npos &&
                      n.find("not a held-out estimate") != std::string::npos);
  EXPECT_TRUE(noted);

  // A model that records no fingerprint: unknown.
  model::Model old = f.model;
  old.training.dataset_fingerprint.reset();
  const AblationResult unknown = run_ablation(old, "old.h5", f.data, "timing.h5", o);
  EXPECT_FALSE(unknown.dataset_matches_training.has_value());
  EXPECT_TRUE(ablation_json(unknown)["dataset_matches_training"].is_null());
}

TEST(Ablation, RefusesADatasetThatDoesNotFitTheModel) {
  const Fixture& f = fixture();
  dataset::Dataset other = train::testing::timing_dataset(10, 1, 60);
  EXPECT_THROW(run_ablation(f.model, "model.h5", other, "other.h5", {}), Error);
}

TEST(Ablation, SummarisesPerNeuronBetas) {
  snn::Vector<float> b(4);
  b << 0.1f, 0.5f, 0.3f, 0.9f;
  const LayerBetas s = summarise_betas("hidden", b, false);
  EXPECT_NEAR(s.mean, 0.45, 1e-6);
  EXPECT_NEAR(s.min, 0.1, 1e-6);
  EXPECT_NEAR(s.max, 0.9, 1e-6);
  EXPECT_EQ(s.values.size(), 4u);
}

}  // namespace
}  // namespace flowspike::ablation
