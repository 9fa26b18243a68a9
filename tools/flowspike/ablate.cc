// `flowspike ablate`: the paper's Section 5 experiments on a model and its
// dataset (time shuffles, learned leaks; with --retrain, beta = 0 and other
// time-bin widths), printed as tables beside the paper's figures.
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
#include "flowspike/model/model.h"
#include "flowspike/report/table.h"
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

void run_ablate(const AblateArgs& args) {
  const model::Model model = model::load_model(args.model);
  const dataset::Dataset data = dataset::load_dataset(args.data);
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
  ProgressBar progress("ablate");
  options.progress = [&](const std::string& step, double fraction) { progress.update(fraction, step); };

  const ablation::AblationResult result = ablation::run_ablation(model, args.model, data, args.data, options);
  progress.finish();

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
  cmd->add_option("--seed", args->seed, "seed of the shuffles (default 1)");
  cmd->add_option("--repetitions", args->repetitions, "shuffles averaged over this many draws (default 5)")
      ->check(CLI::Range(1, 1000));
  cmd->add_option("--captures", args->captures,
                  "directories to look for the dataset's captures in, when a width must be re-extracted");
  cmd->add_option("--idle-timeout", args->idle_timeout_s, "flow idle timeout for re-extraction (120)")
      ->check(CLI::PositiveNumber);
  cmd->add_option("--active-timeout", args->active_timeout_s, "flow active timeout for re-extraction (1800)")
      ->check(CLI::PositiveNumber);
  cmd->add_option("--threads", args->threads, "worker threads (0 = all cores; results do not depend on it)");
  cmd->add_option("--json", args->json, "also write the results as JSON to this file (- for stdout)");
  cmd->callback([args] { run_ablate(*args); });
}

}  // namespace flowspike::cli
