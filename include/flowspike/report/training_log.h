// The trainer's per-epoch log CSV (written beside the model), read by column
// name so that added or reordered columns do not matter. Cells that are empty
// or not numbers read as NaN. curves() picks the columns the report draws.
// Plain value type.
#pragma once

#include <initializer_list>
#include <iosfwd>
#include <string>
#include <string_view>
#include <vector>

namespace flowspike::report {

struct TrainingLog {
  std::string source;                       // the file it came from
  std::vector<std::string> columns;         // header names, in file order
  std::vector<std::vector<double>> values;  // values[column][row]

  size_t rows() const { return values.empty() ? 0 : values.front().size(); }
  // The first of `names` that is a column, or nullptr.
  const std::vector<double>* find(std::initializer_list<std::string_view> names) const;
};

// Throws flowspike::Error naming `source` when the text has no header or a row
// has more cells than the header.
TrainingLog parse_training_log(std::istream& in, const std::string& source);
// Throws flowspike::Error naming the file when it cannot be read.
TrainingLog read_training_log(const std::string& path);

// The curves of the report. Column names accepted (the first present wins):
//   epoch: epoch; loss: loss, train_loss; validation loss: val_loss;
//   train accuracy: train_accuracy, train_acc; validation accuracy:
//   val_accuracy, val_acc, validation_accuracy; learning rate: lr, learning_rate;
//   leaks: beta1, beta2.
// Accuracies are returned in percent (a column whose values are all <= 1 is
// taken as fractions). Missing columns give empty vectors; a missing epoch
// column numbers the rows 1, 2, ...
struct TrainingCurves {
  std::vector<double> epoch, loss, val_loss, train_accuracy, val_accuracy, lr, beta1, beta2;
};
TrainingCurves training_curves(const TrainingLog& log);

}  // namespace flowspike::report
