#include "flowspike/ablation/ablation.h"

#include <algorithm>
#include <cmath>
#include <numeric>

#include <fmt/format.h>

#include "flowspike/ablation/reextract.h"
#include "flowspike/ablation/time_rebin.h"
#include "flowspike/ablation/time_shuffle.h"
#include "flowspike/common/error.h"
#include "flowspike/common/interrupt.h"
#include "flowspike/dataset/split.h"
#include "flowspike/eval/evaluator.h"
#include "flowspike/eval/paper_figures.h"
#include "flowspike/eval/taxonomy.h"
#include "flowspike/report/evaluation_tables.h"
#include "flowspike/train/trainer.h"

namespace flowspike::ablation {

namespace {

constexpr const char* kAblationFormat = "flowspike-ablation";
constexpr int kAblationVersion = 1;

class Runner {
 public:
  Runner(const model::Model& model, const std::string& model_name, const dataset::Dataset& data,
         const std::string& data_name, const AblationOptions& options)
      : model_(model), model_name_(model_name), data_(data), data_name_(data_name), options_(options) {}

  AblationResult run() {
    model::check_compatible(model_, data_, data_name_);
    result_.classes = model_.classes;
    result_.paper_classes = eval::is_iscx14(model_.classes);
    result_.time_bin_ms = 1000 * model_.preset.time_bin_s();
    result_.repetitions = std::max<uint32_t>(options_.repetitions, 1);
    result_.seed = options_.seed;
    const eval::WindowSelection test = eval::select_windows(model_, data_, eval::SplitSelection::test, data_name_);
    result_.split = test.description;
    result_.test_windows = test.windows.size();
    result_.dataset_matches_training = test.dataset_matches_training;
    if (test.dataset_matches_training == false)
      result_.notes.push_back(eval::training_dataset_warning(model_, model_name_, data_name_, "test"));
    experiments_ = 3 + (options_.retrain ? 1 + options_.widths_ms.size() : 0);

    AblationRow base = row("unmodified", "unmodified model", eval::kPaperAccuracy);
    start(base);
    record(base, evaluate(model_, data_, test, "evaluating"));
    base.note = fmt::format("the model as trained, {:g} ms time bins", result_.time_bin_ms);
    finish(std::move(base));

    // The shuffles copy only the test windows: all of them, in a dataset of their own.
    std::vector<uint8_t> in_test(data_.size(), 0);
    for (int64_t w : test.windows) in_test[static_cast<size_t>(w)] = 1;
    const dataset::Dataset test_data = keep_windows(data_, in_test);
    eval::WindowSelection all_of_it = test;
    std::iota(all_of_it.windows.begin(), all_of_it.windows.end(), int64_t{0});
    shuffle_row(TimeShuffle::per_row, test_data, all_of_it);
    shuffle_row(TimeShuffle::all_rows, test_data, all_of_it);
    result_.notes.push_back(fmt::format(
        "shuffles: mean of {} seeded draws (seed {}); each test window gets its own permutations: one per size row "
        "(per row), or one for all rows (one permutation)",
        result_.repetitions, result_.seed));

    result_.betas.push_back(summarise_betas("hidden (beta1)", model_.params.beta1, model_.snn.beta_fixed_zero));
    result_.betas.push_back(summarise_betas("readout (beta2)", model_.params.beta2, model_.snn.beta_fixed_zero));
    result_.paper_beta = eval::paper_figure(eval::kPaperLearnedBeta);

    if (options_.retrain) retrain_rows();
    if (!result_.paper_classes)
      result_.notes.push_back("the paper's figures are for its 14 ISCX classes; this model has other classes, so "
                              "they are not shown");
    return std::move(result_);
  }

 private:
  AblationRow row(std::string key, std::string setting, std::string_view paper_key) const {
    AblationRow r;
    r.key = std::move(key);
    r.setting = std::move(setting);
    if (result_.paper_classes && !paper_key.empty()) {
      r.paper = eval::paper_figure(paper_key);
      for (const eval::PaperFigure& f : eval::paper_figures())
        if (f.key == paper_key) r.paper_approximate = f.approximate;
    }
    return r;
  }

  // Tells the observer that the experiment of `r` starts.
  void start(const AblationRow& r, uint32_t draws = 1, int32_t epochs = 0) {
    current_ = ExperimentStart{r.key, r.setting, result_.rows.size() + 1, experiments_, draws, epochs,
                               result_.test_windows};
    if (options_.observer) options_.observer->experiment_started(current_);
  }

  // Adds the row of the current experiment and tells the observer.
  void finish(AblationRow r) {
    result_.rows.push_back(std::move(r));
    if (options_.observer) options_.observer->experiment_finished(current_, result_.rows.back());
  }

  void progress(const std::string& step, double fraction) {
    if (options_.observer) options_.observer->progress(step, fraction);
  }

  static void record(AblationRow& r, const eval::EvaluationResult& e) {
    const double a = e.metrics.accuracy.has_value() ? e.metrics.accuracy.value : 0.0;
    r.accuracies.push_back(a);
    r.windows = e.size();
    double sum = 0;
    for (double x : r.accuracies) sum += x;
    const double mean = sum / static_cast<double>(r.accuracies.size());
    double squares = 0;
    for (double x : r.accuracies) squares += (x - mean) * (x - mean);
    r.accuracy = mean;
    r.accuracy_sd = r.accuracies.size() > 1 ? std::sqrt(squares / static_cast<double>(r.accuracies.size() - 1)) : 0;
  }

  eval::EvaluationResult evaluate(const model::Model& m, const dataset::Dataset& d, const eval::WindowSelection& sel,
                                  const std::string& step) {
    eval::EvaluateOptions eo;
    eo.threads = options_.threads;
    eo.progress = [&](size_t done, size_t total) {
      progress(step, static_cast<double>(done) / static_cast<double>(std::max<size_t>(total, 1)));
    };
    return eval::evaluate(m, d, data_name_, sel, eo);
  }

  void shuffle_row(TimeShuffle shuffle, const dataset::Dataset& test_data, const eval::WindowSelection& test) {
    const bool per_row = shuffle == TimeShuffle::per_row;
    AblationRow r = row(per_row ? "shuffle_per_row" : "shuffle_all_rows",
                        per_row ? "time shuffled in each size row" : "time shuffled, one permutation for all rows",
                        per_row ? eval::kPaperShufflePerRow : eval::kPaperShuffleAllRows);
    start(r, result_.repetitions);
    for (uint32_t rep = 0; rep < result_.repetitions; ++rep) {
      const std::string step = fmt::format("draw {}/{}", rep + 1, result_.repetitions);
      progress(step, 0);
      const dataset::Dataset shuffled = shuffled_copy(test_data, test.windows, shuffle, options_.seed, rep);
      record(r, evaluate(model_, shuffled, test, step));
    }
    r.note = per_row ? "kills temporal features; each row keeps its counts"
                     : "keeps which sizes occur together (synchrony), loses their order";
    finish(std::move(r));
  }

  // The model's own training settings, for retraining on the same split.
  train::TrainOptions training_options() {
    train::TrainOptions o;
    if (!model_.training.hyperparameters_json.empty()) {
      o = train::from_json(model_.training.hyperparameters_json, model_name_);
    } else {
      result_.notes.push_back(fmt::format(
          "{} does not record its training settings; retraining used flowspike's defaults", model_name_));
    }
    o.split = dataset::split_kind_from_string(model_.training.split);
    o.seed = model_.training.seed;
    o.fractions = {model_.training.split_train, model_.training.split_val, model_.training.split_test};
    o.network = model_.snn;
    if (options_.epochs) o.epochs = *options_.epochs;
    o.threads = options_.threads;
    return o;
  }

  model::Model train_model(const dataset::Dataset& d, const train::TrainOptions& o) {
    train::Trainer trainer(d, data_name_, o);
    while (!trainer.done()) {
      const int32_t epoch = trainer.epochs_done() + 1;
      const std::string step = fmt::format("epoch {}/{}", epoch, o.epochs);
      progress(step, 0);
      const train::EpochStats s = trainer.run_epoch([&](const train::BatchProgress& p) {
        progress(fmt::format("{}, loss {:.4f}, accuracy {:.1f} %", step, p.loss, 100 * p.accuracy),
                 static_cast<double>(p.batch) / static_cast<double>(std::max<size_t>(p.batches, 1)));
      });
      if (s.interrupted) throw Interrupted();
    }
    return trainer.best_model();
  }

  void retrained(AblationRow& r, const dataset::Dataset& d, const train::TrainOptions& o) {
    const model::Model m = train_model(d, o);
    const eval::WindowSelection test = eval::select_windows(m, d, eval::SplitSelection::test, data_name_);
    record(r, evaluate(m, d, test, "evaluating"));
    r.epochs = m.training.epochs_run;
    r.best_epoch = m.training.best_epoch;
  }

  void retrain_rows() {
    const train::TrainOptions base = training_options();
    {
      AblationRow r = row("beta_zero", "retrained with beta = 0", eval::kPaperBetaZero);
      train::TrainOptions o = base;
      o.network.beta_fixed_zero = true;
      start(r, 1, o.epochs);
      retrained(r, data_, o);
      r.note = model_.snn.beta_fixed_zero ? "the model itself was trained with beta = 0" : "stateless neurons";
      finish(std::move(r));
    }
    for (double width_ms : options_.widths_ms) width_row(base, width_ms);
    result_.notes.push_back(fmt::format("retrained rows: {} epochs each, the model's other settings and split; "
                                        "the weights of the best validation epoch are evaluated",
                                        base.epochs));
  }

  void width_row(const train::TrainOptions& base, double width_ms) {
    const bool paper_width = std::abs(width_ms - 200.0) < 1e-9 && model_.preset.window.length_s == 60.0;
    AblationRow r = row(fmt::format("width_{:g}ms", width_ms), fmt::format("retrained with {:g} ms time bins", width_ms),
                        paper_width ? eval::kPaperAccuracy : std::string_view());
    start(r, 1, base.epochs);
    const double length_ms = 1000 * data_.preset.window.length_s;
    const double exact_bins = length_ms / width_ms;
    const auto bins = static_cast<uint32_t>(std::llround(exact_bins));
    if (!(width_ms > 0) || std::abs(exact_bins - bins) > 1e-6 || bins == 0 || bins > 65536) {
      r.note = fmt::format("skipped: a {:g} s window is not a whole number of {:g} ms bins", length_ms / 1000, width_ms);
      finish(std::move(r));
      return;
    }
    const uint32_t stored = data_.preset.picture.time_bins;
    const double stored_ms = length_ms / stored;
    dataset::Dataset made;
    if (const auto factor = rebin_factor(stored, bins)) {
      made = rebin_dataset(data_, bins);
      r.note = *factor == 1 ? fmt::format("{} bins, the stored cells", bins)
                            : fmt::format("{} bins, merged from {} stored {:g} ms bins each", bins, *factor, stored_ms);
    } else {
      std::string problem;
      const auto paths = locate_captures(data_, options_.capture_roots, problem);
      const std::string why = fmt::format("{:g} ms bins cannot be made from the stored {:g} ms cells ({})", width_ms,
                                          stored_ms, bins > stored ? "finer" : "not a whole number of them");
      if (!paths) {
        r.note = fmt::format("skipped: {}, and the captures are not available: {}", why, problem);
        finish(std::move(r));
        return;
      }
      progress(fmt::format("re-extracting {:g} ms pictures from {} captures", width_ms, paths->size()), -1);
      ReextractResult re;
      try {
        ReextractOptions ro;
        ro.capture_roots = options_.capture_roots;
        ro.flow_table = options_.flow_table;
        re = reextract(data_, *paths, bins, ro);
      } catch (const Interrupted&) {
        throw;
      } catch (const Error& e) {
        r.note = fmt::format("skipped: {}, and re-extraction failed: {}", why, e.what());
        finish(std::move(r));
        return;
      }
      if (re.windows_found == 0) {
        r.note = fmt::format("skipped: {}; re-extraction from {} captures found none of the stored windows", why,
                             paths->size());
        finish(std::move(r));
        return;
      }
      r.note = fmt::format("{} bins, re-extracted from {} captures", bins, paths->size());
      if (re.windows_missing > 0) {
        made = keep_windows(re.data, re.found);
        r.note += fmt::format(
            "; {} of {} stored windows did not come out again (other timeouts or filter at extraction?) and are "
            "left out, so the split is recomputed on the rest",
            re.windows_missing, data_.size());
      } else {
        made = std::move(re.data);
      }
    }
    retrained(r, made, base);
    finish(std::move(r));
  }

  const model::Model& model_;
  const std::string& model_name_;
  const dataset::Dataset& data_;
  const std::string& data_name_;
  const AblationOptions& options_;
  AblationResult result_;
  size_t experiments_ = 0;
  ExperimentStart current_;
};

std::string percent_points(double sd) { return fmt::format("{:.1f}", 100 * sd); }

}  // namespace

LayerBetas summarise_betas(std::string layer, const snn::Vector<float>& betas, bool fixed_zero) {
  LayerBetas b;
  b.layer = std::move(layer);
  b.fixed_zero = fixed_zero;
  b.values.assign(betas.data(), betas.data() + betas.size());
  if (!b.values.empty()) {
    double sum = 0;
    b.min = b.max = b.values.front();
    for (float v : b.values) {
      sum += v;
      b.min = std::min<double>(b.min, v);
      b.max = std::max<double>(b.max, v);
    }
    b.mean = sum / static_cast<double>(b.values.size());
  }
  return b;
}

AblationResult run_ablation(const model::Model& model, const std::string& model_name, const dataset::Dataset& data,
                            const std::string& data_name, const AblationOptions& options) {
  return Runner(model, model_name, data, data_name, options).run();
}

std::vector<report::Table> ablation_tables(const AblationResult& result) {
  report::Table t;
  t.id = "ablation";
  t.title = fmt::format("Section 5 ablations: accuracy on the test split ({}, {} windows)", result.split,
                        result.test_windows);
  t.header = {"setting", "accuracy %", "sd", "windows", "paper %"};
  for (const AblationRow& r : result.rows) {
    std::vector<report::Cell> cells;
    cells.push_back(report::Cell::label(r.setting));
    if (r.accuracy) {
      cells.push_back(report::Cell::number(report::format_percent(*r.accuracy)));
      cells.push_back(r.accuracies.size() > 1 ? report::Cell::number(percent_points(r.accuracy_sd))
                                              : report::Cell::missing(""));
      cells.push_back(report::Cell::number(std::to_string(r.windows)));
    } else {
      cells.push_back(report::Cell::missing("skipped"));
      cells.push_back(report::Cell::missing(""));
      cells.push_back(report::Cell::missing(""));
    }
    report::Cell paper = report::paper_cell(r.paper);
    if (r.paper && r.paper_approximate) paper.text = "~" + paper.text;
    cells.push_back(paper);
    t.rows.push_back(std::move(cells));
    if (!r.note.empty()) t.notes.push_back(fmt::format("{}: {}.", r.setting, r.note));
  }
  for (const std::string& n : result.notes) t.notes.push_back(n + ".");

  report::Table b;
  b.id = "betas";
  b.title = "Learned leaks (beta) of the model";
  b.header = {"layer", "values", "mean", "min", "max", "paper"};
  for (const LayerBetas& l : result.betas) {
    const std::string values = l.values.size() == 1 ? "one per layer" : fmt::format("{} per neuron", l.values.size());
    b.rows.push_back({report::Cell::label(l.layer), report::Cell::label(l.fixed_zero ? "fixed at 0" : values),
                      report::Cell::number(fmt::format("{:.4f}", l.mean)),
                      report::Cell::number(fmt::format("{:.4f}", l.min)),
                      report::Cell::number(fmt::format("{:.4f}", l.max)),
                      result.paper_beta && result.paper_classes
                          ? report::Cell::number(fmt::format("~{:.2f}", *result.paper_beta))
                          : report::Cell::missing("n/a")});
  }
  b.notes.push_back("The paper reports learned leaks of about 0.42; a leak of 0 keeps no state between time bins.");
  return {t, b};
}

nlohmann::json ablation_json(const AblationResult& result) {
  nlohmann::json j;
  j["format"] = kAblationFormat;
  j["version"] = kAblationVersion;
  j["classes"] = result.classes;
  j["paper_classes"] = result.paper_classes;
  j["split"] = result.split;
  j["test_windows"] = result.test_windows;
  j["time_bin_ms"] = result.time_bin_ms;
  j["repetitions"] = result.repetitions;
  j["seed"] = result.seed;
  j["dataset_matches_training"] =
      result.dataset_matches_training ? nlohmann::json(*result.dataset_matches_training) : nlohmann::json(nullptr);
  j["rows"] = nlohmann::json::array();
  for (const AblationRow& r : result.rows) {
    nlohmann::json x;
    x["key"] = r.key;
    x["setting"] = r.setting;
    x["accuracy"] = r.accuracy ? nlohmann::json(*r.accuracy) : nlohmann::json(nullptr);
    x["accuracies"] = r.accuracies;
    x["accuracy_sd"] = r.accuracy_sd;
    x["windows"] = r.windows;
    if (r.epochs > 0) {
      x["epochs"] = r.epochs;
      x["best_epoch"] = r.best_epoch;
    }
    x["paper"] = r.paper ? nlohmann::json(*r.paper) : nlohmann::json(nullptr);
    x["paper_approximate"] = r.paper_approximate;
    x["note"] = r.note;
    j["rows"].push_back(std::move(x));
  }
  j["betas"] = nlohmann::json::array();
  for (const LayerBetas& l : result.betas)
    j["betas"].push_back({{"layer", l.layer}, {"values", l.values}, {"mean", l.mean}, {"min", l.min}, {"max", l.max},
                          {"fixed_zero", l.fixed_zero}});
  j["paper_beta"] = result.paper_beta && result.paper_classes ? nlohmann::json(*result.paper_beta) : nlohmann::json(nullptr);
  j["notes"] = result.notes;
  return j;
}

}  // namespace flowspike::ablation
