// run_demo() on a tiny scale: every step runs in order and reports to the
// observer, every output exists, the held-out capture is not in the corpus and
// its classification agrees with the record file, and Ctrl-C stops cleanly
// keeping what finished.
#include "flowspike/demo/demo.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "flowspike/common/interrupt.h"
#include "flowspike/dataset/dataset.h"
#include "flowspike/model/model.h"
#include "support/temp_dir.h"

namespace flowspike::demo {
namespace {

namespace fs = std::filesystem;

DemoOptions tiny(const fs::path& out) {
  DemoOptions o;
  o.scale = DemoScale{2, 100, 2};
  o.seed = 3;
  o.out_dir = out.string();
  o.threads = 2;
  return o;
}

struct Recorder : DemoObserver {
  std::vector<DemoStep> started, finished;
  int corpora = 0, datasets = 0, epochs = 0, evaluations = 0, heldouts = 0, classifications = 0;
  size_t evaluated_windows = 0;
  HeldOutVerdict verdict;
  void step_started(DemoStep s) override { started.push_back(s); }
  void step_finished(const StepTime& t) override {
    finished.push_back(t.step);
    EXPECT_GE(t.wall_s, 0);
    EXPECT_GE(t.cpu_s, 0);
  }
  void corpus_written(const synth::CorpusSummary&, double) override { ++corpora; }
  void dataset_written(const dataset::ExtractResult&, const dataset::ExtractOptions& o) override {
    ++datasets;
    EXPECT_EQ(o.labels, "dirs");
    EXPECT_EQ(o.preset.name, "paper");
  }
  void epoch_finished(const train::EpochStats&, int32_t) override { ++epochs; }
  void evaluated(const eval::EvaluationResult& r) override {
    ++evaluations;
    evaluated_windows = r.size();
    EXPECT_EQ(r.selection, "test");
  }
  void heldout_written(const HeldOutCapture&) override { ++heldouts; }
  void classified(const classify::Classifier&, const capture::ParseReport&, double, const HeldOutVerdict& v) override {
    ++classifications;
    verdict = v;
  }
};

std::vector<std::string> lines(const fs::path& p) {
  std::ifstream in(p);
  std::vector<std::string> out;
  for (std::string l; std::getline(in, l);) out.push_back(l);
  return out;
}

TEST(Demo, RunsEveryStepAndWritesEveryOutput) {
  testing::TempDir tmp;
  Recorder rec;
  const DemoResult r = run_demo(tiny(tmp.path() / "out"), rec);

  const std::vector<DemoStep> all{DemoStep::corpus,     DemoStep::dataset, DemoStep::training,
                                  DemoStep::evaluation, DemoStep::heldout, DemoStep::classification};
  EXPECT_EQ(rec.started, all);
  EXPECT_EQ(rec.finished, all);
  ASSERT_EQ(r.times.size(), all.size());
  EXPECT_EQ(rec.corpora, 1);
  EXPECT_EQ(rec.datasets, 1);
  EXPECT_EQ(rec.epochs, 2);
  EXPECT_EQ(rec.evaluations, 1);
  EXPECT_EQ(rec.heldouts, 1);
  EXPECT_EQ(rec.classifications, 1);

  const DemoLayout& l = r.layout;
  for (const fs::path& p : {l.corpus_dir / "manifest.json", l.dataset, l.model, l.log, l.evaluation_json,
                            l.report_index, l.heldout_capture, l.classification})
    EXPECT_TRUE(fs::exists(p)) << p;
  EXPECT_EQ(r.captures, 28u);  // 14 classes x 2

  // The report and the JSON say, as the terminal does, that the corpus is synthetic.
  auto text_of = [](const fs::path& p) {
    std::ifstream in(p);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
  };
  EXPECT_NE(text_of(l.report_index).find("The corpus is synthetic"), std::string::npos);
  EXPECT_NE(text_of(l.evaluation_json).find("synthetic (flowspike synth"), std::string::npos);

  const dataset::Dataset data = dataset::load_dataset(l.dataset.string());
  EXPECT_EQ(data.classes.size(), 14u);
  EXPECT_EQ(r.windows, data.size());
  EXPECT_EQ(r.train_windows + r.val_windows + r.test_windows, data.size());
  EXPECT_EQ(rec.evaluated_windows, r.test_windows);
  EXPECT_TRUE(r.test_accuracy.has_value());

  const model::Model m = model::load_model(l.model.string());
  EXPECT_EQ(m.training.split, "flow");
  EXPECT_EQ(m.training.seed, 3u);
  EXPECT_EQ(m.training.best_epoch, r.best_epoch);
  EXPECT_EQ(lines(l.log).size(), 3u);  // header + 2 epochs

  // The held-out capture is the class's next index, under heldout/, never in the dataset.
  EXPECT_EQ(r.heldout.index, 2);
  EXPECT_EQ(r.heldout.path, l.heldout_capture.string());
  for (const std::string& p : data.capture_paths) EXPECT_EQ(p.find("heldout"), std::string::npos) << p;
  EXPECT_FALSE(fs::exists(l.corpus_dir / "VoIP-VPN" / "voip-vpn-002.pcap"));

  // One record per flow: classified flows plus unknown ones, as the tally counted.
  const auto csv = lines(l.classification);
  ASSERT_FALSE(csv.empty());
  EXPECT_EQ(csv.size() - 1, rec.verdict.flows.size() + rec.verdict.unknown_flows);
  uint64_t windows = 0;
  for (uint64_t n : rec.verdict.windows_per_class) windows += n;
  EXPECT_EQ(windows, rec.verdict.windows);
  EXPECT_EQ(r.verdict.windows, rec.verdict.windows);
}

TEST(Demo, SameSeedGivesTheSameDatasetAndModel) {
  testing::TempDir tmp;
  DemoObserver quiet;
  DemoOptions a = tiny(tmp.path() / "a");
  DemoOptions b = tiny(tmp.path() / "b");
  b.threads = 1;  // results do not depend on the thread count
  const DemoResult ra = run_demo(a, quiet);
  const DemoResult rb = run_demo(b, quiet);
  EXPECT_EQ(ra.windows, rb.windows);
  EXPECT_EQ(ra.best_epoch, rb.best_epoch);
  EXPECT_EQ(ra.test_accuracy.value, rb.test_accuracy.value);
  const model::Model ma = model::load_model(ra.layout.model.string());
  const model::Model mb = model::load_model(rb.layout.model.string());
  EXPECT_TRUE(ma.params.W1 == mb.params.W1);
}

TEST(Demo, RefusesToRunTwiceIntoTheSameDirectoryWithoutForce) {
  testing::TempDir tmp;
  DemoObserver quiet;
  DemoOptions o = tiny(tmp.path() / "out");
  o.scale.epochs = 1;
  run_demo(o, quiet);
  EXPECT_THROW(run_demo(o, quiet), Error);
  o.force = true;
  o.heldout_class = synth::TrafficClass{synth::Category::chat, synth::Encryption::tor};
  const DemoResult r = run_demo(o, quiet);
  EXPECT_TRUE(fs::exists(r.layout.heldout_capture));
  EXPECT_FALSE(fs::exists(tmp.path() / "out" / "heldout" / "VoIP-VPN"));  // the earlier run's is gone
}

// Interrupts when the first epoch has finished (its model is then on disk).
struct InterruptAfterFirstEpoch : DemoObserver {
  void epoch_finished(const train::EpochStats&, int32_t) override { request_interrupt(); }
};

TEST(Demo, CtrlCDuringTrainingKeepsTheBestModelAndWritesNothingLater) {
  testing::TempDir tmp;
  DemoOptions o = tiny(tmp.path() / "out");
  o.scale.epochs = 3;
  InterruptAfterFirstEpoch observer;
  EXPECT_THROW(run_demo(o, observer), Interrupted);
  clear_interrupt();
  const DemoLayout l = demo_layout(o.out_dir, o.heldout_class, o.scale.captures_per_class);
  EXPECT_TRUE(fs::exists(l.dataset));
  ASSERT_TRUE(fs::exists(l.model));
  EXPECT_EQ(model::load_model(l.model.string()).training.epochs_run, 1);
  EXPECT_EQ(lines(l.log).size(), 2u);
  EXPECT_FALSE(fs::exists(l.evaluation_json));
  EXPECT_FALSE(fs::exists(l.report_dir));
  EXPECT_FALSE(fs::exists(l.heldout_dir));
}

// Reads model.h5 when each epoch after the first finishes: it then holds what
// was saved after the epoch before.
struct ModelFileWatcher : DemoObserver {
  fs::path model;
  std::vector<int32_t> epochs_run_on_disk;  // before epochs 2, 3, ...
  int not_best = 0;
  void epoch_finished(const train::EpochStats& e, int32_t) override {
    if (!e.best) ++not_best;
    if (e.epoch > 1) epochs_run_on_disk.push_back(model::load_model(model.string()).training.epochs_run);
  }
};

TEST(Demo, SavesTheModelAfterEveryEpochSoItsRecordCountsThemAll) {
  testing::TempDir tmp;
  DemoOptions o = tiny(tmp.path() / "out");
  o.scale.epochs = 5;
  ModelFileWatcher watcher;
  watcher.model = demo_layout(o.out_dir, o.heldout_class, o.scale.captures_per_class).model;
  const DemoResult r = run_demo(o, watcher);
  // Only an epoch that does not improve tells a save after every epoch from a save on the best one.
  ASSERT_GT(watcher.not_best, 0) << "pick a seed or more epochs: every epoch improved";
  EXPECT_EQ(watcher.epochs_run_on_disk, (std::vector<int32_t>{1, 2, 3, 4}));
  const model::Model m = model::load_model(r.layout.model.string());
  EXPECT_EQ(m.training.epochs_run, 5);
  EXPECT_EQ(m.training.best_epoch, r.best_epoch);
}

struct InterruptWhileGenerating : DemoObserver {
  void corpus_progress(size_t done, size_t) override {
    if (done == 3) request_interrupt();
  }
};

TEST(Demo, CtrlCDuringTheCorpusLeavesOnlyWholeCaptures) {
  testing::TempDir tmp;
  DemoOptions o = tiny(tmp.path() / "out");
  InterruptWhileGenerating observer;
  EXPECT_THROW(run_demo(o, observer), Interrupted);
  clear_interrupt();
  const DemoLayout l = demo_layout(o.out_dir, o.heldout_class, o.scale.captures_per_class);
  EXPECT_FALSE(fs::exists(l.dataset));
  EXPECT_FALSE(fs::exists(l.corpus_dir / "manifest.json"));
  for (const auto& e : fs::recursive_directory_iterator(l.corpus_dir)) {
    if (!e.is_regular_file()) continue;
    EXPECT_EQ(e.path().extension(), ".pcap") << e.path();  // no temporary files
  }
}

TEST(Demo, QuickIsSmallerThanTheFullDemo) {
  const DemoScale full = demo_scale(false), quick = demo_scale(true);
  EXPECT_EQ(full.epochs, 30);  // the paper's
  EXPECT_LT(quick.captures_per_class, full.captures_per_class);
  EXPECT_LT(quick.epochs, full.epochs);
}

}  // namespace
}  // namespace flowspike::demo
