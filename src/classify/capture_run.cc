#include "flowspike/classify/capture_run.h"

#include <fmt/format.h>

#include "flowspike/common/error.h"
#include "flowspike/common/interrupt.h"

namespace flowspike::classify {

namespace {
constexpr uint64_t kCheckEvery = 1 << 15;  // packets between progress reports and interrupt checks
}  // namespace

void classify_source(capture::PacketSource& source, Classifier& classifier, const RunProgressCallback& progress) {
  capture::Packet packet;
  uint64_t n = 0;
  while (source.next(packet)) {
    classifier.add(packet);
    if (++n % kCheckEvery == 0) {
      throw_if_interrupted();
      if (progress)
        progress({source.progress(), n, classifier.counts().windows, classifier.live_flows()});
    }
  }
  throw_if_interrupted();
  classifier.finish();
  if (progress) progress({1.0, n, classifier.counts().windows, classifier.live_flows()});
}

void require_windows(const ClassifyCounts& counts, const capture::ParseReport& report,
                     const features::Preset& preset, const std::string& inputs) {
  if (counts.windows > 0) return;
  if (counts.flows == 0)
    throw Error(fmt::format("{}: no IP packet to classify ({} packets read, {} filtered out, {} dropped)", inputs,
                            report.packets_read, report.packets_filtered, report.total_dropped()));
  std::string why;
  for (size_t r = 1; r < kUnknownReasonCount; ++r) {
    if (counts.unknown_by_reason[r] == 0) continue;
    why += fmt::format("{}{} {}", why.empty() ? "" : ", ", counts.unknown_by_reason[r],
                       unknown_reason_name(static_cast<UnknownReason>(r)));
  }
  const flow::WindowOptions& w = preset.window;
  throw Error(fmt::format(
      "{}: no usable flow: none of its {} flows has a window the model can classify ({}); the model's windows are "
      "{:g} s long, every {:g} s, and need >= {} packets and a span >= {:g} s in each direction",
      inputs, counts.flows, why, w.length_s, w.step_s, w.min_packets, w.min_span_s));
}

}  // namespace flowspike::classify
