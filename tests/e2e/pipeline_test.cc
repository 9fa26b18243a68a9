// The whole pipeline end to end through the library, as the commands run it:
// a small synthetic corpus of the 14 classes written as pcap files
// (flowspike synth) -> the dataset with labels from the class directories and
// the paper preset (flowspike extract) -> the paper's network and recipe for a
// few epochs on the flow-grouped split (flowspike train) -> the test split
// (flowspike eval). It passes when the network is clearly better than chance
// on all 14 classes:
//   - 14-class accuracy on the test split >= 4x chance (4/14 = 28.6 %), and
//   - every class's one-vs-all recall >= 2x chance (2/14 = 14.3 %): no class
//     is left unlearned or learned as another.
// The chosen corpus reaches far more (see kCorpus below); the margins absorb
// changes to the traffic models without making the test trivial: a network
// that ignored its input, or learned only some classes, fails it.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include <fmt/format.h>

#include "flowspike/dataset/dataset.h"
#include "flowspike/dataset/extractor.h"
#include "flowspike/eval/evaluator.h"
#include "flowspike/synth/corpus.h"
#include "flowspike/train/trainer.h"
#include "support/temp_dir.h"

namespace flowspike {
namespace {

namespace fs = std::filesystem;

// 32 captures of ~150 s per class (about 3 100 windows from 600 MB of
// headers-only pcap, removed after extraction) and 20 epochs, about 22 s of
// CPU. With corpus and training seeds 1, 2 and 3 this reached 72 %, 77 % and
// 77 % test accuracy and a lowest per-class recall of 26 %, 41 % and 48 %
// (docs/demo.md); the test uses seed 3.
constexpr int kCapturesPerClass = 32;
constexpr double kCaptureDurationS = 150;
constexpr int32_t kEpochs = 20;
constexpr uint64_t kSeed = 3;

TEST(EndToEnd, SmallCorpusLearnsEveryClassClearlyBetterThanChance) {
  testing::TempDir tmp;
  const std::string corpus_dir = tmp.file("corpus"), data_path = tmp.file("data.h5");

  synth::CorpusOptions corpus;
  corpus.captures_per_class = kCapturesPerClass;
  corpus.capture.duration_s = kCaptureDurationS;
  corpus.seed = kSeed;
  corpus.threads = 2;
  const synth::CorpusSummary summary = synth::generate_corpus(corpus, corpus_dir);
  ASSERT_EQ(summary.captures.size(), 14u * kCapturesPerClass);

  dataset::ExtractOptions extract;
  extract.inputs = {corpus_dir};
  extract.labels = "dirs";
  const dataset::ExtractResult extracted = dataset::extract(extract, data_path);
  EXPECT_EQ(extracted.report.total_dropped(), 0u) << "synthetic captures parse without drops";
  EXPECT_TRUE(extracted.unlabelled.empty());
  fs::remove_all(corpus_dir);  // the pictures are in the dataset now; free the disk early

  const dataset::Dataset data = dataset::load_dataset(data_path);
  ASSERT_EQ(data.classes.size(), 14u);
  for (size_t k = 0; k < 14; ++k) EXPECT_GT(extracted.windows_per_class[k], 0u) << data.classes[k];

  train::TrainOptions options;  // the paper's recipe; flow-grouped split
  options.epochs = kEpochs;
  options.seed = kSeed;
  options.threads = 2;
  train::Trainer trainer(data, data_path, options);
  EXPECT_TRUE(trainer.warnings().empty());
  while (!trainer.done()) ASSERT_FALSE(trainer.run_epoch().interrupted);
  const model::Model model = trainer.best_model();

  eval::EvaluateOptions eo;
  eo.threads = 2;
  const eval::EvaluationResult result = eval::evaluate_split(model, data, data_path, eval::SplitSelection::test, eo);
  const eval::Metrics& m = result.metrics;
  const double chance = 1.0 / 14;
  std::string recalls;
  for (const eval::OneVsAll& c : m.per_class)
    recalls += fmt::format("\n  {:<20} recall {:.3f} of {} windows", c.name, c.recall.value, c.support);
  const std::string figures = fmt::format("test accuracy {:.3f} on {} windows{}", m.accuracy.value, m.windows, recalls);
  fmt::print("{}\n", figures);  // in the test log, pass or fail
  SCOPED_TRACE(figures);

  ASSERT_TRUE(m.accuracy.has_value());
  EXPECT_GE(m.accuracy.value, 4 * chance);
  ASSERT_EQ(m.per_class.size(), 14u);
  for (const eval::OneVsAll& c : m.per_class) {
    ASSERT_TRUE(c.recall.has_value()) << c.name << " has no test windows";
    EXPECT_GE(c.recall.value, 2 * chance) << c.name;
  }
}

}  // namespace
}  // namespace flowspike
