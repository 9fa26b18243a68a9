// The predictions CSV: one row per evaluated window, for error analysis and
// for checking the model against other implementations. Columns, in order:
//   window, flow, true_label, true_class, predicted_label, predicted_class,
//   correct (0/1), input_events, hidden_spikes,
//   logit:<class> for every class, prob:<class> for every class.
// Floats are written as the shortest text that reads back as the same float.
// Fields are quoted (RFC 4180) only when they contain a comma, quote or newline.
#pragma once

#include <iosfwd>
#include <string>
#include <vector>

#include "flowspike/eval/evaluation_result.h"

namespace flowspike::report {

std::vector<std::string> predictions_csv_header(const std::vector<std::string>& classes);

void write_predictions_csv(std::ostream& out, const eval::EvaluationResult& result);

// A CSV field, quoted when it needs to be.
std::string csv_field(const std::string& text);

}  // namespace flowspike::report
