#include "flowspike/report/evaluation_tables.h"

#include <fmt/format.h>

#include "flowspike/eval/paper_figures.h"
#include "flowspike/eval/taxonomy.h"

namespace flowspike::report {
namespace {

using eval::Availability;
using eval::Measure;

// Adds the paper column (header and one cell per row) when the classes are the paper's.
struct PaperColumn {
  bool on;
  void header(Table& t) const {
    if (on) t.header.push_back("paper");
  }
  void cell(std::vector<Cell>& row, std::optional<double> value = std::nullopt) const {
    if (on) row.push_back(paper_cell(value));
  }
};

Cell count_cell(int64_t n) { return Cell::number(fmt::format("{}", n)); }

std::vector<Cell> summary_row(const std::string& what, const Measure& ours, const PaperColumn& paper,
                              std::string_view paper_key = {}) {
  std::vector<Cell> row = {Cell::label(what), measure_cell(ours)};
  paper.cell(row, paper_key.empty() ? std::nullopt : eval::paper_figure(paper_key));
  return row;
}

Table summary_table(const eval::EvaluationResult& r, const PaperColumn& paper) {
  const eval::Metrics& m = r.metrics;
  Table t;
  t.id = "summary";
  t.title = fmt::format("Overall: {} windows ({}{}{})", m.windows, r.selection, r.split.empty() ? "" : "; ",
                        r.split);
  t.header = {"metric (%)", "flowspike"};
  paper.header(t);
  t.rows.push_back(summary_row(fmt::format("accuracy, {} classes", r.classes.size()), m.accuracy, paper,
                               eval::kPaperAccuracy));
  t.rows.push_back(summary_row("precision, support-weighted mean over classes", m.weighted_precision, paper,
                               eval::kPaperWeightedPrecision));
  t.rows.push_back(summary_row("average precision (area under PR curve), support-weighted",
                               m.weighted_average_precision, paper));
  auto ways = [&](size_t n) { return m.taxonomy.structured ? fmt::format(" ({}-way)", n) : std::string(); };
  t.rows.push_back(summary_row("category accuracy" + ways(m.taxonomy.categories.size()), m.category_accuracy, paper));
  t.rows.push_back(summary_row("encryption accuracy" + ways(m.taxonomy.encryptions.size()), m.encryption_accuracy,
                               paper, eval::kPaperEncryptionAccuracy));
  if (paper.on) {
    t.notes.push_back("paper: Rasteh et al. 2022; n/a = not available to flowspike (docs/evaluation.md).");
    t.notes.push_back("The paper's 96.9 is assumed to be the support-weighted precision.");
  } else {
    t.notes.push_back("No paper column: the classes are not the paper's 14 ISCX classes in its order.");
  }
  if (!m.taxonomy.structured)
    t.notes.push_back(fmt::format("Category and encryption tables omitted: {}.", m.taxonomy.reason));
  return t;
}

Table one_vs_all_table(std::string id, std::string title, std::string first, const std::vector<eval::OneVsAll>& rows,
                       const PaperColumn& paper) {
  Table t;
  t.id = std::move(id);
  t.title = std::move(title);
  t.header = {std::move(first), "windows", "recall %", "precision %", "accuracy %"};
  paper.header(t);
  for (const eval::OneVsAll& o : rows) {
    std::vector<Cell> row = {Cell::label(o.name), count_cell(o.support), measure_cell(o.recall),
                             measure_cell(o.precision), measure_cell(o.accuracy)};
    paper.cell(row);
    t.rows.push_back(std::move(row));
  }
  t.notes.push_back("One-vs-all over all evaluated windows; absent = no windows of it in the data.");
  return t;
}

Table table1(const eval::Metrics& m, const PaperColumn& paper) {
  Table t;
  t.id = "per_encryption_category";
  t.title = "Table 1: one-vs-all category accuracy (%) on the windows of each true encryption";
  t.header = {"category"};
  for (const auto& e : m.per_encryption) t.header.push_back(fmt::format("{} ({})", e.encryption, e.windows));
  paper.header(t);
  for (size_t c = 0; c < m.taxonomy.categories.size(); ++c) {
    std::vector<Cell> row = {Cell::label(m.taxonomy.categories[c])};
    for (const auto& e : m.per_encryption) row.push_back(measure_cell(e.category_one_vs_all[c]));
    paper.cell(row);
    t.rows.push_back(std::move(row));
  }
  t.notes.push_back("Column header: encryption (windows). A category is predicted by the class predicted,");
  t.notes.push_back("whatever its encryption. no class = the class list has no such pair.");
  return t;
}

Table table4(const eval::Metrics& m, const PaperColumn& paper) {
  Table t;
  t.id = "per_encryption";
  t.title = "Table 4 and Fig. 7: per true encryption";
  t.header = {"encryption", "windows", "mean one-vs-all (T4) %", "category accuracy (F7) %"};
  paper.header(t);
  for (const auto& e : m.per_encryption) {
    std::vector<Cell> row = {Cell::label(e.encryption), count_cell(e.windows), measure_cell(e.mean_one_vs_all),
                             measure_cell(e.category_accuracy)};
    paper.cell(row);
    t.rows.push_back(std::move(row));
  }
  t.notes.push_back("T4: mean of the row's Table 1 values; F7: multi-class category accuracy within the encryption.");
  return t;
}

Table confusion_table(const eval::EvaluationResult& r) {
  const eval::ConfusionMatrix& cm = r.metrics.confusion;
  Table t;
  t.id = "confusion";
  t.title = "Confusion matrix: % of each true class (column) predicted as each class (row)";
  t.header = {"predicted \\ true"};
  for (size_t k = 0; k < cm.classes; ++k) t.header.push_back(fmt::format("{}", k));
  for (size_t p = 0; p < cm.classes; ++p) {
    std::vector<Cell> row = {Cell::label(fmt::format("{:>2} {}", p, r.classes[p]))};
    for (size_t k = 0; k < cm.classes; ++k) {
      const Measure v = cm.normalised(p, k);
      if (!v.has_value())
        row.push_back(Cell::missing("-"));
      else if (cm.count(p, k) == 0)
        row.push_back(Cell::number("."));
      else
        row.push_back(Cell::number(format_percent(v.value)));
    }
    t.rows.push_back(std::move(row));
  }
  t.notes.push_back("Columns sum to 100; . = no window; - = no windows of that true class (absent).");
  return t;
}

Table energy_table(const eval::EvaluationResult& r, const PaperColumn& paper) {
  const eval::EnergySummary& e = r.energy;
  Table t;
  t.id = "energy";
  t.title = fmt::format("Energy proxy per window (mean over {} windows)", e.windows);
  t.header = {"quantity", "per window"};
  paper.header(t);
  auto add = [&](std::string what, std::string value) {
    std::vector<Cell> row = {Cell::label(std::move(what)), Cell::number(std::move(value))};
    paper.cell(row);
    t.rows.push_back(std::move(row));
  };
  const eval::NetworkShape& s = r.shape;
  add("input events (non-zero picture cells)", fmt::format("{:.1f}", e.mean_input_events));
  add("hidden spikes", fmt::format("{:.1f}", e.mean_hidden_spikes));
  add(fmt::format("synaptic operations (events x {} + spikes x {})", s.hidden, s.classes),
      fmt::format("{:.0f}", e.mean_synaptic_ops));
  add(fmt::format("dense ANN multiply-accumulates ({} x ({} x {} + {} x {}))", s.time_bins, s.inputs, s.hidden,
                  s.hidden, s.classes),
      fmt::format("{}", e.dense_ann_macs));
  add("dense MACs / synaptic operations", e.mean_synaptic_ops > 0 ? fmt::format("{:.0f}x", e.dense_to_synaptic_ratio)
                                                                   : std::string("-"));
  return t;
}

}  // namespace

std::string format_percent(double fraction) { return fmt::format("{:.1f}", 100.0 * fraction); }

std::string missing_text(Availability availability) {
  switch (availability) {
    case Availability::value: return "";
    case Availability::absent: return "absent";
    case Availability::undefined: return "undefined";
    case Availability::not_a_class: return "no class";
    case Availability::not_applicable: return "-";
  }
  return "?";
}

Cell measure_cell(const Measure& measure) {
  if (measure.has_value()) return Cell::number(format_percent(measure.value));
  return Cell::missing(missing_text(measure.availability));
}

Cell paper_cell(std::optional<double> fraction) {
  return fraction ? Cell::number(format_percent(*fraction)) : Cell::missing("n/a");
}

std::vector<Table> evaluation_tables(const eval::EvaluationResult& r) {
  const PaperColumn paper{eval::is_iscx14(r.classes)};
  const eval::Metrics& m = r.metrics;
  std::vector<Table> tables;
  tables.push_back(summary_table(r, paper));
  tables.push_back(one_vs_all_table("per_class", "Table 3: one-vs-all per class", "class", m.per_class, paper));
  if (m.taxonomy.structured) {
    tables.push_back(
        one_vs_all_table("per_category", "Table 2: one-vs-all per category", "category", m.per_category, paper));
    tables.push_back(table1(m, paper));
    tables.push_back(table4(m, paper));
  }
  tables.push_back(confusion_table(r));
  tables.push_back(energy_table(r, paper));
  return tables;
}

}  // namespace flowspike::report
