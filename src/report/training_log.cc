#include "flowspike/report/training_log.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <istream>
#include <limits>

#include <fmt/format.h>

#include "flowspike/common/error.h"

namespace flowspike::report {
namespace {

// Splits one CSV line (RFC 4180 quotes; no newlines inside fields).
std::vector<std::string> split_csv(const std::string& line) {
  std::vector<std::string> cells(1);
  bool quoted = false;
  for (size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (quoted) {
      if (c == '"' && i + 1 < line.size() && line[i + 1] == '"') {
        cells.back() += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        cells.back() += c;
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      cells.emplace_back();
    } else {
      cells.back() += c;
    }
  }
  return cells;
}

std::string trim(std::string s) {
  const auto not_space = [](unsigned char c) { return !std::isspace(c); };
  s.erase(s.begin(), std::find_if(s.begin(), s.end(), not_space));
  s.erase(std::find_if(s.rbegin(), s.rend(), not_space).base(), s.end());
  return s;
}

double number(const std::string& cell) {
  const std::string t = trim(cell);
  if (t.empty()) return std::numeric_limits<double>::quiet_NaN();
  char* end = nullptr;
  const double v = std::strtod(t.c_str(), &end);
  return end == t.c_str() + t.size() ? v : std::numeric_limits<double>::quiet_NaN();
}

std::vector<double> percent(const std::vector<double>* column) {
  if (column == nullptr) return {};
  std::vector<double> out = *column;
  const bool fractions = std::all_of(out.begin(), out.end(), [](double v) { return std::isnan(v) || v <= 1.0; });
  if (fractions)
    for (double& v : out) v *= 100.0;
  return out;
}

}  // namespace

const std::vector<double>* TrainingLog::find(std::initializer_list<std::string_view> names) const {
  for (std::string_view name : names)
    for (size_t c = 0; c < columns.size(); ++c)
      if (columns[c] == name) return &values[c];
  return nullptr;
}

TrainingLog parse_training_log(std::istream& in, const std::string& source) {
  TrainingLog log;
  log.source = source;
  std::string line;
  size_t line_number = 0;
  while (std::getline(in, line)) {
    ++line_number;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (trim(line).empty()) continue;
    std::vector<std::string> cells = split_csv(line);
    if (log.columns.empty()) {
      for (std::string& c : cells) log.columns.push_back(trim(c));
      log.values.resize(log.columns.size());
      continue;
    }
    if (cells.size() > log.columns.size())
      throw Error(fmt::format("{}: line {} has {} cells but the header has {} columns", source, line_number,
                              cells.size(), log.columns.size()));
    for (size_t c = 0; c < log.columns.size(); ++c)
      log.values[c].push_back(c < cells.size() ? number(cells[c]) : std::numeric_limits<double>::quiet_NaN());
  }
  if (log.columns.empty()) throw Error(fmt::format("{}: the training log is empty (no header line)", source));
  return log;
}

TrainingLog read_training_log(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw Error(fmt::format("cannot read the training log '{}'", path));
  return parse_training_log(in, path);
}

TrainingCurves training_curves(const TrainingLog& log) {
  TrainingCurves c;
  if (const auto* epoch = log.find({"epoch"})) {
    c.epoch = *epoch;
  } else {
    for (size_t i = 0; i < log.rows(); ++i) c.epoch.push_back(static_cast<double>(i + 1));
  }
  auto copy = [](const std::vector<double>* column) { return column ? *column : std::vector<double>{}; };
  c.loss = copy(log.find({"loss", "train_loss"}));
  c.val_loss = copy(log.find({"val_loss"}));
  c.train_accuracy = percent(log.find({"train_accuracy", "train_acc"}));
  c.val_accuracy = percent(log.find({"val_accuracy", "val_acc", "validation_accuracy"}));
  c.lr = copy(log.find({"lr", "learning_rate"}));
  c.beta1 = copy(log.find({"beta1"}));
  c.beta2 = copy(log.find({"beta2"}));
  return c;
}

}  // namespace flowspike::report
