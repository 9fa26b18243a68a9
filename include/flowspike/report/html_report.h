// The self-contained HTML report of an evaluation (`flowspike eval --report
// DIR` writes it as DIR/index.html): what was evaluated, every table of the
// text output, the confusion matrix as a heat map, the training curves from
// the model's log, and example pictures per class. Inline CSS and inline SVG
// only: no scripts, no fonts, no network access, so it opens anywhere and
// renders the same in headless Chromium. Pure functions; writing is the caller's.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "flowspike/eval/evaluation_result.h"
#include "flowspike/features/picture.h"
#include "flowspike/report/json_report.h"
#include "flowspike/report/svg.h"
#include "flowspike/report/training_log.h"

namespace flowspike::report {

// A window drawn in the report.
struct ExamplePicture {
  int64_t window = 0;            // dataset index
  int32_t true_label = 0;
  int32_t predicted_label = -1;  // -1: not evaluated
  features::SparsePicture picture;
};

struct HtmlReport {
  std::string title = "flowspike evaluation";
  std::vector<std::string> warnings;        // shown first, in a box: what makes the figures doubtful
  About about;                              // then this, as a two-column table
  std::optional<TrainingLog> training_log;  // the curves; nullopt when there is no log
  std::string training_note;                // shown under the curves (or instead of them)
  int32_t best_epoch = -1;                  // marked on the curves when >= 1
  std::vector<ExamplePicture> examples;
  svg::PictureAxes axes;                    // how the examples' bins map to seconds and bytes
};

std::string render_html_report(const eval::EvaluationResult& result, const HtmlReport& report);

// Positions in `result` of the windows to draw: up to `per_class` of each true
// class, alternating correctly and wrongly classified ones and taking each
// from a different flow while there are unused flows; result order otherwise.
std::vector<size_t> pick_example_windows(const eval::EvaluationResult& result, size_t per_class);

}  // namespace flowspike::report
