#include "flowspike/report/evaluation_report.h"

#include <filesystem>

#include <fmt/format.h>

#include "flowspike/common/error.h"
#include "flowspike/eval/evaluator.h"

namespace flowspike::report {

namespace fs = std::filesystem;

About evaluation_about(const eval::EvaluationResult& r, const model::Model& m, const std::string& model_path,
                       const std::string& data_path) {
  const model::TrainingRecord& t = m.training;
  About about = {
      {"model", model_path},
      {"dataset", data_path},
      {"evaluated", fmt::format("{} windows: {} ({})", r.size(), r.selection, r.split)},
      {"preset", fmt::format("{}: {} time bins over {:g} s, {} size bins", m.preset.name, m.preset.picture.time_bins,
                             m.preset.window.length_s, m.preset.picture.size_edges.size_bins())},
      {"network", fmt::format("{} inputs, {} hidden LIF neurons, {} classes, {} time steps; {} parameters",
                              m.snn.inputs, m.snn.hidden, m.snn.classes, m.snn.time_bins,
                              m.params.parameter_count())},
      {"trained on", t.dataset_path.empty() ? std::string("(not recorded)") : t.dataset_path},
      {"same dataset as in training",
       !r.dataset_matches_training ? "unknown: the model file records no dataset fingerprint"
       : *r.dataset_matches_training
           ? "yes (same fingerprint)"
           : "no: the fingerprints differ, so the figures may not be a held-out estimate (see the warning)"},
      {"training", fmt::format("{} split, seed {}; best epoch {} of {} (validation accuracy {:.1f} %)", t.split, t.seed,
                               t.best_epoch, t.epochs_run, 100.0 * t.best_val_accuracy)},
  };
  return about;
}

std::string training_log_path(const model::Model& model, const std::string& model_path) {
  if (model.training.log_csv.empty()) return "";
  const fs::path log(model.training.log_csv);
  if (log.is_absolute()) return log.string();
  return (fs::path(model_path).parent_path() / log).string();
}

HtmlReport make_html_report(const eval::EvaluationResult& r, const model::Model& m, const std::string& model_path,
                            const dataset::Dataset& data, const std::string& data_path, size_t examples_per_class) {
  HtmlReport report;
  report.title = fmt::format("flowspike evaluation: {}", fs::path(model_path).filename().string());
  report.about = evaluation_about(r, m, model_path, data_path);
  report.best_epoch = m.training.best_epoch;
  if (r.dataset_matches_training == false)
    report.warnings.push_back(eval::training_dataset_warning(m, model_path, data_path, r.selection) + ".");

  const std::string log = training_log_path(m, model_path);
  if (log.empty()) {
    report.training_note = "The model records no training log, so there are no training curves.";
  } else if (!fs::exists(log)) {
    report.training_note = fmt::format("Training log not found: {} (it is written beside the model by "
                                       "flowspike train).", log);
  } else {
    try {
      report.training_log = read_training_log(log);
      report.training_note = fmt::format("From {}; the dashed line marks the best epoch ({}), whose weights the "
                                         "model holds.", log, m.training.best_epoch);
    } catch (const Error& e) {
      report.training_note = fmt::format("The training log could not be read: {}", e.what());
    }
  }

  report.axes.time_bins = data.preset.picture.time_bins;
  report.axes.window_s = data.preset.window.length_s;
  report.axes.size_edges = data.preset.picture.size_edges.edges();
  report.axes.forward_bins = data.preset.picture.size_edges.forward_bins();
  for (size_t i : pick_example_windows(r, examples_per_class)) {
    ExamplePicture e;
    e.window = r.windows[i];
    e.true_label = r.truth[i];
    e.predicted_label = r.predicted[i];
    const features::PictureView v = data.picture(static_cast<size_t>(e.window));
    e.picture.time_bin.assign(v.time_bin.begin(), v.time_bin.end());
    e.picture.size_bin.assign(v.size_bin.begin(), v.size_bin.end());
    e.picture.count.assign(v.count.begin(), v.count.end());
    report.examples.push_back(std::move(e));
  }
  return report;
}

}  // namespace flowspike::report
