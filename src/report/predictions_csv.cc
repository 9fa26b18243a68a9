#include "flowspike/report/predictions_csv.h"

#include <iterator>
#include <ostream>

#include <fmt/format.h>

namespace flowspike::report {

std::string csv_field(const std::string& text) {
  if (text.find_first_of(",\"\r\n") == std::string::npos) return text;
  std::string out = "\"";
  for (char c : text) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

std::vector<std::string> predictions_csv_header(const std::vector<std::string>& classes) {
  std::vector<std::string> h = {"window",         "flow",          "true_label",   "true_class",   "predicted_label",
                                "predicted_class", "correct",      "input_events", "hidden_spikes"};
  for (const std::string& c : classes) h.push_back("logit:" + c);
  for (const std::string& c : classes) h.push_back("prob:" + c);
  return h;
}

void write_predictions_csv(std::ostream& out, const eval::EvaluationResult& r) {
  fmt::memory_buffer line;
  auto put = [&](const std::string& field, bool first) {
    if (!first) line.push_back(',');
    const std::string quoted = csv_field(field);
    line.append(quoted.data(), quoted.data() + quoted.size());
  };
  const std::vector<std::string> header = predictions_csv_header(r.classes);
  for (size_t k = 0; k < header.size(); ++k) put(header[k], k == 0);
  line.push_back('\n');
  out.write(line.data(), static_cast<std::streamsize>(line.size()));

  std::vector<std::string> class_field;
  for (const std::string& c : r.classes) class_field.push_back(csv_field(c));
  for (size_t i = 0; i < r.size(); ++i) {
    line.clear();
    const auto t = static_cast<size_t>(r.truth[i]), p = static_cast<size_t>(r.predicted[i]);
    fmt::format_to(std::back_inserter(line), "{},{},{},{},{},{},{},{},{}", r.windows[i], r.flows[i], t,
                   class_field[t], p, class_field[p], t == p ? 1 : 0, r.activity[i].input_events,
                   r.activity[i].hidden_spikes);
    for (float v : r.logits_of(i)) fmt::format_to(std::back_inserter(line), ",{}", v);
    for (float v : r.probabilities_of(i)) fmt::format_to(std::back_inserter(line), ",{}", v);
    line.push_back('\n');
    out.write(line.data(), static_cast<std::streamsize>(line.size()));
  }
}

}  // namespace flowspike::report
