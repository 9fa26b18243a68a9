// A hand-set model and an in-memory dataset whose predictions are known in
// advance, for the evaluator and CLI tests. Pictures have 10 time bins and 4
// size bins (2 forward, 2 backward). The network has 4 hidden neurons, W1 and
// W2 the identity, leaks 0, thresholds b1 = 0.5 and b2 = 0: hidden neuron j
// spikes in every time bin where size bin j has a packet, and the logit of
// class k is the share of time bins in which size bin k is busy. So the
// prediction is the size bin busy in the most time bins (the lowest on ties),
// each cell is one input event and one hidden spike.
#pragma once

#include <string>
#include <vector>

#include "flowspike/dataset/dataset.h"
#include "flowspike/model/model.h"

namespace flowspike::eval::testing {

inline features::Preset tiny_preset() {
  features::Preset p = features::Preset::paper();
  p.name = "tiny";
  p.picture.time_bins = 10;
  p.picture.size_edges = features::SizeBinEdges({0, 10, 20, 30, 40}, 2);
  return p;
}

inline const std::vector<std::string>& tiny_classes() {
  static const std::vector<std::string> c = {"Chat-NonVPN", "Chat-VPN", "VoIP-NonVPN", "VoIP-VPN"};
  return c;
}

inline model::Model tiny_model() {
  model::Model m;
  m.preset = tiny_preset();
  m.classes = tiny_classes();
  m.snn.inputs = 4;
  m.snn.hidden = 4;
  m.snn.classes = 4;
  m.snn.time_bins = 10;
  m.params = snn::SnnParams::zeros(m.snn);
  m.params.W1.setIdentity();
  m.params.W2.setIdentity();
  m.params.b1.setConstant(0.5f);
  m.params.b2.setZero();
  m.params.beta1.setZero();
  m.params.beta2.setZero();
  m.training.split = "flow";
  m.training.seed = 3;
  m.training.best_epoch = 2;
  m.training.epochs_run = 2;
  return m;
}

// One window per flow, `flows` flows. Window i is labelled i % 4 and has its
// size bin (i % 4) busy in 3 time bins; every fifth window (i % 5 == 4) also
// has size bin (i + 1) % 4 busy in 5 time bins, so it is predicted wrongly.
inline dataset::Dataset tiny_dataset(int flows = 40) {
  dataset::Dataset d;
  d.preset = tiny_preset();
  d.classes = tiny_classes();
  d.capture_paths = {"a.pcap"};
  d.offset.push_back(0);
  for (int i = 0; i < flows; ++i) {
    d.flow_capture.push_back(0);
    d.flow_proto.push_back(6);
    d.flow_src.push_back("10.0.0.1");
    d.flow_dst.push_back("10.0.0.2");
    d.flow_sport.push_back(static_cast<uint16_t>(1000 + i));
    d.flow_dport.push_back(443);
    d.flow_packets.push_back(50);
    d.label.push_back(i % 4);
    d.flow.push_back(i);
    d.start_s.push_back(1000.0 + i);
    const auto own = static_cast<uint16_t>(i % 4), other = static_cast<uint16_t>((i + 1) % 4);
    for (uint16_t t = 0; t < 10; ++t) {
      // Cells sorted by (time bin, size bin).
      const bool own_busy = t < 3, other_busy = i % 5 == 4 && t >= 5;
      if (own_busy) {
        d.time_bin.push_back(t);
        d.size_bin.push_back(own);
        d.count.push_back(2.0f);
      }
      if (other_busy) {
        d.time_bin.push_back(t);
        d.size_bin.push_back(other);
        d.count.push_back(1.0f);
      }
    }
    d.offset.push_back(static_cast<int64_t>(d.count.size()));
  }
  return d;
}

// The prediction tiny_model makes for window i of tiny_dataset.
inline int32_t tiny_expected_prediction(int i) { return i % 5 == 4 ? (i + 1) % 4 : i % 4; }

}  // namespace flowspike::eval::testing
