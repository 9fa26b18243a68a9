// Everything the outputs of `flowspike eval` need besides the result itself,
// gathered from the model and dataset files: the "about" facts (shared by the
// JSON and the HTML report) and the HTML report's parts (training curves from
// the log beside the model, example pictures from the dataset, picture axes).
// Reading the training log is best-effort: a missing or broken log becomes a
// note in the report, never an error. Pure functions apart from that read.
#pragma once

#include <string>

#include "flowspike/dataset/dataset.h"
#include "flowspike/eval/evaluation_result.h"
#include "flowspike/model/model.h"
#include "flowspike/report/html_report.h"
#include "flowspike/report/json_report.h"

namespace flowspike::report {

// Model and dataset paths, preset, network shape, training record, selection.
About evaluation_about(const eval::EvaluationResult& result, const model::Model& model, const std::string& model_path,
                       const std::string& data_path);

// Where the model's training log is: model.training.log_csv, relative to the
// model file's directory unless absolute; empty when the model records none.
std::string training_log_path(const model::Model& model, const std::string& model_path);

HtmlReport make_html_report(const eval::EvaluationResult& result, const model::Model& model,
                            const std::string& model_path, const dataset::Dataset& data,
                            const std::string& data_path, size_t examples_per_class = 3);

}  // namespace flowspike::report
