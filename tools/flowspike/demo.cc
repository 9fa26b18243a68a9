// `flowspike demo [--out DIR] [--quick] [--force] [--seed N] [--threads N]
// [--heldout-class NAME]`: the whole pipeline on a synthetic corpus in one
// command (demo::run_demo), printed step by step as the step commands print
// it, then where everything is and how to run the same on the real ISCX
// captures. Ctrl-C stops the running step cleanly and says what was kept.
#include <chrono>
#include <ctime>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "commands.h"
#include "flowspike/common/error.h"
#include "flowspike/common/interrupt.h"
#include "flowspike/demo/demo.h"
#include "flowspike/report/evaluation_tables.h"
#include "option_checks.h"
#include "print_summaries.h"
#include "terminal.h"

namespace flowspike::cli {
namespace {

struct DemoArgs {
  std::string out_dir = "demo-out";
  bool quick = false;
  bool force = false;
  uint64_t seed = 1;
  unsigned threads = 0;
  std::string heldout_class = "VoIP-VPN";
};

std::string duration(double seconds) {
  if (seconds < 60) return fmt::format("{:.1f} s", seconds);
  const int whole = static_cast<int>(seconds + 0.5);
  return fmt::format("{}m{:02d}s", whole / 60, whole % 60);
}

std::string measure_percent(const eval::Measure& m) {
  return m.has_value() ? percent(m.value) : report::missing_text(m.availability);
}

std::string endpoints(const flow::FlowRecord& f) {
  const char* proto = f.proto == 6 ? "tcp" : f.proto == 17 ? "udp" : "ip";
  const auto ep = [](const capture::IpAddress& a, uint16_t port) {
    const std::string text = a.to_string();
    return text.find(':') != std::string::npos ? fmt::format("[{}]:{}", text, port) : fmt::format("{}:{}", text, port);
  };
  return fmt::format("{} {} -> {}", proto, ep(f.src, f.sport), ep(f.dst, f.dport));
}

void print_heldout_verdict(const demo::HeldOutCapture& heldout, const demo::HeldOutVerdict& v,
                           const std::vector<std::string>& classes) {
  const std::string truth = heldout.traffic_class.name();
  constexpr size_t kShown = 8;
  for (size_t i = 0; i < v.flows.size() && i < kShown; ++i) {
    const classify::FlowPrediction& f = v.flows[i];
    fmt::print("  flow {}: {} window{}, {} ({}/{})\n", endpoints(f.flow), f.windows, f.windows == 1 ? "" : "s",
               classes[static_cast<size_t>(f.predicted)], f.votes, f.windows);
  }
  if (v.flows.size() > kShown) fmt::print("  ... and {} more flows with windows\n", v.flows.size() - kShown);
  const int32_t majority = v.majority();
  if (majority < 0) {
    fmt::print("the held-out {} capture had no flow long and busy enough for a window: nothing to classify\n", truth);
    return;
  }
  uint64_t right = 0;
  for (size_t k = 0; k < classes.size(); ++k)
    if (classes[k] == truth) right = v.windows_per_class[k];
  const std::string& said = classes[static_cast<size_t>(majority)];
  fmt::print("held-out capture of class {}: {} of {} windows classified {}; most windows say {}: {}\n", truth, right,
             v.windows, truth, said, said == truth ? "right" : "wrong");
}

// Prints each step as the step's own command does; progress bars on a terminal.
class DemoPrinter final : public demo::DemoObserver {
 public:
  void step_started(demo::DemoStep step) override {
    current_ = step;
    const auto n = static_cast<size_t>(step) + 1;
    fmt::print("\n== {}/{} {} ==\n", n, demo::kDemoStepCount, heading(step));
    std::fflush(stdout);
  }
  void step_finished(const demo::StepTime& t) override {
    bar_.reset();
    finished_.push_back(t.step);
    fmt::print("({}: {} wall, {} CPU)\n", demo::demo_step_name(t.step), duration(t.wall_s), duration(t.cpu_s));
    std::fflush(stdout);
  }
  void warning(const std::string& text) override { warn(text); }

  void corpus_progress(size_t done, size_t total) override {
    captures_done_ = done;
    captures_total_ = total;
    progress("synth", static_cast<double>(done) / static_cast<double>(total), fmt::format("{}/{} captures", done, total));
  }
  void corpus_written(const synth::CorpusSummary& summary, double seconds) override {
    end_progress();
    print_corpus_summary(summary, seconds);
  }
  void extract_progress(const dataset::ExtractProgress& p) override {
    progress("extract", p.fraction,
             fmt::format("file {}/{}, {} packets, {} windows", std::min(p.files_done + 1, p.files_total), p.files_total,
                         p.packets, p.windows));
  }
  void dataset_written(const dataset::ExtractResult& result, const dataset::ExtractOptions& options) override {
    end_progress();
    print_extract_summary(result, options, dataset_path_);
    if (result.report.total_dropped() > 0)
      warn(fmt::format("{} of {} packets were not used (flowspike inspect shows why)", result.report.total_dropped(),
                       result.report.packets_read));
  }
  void training_started(const train::Trainer& trainer, const dataset::Dataset& data) override {
    print_training_setup(trainer, data);
    std::fflush(stdout);
  }
  void batch_progress(const train::BatchProgress& b) override {
    progress(fmt::format("epoch {}", b.epoch), static_cast<double>(b.batch) / static_cast<double>(b.batches),
             batch_progress_text(b));
  }
  void epoch_finished(const train::EpochStats& e, int32_t epochs) override {
    end_progress();
    print_epoch(e, epochs);
    if (e.best) best_epoch_ = e.epoch;
  }
  void evaluation_progress(size_t done, size_t total) override {
    progress("evaluating", static_cast<double>(done) / static_cast<double>(total),
             fmt::format("{}/{} windows", done, total));
  }
  void evaluated(const eval::EvaluationResult& result) override {
    end_progress();
    print_evaluation_tables(stdout, result);
  }
  void heldout_written(const demo::HeldOutCapture& h) override {
    heldout_ = h;
    fmt::print("wrote {} (class {}, capture seed {})\n", h.path, h.traffic_class.name(), h.seed);
    fmt::print("  the corpus holds captures 0 to {} of each class: this one was not extracted, trained on or evaluated\n",
               h.index - 1);
  }
  void classify_progress(const classify::RunProgress& p) override {
    progress("classify", p.fraction, fmt::format("{} packets, {} windows", p.packets, p.windows));
  }
  void classified(const classify::Classifier& classifier, const capture::ParseReport& report, double seconds,
                  const demo::HeldOutVerdict& verdict) override {
    end_progress();
    print_classify_summary(stdout, classifier, report, seconds);
    print_heldout_verdict(heldout_, verdict, classifier.classes());
  }

  void set_dataset_path(std::string path) { dataset_path_ = std::move(path); }
  demo::DemoStep current() const { return current_; }
  const std::vector<demo::DemoStep>& finished() const { return finished_; }
  int32_t best_epoch() const { return best_epoch_; }
  size_t captures_done() const { return captures_done_; }
  size_t captures_total() const { return captures_total_; }

 private:
  static const char* heading(demo::DemoStep step) {
    switch (step) {
      case demo::DemoStep::corpus: return "corpus: synthetic captures of the 14 classes (flowspike synth)";
      case demo::DemoStep::dataset: return "dataset: flow pictures, paper preset, labels from directories (flowspike extract)";
      case demo::DemoStep::training: return "training: the paper's SNN and recipe, flow-grouped split (flowspike train)";
      case demo::DemoStep::evaluation: return "evaluation on the test split (flowspike eval)";
      case demo::DemoStep::heldout: return "a held-out capture: one the model has never seen (flowspike synth)";
      case demo::DemoStep::classification: return "classifying the held-out capture (flowspike classify --per flow)";
    }
    return "";
  }
  void progress(const std::string& label, double fraction, const std::string& detail) {
    if (!bar_) bar_ = std::make_unique<ProgressBar>(label);
    bar_->update(fraction, detail);
  }
  void end_progress() { bar_.reset(); }

  std::unique_ptr<ProgressBar> bar_;
  std::string dataset_path_;
  demo::HeldOutCapture heldout_;
  demo::DemoStep current_ = demo::DemoStep::corpus;
  std::vector<demo::DemoStep> finished_;
  int32_t best_epoch_ = 0;
  size_t captures_done_ = 0, captures_total_ = 0;
};

void print_outputs(const demo::DemoResult& r) {
  const demo::DemoLayout& l = r.layout;
  fmt::print("\nWhere everything is:\n");
  const auto row = [](const char* what, const std::string& path, const std::string& note) {
    fmt::print("  {:<15} {}{}\n", what, path, note.empty() ? "" : "  (" + note + ")");
  };
  row("corpus", l.corpus_dir.string() + "/",
      fmt::format("{} pcap files in one directory per class, manifest.json", r.captures));
  row("dataset", l.dataset.string(), fmt::format("{} windows", r.windows));
  row("model", l.model.string(), fmt::format("best of {} epochs: epoch {}", r.scale.epochs, r.best_epoch));
  row("training log", l.log.string(), "one row per epoch");
  row("evaluation", l.evaluation_json.string(), "every metric of the test split");
  row("report", l.report_index.string(), "open in a browser");
  row("held-out", l.heldout_capture.string(), "");
  row("classification", l.classification.string(), "one record per flow");
}

void print_real_data_hint() {
  fmt::print(
      "\nThe corpus is synthetic: the accuracy above shows that the pipeline learns, not how flowspike does on\n"
      "real traffic. The paper's 95.9 % is on the real ISCX VPN-nonVPN and Tor-nonTor captures, which cannot be\n"
      "shipped with flowspike (and with a random window split, --split window; the demo splits by flow). To run\n"
      "the same on them:\n"
      "  flowspike extract -r ISCX_DIR --labels iscx -o iscx.h5\n"
      "  flowspike train iscx.h5 -o iscx-model.h5\n"
      "  flowspike eval iscx-model.h5 iscx.h5 --report iscx-report\n"
      "  flowspike classify iscx-model.h5 -r CAPTURE.pcap --per flow\n");
}

// What an interrupted run leaves, in one sentence.
std::string kept_after_interrupt(const DemoPrinter& printer, const demo::DemoLayout& l) {
  std::vector<std::string> kept;
  for (demo::DemoStep s : printer.finished()) {
    switch (s) {
      case demo::DemoStep::corpus: kept.push_back(l.corpus_dir.string() + "/"); break;
      case demo::DemoStep::dataset: kept.push_back(l.dataset.string()); break;
      case demo::DemoStep::training: kept.push_back(l.model.string()); break;
      case demo::DemoStep::evaluation: kept.push_back(l.report_index.string()); break;
      case demo::DemoStep::heldout: kept.push_back(l.heldout_capture.string()); break;
      case demo::DemoStep::classification: break;
    }
  }
  if (printer.current() == demo::DemoStep::corpus && printer.captures_done() > 0)
    kept.push_back(fmt::format("{} of {} captures in {}/ (whole files, no manifest)", printer.captures_done(),
                               printer.captures_total(), l.corpus_dir.string()));
  if (printer.current() == demo::DemoStep::training && printer.best_epoch() > 0)
    kept.push_back(fmt::format("{} (best model so far, epoch {})", l.model.string(), printer.best_epoch()));
  std::string text;
  for (size_t i = 0; i < kept.size(); ++i) text += (i ? ", " : "") + kept[i];
  return text.empty() ? "nothing" : text;
}

void run(const DemoArgs& a) {
  const auto started = std::chrono::steady_clock::now();
  const std::clock_t cpu_started = std::clock();

  demo::DemoOptions o;
  o.scale = demo::demo_scale(a.quick);
  o.seed = a.seed;
  o.heldout_class = synth::parse_traffic_class(a.heldout_class);
  o.out_dir = a.out_dir;
  o.force = a.force;
  o.threads = a.threads;

  const demo::DemoLayout layout = demo::demo_layout(o.out_dir, o.heldout_class, o.scale.captures_per_class);
  fmt::print("flowspike demo{}: the whole pipeline on a synthetic corpus, into {}\n", a.quick ? " --quick" : "",
             o.out_dir);
  fmt::print("  14 classes x {} captures of about {:.0f} s (seed {}); the paper's network and recipe, {} epochs\n",
             o.scale.captures_per_class, o.scale.capture_duration_s, o.seed, o.scale.epochs);
  fmt::print("  the traffic is synthetic: the accuracy shows that the pipeline learns, not how it does on real traffic\n");
  std::fflush(stdout);

  DemoPrinter printer;
  printer.set_dataset_path(layout.dataset.string());
  demo::DemoResult r;
  try {
    r = demo::run_demo(o, printer);
  } catch (const Interrupted&) {
    fmt::print(stderr, "flowspike: demo interrupted during the {} step; kept: {}. Run again with --force to start over.\n",
               demo::demo_step_name(printer.current()), kept_after_interrupt(printer, layout));
    throw;
  }

  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  const double cpu = static_cast<double>(std::clock() - cpu_started) / CLOCKS_PER_SEC;
  fmt::print("\n== done in {} ({} CPU) ==\n", duration(wall), duration(cpu));
  fmt::print("test accuracy {} on {} classes (chance {}), {} on the 5 categories, {} on the 3 encryptions;\n"
             "{} test windows of flows never used in training\n",
             measure_percent(r.test_accuracy), r.classes.size(), percent(1.0 / static_cast<double>(r.classes.size())),
             measure_percent(r.category_accuracy), measure_percent(r.encryption_accuracy), r.test_windows);
  print_outputs(r);
  print_real_data_hint();
}

}  // namespace

void add_demo(CLI::App& app) {
  auto args = std::make_shared<DemoArgs>();
  auto* cmd = app.add_subcommand(
      "demo",
      "The whole pipeline in one command, on a synthetic corpus: generate labelled captures of the 14\n"
      "classes, extract the dataset, train the SNN with the paper's recipe, evaluate it (tables and HTML\n"
      "report), classify a held-out capture. About a minute on 2 cores and 1.1 GB of disk; --quick takes\n"
      "seconds. See docs/demo.md.");
  cmd->add_option("--out", args->out_dir, "output directory (must be empty, or an earlier demo's with --force)")
      ->capture_default_str();
  cmd->add_flag("--quick", args->quick, "a tiny corpus and a few epochs: a smoke test in seconds, not a result");
  cmd->add_flag("--force", args->force, "replace an earlier demo's outputs in --out (nothing else is deleted)");
  cmd->add_option("--seed", args->seed, "seed of the corpus and of the training run")
      ->check(seed_check())
      ->capture_default_str();
  cmd->add_option("--threads", args->threads, "worker threads (0 = all cores; results do not depend on it)")
      ->capture_default_str();
  cmd->add_option("--heldout-class", args->heldout_class, "class of the held-out capture that is classified")
      ->capture_default_str();
  cmd->callback([args] { run(*args); });
}

}  // namespace flowspike::cli
