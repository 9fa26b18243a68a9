#include "flowspike/report/html_report.h"

#include <algorithm>
#include <set>

#include <fmt/format.h>

#include "flowspike/report/evaluation_tables.h"

namespace flowspike::report {
namespace {

using svg::escape;

constexpr const char* kStyle = R"(
body { font-family: -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; margin: 24px auto; max-width: 1180px;
       padding: 0 16px; color: #1b1f24; background: #fff; line-height: 1.4; }
h1 { font-size: 1.6em; margin-bottom: 0.2em; }
h2 { font-size: 1.25em; margin-top: 1.8em; border-bottom: 1px solid #d0d7de; padding-bottom: 4px; }
h3 { font-size: 1.05em; margin: 1.2em 0 0.4em; }
nav a { margin-right: 12px; }
table { border-collapse: collapse; margin: 8px 0; font-size: 0.9em; }
caption { text-align: left; font-weight: 600; padding: 6px 0; }
th, td { border: 1px solid #d0d7de; padding: 3px 8px; }
th { background: #f3f5f7; font-weight: 600; }
td.number { text-align: right; font-variant-numeric: tabular-nums; }
td.missing { text-align: right; color: #8c959f; font-style: italic; }
table.about td:first-child { font-weight: 600; background: #f8f9fa; }
p.note { color: #57606a; font-size: 0.85em; margin: 2px 0; }
div.warning { border: 2px solid #b42318; background: #fdecea; color: #7a1a12; padding: 6px 12px; margin: 12px 0; }
div.warning p { margin: 4px 0; }
.charts, .pictures { display: flex; flex-wrap: wrap; gap: 12px; }
figure { margin: 0; }
figcaption { font-size: 0.8em; color: #57606a; }
figcaption .wrong { color: #b42318; font-weight: 600; }
svg text { font-family: Helvetica, Arial, sans-serif; }
svg .title { font-size: 12px; font-weight: 600; fill: #1b1f24; }
svg .tick { font-size: 10px; fill: #444; }
svg .axis { font-size: 11px; fill: #1b1f24; }
svg .note { font-size: 12px; fill: #8c959f; }
svg .frame { fill: none; stroke: #8c959f; stroke-width: 1; }
svg .grid { stroke: #e6e9ed; stroke-width: 1; }
svg .marker { stroke: #b42318; stroke-dasharray: 4 3; stroke-width: 1.2; }
svg .axisline { stroke: #57606a; stroke-width: 1; }
svg .cell { stroke: #e3e6ea; stroke-width: 1; }
svg .cell-text { font-size: 9px; fill: #1b1f24; }
svg .cell-text.light { fill: #fff; }
svg .fwd { fill: #c0392b; }
svg .bwd { fill: #1f5fbf; }
svg .dir { font-size: 10px; font-weight: 600; }
svg .fwd-label { fill: #c0392b; }
svg .bwd-label { fill: #1f5fbf; }
)";

std::string html_table(const Table& t) {
  std::string out = fmt::format("<table id=\"table-{}\">\n<caption>{}</caption>\n<thead><tr>", escape(t.id),
                                escape(t.title));
  for (const std::string& h : t.header) out += "<th>" + escape(h) + "</th>";
  out += "</tr></thead>\n<tbody>\n";
  for (const auto& row : t.rows) {
    out += "<tr>";
    for (const Cell& c : row) {
      const char* cls = c.kind == CellKind::number ? " class=\"number\"" : c.kind == CellKind::missing ? " class=\"missing\"" : "";
      out += fmt::format("<td{}>{}</td>", cls, escape(c.text));
    }
    out += "</tr>\n";
  }
  out += "</tbody>\n</table>\n";
  for (const std::string& note : t.notes) out += "<p class=\"note\">" + escape(note) + "</p>\n";
  return out;
}

std::string warnings_section(const HtmlReport& report) {
  if (report.warnings.empty()) return "";
  std::string out = "<div class=\"warning\" id=\"warnings\">\n";
  for (const std::string& w : report.warnings) out += "<p><strong>Warning:</strong> " + escape(w) + "</p>\n";
  return out + "</div>\n";
}

std::string about_section(const HtmlReport& report) {
  if (report.about.empty()) return "";
  std::string out = "<table class=\"about\" id=\"table-about\">\n<tbody>\n";
  for (const auto& [key, value] : report.about)
    out += fmt::format("<tr><td>{}</td><td>{}</td></tr>\n", escape(key), escape(value));
  return out + "</tbody>\n</table>\n";
}

std::string confusion_section(const eval::EvaluationResult& r) {
  const eval::ConfusionMatrix& cm = r.metrics.confusion;
  svg::HeatMap map;
  map.title = "Confusion matrix, columns normalised";
  map.row_axis = "predicted";
  map.column_axis = "true";
  for (size_t k = 0; k < cm.classes; ++k) {
    map.row_labels.push_back(r.classes[k]);
    map.column_labels.push_back(fmt::format("{} ({})", r.classes[k], cm.column_total(k)));
  }
  for (size_t p = 0; p < cm.classes; ++p)
    for (size_t t = 0; t < cm.classes; ++t) {
      const eval::Measure v = cm.normalised(p, t);
      map.values.push_back(v.has_value() ? std::optional<double>(v.value) : std::nullopt);
      map.cell_text.push_back(v.has_value() && cm.count(p, t) > 0 ? fmt::format("{:.0f}", 100.0 * v.value) : "");
    }
  map.cell = cm.classes > 20 ? 20 : 30;
  return "<figure>\n" + svg::heat_map(map) +
         "\n<figcaption>Rows: predicted class; columns: true class (windows). Each column sums to 100 %; "
         "grey columns have no windows (absent).</figcaption>\n</figure>\n";
}

std::string training_section(const HtmlReport& report) {
  std::string out;
  if (report.training_log) {
    const TrainingCurves c = training_curves(*report.training_log);
    std::optional<double> best;
    if (report.best_epoch >= 1) best = report.best_epoch;
    auto chart = [&](std::string title, std::string y_label, std::vector<svg::Series> series, bool log_y) {
      svg::LineChart ch;
      ch.title = std::move(title);
      ch.x_label = "epoch";
      ch.y_label = std::move(y_label);
      ch.log_y = log_y;
      ch.marker_x = best;
      ch.marker_label = "best";
      for (auto& s : series)
        if (!s.y.empty()) ch.series.push_back(std::move(s));
      return "<figure>" + svg::line_chart(ch) + "</figure>\n";
    };
    out += "<div class=\"charts\">\n";
    out += chart("Loss", "mean loss",
                 {{"train", c.epoch, c.loss, "#1f77b4"}, {"validation", c.epoch, c.val_loss, "#ff7f0e"}}, false);
    out += chart("Accuracy", "accuracy (%)",
                 {{"train", c.epoch, c.train_accuracy, "#1f77b4"}, {"validation", c.epoch, c.val_accuracy, "#ff7f0e"}},
                 false);
    out += chart("Learning rate", "learning rate", {{"lr", c.epoch, c.lr, "#2ca02c"}}, true);
    out += chart("Leak beta", "beta",
                 {{"hidden (beta1)", c.epoch, c.beta1, "#9467bd"}, {"readout (beta2)", c.epoch, c.beta2, "#8c564b"}},
                 false);
    out += "</div>\n";
  }
  if (!report.training_note.empty()) out += "<p class=\"note\">" + escape(report.training_note) + "</p>\n";
  return out;
}

std::string examples_section(const eval::EvaluationResult& r, const HtmlReport& report) {
  if (report.examples.empty()) return "<p class=\"note\">No example pictures.</p>\n";
  std::string out;
  for (size_t k = 0; k < r.classes.size(); ++k) {
    std::string figures;
    for (const ExamplePicture& e : report.examples) {
      if (static_cast<size_t>(e.true_label) != k) continue;
      std::string verdict;
      if (e.predicted_label >= 0) {
        const auto p = static_cast<size_t>(e.predicted_label);
        verdict = p == k ? fmt::format("predicted {}", escape(r.classes[p]))
                         : fmt::format("<span class=\"wrong\">predicted {}</span>", escape(r.classes[p]));
      }
      figures += "<figure>" + svg::picture(e.picture.view(), report.axes, fmt::format("window {}", e.window)) +
                 fmt::format("<figcaption>{} cells; {}</figcaption></figure>\n", e.picture.nnz(), verdict);
    }
    if (figures.empty()) continue;
    out += fmt::format("<h3>{}</h3>\n<div class=\"pictures\">\n{}</div>\n", escape(r.classes[k]), figures);
  }
  out += "<p class=\"note\">Time on x (the window), packet size on y: forward direction (client to server) above "
         "the axis, backward below; darker = more packets in the cell.</p>\n";
  return out;
}

}  // namespace

std::vector<size_t> pick_example_windows(const eval::EvaluationResult& r, size_t per_class) {
  std::vector<size_t> picked;
  for (size_t k = 0; k < r.classes.size(); ++k) {
    std::vector<size_t> right, wrong;
    for (size_t i = 0; i < r.size(); ++i) {
      if (static_cast<size_t>(r.truth[i]) != k) continue;
      (r.predicted[i] == r.truth[i] ? right : wrong).push_back(i);
    }
    std::vector<size_t> order;  // right, wrong, right, wrong, ...
    for (size_t j = 0; j < std::max(right.size(), wrong.size()); ++j) {
      if (j < right.size()) order.push_back(right[j]);
      if (j < wrong.size()) order.push_back(wrong[j]);
    }
    std::set<int64_t> flows;
    std::vector<size_t> mine;
    for (size_t i : order) {
      if (mine.size() == per_class) break;
      if (flows.insert(r.flows[i]).second) mine.push_back(i);
    }
    for (size_t i : order) {
      if (mine.size() == per_class) break;
      if (std::find(mine.begin(), mine.end(), i) == mine.end()) mine.push_back(i);
    }
    std::sort(mine.begin(), mine.end());
    picked.insert(picked.end(), mine.begin(), mine.end());
  }
  return picked;
}

std::string render_html_report(const eval::EvaluationResult& r, const HtmlReport& report) {
  const std::vector<Table> tables = evaluation_tables(r);
  std::string out;
  out += "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n";
  out += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n";
  out += "<title>" + escape(report.title) + "</title>\n<style>" + kStyle + "</style>\n</head>\n<body>\n";
  out += "<h1>" + escape(report.title) + "</h1>\n";
  out += "<nav><a href=\"#results\">Results</a><a href=\"#confusion\">Confusion matrix</a>"
         "<a href=\"#training\">Training</a><a href=\"#examples\">Example pictures</a></nav>\n";
  out += warnings_section(report);
  out += about_section(report);
  out += "<section id=\"results\">\n<h2>Results</h2>\n";
  for (const Table& t : tables)
    if (t.id != "confusion") out += html_table(t);
  out += "</section>\n<section id=\"confusion\">\n<h2>Confusion matrix</h2>\n" + confusion_section(r);
  for (const Table& t : tables)
    if (t.id == "confusion") out += "<details><summary>as a table</summary>\n" + html_table(t) + "</details>\n";
  out += "</section>\n<section id=\"training\">\n<h2>Training</h2>\n" + training_section(report);
  out += "</section>\n<section id=\"examples\">\n<h2>Example pictures</h2>\n" + examples_section(r, report);
  out += "</section>\n<footer><p class=\"note\">Written by flowspike. Self-contained: inline CSS and SVG, "
         "no scripts, no network access.</p></footer>\n</body>\n</html>\n";
  return out;
}

}  // namespace flowspike::report
