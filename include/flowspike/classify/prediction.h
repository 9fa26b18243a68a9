// What the classifier says about traffic: one WindowPrediction per kept
// window, and one FlowPrediction per flow when it ends (the majority over its
// windows, or class "unknown" with the reason when it has no kept window). A
// PredictionSink receives both, in the order the windows completed and the
// flows ended. Plain value types; the sink is called from the thread that
// feeds the classifier.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "flowspike/flow/flow_record.h"

namespace flowspike::classify {

// The class name printed for a flow without a kept window.
inline constexpr std::string_view kUnknownClass = "unknown";

// Why a flow has no kept window (the keep-rules of the model's preset).
enum class UnknownReason : uint8_t {
  none,              // the flow has windows: it is classified
  short_flow,        // it ended before its first window existed (shorter than one window)
  few_packets,       // every window had fewer than min_packets packets in a direction
  short_span,        // every window had enough packets, but a direction spanned less than min_span_s
  few_packets_or_short_span,  // some windows failed one rule, some the other
  not_kept,          // windows existed but none was kept, and the rule is not known: they were
                     // judged inside Classifier::advance(), which the cutter does not attribute to flows
};
inline constexpr size_t kUnknownReasonCount = 6;

// Stable snake_case name, used in summaries and JSON.
std::string_view unknown_reason_name(UnknownReason reason);

// One classified window.
struct WindowPrediction {
  flow::FlowRecord flow;       // the flow as seen when the window completed (counts still growing)
  int32_t index = 0;           // k-th window of the flow
  int64_t start_ns = 0;        // absolute window start
  int32_t predicted = 0;       // class index
  std::vector<float> probabilities;  // softmax of the logits, one per class
  uint32_t input_events = 0;   // non-zero picture cells
  uint32_t hidden_spikes = 0;
};

// One ended flow.
struct FlowPrediction {
  flow::FlowRecord flow;       // final counts, FlowRecord::end says why it ended
  int32_t predicted = -1;      // majority class over its windows; -1 = unknown
  uint32_t windows = 0;        // kept windows classified
  uint32_t votes = 0;          // windows predicted as `predicted`
  std::vector<float> mean_probabilities;  // mean over its windows; empty when unknown
  UnknownReason reason = UnknownReason::none;
  std::string reason_text;     // for people: "shorter than one window (lasted 12.3 s, ...)"; empty when classified
  // Windows the keep-rules judged and rejected, by rule (0 for the short_flow case).
  uint32_t rejected_few_packets = 0;
  uint32_t rejected_short_span = 0;

  bool unknown() const { return predicted < 0; }
};

class PredictionSink {
 public:
  virtual ~PredictionSink() = default;
  // A window was classified. Called before on_flow for the window's flow.
  virtual void on_window(const WindowPrediction& window) = 0;
  // A flow ended; all its windows were delivered before.
  virtual void on_flow(const FlowPrediction& flow) = 0;
};

}  // namespace flowspike::classify
