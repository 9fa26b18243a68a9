// The demo's held-out capture: one more capture of a class, generated from the
// corpus seed with the next index after the corpus's own (files depend only
// on seed, class and index, so it is a capture the corpus does not contain
// and the model never saw), and what classifying it gave. A HeldOutTally is
// a PredictionSink that passes every prediction on to another sink (the
// record writer) and keeps the classified flows for the summary. Not
// thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "flowspike/classify/prediction.h"
#include "flowspike/synth/corpus.h"
#include "flowspike/synth/traffic_class.h"

namespace flowspike::demo {

struct HeldOutCapture {
  synth::TrafficClass traffic_class;
  int index = 0;       // the corpus holds indices 0 .. index - 1 of this class
  uint64_t seed = 0;   // synth::capture_seed(corpus seed, class, index)
  std::string path;
};

// Generates capture `index` of `traffic_class` with the corpus's options and
// writes it atomically at `path` (its directory is created). Throws
// flowspike::Error if `corpus` already holds a capture of that seed (it then
// would not be held out) or the file cannot be written.
HeldOutCapture write_heldout_capture(const synth::CorpusOptions& options, const synth::CorpusSummary& corpus,
                                     const synth::TrafficClass& traffic_class, int index, const std::string& path);

// What the model said about the held-out capture.
struct HeldOutVerdict {
  std::vector<classify::FlowPrediction> flows;  // the classified flows, in the order they ended
  uint64_t unknown_flows = 0;                   // flows without a kept window
  std::vector<uint64_t> windows_per_class;      // predicted class of every classified window
  uint64_t windows = 0;
  // The class most windows were given (-1 when no window was classified);
  // the first class on ties.
  int32_t majority() const;
};

class HeldOutTally final : public classify::PredictionSink {
 public:
  HeldOutTally(classify::PredictionSink& next, size_t classes);
  void on_window(const classify::WindowPrediction& window) override;
  void on_flow(const classify::FlowPrediction& flow) override;
  const HeldOutVerdict& verdict() const { return verdict_; }

 private:
  classify::PredictionSink& next_;
  HeldOutVerdict verdict_;
};

}  // namespace flowspike::demo
