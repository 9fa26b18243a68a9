// One synthetic capture of one traffic class: a host running one application
// session (the models of docs/synthetic-traffic.md), carried in the clear,
// through a VPN tunnel or through Tor, with the background traffic of a real
// machine. generate_capture() is deterministic in (class, seed, options);
// write_capture() turns the result into a pcap file. Thread-safe: no shared state.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "flowspike/synth/frame_builder.h"
#include "flowspike/synth/pcap_writer.h"
#include "flowspike/synth/trace.h"
#include "flowspike/synth/traffic_class.h"

namespace flowspike::synth {

struct CaptureOptions {
  double duration_s = 180;       // mean capture length; each capture draws 0.75x..1.25x of it
  double ipv6_fraction = 0.15;   // probability that the application (or its tunnel) uses IPv6
};

struct GeneratedCapture {
  TrafficClass traffic_class;
  uint64_t seed = 0;
  Trace trace;                   // packets sorted by time, all within [start_ns, end_ns)
  MacAddress host_mac;
  MacAddress gateway_mac;
  int64_t start_ns = 0;
  int64_t end_ns = 0;
  // What was drawn: application, carrier, network (written to the manifest).
  std::vector<std::pair<std::string, std::string>> params;
};

// Throws flowspike::Error for a duration under 30 s or an IPv6 fraction outside [0, 1].
GeneratedCapture generate_capture(const TrafficClass& traffic_class, uint64_t seed, const CaptureOptions& options);

// Writes the capture as a pcap file at `path` (not atomically: callers that
// publish files write to a temporary path first). Payload bytes are zeros when
// only headers are kept, pseudo-random when whole frames are (snaplen 0).
void write_capture(const GeneratedCapture& capture, const std::string& path, const PcapOptions& options);

// Per-flow summary of a generated trace, and how many windows the `paper`
// preset should keep from it: the 60 s windows every 15 s from the flow's
// first packet that the flow covers, kept with >= 10 packets and >= 40 s span
// in each direction; a flow ends after 120 s without packets (DESIGN sections
// 2-3). An estimate: TCP flows that close and reopen on the same ports, or
// flows cut by the active timeout, are split by the real flow table only.
struct FlowSummary {
  uint32_t flow = 0;
  uint64_t packets[2] = {0, 0};   // client->server, server->client
  uint64_t bytes[2] = {0, 0};     // IP bytes
  int64_t first_ns = 0;
  int64_t last_ns = 0;
  uint32_t windows = 0;
};
std::vector<FlowSummary> summarize_flows(const Trace& trace);

}  // namespace flowspike::synth
