// The flow table: groups packets into bidirectional flows and tells a
// FlowListener about every packet and every flow that ends. Keyed by protocol
// and the two (address, port) endpoints, unordered; the first packet of a flow
// fixes "forward". Streaming: memory is bounded by the flows that are live, a
// flow leaves the table (and the listener hears on_flow_end) when it expires.
// Expiry runs on the capture clock (the latest timestamp seen), checked in
// O(1) per packet through time-ordered lists, never by scanning all flows.
// Flows never span capture files: a packet with a new Packet::capture index
// ends every live flow first, as flush() does. Not thread-safe; one table per
// packet stream.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>

#include "flowspike/capture/packet.h"
#include "flowspike/flow/flow_record.h"

namespace flowspike::flow {

struct FlowTableOptions {
  // Affects results.
  double idle_timeout_s = 120.0;     // a flow ends after this long without a packet; a gap of
                                     // exactly this long already starts a new flow
  double active_timeout_s = 1800.0;  // a flow ends this long after its first packet; later
                                     // packets of the same endpoints start a new flow
  bool tcp_close = true;             // a TCP flow ends after a FIN in each direction, or a RST
  double tcp_close_linger_s = 5.0;   // after that close, packets without SYN (the last ACK,
                                     // retransmissions, more RSTs) still join the flow for this
                                     // long (Zeek's tcp_close_delay); a SYN starts a new flow at once

  // Affects speed only.
  size_t expected_flows = 4096;      // initial capacity of the hash index
};

// Receives the table's events. `slot` names the storage of a live flow: stable
// from its first packet to its on_flow_end, then reused by later flows, always
// below FlowTable::slot_limit(). Listeners keep per-flow state in a vector
// indexed by slot instead of hashing the flow again. The FlowRecord reference
// stays valid, and is kept current, until on_flow_end for that flow returns.
class FlowListener {
 public:
  virtual ~FlowListener() = default;
  // `packet` joined `flow`; the record already counts it. dir is relative to the flow.
  virtual void on_packet(const FlowRecord& flow, uint32_t slot, const capture::Packet& packet,
                         capture::Direction dir) = 0;
  // `flow` ended (FlowRecord::end says why); no more packets will join it.
  virtual void on_flow_end(const FlowRecord& flow, uint32_t slot) = 0;
  // FlowTable::advance(now_ns) ran: the clock passed now_ns (live capture).
  virtual void on_advance(int64_t /*now_ns*/) {}
};

// Counters of one table, for reports and tests.
struct FlowTableStats {
  uint64_t packets = 0;                // packets added
  uint64_t flows_started = 0;          // flows created (= next flow id - first id)
  std::array<uint64_t, 5> flows_ended{};  // by FlowEnd
  uint64_t max_live_flows = 0;         // high-water mark of live flows
};

class FlowTable {
 public:
  // `listener` must outlive the table. Flow ids start at `first_id` and run on
  // through flush() calls, so ids are unique across the files of one run.
  FlowTable(FlowTableOptions options, FlowListener& listener, int64_t first_id = 0);
  ~FlowTable();
  FlowTable(const FlowTable&) = delete;
  FlowTable& operator=(const FlowTable&) = delete;

  // Adds one packet: first ends every flow that expired before packet.ts_ns
  // (in expiry order), then updates or creates the packet's flow. A timestamp
  // earlier than the clock is accepted; it joins its flow without moving the
  // clock back. O(1) amortised, no allocation once the table has grown.
  void add(const capture::Packet& packet);

  // Ends every flow that has expired by now_ns (live capture: the wall clock),
  // then calls FlowListener::on_advance(now_ns).
  void advance(int64_t now_ns);

  // Ends every live flow with FlowEnd::end_of_capture (or its pending TCP
  // close reason), in order of first packet, and resets the clock. Call at
  // the end of each capture file; the table is reusable afterwards.
  void flush();

  size_t live_flows() const;
  uint32_t slot_limit() const;  // all slots handed out so far are below this
  int64_t clock_ns() const;     // latest timestamp seen since the last flush
  const FlowTableStats& stats() const;

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace flowspike::flow
