// Turns an AppStream into packets of one flow, as a capture on the client
// would show them. TCP: three-way handshake, MSS-sized segments paced at the
// bottleneck rate, slow start from an initial window of 10 after idle periods
// (RFC 6928, RFC 5681 restart), delayed ACKs every second segment or after the
// host's delayed-ACK timer, piggybacked ACKs, PSH at the end of each write,
// FIN exchange, and consistent sequence/acknowledgement numbers. QUIC: the
// padded Initial flights, short-header packets up to the datagram size,
// ACK-only packets every 2 (later 10) packets. UDP: one datagram per write.
#pragma once

#include <cstdint>

#include "app_stream.h"
#include "flowspike/synth/random.h"
#include "flowspike/synth/trace.h"

namespace flowspike::synth {

struct LinkParams {
  double down_bps = 50e6;              // bottleneck rate towards the client
  double up_bps = 10e6;                // ... and from the client
  int64_t host_delay_ns = 80'000;      // client stack reaction time (ACK after receive)
  int64_t client_delack_ns = 40'000'000;
  int64_t server_delack_ns = 40'000'000;
  double jitter_ns = 1e6;              // spread of arrival times of received packets
};

// Renders `stream` into `trace` as flow `flow` (already added, with addresses,
// MSS and timestamps decided). Packets at or after end_ns are not captured.
void render_stream(const AppStream& stream, uint32_t flow, const LinkParams& link, Rng& rng, Trace& trace,
                   int64_t end_ns);

// The transport payload a TCP segment of `flow` carries at most in direction dir.
uint32_t tcp_segment_payload(const FlowSpec& flow, uint8_t dir);

}  // namespace flowspike::synth
