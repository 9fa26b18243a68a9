#include "flowspike/eval/energy.h"

#include <algorithm>

namespace flowspike::eval {

int64_t NetworkShape::dense_ann_macs() const {
  return static_cast<int64_t>(time_bins) *
         (static_cast<int64_t>(inputs) * hidden + static_cast<int64_t>(hidden) * classes);
}

EnergySummary summarise_energy(std::span<const WindowActivity> windows, const NetworkShape& shape) {
  EnergySummary s;
  s.windows = static_cast<int64_t>(windows.size());
  s.dense_ann_macs = shape.dense_ann_macs();
  if (windows.empty()) return s;
  double events = 0.0, spikes = 0.0, ops = 0.0;
  for (const WindowActivity& w : windows) {
    events += static_cast<double>(w.input_events);
    spikes += static_cast<double>(w.hidden_spikes);
    ops += static_cast<double>(w.synaptic_ops);
    s.max_synaptic_ops = std::max(s.max_synaptic_ops, static_cast<double>(w.synaptic_ops));
  }
  const auto n = static_cast<double>(windows.size());
  s.mean_input_events = events / n;
  s.mean_hidden_spikes = spikes / n;
  s.mean_synaptic_ops = ops / n;
  s.dense_to_synaptic_ratio = s.mean_synaptic_ops > 0.0 ? static_cast<double>(s.dense_ann_macs) / s.mean_synaptic_ops : 0.0;
  return s;
}

}  // namespace flowspike::eval
