#include "flowspike/demo/demo.h"

#include <chrono>
#include <ctime>
#include <utility>

#include <fmt/format.h>

#include "flowspike/capture/packet_source.h"
#include "flowspike/classify/record_writer.h"
#include "flowspike/common/atomic_file.h"
#include "flowspike/common/error.h"
#include "flowspike/common/interrupt.h"
#include "flowspike/eval/evaluator.h"
#include "flowspike/eval/taxonomy.h"
#include "flowspike/model/model.h"
#include "flowspike/report/evaluation_report.h"
#include "flowspike/report/html_report.h"
#include "flowspike/report/json_report.h"
#include "flowspike/report/output_set.h"

namespace flowspike::demo {

namespace {

// Times one step on the wall clock and in process CPU time (all threads).
class StepTimer {
 public:
  StepTimer(DemoStep step, DemoObserver& observer, std::vector<StepTime>& times)
      : step_(step), observer_(observer), times_(times) {
    observer_.step_started(step_);
    wall_ = std::chrono::steady_clock::now();
    cpu_ = std::clock();
  }
  double wall_seconds() const {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_).count();
  }
  void finish() {
    const StepTime t{step_, wall_seconds(), static_cast<double>(std::clock() - cpu_) / CLOCKS_PER_SEC};
    times_.push_back(t);
    observer_.step_finished(t);
  }

 private:
  DemoStep step_;
  DemoObserver& observer_;
  std::vector<StepTime>& times_;
  std::chrono::steady_clock::time_point wall_;
  std::clock_t cpu_;
};

synth::CorpusOptions corpus_options(const DemoOptions& o) {
  synth::CorpusOptions c;  // every class, headers-only pcap
  c.captures_per_class = o.scale.captures_per_class;
  c.capture.duration_s = o.scale.capture_duration_s;
  c.seed = o.seed;
  c.threads = static_cast<int>(o.threads);
  return c;
}

train::TrainOptions train_options(const DemoOptions& o) {
  train::TrainOptions t;  // the paper's recipe
  t.split = dataset::SplitKind::flow;
  t.seed = o.seed;
  t.epochs = o.scale.epochs;
  t.threads = o.threads;
  return t;
}

// Trains, writing the best model so far and the log after every epoch (as
// `flowspike train` does), so an interrupted run keeps what it reached and the
// model file's training record (epochs run) is never stale.
model::Model train_model(const DemoOptions& options, const DemoLayout& layout, const dataset::Dataset& data,
                         DemoObserver& observer, DemoResult& result) {
  train::Trainer trainer(data, layout.dataset.string(), train_options(options));
  for (const std::string& w : trainer.warnings()) observer.warning(w);
  observer.training_started(trainer, data);
  result.train_windows = trainer.split().train.size();
  result.val_windows = trainer.split().val.size();
  result.test_windows = trainer.split().test.size();

  const std::string log_name = layout.log.filename().string();
  while (!trainer.done()) {
    const train::EpochStats e =
        trainer.run_epoch([&](const train::BatchProgress& p) { observer.batch_progress(p); });
    if (e.interrupted) throw Interrupted();
    observer.epoch_finished(e, trainer.options().epochs);
    model::save_model(trainer.best_model(log_name), layout.model.string());
    train::write_log_csv(trainer.history(), layout.log.string());
    throw_if_interrupted();
  }
  result.best_epoch = trainer.best_epoch();
  result.best_val_accuracy = trainer.best_val_accuracy();
  return trainer.best_model(log_name);
}

constexpr const char* kSyntheticCorpus = "synthetic (flowspike synth, docs/synthetic-traffic.md)";
constexpr const char* kSyntheticCorpusWarning =
    "The corpus is synthetic (flowspike synth, docs/synthetic-traffic.md): these figures show that the pipeline "
    "learns, not how flowspike does on real traffic. The paper's figures beside them are on the real ISCX "
    "VPN-nonVPN and Tor-nonTor captures.";

eval::EvaluationResult evaluate_model(const DemoOptions& options, const DemoLayout& layout, const model::Model& model,
                                      const dataset::Dataset& data, DemoObserver& observer) {
  // Both outputs appear together, or neither does.
  report::OutputSet outputs;
  std::ostream& json = outputs.open(layout.evaluation_json.string());
  std::ostream& html = outputs.open_in_directory(layout.report_dir.string(), layout.report_index.filename().string());

  eval::EvaluateOptions eo;
  eo.threads = options.threads;
  eo.progress = [&](size_t done, size_t total) { observer.evaluation_progress(done, total); };
  const std::string model_path = layout.model.string(), data_path = layout.dataset.string();
  eval::EvaluationResult result = eval::evaluate_split(model, data, data_path, eval::SplitSelection::test, eo);

  // The report is what gets opened and passed around: it says, as the
  // terminal does, what the corpus is.
  report::About about = report::evaluation_about(result, model, model_path, data_path);
  about.insert(about.begin(), {"corpus", kSyntheticCorpus});
  report::write_evaluation_json(json, result, about);
  report::HtmlReport page = report::make_html_report(result, model, model_path, data, data_path);
  page.title = "flowspike demo: evaluation on a synthetic corpus";
  page.warnings.insert(page.warnings.begin(), kSyntheticCorpusWarning);
  page.about.insert(page.about.begin(), {"corpus", kSyntheticCorpus});
  html << report::render_html_report(result, page);
  outputs.commit();
  return result;
}

HeldOutVerdict classify_heldout(const DemoOptions& options, const DemoLayout& layout, const model::Model& model,
                                const HeldOutCapture& heldout, DemoObserver& observer) {
  const auto started = std::chrono::steady_clock::now();
  capture::SourceOptions so;
  so.paths = {heldout.path};
  capture::PacketSource source(so);

  OutputStream out(layout.classification.string());
  classify::RecordWriterOptions wo;
  wo.per = classify::RecordUnit::flow;
  classify::RecordWriter writer(out.stream(), wo, model.classes, eval::parse_taxonomy(model.classes), {heldout.path});
  HeldOutTally tally(writer, model.classes.size());

  classify::ClassifierOptions co;
  co.threads = options.threads;
  classify::Classifier classifier(model, layout.model.string(), co, tally);
  classify::classify_source(source, classifier,
                            [&](const classify::RunProgress& p) { observer.classify_progress(p); });
  out.commit();

  capture::ParseReport report = source.report();
  report.merge(classifier.counts().pictures);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  observer.classified(classifier, report, seconds, tally.verdict());
  return tally.verdict();
}

}  // namespace

DemoScale demo_scale(bool quick) {
  if (quick) return DemoScale{8, 120, 10};
  return DemoScale{};
}

const char* demo_step_name(DemoStep step) {
  switch (step) {
    case DemoStep::corpus: return "corpus";
    case DemoStep::dataset: return "dataset";
    case DemoStep::training: return "training";
    case DemoStep::evaluation: return "evaluation";
    case DemoStep::heldout: return "held-out capture";
    case DemoStep::classification: return "classification";
  }
  return "?";
}

DemoResult run_demo(const DemoOptions& options, DemoObserver& observer) {
  if (options.scale.captures_per_class < 1 || options.scale.epochs < 1)
    throw Error("demo: at least one capture per class and one epoch");
  DemoResult result;
  result.scale = options.scale;
  result.seed = options.seed;
  const int heldout_index = options.scale.captures_per_class;
  result.layout = demo_layout(options.out_dir, options.heldout_class, heldout_index);
  const DemoLayout& layout = result.layout;
  prepare_output_dir(layout, options.force);

  const synth::CorpusOptions corpus = corpus_options(options);
  synth::CorpusSummary summary;
  {
    StepTimer timer(DemoStep::corpus, observer, result.times);
    synth::CorpusOptions c = corpus;
    c.progress = [&](size_t done, size_t total) { observer.corpus_progress(done, total); };
    summary = synth::generate_corpus(c, layout.corpus_dir.string());
    result.captures = summary.captures.size();
    observer.corpus_written(summary, timer.wall_seconds());
    timer.finish();
  }

  {
    StepTimer timer(DemoStep::dataset, observer, result.times);
    dataset::ExtractOptions eo;  // paper preset, default flow timeouts
    eo.inputs = {layout.corpus_dir.string()};
    eo.format = dataset::InputFormat::capture;
    eo.labels = "dirs";
    const dataset::ExtractResult extracted = dataset::extract(
        eo, layout.dataset.string(), [&](const dataset::ExtractProgress& p) { observer.extract_progress(p); });
    observer.dataset_written(extracted, eo);
    result.windows = extracted.windows_written;
    timer.finish();
  }

  const dataset::Dataset data = dataset::load_dataset(layout.dataset.string());
  result.classes = data.classes;
  model::Model model;
  {
    StepTimer timer(DemoStep::training, observer, result.times);
    model = train_model(options, layout, data, observer, result);
    timer.finish();
  }

  {
    StepTimer timer(DemoStep::evaluation, observer, result.times);
    const eval::EvaluationResult evaluation = evaluate_model(options, layout, model, data, observer);
    result.test_accuracy = evaluation.metrics.accuracy;
    result.category_accuracy = evaluation.metrics.category_accuracy;
    result.encryption_accuracy = evaluation.metrics.encryption_accuracy;
    observer.evaluated(evaluation);
    timer.finish();
  }

  {
    StepTimer timer(DemoStep::heldout, observer, result.times);
    result.heldout = write_heldout_capture(corpus, summary, options.heldout_class, heldout_index,
                                           layout.heldout_capture.string());
    observer.heldout_written(result.heldout);
    timer.finish();
  }

  {
    StepTimer timer(DemoStep::classification, observer, result.times);
    result.verdict = classify_heldout(options, layout, model, result.heldout, observer);
    timer.finish();
  }
  return result;
}

}  // namespace flowspike::demo
