// The paper-style tables of one evaluation (DESIGN section 7), in the order the
// CLI prints them: overall figures, Table 3 (per class), Table 2 (per
// category), Table 1 (per category within each true encryption), Table 4 and
// Fig. 7 (per encryption), the confusion matrix and the energy proxy. When the
// classes are the paper's 14, a "paper" column carries its published figure
// where one is known and "n/a" elsewhere. Pure functions.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "flowspike/eval/evaluation_result.h"
#include "flowspike/report/table.h"

namespace flowspike::report {

std::vector<Table> evaluation_tables(const eval::EvaluationResult& result);

// A fraction as a percentage with one decimal, as the paper prints: 0.9587 -> "95.9".
std::string format_percent(double fraction);
// A measure as a percentage, or the word for why it is missing ("absent", ...).
Cell measure_cell(const eval::Measure& measure);
// A published figure as a percentage, or "n/a".
Cell paper_cell(std::optional<double> fraction);
// The word used for a missing measure.
std::string missing_text(eval::Availability availability);

}  // namespace flowspike::report
