// A generated capture before it becomes bytes: the flows (5-tuples and the
// per-connection constants a real stack would pick) and the packets, each
// reduced to time, flow, direction, TCP sequence/ack offsets, flags and
// transport payload length. The traffic models build a Trace; write_pcap()
// turns it into a pcap file. Plain values; one owner.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "flowspike/capture/packet.h"

namespace flowspike::synth {

struct Endpoint {
  capture::IpAddress addr;
  uint16_t port = 0;
};

// What a flow is for; written to the manifest and used by tests.
enum class FlowRole : uint8_t {
  main,        // the application's primary connection (the one the class is about)
  side,        // further connections of the same application
  tunnel,      // the VPN tunnel or the Tor link carrying the application
  background,  // DNS, NTP, LAN chatter, unrelated TCP
};

struct FlowSpec {
  uint8_t proto = capture::kProtoTcp;  // capture::kProtoTcp or capture::kProtoUdp
  Endpoint client;                     // sends first: the pipeline's forward direction
  Endpoint server;
  FlowRole role = FlowRole::main;
  std::string label;                   // short description, e.g. "rtp", "tls-video", "openvpn-udp"
  int64_t rtt_ns = 50'000'000;         // capture point <-> server round trip (TCP ack and timestamp arithmetic)

  // Per-connection constants of the two IP/TCP stacks.
  uint8_t client_ttl = 64;             // TTL / hop limit of packets the client sends
  uint8_t server_ttl = 52;             // ... and of packets arriving from the server
  uint8_t dscp = 0;                    // DSCP of client packets (VoIP media may use EF = 46)
  uint16_t client_ip_id = 0;           // first IPv4 identification of each side
  uint16_t server_ip_id = 0;
  bool dont_fragment = true;           // IPv4 DF bit
  uint32_t flow_label = 0;             // IPv6 flow label (20 bits)
  bool tcp_timestamps = true;          // RFC 7323 timestamps on every segment
  uint16_t client_mss = 1460;          // MSS announced in each SYN
  uint16_t server_mss = 1460;
  uint8_t client_wscale = 7;           // window scale shift in each SYN
  uint8_t server_wscale = 9;
  uint16_t client_window = 502;        // advertised (scaled) receive windows
  uint16_t server_window = 501;
  uint32_t client_isn = 0;             // initial sequence numbers
  uint32_t server_isn = 0;
  uint32_t client_tsval = 0;           // timestamp clocks at capture start (ms ticks)
  uint32_t server_tsval = 0;

  // Tunnels: values the frame builder writes into the packets' PayloadHeader.
  uint32_t tunnel_id = 0;              // OpenVPN: the 24-bit peer id; WireGuard: seed of the session indices
  uint32_t tunnel_first_counter[2] = {0, 0};  // packet id (OpenVPN) / counter (WireGuard) of each side's first packet
};

// The protocol header that the frame builder writes at the start of a filler
// payload, so that dissectors which read the first payload bytes of a tunnel
// see its protocol rather than zeros or noise. Payloads are not stored (they
// are zeros or pseudo-random); a header is a few bytes computed from the
// packet, its flow and the packets before it.
enum class PayloadHeader : uint8_t {
  none,
  // An OpenVPN P_DATA_V2 packet with an AEAD cipher: opcode/key id byte 0x48,
  // the 3-byte peer id, the 4-byte packet id. Over TCP the packet is preceded
  // by its 2-byte length, and a TCP payload with this header starts a record
  // of record_len bytes (length prefix included) that may continue in the
  // direction's next segments.
  openvpn_data,
  // WireGuard messages: handshake initiation (type 1, sender index), response
  // (type 2, sender and receiver index; starts a new session), transport data
  // (type 4, receiver index, 8-byte counter).
  wireguard_initiation,
  wireguard_response,
  wireguard_data,
};

// One packet. For TCP, seq and ack are offsets from each side's ISN (the SYN
// has seq 0, the first data byte seq 1); the writer adds the ISNs.
struct SynthPacket {
  int64_t ts_ns = 0;
  uint32_t flow = 0;        // index in Trace::flows
  uint32_t seq = 0;         // TCP only
  uint32_t ack = 0;         // TCP only (meaningful when the ACK flag is set)
  uint16_t payload = 0;     // transport payload bytes (after the TCP/UDP header)
  uint8_t dir = 0;          // 0 = client -> server, 1 = server -> client
  uint8_t tcp_flags = 0;    // capture::kTcp* bits (PSH = 0x08)
  int32_t blob = -1;        // index in Trace::blobs with the payload bytes; -1 = filler bytes
  PayloadHeader header = PayloadHeader::none;  // written over the start of filler bytes
  uint16_t record_len = 0;  // PayloadHeader::openvpn_data over TCP: the record's bytes, length prefix included
};
// A corpus holds millions of these: the header fields live in what was padding.
static_assert(sizeof(SynthPacket) == 32);

inline constexpr uint8_t kTcpPsh = 0x08;

struct Trace {
  std::vector<FlowSpec> flows;
  std::vector<SynthPacket> packets;            // sorted by time once finished
  std::vector<std::vector<uint8_t>> blobs;     // real payloads (DNS, NTP messages)

  uint32_t add_flow(FlowSpec flow);
  // Sorts packets by time (stable: equal times keep their insertion order).
  void sort();
};

// TCP header length of a packet of `flow` with `flags` (options included).
uint32_t tcp_header_length(const FlowSpec& flow, uint8_t flags);
// IP total length (IPv6: 40 + payload length) of a packet, as a capture reader reports it.
uint32_t ip_length(const FlowSpec& flow, const SynthPacket& packet);
// Ethernet frame length on the wire, without FCS (at least 60 bytes for received frames).
uint32_t frame_length(const FlowSpec& flow, const SynthPacket& packet);

}  // namespace flowspike::synth
