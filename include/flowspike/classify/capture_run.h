// Feeds a Classifier from capture files: the loop that `flowspike classify`
// runs, with progress reports and Ctrl-C checks, and the check that a run
// classified something. The classifier's sink receives the predictions.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "flowspike/capture/packet_source.h"
#include "flowspike/classify/classifier.h"

namespace flowspike::classify {

struct RunProgress {
  double fraction = 0;      // of the input bytes consumed, 0..1
  uint64_t packets = 0;     // packets classified so far
  uint64_t windows = 0;     // windows classified so far
  size_t live_flows = 0;
};
// Called from the running thread every few ten thousand packets.
using RunProgressCallback = std::function<void(const RunProgress&)>;

// Reads every packet of `source` into `classifier`, then finish()es it.
// Throws flowspike::Interrupted when interrupt_requested() turns true (the
// caller's outputs are then not committed).
void classify_source(capture::PacketSource& source, Classifier& classifier, const RunProgressCallback& progress = {});

// Throws flowspike::Error saying why nothing could be classified (no IP
// packets, or no flow with a kept window and why) when counts.windows is 0.
// `inputs` names what was read, for the message.
void require_windows(const ClassifyCounts& counts, const capture::ParseReport& report,
                     const features::Preset& preset, const std::string& inputs);

}  // namespace flowspike::classify
