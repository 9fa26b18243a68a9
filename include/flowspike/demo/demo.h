// `flowspike demo` as a library call: the whole pipeline on a synthetic corpus.
// run_demo() generates a seeded corpus of the 14 classes (synth), extracts its
// dataset with the paper preset and labels from the class directories
// (dataset), trains the SNN with the paper's recipe on the flow-grouped split
// (train), evaluates the test split and writes the JSON and HTML report
// (eval, report), writes one capture the corpus does not contain and
// classifies it (classify). Everything goes under one output directory
// (layout.h). Each step reports to a DemoObserver, which prints; run_demo
// itself prints nothing. Not thread-safe; the steps use worker threads inside.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "flowspike/capture/parse_report.h"
#include "flowspike/classify/capture_run.h"
#include "flowspike/classify/classifier.h"
#include "flowspike/dataset/dataset.h"
#include "flowspike/dataset/extractor.h"
#include "flowspike/demo/heldout.h"
#include "flowspike/demo/layout.h"
#include "flowspike/eval/evaluation_result.h"
#include "flowspike/synth/corpus.h"
#include "flowspike/train/trainer.h"

namespace flowspike::demo {

// How big the run is. Both scales affect results.
struct DemoScale {
  int captures_per_class = 48;      // synthetic captures per class, one application session each
  double capture_duration_s = 180;  // mean capture length (each draws 0.75x-1.25x)
  int32_t epochs = 30;              // training epochs (the paper's 30)
};
// The full demo (a few minutes on 2 cores) or the quick smoke run (seconds):
// docs/demo.md says why these sizes.
DemoScale demo_scale(bool quick);

struct DemoOptions {
  // Affect results.
  DemoScale scale = demo_scale(false);
  uint64_t seed = 1;  // the corpus's seed and the training run's (split, initialisation, sampling)
  synth::TrafficClass heldout_class{synth::Category::voip, synth::Encryption::vpn};

  // Affect where and how it runs.
  std::string out_dir = "demo-out";
  bool force = false;    // replace a previous demo's outputs in out_dir (layout.h)
  unsigned threads = 0;  // worker threads of every step; 0 = all cores. Results do not depend on it.
};

// The steps, in order.
enum class DemoStep : uint8_t { corpus, dataset, training, evaluation, heldout, classification };
inline constexpr size_t kDemoStepCount = 6;
const char* demo_step_name(DemoStep step);  // "corpus", "dataset", ...

// Wall-clock and process CPU time (all threads) of one step.
struct StepTime {
  DemoStep step = DemoStep::corpus;
  double wall_s = 0;
  double cpu_s = 0;
};

// Receives the progress and the results of each step, on the thread that
// called run_demo(), except corpus_progress(), which the corpus generator's
// worker threads call one at a time while that thread waits. Every method
// does nothing by default.
class DemoObserver {
 public:
  virtual ~DemoObserver() = default;
  virtual void step_started(DemoStep /*step*/) {}
  virtual void step_finished(const StepTime& /*time*/) {}
  virtual void warning(const std::string& /*text*/) {}

  virtual void corpus_progress(size_t /*done*/, size_t /*total*/) {}
  virtual void corpus_written(const synth::CorpusSummary& /*summary*/, double /*seconds*/) {}
  virtual void extract_progress(const dataset::ExtractProgress& /*progress*/) {}
  virtual void dataset_written(const dataset::ExtractResult& /*result*/, const dataset::ExtractOptions& /*options*/) {}
  virtual void training_started(const train::Trainer& /*trainer*/, const dataset::Dataset& /*data*/) {}
  virtual void batch_progress(const train::BatchProgress& /*progress*/) {}
  virtual void epoch_finished(const train::EpochStats& /*epoch*/, int32_t /*epochs*/) {}
  virtual void evaluation_progress(size_t /*done*/, size_t /*total*/) {}
  virtual void evaluated(const eval::EvaluationResult& /*result*/) {}
  virtual void heldout_written(const HeldOutCapture& /*capture*/) {}
  virtual void classify_progress(const classify::RunProgress& /*progress*/) {}
  virtual void classified(const classify::Classifier& /*classifier*/, const capture::ParseReport& /*report*/,
                          double /*seconds*/, const HeldOutVerdict& /*verdict*/) {}
};

struct DemoResult {
  DemoLayout layout;
  DemoScale scale;
  uint64_t seed = 0;
  size_t captures = 0;            // in the corpus
  size_t windows = 0;             // in the dataset
  size_t train_windows = 0, val_windows = 0, test_windows = 0;
  int32_t best_epoch = 0;
  double best_val_accuracy = 0;
  eval::Measure test_accuracy;        // accuracy over the classes, on the test split
  eval::Measure category_accuracy;    // 5-way (not_applicable without <category>-<encryption> names)
  eval::Measure encryption_accuracy;  // 3-way
  HeldOutCapture heldout;
  HeldOutVerdict verdict;
  std::vector<std::string> classes;
  std::vector<StepTime> times;    // one per step, in order
};

// Runs every step. Throws flowspike::Error when the output directory cannot
// be used (layout.h) or a step fails, and flowspike::Interrupted on Ctrl-C:
// the outputs of finished steps stay, the step that was running leaves no
// partial file, and an interrupted training keeps the best model so far
// (model.h5, holding the best weights and the epochs run, and the log are
// written after every epoch).
DemoResult run_demo(const DemoOptions& options, DemoObserver& observer);

}  // namespace flowspike::demo
