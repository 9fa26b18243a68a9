// Helpers for flow tests: packets from a few numbers, and listeners/sinks
// that record what they hear.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "flowspike/capture/packet.h"
#include "flowspike/flow/flow_table.h"
#include "flowspike/flow/window_cutter.h"

namespace flowspike::testing {

inline capture::IpAddress ip4(uint8_t a, uint8_t b, uint8_t c, uint8_t d) {
  return capture::IpAddress::v4(a, b, c, d);
}

inline int64_t sec(double s) { return static_cast<int64_t>(s * 1e9 + (s >= 0 ? 0.5 : -0.5)); }

// 10.0.0.<host>:<port> endpoints.
struct Endpoint {
  uint8_t host;
  uint16_t port;
};

inline capture::Packet packet(double t_s, Endpoint from, Endpoint to, uint32_t size = 100,
                              uint8_t proto = capture::kProtoTcp, uint8_t flags = capture::kTcpAck,
                              int32_t capture_index = 0) {
  capture::Packet p;
  p.ts_ns = sec(t_s);
  p.ip_len = size;
  p.wire_len = size + 14;
  p.src = ip4(10, 0, 0, from.host);
  p.dst = ip4(10, 0, 0, to.host);
  p.sport = from.port;
  p.dport = to.port;
  p.proto = proto;
  p.tcp_flags = proto == capture::kProtoTcp ? flags : 0;
  p.capture = capture_index;
  return p;
}

struct PacketEvent {
  int64_t flow_id;
  uint32_t slot;
  capture::Direction dir;
  int64_t ts_ns;
};

// Records every flow table event in order; "P<id>" and "E<id>" in `log`.
class RecordingListener : public flow::FlowListener {
 public:
  void on_packet(const flow::FlowRecord& flow, uint32_t slot, const capture::Packet& p,
                 capture::Direction dir) override {
    packets.push_back({flow.id, slot, dir, p.ts_ns});
    log.push_back("P" + std::to_string(flow.id));
  }
  void on_flow_end(const flow::FlowRecord& flow, uint32_t /*slot*/) override {
    ended.push_back(flow);
    log.push_back("E" + std::to_string(flow.id));
  }
  void on_advance(int64_t now_ns) override { advances.push_back(now_ns); }

  std::vector<PacketEvent> packets;
  std::vector<flow::FlowRecord> ended;
  std::vector<std::string> log;
  std::vector<int64_t> advances;
};

// Records every window (copied) and flow end.
class RecordingSink : public flow::WindowSink {
 public:
  void on_window(const flow::Window& window, const flow::FlowRecord& flow) override {
    windows.push_back(window);
    packets_seen_at_emit.push_back(flow.total_packets());
    log.push_back("W" + std::to_string(window.flow_id) + ":" + std::to_string(window.index));
  }
  void on_flow_end(const flow::FlowRecord& flow) override {
    ended.push_back(flow);
    log.push_back("E" + std::to_string(flow.id));
  }

  std::vector<flow::Window> windows;
  std::vector<uint64_t> packets_seen_at_emit;  // flow's packet count when its window was handed on
  std::vector<flow::FlowRecord> ended;
  std::vector<std::string> log;
};

}  // namespace flowspike::testing
