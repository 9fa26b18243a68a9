#include "flowspike/demo/heldout.h"

#include <filesystem>
#include <system_error>

#include <fmt/format.h>

#include "flowspike/common/atomic_file.h"
#include "flowspike/common/error.h"
#include "flowspike/synth/capture_generator.h"

namespace flowspike::demo {

namespace fs = std::filesystem;

HeldOutCapture write_heldout_capture(const synth::CorpusOptions& options, const synth::CorpusSummary& corpus,
                                     const synth::TrafficClass& traffic_class, int index, const std::string& path) {
  HeldOutCapture h;
  h.traffic_class = traffic_class;
  h.index = index;
  h.seed = synth::capture_seed(options.seed, traffic_class, index);
  h.path = path;
  // Seeds are derived by hashing; a collision is improbable but would make the
  // "held-out" capture a copy of one the model trained on.
  for (const synth::CaptureSummary& c : corpus.captures)
    if (c.seed == h.seed)
      throw Error(fmt::format("the held-out capture's seed {} is also the seed of corpus file {}; "
                              "choose another --seed", h.seed, c.file));

  const synth::GeneratedCapture capture = synth::generate_capture(traffic_class, h.seed, options.capture);
  std::error_code ec;
  const fs::path dir = fs::path(path).parent_path();
  if (!dir.empty()) fs::create_directories(dir, ec);
  if (ec) throw Error(fmt::format("cannot create directory {}: {}", dir.string(), ec.message()));
  AtomicFile file(path);
  synth::write_capture(capture, file.temp_path().string(), options.pcap);
  file.commit();
  return h;
}

int32_t HeldOutVerdict::majority() const {
  int32_t best = -1;
  for (size_t k = 0; k < windows_per_class.size(); ++k)
    if (windows_per_class[k] > 0 && (best < 0 || windows_per_class[k] > windows_per_class[best]))
      best = static_cast<int32_t>(k);
  return best;
}

HeldOutTally::HeldOutTally(classify::PredictionSink& next, size_t classes) : next_(next) {
  verdict_.windows_per_class.assign(classes, 0);
}

void HeldOutTally::on_window(const classify::WindowPrediction& window) {
  FLOWSPIKE_ASSERT(window.predicted >= 0 && static_cast<size_t>(window.predicted) < verdict_.windows_per_class.size());
  ++verdict_.windows_per_class[window.predicted];
  ++verdict_.windows;
  next_.on_window(window);
}

void HeldOutTally::on_flow(const classify::FlowPrediction& flow) {
  if (flow.unknown())
    ++verdict_.unknown_flows;
  else
    verdict_.flows.push_back(flow);
  next_.on_flow(flow);
}

}  // namespace flowspike::demo
