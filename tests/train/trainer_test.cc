// The training loop on small synthetic datasets: it learns, it repeats bit for
// bit, a resumed run equals an uninterrupted one, an interrupt keeps the best
// weights, and bad data or options are clear errors.
#include "flowspike/train/trainer.h"

#include <gtest/gtest.h>

#include <cstring>
#include <fstream>
#include <sstream>
#include <string>

#include "flowspike/common/error.h"
#include "flowspike/common/hdf5.h"
#include "flowspike/common/interrupt.h"
#include "flowspike/dataset/dataset.h"
#include "flowspike/model/model.h"
#include "support/temp_dir.h"
#include "synthetic_dataset.h"

namespace flowspike::train {
namespace {

using testing::timing_dataset;

TrainOptions small_options() {
  TrainOptions o;
  o.split = dataset::SplitKind::window;
  o.seed = 7;
  o.network.hidden = 16;
  o.epochs = 4;
  o.batch = 16;
  o.adam.lr = 5e-3;
  o.threads = 1;
  return o;
}

template <class M>
bool same_bits(const M& a, const M& b) {
  return a.size() == b.size() && std::memcmp(a.data(), b.data(), sizeof(float) * static_cast<size_t>(a.size())) == 0;
}

bool same_bits(const snn::SnnParams& a, const snn::SnnParams& b) {
  return same_bits(a.W1, b.W1) && same_bits(a.b1, b.b1) && same_bits(a.beta1, b.beta1) && same_bits(a.W2, b.W2) &&
         same_bits(a.b2, b.b2) && same_bits(a.beta2, b.beta2);
}

// Everything of an epoch but its timing.
void expect_same_epoch(const EpochStats& a, const EpochStats& b) {
  EXPECT_EQ(a.epoch, b.epoch);
  EXPECT_EQ(a.loss, b.loss);
  EXPECT_EQ(a.train_accuracy, b.train_accuracy);
  EXPECT_EQ(a.val_loss, b.val_loss);
  EXPECT_EQ(a.val_accuracy, b.val_accuracy);
  EXPECT_EQ(a.lr, b.lr);
  EXPECT_EQ(a.beta1, b.beta1);
  EXPECT_EQ(a.beta2, b.beta2);
  EXPECT_EQ(a.spikes_per_window, b.spikes_per_window);
  EXPECT_EQ(a.best, b.best);
}

TEST(Trainer, LearnsTimingPatternsWellAboveChance) {
  const dataset::Dataset data = timing_dataset(150, 1);
  TrainOptions o = small_options();
  o.epochs = 10;
  o.adam.lr = 1e-2;
  Trainer t(data, "synthetic.h5", o);
  EXPECT_TRUE(t.warnings().empty());
  while (!t.done()) {
    const EpochStats e = t.run_epoch();
    EXPECT_FALSE(e.interrupted);
    EXPECT_EQ(e.windows, t.split().train.size());
    EXPECT_GT(e.spikes_per_window, 0);
  }
  ASSERT_TRUE(t.has_best());
  EXPECT_GT(t.best_val_accuracy(), 0.75) << "chance is 1/3";
  EXPECT_LT(t.history().back().loss, t.history().front().loss);

  const model::Model m = t.best_model("model.log.csv");
  EXPECT_EQ(m.training.best_epoch, t.best_epoch());
  EXPECT_EQ(m.training.epochs_run, 10);
  EXPECT_EQ(m.training.split, "window");
  EXPECT_EQ(m.training.seed, 7u);
  EXPECT_EQ(m.training.log_csv, "model.log.csv");
  EXPECT_EQ(from_json(m.training.hyperparameters_json, "record").adam.lr, 1e-2);
  EXPECT_EQ(m.snn.inputs, 12u);
  EXPECT_EQ(m.snn.time_bins, 30u);
  EXPECT_EQ(m.classes, data.classes);
  model::validate_model(m, "trained model");
}

TEST(Trainer, RepeatsBitForBitWithAnyThreadCount) {
  const dataset::Dataset data = timing_dataset(20, 2);
  TrainOptions o = small_options();
  o.epochs = 2;
  std::vector<Trainer> runs;
  for (unsigned threads : {1u, 1u, 3u}) {
    o.threads = threads;
    runs.emplace_back(data, "synthetic.h5", o);
    while (!runs.back().done()) runs.back().run_epoch();
  }
  for (size_t r = 1; r < runs.size(); ++r) {
    EXPECT_TRUE(same_bits(runs[0].params(), runs[r].params())) << "run " << r;
    for (size_t e = 0; e < runs[0].history().size(); ++e) expect_same_epoch(runs[0].history()[e], runs[r].history()[e]);
  }
}

TEST(Trainer, ResumedRunEqualsUninterruptedRun) {
  const dataset::Dataset data = timing_dataset(20, 3);
  flowspike::testing::TempDir dir;
  TrainOptions o = small_options();
  o.plateau_start = 1;  // let the scheduler's state matter across the break
  o.plateau.patience = 0;
  o.plateau.threshold = 0.5;

  Trainer straight(data, "synthetic.h5", o);
  while (!straight.done()) straight.run_epoch();

  o.epochs = 2;
  Trainer first(data, "synthetic.h5", o);
  while (!first.done()) first.run_epoch();
  const std::string ckpt = dir.file("run.ckpt.h5");
  first.save_checkpoint(ckpt);
  EXPECT_EQ(Trainer::checkpoint_options(ckpt).epochs, 2);

  Trainer resumed = Trainer::resume(data, "synthetic.h5", ckpt, 4, 2u);
  EXPECT_EQ(resumed.epochs_done(), 2);
  EXPECT_EQ(resumed.history().size(), 2u);
  while (!resumed.done()) resumed.run_epoch();

  EXPECT_TRUE(same_bits(straight.params(), resumed.params()));
  EXPECT_TRUE(same_bits(straight.best_model().params, resumed.best_model().params));
  EXPECT_EQ(straight.best_epoch(), resumed.best_epoch());
  ASSERT_EQ(straight.history().size(), resumed.history().size());
  for (size_t e = 0; e < straight.history().size(); ++e) expect_same_epoch(straight.history()[e], resumed.history()[e]);
  EXPECT_LT(straight.history().back().lr, 5e-3) << "the scheduler should have lowered the rate";
}

TEST(Trainer, InterruptStopsAfterTheBatchAndKeepsTheBestWeights) {
  const dataset::Dataset data = timing_dataset(30, 4);
  TrainOptions o = small_options();
  Trainer t(data, "synthetic.h5", o);
  const EpochStats first = t.run_epoch();
  ASSERT_TRUE(first.best);
  const snn::SnnParams best = t.best_model().params;

  clear_interrupt();
  size_t batches_seen = 0;
  const EpochStats second = t.run_epoch([&](const BatchProgress& p) {
    batches_seen = p.batch;
    if (p.batch == 2) request_interrupt();
  });
  clear_interrupt();
  EXPECT_TRUE(second.interrupted);
  EXPECT_EQ(batches_seen, 2u);
  EXPECT_EQ(second.windows, 2 * o.batch);
  EXPECT_EQ(t.epochs_done(), 1);
  EXPECT_EQ(t.best_epoch(), 1);
  EXPECT_TRUE(same_bits(best, t.best_model().params));
  EXPECT_FALSE(same_bits(best, t.params())) << "the interrupted epoch did change the current weights";
}

TEST(Trainer, FrozenParametersStayFixed) {
  const dataset::Dataset data = timing_dataset(10, 5);
  TrainOptions o = small_options();
  o.epochs = 2;
  o.network.beta_fixed_zero = true;
  o.network.paper_text = true;
  Trainer t(data, "synthetic.h5", o);
  while (!t.done()) t.run_epoch();
  EXPECT_EQ(t.params().beta1(0), 0.0f);
  EXPECT_EQ(t.params().beta2(0), 0.0f);
  EXPECT_TRUE((t.params().b1.array() == 1.0f).all()) << "paper-text threshold is fixed";
}

TEST(Trainer, ClampsLeaksAndThresholds) {
  const dataset::Dataset data = timing_dataset(10, 6);
  TrainOptions o = small_options();
  o.epochs = 3;
  o.adam.lr = 0.5;  // large steps push parameters against their bounds
  o.network.beta_per_neuron = true;
  Trainer t(data, "synthetic.h5", o);
  while (!t.done()) t.run_epoch();
  const snn::SnnParams& p = t.params();
  EXPECT_TRUE((p.beta1.array() >= 0).all() && (p.beta1.array() <= 1).all());
  EXPECT_TRUE((p.beta2.array() >= 0).all() && (p.beta2.array() <= 1).all());
  EXPECT_TRUE((p.b1.array() >= 0).all());
  EXPECT_TRUE((p.b2.array() >= 0).all());
}

TEST(Trainer, RejectsUnusableDatasetsAndOptions) {
  dataset::Dataset empty = timing_dataset(0, 1);
  EXPECT_THROW(Trainer(empty, "empty.h5", small_options()), Error);

  // One flow per class and --split flow: nothing left for validation.
  const dataset::Dataset tiny = timing_dataset(1, 1);
  TrainOptions o = small_options();
  o.split = dataset::SplitKind::flow;
  try {
    Trainer t(tiny, "tiny.h5", o);
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("tiny.h5"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("empty"), std::string::npos) << e.what();
  }

  const dataset::Dataset data = timing_dataset(10, 1);
  for (auto bad : {+[](TrainOptions& x) { x.epochs = 0; }, +[](TrainOptions& x) { x.adam.lr = -1; },
                   +[](TrainOptions& x) { x.batch = 0; }, +[](TrainOptions& x) { x.network.hidden = 0; },
                   +[](TrainOptions& x) { x.clip = -1; }, +[](TrainOptions& x) { x.fractions.val = 0; },
                   +[](TrainOptions& x) { x.network.surrogate_sigma = 0; }}) {
    TrainOptions x = small_options();
    bad(x);
    EXPECT_THROW(Trainer(data, "data.h5", x), Error);
  }
}

TEST(Trainer, WarnsAboutClassesWithoutTrainingWindows) {
  dataset::Dataset data = timing_dataset(10, 1);
  data.classes.push_back("never-seen");
  Trainer t(data, "data.h5", small_options());
  ASSERT_EQ(t.warnings().size(), 1u);
  EXPECT_NE(t.warnings()[0].find("never-seen"), std::string::npos);
}

TEST(Trainer, ResumeRefusesOtherDatasetsAndOtherFiles) {
  flowspike::testing::TempDir dir;
  const dataset::Dataset data = timing_dataset(10, 1);
  TrainOptions o = small_options();
  o.epochs = 1;
  Trainer t(data, "a.h5", o);
  t.run_epoch();
  const std::string ckpt = dir.file("a.ckpt.h5");
  t.save_checkpoint(ckpt);
  const dataset::Dataset other = timing_dataset(10, 2);
  EXPECT_THROW(Trainer::resume(other, "b.h5", ckpt), Error);
  EXPECT_THROW(Trainer::resume(data, "a.h5", ckpt, 0), Error);  // fewer epochs than done
  std::ofstream(dir.file("junk.h5")) << "not hdf5";
  EXPECT_THROW(Trainer::resume(data, "a.h5", dir.file("junk.h5")), Error);
  EXPECT_THROW(Trainer::resume(data, "a.h5", dir.file("missing.h5")), Error);
  model::save_model(t.best_model(), dir.file("model.h5"));
  EXPECT_THROW(Trainer::resume(data, "a.h5", dir.file("model.h5")), Error);
}

TEST(Trainer, ModelAndCheckpointRecordTheDatasetsFingerprint) {
  flowspike::testing::TempDir dir;
  const dataset::Dataset data = timing_dataset(10, 1);
  TrainOptions o = small_options();
  o.epochs = 1;
  Trainer t(data, "a.h5", o);
  t.run_epoch();
  const uint64_t expected = dataset::fingerprint(data);
  EXPECT_EQ(t.best_model().training.dataset_fingerprint, expected);
  model::save_model(t.best_model(), dir.file("model.h5"));
  EXPECT_EQ(model::load_model(dir.file("model.h5")).training.dataset_fingerprint, expected);
  t.save_checkpoint(dir.file("a.ckpt.h5"));
  EXPECT_EQ(hdf5::File::open(dir.file("a.ckpt.h5")).attr<uint64_t>("dataset_fingerprint"), expected);
  EXPECT_NE(dataset::fingerprint(timing_dataset(10, 2)), expected);
}

// Model files and checkpoints store the value: it must not change.
TEST(DatasetFingerprint, IsStableAndSeesLabelsAndCells) {
  dataset::Dataset d;
  d.classes = {"a", "b"};
  d.label = {0, 1};
  d.offset = {0, 1, 3};
  d.time_bin = {4, 0, 7};
  d.size_bin = {1, 2, 3};
  d.count = {1.0f, 2.0f, 3.0f};
  const uint64_t h = dataset::fingerprint(d);
  EXPECT_EQ(h, 0x1a20a4b9b67f3836ull) << std::hex << h;
  dataset::Dataset copy = d;
  EXPECT_EQ(dataset::fingerprint(copy), h);
  copy.label[1] = 0;
  EXPECT_NE(dataset::fingerprint(copy), h);
  copy = d;
  copy.count[0] = 5.0f;  // cell 0 is in the stride
  EXPECT_NE(dataset::fingerprint(copy), h);
  copy = d;
  copy.classes = {"ab", ""};  // the same characters, other names
  EXPECT_NE(dataset::fingerprint(copy), h);
  copy = d;
  copy.flow = {0, 0};  // both windows in one flow: another flow split
  dataset::Dataset other = d;
  other.flow = {0, 1};
  EXPECT_NE(dataset::fingerprint(copy), dataset::fingerprint(other));
}

TEST(TrainingOutputs, PathsSitBesideTheModel) {
  EXPECT_EQ(output_paths("out/model.h5").log, "out/model.log.csv");
  EXPECT_EQ(output_paths("out/model.h5").checkpoint, "out/model.ckpt.h5");
  EXPECT_EQ(output_paths("model").log, "model.log.csv");
  EXPECT_EQ(output_paths("m.v2.hdf5").checkpoint, "m.v2.ckpt.h5");
}

TEST(TrainingOutputs, LogCsvHasOneRowPerEpoch) {
  flowspike::testing::TempDir dir;
  std::vector<EpochStats> history(2);
  history[0].epoch = 1;
  history[0].val_accuracy = 0.5;
  history[1].epoch = 2;
  history[1].val_accuracy = 0.75;
  history[1].best = true;
  write_log_csv(history, dir.file("log.csv"));
  std::ifstream in(dir.file("log.csv"));
  std::string header, row1, row2;
  std::getline(in, header);
  std::getline(in, row1);
  std::getline(in, row2);
  EXPECT_EQ(header,
            "epoch,loss,train_accuracy,val_loss,val_accuracy,lr,beta1,beta2,spikes_per_window,windows_per_second,"
            "seconds,best");
  EXPECT_EQ(row2, "2,0,0,0,0.75,0,0,0,0,0,0,1");
}

TEST(TrainOptionsJson, RoundTripsEveryField) {
  TrainOptions o;
  o.split = dataset::SplitKind::capture;
  o.fractions = {0.5, 0.25, 0.25};
  o.seed = 123456789012345ull;
  o.network.hidden = 77;
  o.network.beta_per_neuron = true;
  o.network.spike_reg = 0.125f;
  o.network.surrogate_sigma = 3.3f;
  o.epochs = 9;
  o.batch = 33;
  o.adam.lr = 1.5e-3;
  o.adam.weight_decay = 0;
  o.clip = 0;
  o.plateau_on = PlateauMetric::val;
  o.plateau_start = 2;
  o.plateau.patience = 7;
  o.sampling = Sampling::uniform;
  o.epoch_windows = 1000;
  const TrainOptions r = from_json(to_json(o), "test");
  EXPECT_EQ(to_json(r), to_json(o));
  EXPECT_EQ(r.network.surrogate_sigma, 3.3f);
  EXPECT_EQ(r.seed, o.seed);
  EXPECT_THROW(from_json("{}", "broken.json"), Error);
}

}  // namespace
}  // namespace flowspike::train
