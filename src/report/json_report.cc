#include "flowspike/report/json_report.h"

#include <cstdlib>
#include <ostream>

#include <fmt/format.h>

#include "flowspike/eval/paper_figures.h"
#include "flowspike/eval/taxonomy.h"

namespace flowspike::report {
namespace {

using nlohmann::json;

// A float as the shortest decimal that reads back as the same float, so the
// JSON shows 0.3 rather than 0.30000001192092896.
double shortest(float value) {
  char buffer[32];
  const auto end = fmt::format_to_n(buffer, sizeof(buffer) - 1, "{}", value).out;
  *end = '\0';
  return std::strtod(buffer, nullptr);
}

json matrix_rows(const std::vector<float>& values, size_t rows, size_t columns) {
  json out = json::array();
  for (size_t i = 0; i < rows; ++i) {
    json row = json::array();
    for (size_t k = 0; k < columns; ++k) row.push_back(shortest(values[i * columns + k]));
    out.push_back(std::move(row));
  }
  return out;
}

json one_vs_all_json(const std::vector<eval::OneVsAll>& rows) {
  json out = json::array();
  for (const eval::OneVsAll& o : rows)
    out.push_back({{"name", o.name},
                   {"support", o.support},
                   {"predicted", o.predicted},
                   {"true_positives", o.true_positives},
                   {"windows", o.windows},
                   {"recall", measure_json(o.recall)},
                   {"precision", measure_json(o.precision)},
                   {"accuracy", measure_json(o.accuracy)}});
  return out;
}

json with_paper(const eval::Measure& m, bool paper_column, std::string_view key = {}) {
  json out = measure_json(m);
  std::optional<double> paper;
  if (paper_column && !key.empty()) paper = eval::paper_figure(key);
  out["paper"] = paper ? json(*paper) : json(nullptr);
  return out;
}

json taxonomy_json(const eval::Taxonomy& t) {
  return {{"structured", t.structured},     {"reason", t.reason},
          {"categories", t.categories},     {"encryptions", t.encryptions},
          {"class_category", t.class_category}, {"class_encryption", t.class_encryption}};
}

json per_encryption_json(const eval::Metrics& m) {
  json out = json::array();
  for (const eval::EncryptionBreakdown& e : m.per_encryption) {
    json cells = json::object();
    for (size_t c = 0; c < m.taxonomy.categories.size(); ++c)
      cells[m.taxonomy.categories[c]] = measure_json(e.category_one_vs_all[c]);
    out.push_back({{"encryption", e.encryption},
                   {"windows", e.windows},
                   {"category_one_vs_all_accuracy", std::move(cells)},
                   {"mean_one_vs_all_accuracy", measure_json(e.mean_one_vs_all)},
                   {"category_accuracy", measure_json(e.category_accuracy)}});
  }
  return out;
}

json confusion_json(const eval::ConfusionMatrix& cm) {
  json counts = json::array(), normalised = json::array();
  for (size_t p = 0; p < cm.classes; ++p) {
    json count_row = json::array(), share_row = json::array();
    for (size_t t = 0; t < cm.classes; ++t) {
      count_row.push_back(cm.count(p, t));
      const eval::Measure v = cm.normalised(p, t);
      share_row.push_back(v.has_value() ? json(v.value) : json(nullptr));
    }
    counts.push_back(std::move(count_row));
    normalised.push_back(std::move(share_row));
  }
  return {{"rows", "predicted"}, {"columns", "true"}, {"counts", std::move(counts)},
          {"column_normalised", std::move(normalised)}};
}

json energy_json(const eval::EvaluationResult& r) {
  const eval::EnergySummary& e = r.energy;
  return {{"windows", e.windows},
          {"mean_input_events", e.mean_input_events},
          {"mean_hidden_spikes", e.mean_hidden_spikes},
          {"mean_synaptic_ops", e.mean_synaptic_ops},
          {"max_synaptic_ops", e.max_synaptic_ops},
          {"dense_ann_macs", e.dense_ann_macs},
          {"dense_to_synaptic_ratio", e.dense_to_synaptic_ratio}};
}

json windows_json(const eval::EvaluationResult& r) {
  json events = json::array(), spikes = json::array(), ops = json::array();
  for (const eval::WindowActivity& a : r.activity) {
    events.push_back(a.input_events);
    spikes.push_back(a.hidden_spikes);
    ops.push_back(a.synaptic_ops);
  }
  return {{"index", r.windows},
          {"flow", r.flows},
          {"true_label", r.truth},
          {"predicted_label", r.predicted},
          {"logits", matrix_rows(r.logits, r.size(), r.classes.size())},
          {"probabilities", matrix_rows(r.probabilities, r.size(), r.classes.size())},
          {"input_events", std::move(events)},
          {"hidden_spikes", std::move(spikes)},
          {"synaptic_ops", std::move(ops)}};
}

}  // namespace

json measure_json(const eval::Measure& measure) {
  return {{"value", measure.has_value() ? json(measure.value) : json(nullptr)},
          {"status", eval::availability_name(measure.availability)}};
}

json evaluation_json(const eval::EvaluationResult& r, const About& about) {
  const eval::Metrics& m = r.metrics;
  const bool paper = eval::is_iscx14(r.classes);
  json about_json = json::object();
  for (const auto& [key, value] : about) about_json[key] = value;
  about_json["dataset_matches_training"] =
      r.dataset_matches_training ? json(*r.dataset_matches_training) : json(nullptr);
  json figures = json::array();
  for (const eval::PaperFigure& f : eval::paper_figures())
    figures.push_back({{"key", f.key}, {"value", f.value}, {"approximate", f.approximate}, {"what", f.what},
                       {"source", f.source}});
  return {
      {"format", kEvaluationFormat},
      {"version", kEvaluationVersion},
      {"about", std::move(about_json)},
      {"selection", r.selection},
      {"split", r.split},
      {"classes", r.classes},
      {"shape",
       {{"inputs", r.shape.inputs}, {"hidden", r.shape.hidden}, {"classes", r.shape.classes},
        {"time_bins", r.shape.time_bins}}},
      {"taxonomy", taxonomy_json(m.taxonomy)},
      {"paper_column", paper},
      {"overall",
       {{"windows", m.windows},
        {"accuracy", with_paper(m.accuracy, paper, eval::kPaperAccuracy)},
        {"weighted_precision", with_paper(m.weighted_precision, paper, eval::kPaperWeightedPrecision)},
        {"weighted_average_precision", with_paper(m.weighted_average_precision, paper)},
        {"category_accuracy", with_paper(m.category_accuracy, paper)},
        {"encryption_accuracy", with_paper(m.encryption_accuracy, paper, eval::kPaperEncryptionAccuracy)}}},
      {"per_class", one_vs_all_json(m.per_class)},
      {"per_category", one_vs_all_json(m.per_category)},
      {"per_encryption", per_encryption_json(m)},
      {"confusion_matrix", confusion_json(m.confusion)},
      {"energy", energy_json(r)},
      {"paper_figures", std::move(figures)},
      {"windows", windows_json(r)},
  };
}

void write_evaluation_json(std::ostream& out, const eval::EvaluationResult& result, const About& about) {
  out << evaluation_json(result, about).dump() << '\n';
}

}  // namespace flowspike::report
