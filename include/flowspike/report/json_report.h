// An evaluation as JSON (nlohmann::json): every metric of the tables, the
// paper's figures with their sources, and every evaluated window's labels,
// logits, probabilities and activity. The layout is documented in
// docs/evaluation.md ("format": "flowspike-evaluation", "version": 1).
// Pure functions; writing is the caller's (an OutputStream).
#pragma once

#include <iosfwd>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "flowspike/eval/evaluation_result.h"

namespace flowspike::report {

inline constexpr const char* kEvaluationFormat = "flowspike-evaluation";
inline constexpr int kEvaluationVersion = 1;

// Labelled facts about what was evaluated ("model" -> path, "dataset" -> path, ...), in order.
using About = std::vector<std::pair<std::string, std::string>>;

// {"value": number or null, "status": "value" | "absent" | "undefined" | "not_a_class" | "not_applicable"}.
nlohmann::json measure_json(const eval::Measure& measure);

nlohmann::json evaluation_json(const eval::EvaluationResult& result, const About& about = {});

// Writes evaluation_json compactly (one line; large evaluations stay small), then a newline.
void write_evaluation_json(std::ostream& out, const eval::EvaluationResult& result, const About& about = {});

}  // namespace flowspike::report
