// `flowspike ablate`: the paper's Section 5 experiments on a model and its
// dataset (time shuffles, learned leaks; with --retrain, beta = 0 and other
// time-bin widths), printed as tables beside the paper's figures. Progress goes
// to stderr: a line as each experiment starts and ends, a bar within it on a
// terminal; the tables go to stdout.
#include <chrono>
#include <cstdio>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "commands.h"
#include "flowspike/ablation/ablation.h"
#include "flowspike/common/atomic_file.h"
#include "flowspike/dataset/dataset.h"
#include "flowspike/eval/evaluator.h"
#include "flowspike/model/model.h"
#include "flowspike/report/table.h"
#include "option_checks.h"
#include "print_summaries.h"
#include "terminal.h"

namespace flowspike::cli {

namespace {

struct AblateArgs {
  std::string model;
  std::string data;
  bool retrain = false;
  std::optional<int32_t> epochs;
  unsigned threads = 0;
  uint64_t seed = 1;
  uint32_t repetitions = 5;
  std::vector<double> widths_ms = ablation::AblationOptions{}.widths_ms;
  std::vector<std::string> captures;
  double idle_timeout_s = flow::FlowTableOptions{}.idle_timeout_s;
  double active_timeout_s = flow::FlowTableOptions{}.active_timeout_s;
  std::string json;
};

std::string duration(double seconds) {
  if (seconds < 60) return fmt::format("{:.1f} s", seconds);
  const auto whole = static_cast<int64_t>(seconds + 0.5);
  if (whole < 3600) return fmt::format("{}m{:02d}s", whole / 60, whole % 60);
  return fmt::format("{}h{:02d}m", whole / 3600, whole / 60 % 60);
}

// One line on stderr as each experiment starts and as it ends, and a progress
// bar within it (on a terminal only).
class ProgressPrinter : public ablation::AblationObserver {
 public:
  void experiment_started(const ablation::ExperimentStart& e) override {
    std::string what;
    if (e.epochs > 0)
      what = fmt::format("training {} epoch{}, then evaluating {} test windows", e.epochs, e.epochs == 1 ? "" : "s",
                         e.windows);
    else if (e.draws > 1)
      what = fmt::format("{} seeded draws over {} test windows", e.draws, e.windows);
    else
      what = fmt::format("evaluating {} test windows", e.windows);
    fmt::print(stderr, "{} {}: {}\n", tag(e), e.setting, what);
    std::fflush(stderr);
    started_ = std::chrono::steady_clock::now();
    bar_.emplace(tag(e));
  }
  void progress(const std::string& step, double fraction) override {
    if (bar_) bar_->update(fraction, step);
  }
  void experiment_finished(const ablation::ExperimentStart& e, const ablation::AblationRow& r) override {
    bar_.reset();  // clears the bar's line
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count();
    std::string result;
    if (!r.accuracy)
      result = r.note;
    else if (r.accuracies.size() > 1)
      result = fmt::format("accuracy {} (sd {:.1f} points over {} draws)", percent(*r.accuracy),
                           100 * r.accuracy_sd, r.accuracies.size());
    else if (r.epochs > 0)
      result = fmt::format("accuracy {} (best epoch {} of {})", percent(*r.accuracy), r.best_epoch, r.epochs);
    else
      result = fmt::format("accuracy {}", percent(*r.accuracy));
    fmt::print(stderr, "{} {}: {}, in {}\n", tag(e), e.setting, result, duration(seconds));
    std::fflush(stderr);
  }

 private:
  static std::string tag(const ablation::ExperimentStart& e) { return fmt::format("ablate [{}/{}]", e.index, e.count); }

  std::optional<ProgressBar> bar_;
  std::chrono::steady_clock::time_point started_;
};

void run_ablate(const AblateArgs& args) {
  const model::Model model = model::load_model(args.model);
  const dataset::Dataset data = dataset::load_dataset(args.data);
  model::check_compatible(model, data, args.data);  // a dataset that does not fit is an error, not a warning
  if (eval::dataset_matches_training(model, data) == false)
    warn(eval::training_dataset_warning(model, args.model, args.data, "test"));
  std::unique_ptr<OutputStream> json;
  if (!args.json.empty()) json = std::make_unique<OutputStream>(args.json);

  ablation::AblationOptions options;
  options.seed = args.seed;
  options.repetitions = args.repetitions;
  options.retrain = args.retrain;
  options.epochs = args.epochs;
  options.widths_ms = args.widths_ms;
  options.capture_roots = args.captures;
  options.flow_table.idle_timeout_s = args.idle_timeout_s;
  options.flow_table.active_timeout_s = args.active_timeout_s;
  options.threads = args.threads;
  ProgressPrinter progress;
  options.observer = &progress;

  const ablation::AblationResult result = ablation::run_ablation(model, args.model, data, args.data, options);

  if (json) {
    nlohmann::json j = ablation::ablation_json(result);
    j["model"] = args.model;
    j["dataset"] = args.data;
    json->stream() << j.dump(2) << '\n';
    json->commit();
  }
  // With the JSON on stdout, the tables go to stderr.
  std::FILE* to = json && json->is_stdout() ? stderr : stdout;
  bool first = true;
  for (const report::Table& t : ablation::ablation_tables(result)) {
    fmt::print(to, "{}{}", first ? "" : "\n", report::render_text(t));
    first = false;
  }
}

}  // namespace

void add_ablate(CLI::App& app) {
  auto args = std::make_shared<AblateArgs>();
  auto* cmd = app.add_subcommand(
      "ablate",
      "The paper's Section 5 experiments on the model's test split: accuracy with time shuffled in\n"
      "each size row and with one permutation for all rows, and the learned leaks (betas). With\n"
      "--retrain also beta fixed at 0 and other time-bin widths, each retrained with the model's settings.");
  cmd->add_option("model", args->model, "model file written by `flowspike train`")->required();
  cmd->add_option("data", args->data, "the dataset it was trained on (its test split is used)")->required();
  cmd->add_flag("--retrain", args->retrain, "also retrain: beta fixed at 0, and each time-bin width of --widths");
  cmd->add_option("--epochs", args->epochs, "epochs of each retraining (default: the model's own)")
      ->check(CLI::PositiveNumber);
  cmd->add_option("--widths", args->widths_ms, "time-bin widths in ms to retrain at (default: 40 100 200 500)")
      ->delimiter(',')
      ->check(CLI::PositiveNumber);
  cmd->add_option("--seed", args->seed, "seed of the shuffles (default 1)")->check(seed_check());
  cmd->add_option("--repetitions", args->repetitions, "shuffles averaged over this many draws (default 5)")
      ->check(CLI::Range(1, 1000));
  cmd->add_option("--captures", args->captures,
                  "directories to look for the dataset's captures in, when a width must be re-extracted");
  cmd->add_option("--idle-timeout", args->idle_timeout_s, "flow idle timeout for re-extraction (120)")
      ->check(seconds_check(false));
  cmd->add_option("--active-timeout", args->active_timeout_s, "flow active timeout for re-extraction (1800)")
      ->check(seconds_check(false));
  cmd->add_option("--threads", args->threads, "worker threads (0 = all cores; results do not depend on it)");
  cmd->add_option("--json", args->json, "also write the results as JSON to this file (- for stdout)");
  cmd->callback([args] { run_ablate(*args); });
}

}  // namespace flowspike::cli
