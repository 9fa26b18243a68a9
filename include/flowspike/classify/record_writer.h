// Writes predictions as text while a Classifier runs: CSV with a header or
// JSON lines, one record per window (`--per window`) or per flow (`--per
// flow`). Flows without a kept window are never dropped: per flow they are a
// record of class "unknown" with the reason; per window they are a record of
// class "unknown" with an empty window index, in the place where the flow
// ended. The columns are documented in docs/classify.md. A PredictionSink
// writing to a caller-owned stream; not thread-safe.
#pragma once

#include <cstdint>
#include <iosfwd>
#include <string>
#include <vector>

#include "flowspike/classify/prediction.h"
#include "flowspike/eval/taxonomy.h"

namespace flowspike::classify {

enum class RecordFormat : uint8_t { csv, jsonl };
enum class RecordUnit : uint8_t { window, flow };
// "csv" | "jsonl", "window" | "flow"; throw flowspike::Error naming the choices.
RecordFormat record_format_from_string(const std::string& name);
RecordUnit record_unit_from_string(const std::string& name);

struct RecordWriterOptions {
  RecordFormat format = RecordFormat::csv;
  RecordUnit per = RecordUnit::window;
  // Keep the text in memory until the first classified window arrives, so a
  // run that classifies nothing writes nothing (for stdout, which cannot be
  // taken back). The held text grows with the unknown flows before the first window.
  bool hold_until_window = false;
};

class RecordWriter final : public PredictionSink {
 public:
  // classes and taxonomy: the model's; capture_paths[i] names capture i.
  RecordWriter(std::ostream& out, RecordWriterOptions options, std::vector<std::string> classes,
               eval::Taxonomy taxonomy, std::vector<std::string> capture_paths);

  void on_window(const WindowPrediction& window) override;
  void on_flow(const FlowPrediction& flow) override;

  uint64_t records() const { return records_; }
  // Text still held (hold_until_window and no window yet); discarded unless released.
  bool holding() const { return holding_; }

 private:
  void header();
  void endpoints(const flow::FlowRecord& flow);
  void verdict(int32_t predicted, const std::vector<float>& probabilities);
  void unknown_verdict(const FlowPrediction& flow);
  void finish_line();
  const std::string& capture_name(int32_t capture) const;

  std::ostream& out_;
  RecordWriterOptions options_;
  std::vector<std::string> classes_;
  eval::Taxonomy taxonomy_;
  std::vector<std::string> capture_paths_;
  std::string line_;  // the record being written
  std::string held_;  // text withheld until the first window
  bool holding_;
  uint64_t records_ = 0;
};

}  // namespace flowspike::classify
