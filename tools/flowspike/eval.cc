// `flowspike eval model.h5 data.h5 [--split test|val|train|all] [--json OUT]
// [--predictions OUT.csv] [--report DIR] [--threads N]`: the paper's tables for
// a trained model on the part of a dataset it was not trained on, plus
// optional JSON, per-window predictions CSV and HTML report. Outputs are
// opened before any work (a bad path fails at once) and published together
// at the end; on any error none of them is left behind.
#include <string>

#include <fmt/format.h>

#include "commands.h"
#include "flowspike/common/error.h"
#include "flowspike/dataset/dataset.h"
#include "flowspike/eval/evaluator.h"
#include "flowspike/model/model.h"
#include "flowspike/report/evaluation_report.h"
#include "flowspike/report/evaluation_tables.h"
#include "flowspike/report/output_set.h"
#include "flowspike/report/predictions_csv.h"
#include "print_summaries.h"
#include "terminal.h"

namespace flowspike::cli {
namespace {

struct EvalArgs {
  std::string model;
  std::string data;
  std::string split = "test";
  std::string json;
  std::string predictions;
  std::string report;
  unsigned threads = 0;
  size_t examples = 3;
};

void run_eval(const EvalArgs& a) {
  const eval::SplitSelection selection = eval::split_selection_from_string(a.split);
  if (a.json == "-" && a.predictions == "-") throw Error("--json and --predictions cannot both be '-' (stdout)");
  if (a.report == "-") throw Error("--report takes a directory, not '-'");

  report::OutputSet outputs;
  std::ostream* json_out = a.json.empty() ? nullptr : &outputs.open(a.json);
  std::ostream* csv_out = a.predictions.empty() ? nullptr : &outputs.open(a.predictions);
  std::ostream* html_out = a.report.empty() ? nullptr : &outputs.open_in_directory(a.report, "index.html");
  // Tables go to stderr when stdout carries a machine-readable output.
  std::FILE* tables_to = a.json == "-" || a.predictions == "-" ? stderr : stdout;

  const model::Model model = model::load_model(a.model);
  const dataset::Dataset data = dataset::load_dataset(a.data);
  model::check_compatible(model, data, a.data);  // a dataset that does not fit is an error, not a warning
  if (eval::dataset_matches_training(model, data) == false)
    warn(eval::training_dataset_warning(model, a.model, a.data, a.split) +
         (selection == eval::SplitSelection::all ? "" : " (or use --split all on data the model has never seen)"));

  ProgressBar bar("evaluating");
  eval::EvaluateOptions options;
  options.threads = a.threads;
  options.progress = [&](size_t done, size_t total) {
    bar.update(static_cast<double>(done) / static_cast<double>(total), fmt::format("{}/{} windows", done, total));
  };
  const eval::EvaluationResult result = eval::evaluate_split(model, data, a.data, selection, options);
  bar.finish();

  fmt::print(tables_to, "flowspike eval: {} on {}\n\n", a.model, a.data);
  print_evaluation_tables(tables_to, result);

  const report::About about = report::evaluation_about(result, model, a.model, a.data);
  if (json_out) report::write_evaluation_json(*json_out, result, about);
  if (csv_out) report::write_predictions_csv(*csv_out, result);
  if (html_out)
    *html_out << report::render_html_report(
        result, report::make_html_report(result, model, a.model, data, a.data, a.examples));
  outputs.commit();

  if (!a.json.empty() && a.json != "-") fmt::print(stderr, "wrote {}\n", a.json);
  if (!a.predictions.empty() && a.predictions != "-") fmt::print(stderr, "wrote {}\n", a.predictions);
  if (!a.report.empty()) fmt::print(stderr, "wrote {}/index.html\n", a.report);
}

}  // namespace

void add_eval(CLI::App& app) {
  auto args = std::make_shared<EvalArgs>();
  auto* cmd = app.add_subcommand(
      "eval",
      "Evaluate a trained model on a dataset: the paper's tables (accuracy, per class, per category, per\n"
      "encryption, confusion matrix, energy proxy) with the paper's figures beside ours.");
  cmd->add_option("model", args->model, "model file written by `flowspike train`")->required();
  cmd->add_option("data", args->data, "dataset file written by `flowspike extract`")->required();
  cmd->add_option("--split", args->split,
                  "which windows: the test, val or train part of the split the model was trained with, or all")
      ->check(CLI::IsMember({"test", "val", "train", "all"}))
      ->capture_default_str();
  cmd->add_option("--json", args->json, "write every metric and window output as JSON ('-' = stdout)");
  cmd->add_option("--predictions", args->predictions,
                  "write one CSV row per window: labels, logits, probabilities ('-' = stdout)");
  cmd->add_option("--report", args->report, "write a self-contained HTML report as DIR/index.html");
  cmd->add_option("--threads", args->threads, "inference threads (0 = all cores)")->capture_default_str();
  cmd->add_option("--examples", args->examples, "example pictures per class in the report")->capture_default_str();
  cmd->callback([args] { run_eval(*args); });
}

}  // namespace flowspike::cli
