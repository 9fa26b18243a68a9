// The streaming classifier: packets in, predictions out. It runs the model's
// own pipeline (FlowTable -> WindowCutter -> PictureBuilder -> SNN) with the
// window rules, time bins and size-bin edges stored in the model, classifies
// kept windows in batches on worker threads, and tells a PredictionSink about
// every window and, when a flow ends, about the flow: the majority over its
// windows, or "unknown" with the reason it has none.
//
// A full batch is classified on another thread while the caller keeps adding
// packets (one batch in flight at a time); deliveries happen on the caller's
// thread, in the order the windows completed and the flows ended. Memory is
// bounded by the live flows (their open windows and vote counts) and two
// batches of windows, never by the length of the input. Windows wait in the
// batch until it is full or drain() runs, so a live caller calls drain() (or
// advance(), which drains) to bound the delay. Results do not depend on the
// batch size or the number of threads. Not thread-safe: one thread feeds a
// Classifier and receives its sink's calls.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "flowspike/capture/packet.h"
#include "flowspike/capture/parse_report.h"
#include "flowspike/classify/prediction.h"
#include "flowspike/eval/taxonomy.h"
#include "flowspike/flow/flow_table.h"
#include "flowspike/flow/window_cutter.h"
#include "flowspike/model/model.h"

namespace flowspike::classify {

struct ClassifierOptions {
  // Affects results. The model file records the preset (windows, keep-rules,
  // bins) but not the flow timeouts of the dataset it was trained on; the
  // defaults are those of `flowspike extract`.
  flow::FlowTableOptions flow_table;

  // Affects speed only.
  unsigned threads = 0;         // inference threads (the caller's thread reads beside them); 0 = all cores
  size_t batch_windows = 1024;  // windows classified together
};

// Counters of one classifier, for the summary.
struct ClassifyCounts {
  uint64_t packets = 0;           // packets added
  uint64_t flows = 0;             // flows ended and reported
  uint64_t flows_classified = 0;  // ... with at least one window
  uint64_t flows_unknown = 0;     // ... without one
  std::array<uint64_t, kUnknownReasonCount> unknown_by_reason{};
  uint64_t windows = 0;                  // windows classified
  std::vector<uint64_t> windows_per_class;  // by predicted class
  std::vector<uint64_t> flows_per_class;    // by majority class (classified flows only)
  uint64_t input_events = 0;             // non-zero picture cells of all windows
  uint64_t hidden_spikes = 0;
  flow::FlowTableStats table;            // flows started, ended by reason, most live
  flow::WindowCutterStats cutter;        // windows considered, kept, rejected by rule
  capture::ParseReport pictures;         // sizes clipped or dropped while building pictures
};

class Classifier {
 public:
  // Validates the model (model::validate_model); throws flowspike::Error
  // naming `model_name` if it cannot classify. `sink` must outlive the classifier.
  Classifier(const model::Model& model, const std::string& model_name, ClassifierOptions options,
             PredictionSink& sink);
  ~Classifier();
  Classifier(const Classifier&) = delete;
  Classifier& operator=(const Classifier&) = delete;

  // One packet. Packets of a new capture index end every live flow first.
  void add(const capture::Packet& packet);
  // Live capture: the clock reached now_ns; ends expired flows, completes
  // windows that ended by now (with WindowSet::started), then drain()s.
  void advance(int64_t now_ns);
  // Classifies the windows waiting in the batch and delivers what is pending.
  void drain();
  // End of input: ends every live flow, then drain()s. The classifier can be fed again.
  void finish();

  const std::vector<std::string>& classes() const;
  // Category and encryption of each class, when the names are <category>-<encryption>.
  const eval::Taxonomy& taxonomy() const;
  const features::Preset& preset() const;
  const ClassifyCounts& counts() const;  // table and cutter fields are current after drain()
  size_t live_flows() const;

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

// The model's preset in a sentence, for summaries: "paper: 60 s windows every 15 s, ...".
std::string describe_preset(const features::Preset& preset);

}  // namespace flowspike::classify
