#include "flowspike/eval/evaluator.h"

#include <algorithm>
#include <numeric>

#include <fmt/format.h>

#include "flowspike/common/error.h"
#include "flowspike/common/interrupt.h"
#include "flowspike/dataset/split.h"
#include "flowspike/snn/network.h"

namespace flowspike::eval {

SplitSelection split_selection_from_string(const std::string& name) {
  if (name == "test") return SplitSelection::test;
  if (name == "val") return SplitSelection::val;
  if (name == "train") return SplitSelection::train;
  if (name == "all") return SplitSelection::all;
  throw Error(fmt::format("unknown split '{}': use test, val, train or all", name));
}

std::string_view split_selection_name(SplitSelection selection) {
  switch (selection) {
    case SplitSelection::test: return "test";
    case SplitSelection::val: return "val";
    case SplitSelection::train: return "train";
    case SplitSelection::all: return "all";
  }
  return "?";
}

std::optional<bool> dataset_matches_training(const model::Model& model, const dataset::Dataset& data) {
  if (!model.training.dataset_fingerprint) return std::nullopt;
  return *model.training.dataset_fingerprint == dataset::fingerprint(data);
}

std::string training_dataset_warning(const model::Model& model, const std::string& model_name,
                                     const std::string& data_name, std::string_view selection) {
  const std::string& trained_on = model.training.dataset_path;
  const std::string other = trained_on.empty() ? "the dataset it was trained on" : trained_on;
  std::string text =
      trained_on == data_name
          ? fmt::format("{} is not the dataset {} was trained on: the model records that path, but the file has "
                        "changed since (extracted again?) and its fingerprint differs. ",
                        data_name, model_name)
          : fmt::format("{} is not the dataset {} was trained on{}: their fingerprints differ. ", data_name,
                        model_name, trained_on.empty() ? "" : fmt::format(" ({})", trained_on));
  if (selection == split_selection_name(SplitSelection::all))
    return text + fmt::format("All its windows are evaluated; any it shares with {} (the same captures extracted "
                              "again, say) were seen in training, and the figures are then not a held-out estimate",
                              other);
  return text + fmt::format("The model's split is rebuilt from {}, so its {} windows may include windows the model "
                            "was trained on, and the figures are then not a held-out estimate; evaluate on {}",
                            data_name, selection, other);
}

WindowSelection select_windows(const model::Model& model, const dataset::Dataset& data, SplitSelection selection,
                               const std::string& data_name) {
  WindowSelection out;
  out.name = std::string(split_selection_name(selection));
  if (data.size() == 0) throw Error(fmt::format("{}: the dataset has no windows", data_name));
  out.dataset_matches_training = dataset_matches_training(model, data);
  if (selection == SplitSelection::all) {
    out.description = "all windows of the dataset";
    out.windows.resize(data.size());
    std::iota(out.windows.begin(), out.windows.end(), int64_t{0});
    return out;
  }
  const model::TrainingRecord& t = model.training;
  const dataset::SplitKind kind = dataset::split_kind_from_string(t.split);
  const dataset::SplitFractions fractions{t.split_train, t.split_val, t.split_test};
  out.description = fmt::format("{} split, seed {}, {:g}/{:g}/{:g} % train/val/test", t.split, t.seed,
                                100 * t.split_train, 100 * t.split_val, 100 * t.split_test);
  dataset::Split split = dataset::make_split(data, kind, t.seed, fractions);
  out.windows = selection == SplitSelection::test  ? std::move(split.test)
                : selection == SplitSelection::val ? std::move(split.val)
                                                   : std::move(split.train);
  if (out.windows.empty())
    throw Error(fmt::format("{}: the {} part of the model's split ({}) has no windows out of {}; "
                            "evaluate another part with --split, e.g. --split all",
                            data_name, out.name, out.description, data.size()));
  return out;
}

EvaluationResult evaluate(const model::Model& model, const dataset::Dataset& data, const std::string& data_name,
                          const WindowSelection& selection, const EvaluateOptions& options) {
  model::check_compatible(model, data, data_name);
  if (selection.windows.empty()) throw Error(fmt::format("{}: no windows to evaluate ({})", data_name, selection.name));
  for (int64_t w : selection.windows)
    FLOWSPIKE_ASSERT(w >= 0 && static_cast<size_t>(w) < data.size());

  snn::Network network(model.snn, model.params, options.threads);
  const size_t n = selection.windows.size(), classes = model.classes.size();
  const size_t batch = std::max<size_t>(options.batch_windows, 1);
  ScoredWindows s;
  s.windows = selection.windows;
  s.flows.reserve(n);
  s.truth.reserve(n);
  s.logits.reserve(n * classes);
  s.activity.reserve(n);
  for (size_t start = 0; start < n; start += batch) {
    throw_if_interrupted();
    const size_t count = std::min(batch, n - start);
    const snn::InferenceResult r = network.infer(count, [&](size_t j) {
      return data.picture(static_cast<size_t>(selection.windows[start + j]));
    });
    for (size_t j = 0; j < count; ++j) {
      const auto w = static_cast<size_t>(selection.windows[start + j]);
      s.flows.push_back(data.flow[w]);
      s.truth.push_back(data.label[w]);
      for (size_t k = 0; k < classes; ++k) s.logits.push_back(r.logits(static_cast<Eigen::Index>(j), static_cast<Eigen::Index>(k)));
      s.activity.push_back({static_cast<int64_t>(r.input_events[j]), static_cast<int64_t>(r.hidden_spikes[j]),
                            static_cast<int64_t>(r.synaptic_ops[j])});
    }
    if (options.progress) options.progress(start + count, n);
  }
  EvaluationResult result = make_result(model.classes, selection.name, selection.description,
                                        NetworkShape::of(model.snn), std::move(s));
  result.dataset_matches_training = selection.dataset_matches_training;
  return result;
}

EvaluationResult evaluate_split(const model::Model& model, const dataset::Dataset& data, const std::string& data_name,
                                SplitSelection selection, const EvaluateOptions& options) {
  model::check_compatible(model, data, data_name);
  return evaluate(model, data, data_name, select_windows(model, data, selection, data_name), options);
}

}  // namespace flowspike::eval
