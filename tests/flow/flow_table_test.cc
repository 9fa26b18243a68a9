#include "flowspike/flow/flow_table.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <random>
#include <tuple>

#include "flow/test_packets.h"
#include "flowspike/common/error.h"

namespace flowspike::flow {
namespace {

using capture::Direction;
using capture::kProtoTcp;
using capture::kProtoUdp;
using capture::kTcpAck;
using capture::kTcpFin;
using capture::kTcpRst;
using capture::kTcpSyn;
using testing::Endpoint;
using testing::packet;
using testing::RecordingListener;
using testing::sec;

constexpr Endpoint kClient{1, 40000};
constexpr Endpoint kServer{2, 443};

TEST(FlowTable, FirstPacketSetsForwardAndCountsEachWay) {
  RecordingListener l;
  FlowTable table({}, l);
  table.add(packet(0.0, kClient, kServer, 60));
  table.add(packet(0.1, kServer, kClient, 1500));
  table.add(packet(0.2, kServer, kClient, 1400));
  table.add(packet(0.3, kClient, kServer, 52));
  table.flush();
  ASSERT_EQ(l.ended.size(), 1u);
  const FlowRecord& f = l.ended[0];
  EXPECT_EQ(f.id, 0);
  EXPECT_EQ(f.src, testing::ip4(10, 0, 0, 1));
  EXPECT_EQ(f.sport, 40000);
  EXPECT_EQ(f.dport, 443);
  EXPECT_EQ(f.packets[0], 2u);
  EXPECT_EQ(f.packets[1], 2u);
  EXPECT_EQ(f.bytes[0], 112u);
  EXPECT_EQ(f.bytes[1], 2900u);
  EXPECT_EQ(f.first_ns, 0);
  EXPECT_EQ(f.last_ns, sec(0.3));
  EXPECT_EQ(f.end, FlowEnd::end_of_capture);
  ASSERT_EQ(l.packets.size(), 4u);
  EXPECT_EQ(l.packets[0].dir, Direction::forward);
  EXPECT_EQ(l.packets[1].dir, Direction::backward);
  EXPECT_EQ(l.packets[3].dir, Direction::forward);
}

TEST(FlowTable, ServerFirstMakesServerTheForwardSource) {
  RecordingListener l;
  FlowTable table({}, l);
  table.add(packet(0.0, kServer, kClient));
  table.add(packet(0.1, kClient, kServer));
  table.flush();
  ASSERT_EQ(l.ended.size(), 1u);
  EXPECT_EQ(l.ended[0].src, testing::ip4(10, 0, 0, 2));
  EXPECT_EQ(l.ended[0].sport, 443);
  EXPECT_EQ(l.packets[1].dir, Direction::backward);
}

TEST(FlowTable, EndpointsAreUnorderedButPortsStayWithTheirAddress) {
  RecordingListener l;
  FlowTable table({}, l);
  table.add(packet(0.0, {1, 1000}, {2, 2000}));
  table.add(packet(0.1, {2, 2000}, {1, 1000}));  // same flow, reversed
  table.add(packet(0.2, {1, 2000}, {2, 1000}));  // ports swapped between hosts: another flow
  table.add(packet(0.3, {1, 1000}, {2, 2000}, 100, kProtoUdp));  // another protocol
  table.add(packet(0.4, {1, 1000}, {1, 1000}));  // both endpoints equal
  table.add(packet(0.5, {1, 1000}, {1, 1000}));
  EXPECT_EQ(table.live_flows(), 4u);
  table.flush();
  ASSERT_EQ(l.ended.size(), 4u);
  EXPECT_EQ(l.ended[0].total_packets(), 2u);
  EXPECT_EQ(l.ended[1].total_packets(), 1u);
  EXPECT_EQ(l.ended[2].total_packets(), 1u);
  EXPECT_EQ(l.ended[3].total_packets(), 2u);
  EXPECT_EQ(l.ended[3].packets[0], 2u);  // a flow to itself: every packet is forward
}

TEST(FlowTable, Ipv4AndIpv6WithTheSameBytesAreDifferentFlows) {
  RecordingListener l;
  FlowTable table({}, l);
  auto p4 = packet(0.0, kClient, kServer);
  auto p6 = p4;
  p6.src.version = p6.dst.version = 6;
  table.add(p4);
  table.add(p6);
  EXPECT_EQ(table.live_flows(), 2u);
}

TEST(FlowTable, FlowIdsFollowFirstPacketsAcrossFlushes) {
  RecordingListener l;
  FlowTable table({}, l, 100);
  table.add(packet(0.0, {1, 1}, {2, 2}));
  table.add(packet(0.1, {3, 1}, {2, 2}));
  table.add(packet(0.2, {1, 1}, {2, 2}));
  table.flush();
  table.add(packet(0.0, {1, 1}, {2, 2}));
  table.flush();
  ASSERT_EQ(l.ended.size(), 3u);
  EXPECT_EQ(l.ended[0].id, 100);
  EXPECT_EQ(l.ended[1].id, 101);
  EXPECT_EQ(l.ended[2].id, 102);
  EXPECT_EQ(table.stats().flows_started, 3u);
}

TEST(FlowTable, ExpiresIdleFlowAfterTimeout) {
  RecordingListener l;
  FlowTableOptions o;
  o.idle_timeout_s = 120;
  FlowTable table(o, l);
  table.add(packet(0.0, kClient, kServer));
  table.add(packet(119.999999999, kServer, kClient));  // gap just under the timeout: same flow
  table.add(packet(239.999999999, kClient, kServer));  // gap of exactly 120 s: a new flow
  ASSERT_EQ(l.ended.size(), 1u);
  EXPECT_EQ(l.ended[0].end, FlowEnd::idle_timeout);
  EXPECT_EQ(l.ended[0].total_packets(), 2u);
  EXPECT_EQ(l.ended[0].last_ns, sec(119.999999999));
  // The old flow is reported before the packet that outlived it starts the new one.
  EXPECT_EQ(l.log, (std::vector<std::string>{"P0", "P0", "E0", "P1"}));
  EXPECT_EQ(table.live_flows(), 1u);
}

TEST(FlowTable, IdleFlowsExpireWhileOtherFlowsCarryTheClock) {
  RecordingListener l;
  FlowTable table({}, l);
  table.add(packet(0.0, {1, 1}, {2, 2}));
  table.add(packet(10.0, {3, 1}, {2, 2}));
  for (int t = 20; t <= 200; t += 10) table.add(packet(t, {3, 1}, {2, 2}));
  ASSERT_EQ(l.ended.size(), 1u);
  EXPECT_EQ(l.ended[0].id, 0);
  EXPECT_EQ(l.ended[0].end, FlowEnd::idle_timeout);
  // It ended with the first packet at or after 0 + 120 s.
  auto it = std::find(l.log.begin(), l.log.end(), "E0");
  EXPECT_EQ(std::count(l.log.begin(), it, "P1"), 11);  // packets at 10, 20, ..., 110 came before
}

TEST(FlowTable, ActiveTimeoutSplitsALongFlow) {
  RecordingListener l;
  FlowTableOptions o;
  o.active_timeout_s = 1800;
  FlowTable table(o, l);
  for (int t = 0; t <= 4000; t += 10) table.add(packet(t, kClient, kServer, 100, kProtoUdp));
  table.flush();
  ASSERT_EQ(l.ended.size(), 3u);
  EXPECT_EQ(l.ended[0].end, FlowEnd::active_timeout);
  EXPECT_EQ(l.ended[0].first_ns, 0);
  EXPECT_EQ(l.ended[0].last_ns, sec(1790));  // the packet at exactly 1800 s starts the next flow
  EXPECT_EQ(l.ended[1].first_ns, sec(1800));
  EXPECT_EQ(l.ended[1].end, FlowEnd::active_timeout);
  EXPECT_EQ(l.ended[2].first_ns, sec(3600));
  EXPECT_EQ(l.ended[2].end, FlowEnd::end_of_capture);
}

TEST(FlowTable, TcpFinBothWaysEndsAfterTheLastAck) {
  RecordingListener l;
  FlowTableOptions o;
  o.tcp_close_linger_s = 5;
  FlowTable table(o, l);
  table.add(packet(0.0, kClient, kServer, 60, kProtoTcp, kTcpSyn));
  table.add(packet(0.1, kServer, kClient, 60, kProtoTcp, kTcpSyn | kTcpAck));
  table.add(packet(1.0, kClient, kServer, 52, kProtoTcp, kTcpFin | kTcpAck));
  table.add(packet(1.1, kServer, kClient, 52, kProtoTcp, kTcpFin | kTcpAck));
  table.add(packet(1.2, kClient, kServer, 52, kProtoTcp, kTcpAck));  // the last ACK joins
  EXPECT_TRUE(l.ended.empty());
  table.add(packet(6.1, kClient, kServer, 52, kProtoTcp, kTcpAck));  // after the linger: new flow
  ASSERT_EQ(l.ended.size(), 1u);
  EXPECT_EQ(l.ended[0].end, FlowEnd::tcp_fin);
  EXPECT_EQ(l.ended[0].total_packets(), 5u);
  EXPECT_EQ(l.ended[0].last_ns, sec(1.2));
  EXPECT_EQ(l.log.back(), "P1");
}

TEST(FlowTable, OneFinOnlyKeepsTheFlowOpen) {
  RecordingListener l;
  FlowTable table({}, l);
  table.add(packet(0.0, kClient, kServer, 52, kProtoTcp, kTcpFin | kTcpAck));
  table.add(packet(0.1, kClient, kServer, 52, kProtoTcp, kTcpFin | kTcpAck));  // retransmitted
  table.add(packet(10.0, kServer, kClient, 52, kProtoTcp, kTcpAck));
  table.add(packet(20.0, kClient, kServer, 52, kProtoTcp, kTcpAck));
  EXPECT_TRUE(l.ended.empty());
  EXPECT_EQ(table.live_flows(), 1u);
}

TEST(FlowTable, SynDuringTheLingerStartsANewFlowAtOnce) {
  RecordingListener l;
  FlowTable table({}, l);
  table.add(packet(0.0, kClient, kServer, 52, kProtoTcp, kTcpFin | kTcpAck));
  table.add(packet(0.1, kServer, kClient, 52, kProtoTcp, kTcpFin | kTcpAck));
  table.add(packet(0.5, kClient, kServer, 60, kProtoTcp, kTcpSyn));
  ASSERT_EQ(l.ended.size(), 1u);
  EXPECT_EQ(l.ended[0].end, FlowEnd::tcp_fin);
  EXPECT_EQ(l.ended[0].total_packets(), 2u);
  EXPECT_EQ(l.log, (std::vector<std::string>{"P0", "P0", "E0", "P1"}));
}

TEST(FlowTable, RstEndsTheFlowAndStrayPacketsJoinDuringTheLinger) {
  RecordingListener l;
  FlowTable table({}, l);
  table.add(packet(0.0, kClient, kServer));
  table.add(packet(0.1, kServer, kClient, 40, kProtoTcp, kTcpRst));
  table.add(packet(0.2, kClient, kServer));  // data in flight
  table.add(packet(0.3, kServer, kClient, 40, kProtoTcp, kTcpRst));
  table.advance(sec(0.1 + 5.0));
  ASSERT_EQ(l.ended.size(), 1u);
  EXPECT_EQ(l.ended[0].end, FlowEnd::tcp_rst);
  EXPECT_EQ(l.ended[0].total_packets(), 4u);
  EXPECT_EQ(table.live_flows(), 0u);
}

TEST(FlowTable, ZeroLingerEndsAtTheClosingPacket) {
  RecordingListener l;
  FlowTableOptions o;
  o.tcp_close_linger_s = 0;
  FlowTable table(o, l);
  table.add(packet(0.0, kClient, kServer, 52, kProtoTcp, kTcpFin | kTcpAck));
  table.add(packet(0.1, kServer, kClient, 52, kProtoTcp, kTcpFin | kTcpAck));
  ASSERT_EQ(l.ended.size(), 1u);
  table.add(packet(0.2, kClient, kServer, 52, kProtoTcp, kTcpAck));
  EXPECT_EQ(table.live_flows(), 1u);  // the last ACK is a flow of its own
}

TEST(FlowTable, TcpCloseOffKeepsOneConversation) {
  RecordingListener l;
  FlowTableOptions o;
  o.tcp_close = false;
  FlowTable table(o, l);
  table.add(packet(0.0, kClient, kServer, 60, kProtoTcp, kTcpRst));
  table.add(packet(10.0, kClient, kServer, 60, kProtoTcp, kTcpSyn));
  table.add(packet(20.0, kServer, kClient, 60, kProtoTcp, kTcpFin));
  table.add(packet(20.1, kClient, kServer, 60, kProtoTcp, kTcpFin));
  table.add(packet(60.0, kClient, kServer, 60, kProtoTcp, kTcpAck));
  table.flush();
  ASSERT_EQ(l.ended.size(), 1u);
  EXPECT_EQ(l.ended[0].total_packets(), 5u);
}

TEST(FlowTable, UdpIgnoresTcpFlagsByte) {
  RecordingListener l;
  FlowTable table({}, l);
  auto p = packet(0.0, kClient, kServer, 100, kProtoUdp);
  p.tcp_flags = kTcpRst;  // nonsense for UDP; must not end anything
  table.add(p);
  table.add(packet(1.0, kServer, kClient, 100, kProtoUdp));
  EXPECT_TRUE(l.ended.empty());
}

TEST(FlowTable, FlushEndsEveryFlowInOrderOfFirstPacket) {
  RecordingListener l;
  FlowTable table({}, l);
  table.add(packet(0.0, {1, 1}, {2, 2}));
  table.add(packet(1.0, {3, 1}, {2, 2}, 52, kProtoTcp, kTcpRst));  // closing, in its linger
  table.add(packet(2.0, {4, 1}, {2, 2}));
  table.add(packet(3.0, {1, 1}, {2, 2}));  // moves flow 0 to the back of the idle list
  table.flush();
  ASSERT_EQ(l.ended.size(), 3u);
  EXPECT_EQ(l.ended[0].id, 0);
  EXPECT_EQ(l.ended[0].end, FlowEnd::end_of_capture);
  EXPECT_EQ(l.ended[1].id, 1);
  EXPECT_EQ(l.ended[1].end, FlowEnd::tcp_rst);
  EXPECT_EQ(l.ended[2].id, 2);
  EXPECT_EQ(table.live_flows(), 0u);
  EXPECT_EQ(table.clock_ns(), 0);
}

TEST(FlowTable, FlowsNeverSpanCaptureFiles) {
  RecordingListener l;
  FlowTable table({}, l);
  table.add(packet(0.0, kClient, kServer, 100, kProtoTcp, kTcpAck, 0));
  table.add(packet(1.0, kClient, kServer, 100, kProtoTcp, kTcpAck, 0));
  // The next file may even start earlier in time.
  table.add(packet(0.5, kClient, kServer, 100, kProtoTcp, kTcpAck, 1));
  ASSERT_EQ(l.ended.size(), 1u);
  EXPECT_EQ(l.ended[0].capture, 0);
  EXPECT_EQ(l.ended[0].end, FlowEnd::end_of_capture);
  table.flush();
  ASSERT_EQ(l.ended.size(), 2u);
  EXPECT_EQ(l.ended[1].capture, 1);
  EXPECT_EQ(l.ended[1].first_ns, sec(0.5));
}

TEST(FlowTable, AdvanceExpiresByTheWallClock) {
  RecordingListener l;
  FlowTable table({}, l);
  table.add(packet(0.0, kClient, kServer));
  table.advance(sec(119.0));
  EXPECT_TRUE(l.ended.empty());
  table.advance(sec(120.0));
  ASSERT_EQ(l.ended.size(), 1u);
  EXPECT_EQ(l.ended[0].end, FlowEnd::idle_timeout);
  EXPECT_EQ(l.advances, (std::vector<int64_t>{sec(119.0), sec(120.0)}));
}

TEST(FlowTable, TimestampGoingBackwardsJoinsItsFlowWithoutMovingTheClock) {
  RecordingListener l;
  FlowTable table({}, l);
  table.add(packet(10.0, kClient, kServer));
  table.add(packet(11.0, kServer, kClient));
  table.add(packet(5.0, kClient, kServer));  // earlier than the flow's first packet
  EXPECT_EQ(table.clock_ns(), sec(11.0));
  table.add(packet(130.9, {3, 1}, {2, 2}));  // idle is measured from the clock (11 s) at its last packet
  EXPECT_TRUE(l.ended.empty());
  table.add(packet(131.0, {3, 1}, {2, 2}));
  ASSERT_EQ(l.ended.size(), 1u);
  EXPECT_EQ(l.ended[0].total_packets(), 3u);
  EXPECT_EQ(l.ended[0].first_ns, sec(10.0));
  EXPECT_EQ(l.ended[0].last_ns, sec(11.0));
  EXPECT_GE(l.ended[0].duration_s(), 0.0);
}

TEST(FlowTable, MemoryIsBoundedByLiveFlows) {
  RecordingListener l;
  FlowTableOptions o;
  o.idle_timeout_s = 10;
  FlowTable table(o, l);
  // 100 000 short flows, one new flow every 10 ms: about 1000 live at a time.
  for (int i = 0; i < 100000; ++i) {
    Endpoint a{static_cast<uint8_t>(i % 251), static_cast<uint16_t>(1024 + i % 60000)};
    table.add(packet(i * 0.01, a, kServer, 100, kProtoUdp));
    ASSERT_LE(table.live_flows(), 1001u);
  }
  EXPECT_LE(table.slot_limit(), 1001u);
  EXPECT_LE(table.stats().max_live_flows, 1001u);
  EXPECT_EQ(table.stats().flows_started, 100000u);
  EXPECT_GE(l.ended.size(), 99000u);
}

TEST(FlowTable, RejectsNonPositiveTimeouts) {
  RecordingListener l;
  FlowTableOptions o;
  o.idle_timeout_s = 0;
  EXPECT_THROW(FlowTable(o, l), Error);
  o = {};
  o.active_timeout_s = -1;
  EXPECT_THROW(FlowTable(o, l), Error);
  o = {};
  o.tcp_close_linger_s = -1;
  EXPECT_THROW(FlowTable(o, l), Error);
}

// A plain model of the table: a map, and a scan of all flows per packet.
class ReferenceTable {
 public:
  explicit ReferenceTable(FlowTableOptions o) : o_(o) {}

  void add(const capture::Packet& p) {
    clock_ = std::max(clock_, p.ts_ns);
    expire(clock_);
    auto key = key_of(p);
    auto it = flows_.find(key);
    if (it != flows_.end() && it->second.closing && p.proto == kProtoTcp && (p.tcp_flags & kTcpSyn) &&
        !(p.tcp_flags & kTcpAck)) {
      end(it, it->second.reason);
      it = flows_.end();
    }
    if (it == flows_.end()) {
      Flow f;
      f.r.id = next_id_++;
      f.r.src = p.src;
      f.r.dst = p.dst;
      f.r.sport = p.sport;
      f.r.dport = p.dport;
      f.r.proto = p.proto;
      f.r.capture = p.capture;
      f.r.first_ns = f.r.last_ns = p.ts_ns;
      f.start = f.touch = clock_;
      it = flows_.emplace(key, f).first;
    }
    Flow& f = it->second;
    size_t d = (p.src == f.r.src && p.sport == f.r.sport) ? 0 : 1;
    if (f.r.src == f.r.dst && f.r.sport == f.r.dport) d = 0;
    ++f.r.packets[d];
    f.r.bytes[d] += p.ip_len;
    f.r.last_ns = std::max(f.r.last_ns, p.ts_ns);
    if (!f.closing) f.touch = clock_;
    if (o_.tcp_close && p.proto == kProtoTcp && !f.closing) {
      if (p.tcp_flags & kTcpRst) close(f, FlowEnd::tcp_rst);
      else if (p.tcp_flags & kTcpFin) {
        f.fin |= 1 << d;
        if (f.fin == 3) close(f, FlowEnd::tcp_fin);
      }
      if (f.closing && o_.tcp_close_linger_s == 0) end(it, f.reason);
    }
  }

  void flush() {
    std::vector<Flow> rest;
    for (auto& [k, f] : flows_) rest.push_back(f);
    std::sort(rest.begin(), rest.end(), [](const Flow& a, const Flow& b) { return a.r.id < b.r.id; });
    for (auto& f : rest) {
      f.r.end = f.closing ? f.reason : FlowEnd::end_of_capture;
      ended.push_back(f.r);
    }
    flows_.clear();
    clock_ = 0;
  }

  std::vector<FlowRecord> ended;

 private:
  struct Flow {
    FlowRecord r;
    int64_t start = 0, touch = 0, close_at = 0;
    int fin = 0;
    bool closing = false;
    FlowEnd reason = FlowEnd::tcp_fin;
  };
  using Key = std::tuple<uint8_t, std::array<uint8_t, 16>, uint16_t, std::array<uint8_t, 16>, uint16_t>;

  static Key key_of(const capture::Packet& p) {
    auto a = std::make_pair(p.src.bytes, p.sport);
    auto b = std::make_pair(p.dst.bytes, p.dport);
    if (b < a) std::swap(a, b);
    return {p.proto, a.first, a.second, b.first, b.second};
  }

  void close(Flow& f, FlowEnd reason) {
    f.closing = true;
    f.reason = reason;
    f.close_at = clock_;
  }

  int64_t deadline(const Flow& f) const {
    if (f.closing) return f.close_at + sec(o_.tcp_close_linger_s);
    return std::min(f.touch + sec(o_.idle_timeout_s), f.start + sec(o_.active_timeout_s));
  }

  void expire(int64_t now) {
    for (;;) {
      auto best = flows_.end();
      for (auto it = flows_.begin(); it != flows_.end(); ++it)
        if (deadline(it->second) <= now && (best == flows_.end() || deadline(it->second) < deadline(best->second)))
          best = it;
      if (best == flows_.end()) return;
      FlowEnd why = best->second.closing ? best->second.reason
                    : best->second.touch + sec(o_.idle_timeout_s) <= best->second.start + sec(o_.active_timeout_s)
                        ? FlowEnd::idle_timeout
                        : FlowEnd::active_timeout;
      end(best, why);
    }
  }

  void end(std::map<Key, Flow>::iterator it, FlowEnd why) {
    it->second.r.end = why;
    ended.push_back(it->second.r);
    flows_.erase(it);
  }

  FlowTableOptions o_;
  std::map<Key, Flow> flows_;
  int64_t clock_ = 0;
  int64_t next_id_ = 0;
};

class CollectingListener : public FlowListener {
 public:
  void on_packet(const FlowRecord&, uint32_t, const capture::Packet&, Direction) override {}
  void on_flow_end(const FlowRecord& flow, uint32_t) override { ended.push_back(flow); }
  std::vector<FlowRecord> ended;
};

TEST(FlowTable, AgreesWithAPlainModelOnRandomTraffic) {
  std::mt19937_64 rng(7);
  for (int round = 0; round < 20; ++round) {
    FlowTableOptions o;
    o.idle_timeout_s = 5 + static_cast<double>(rng() % 30);
    o.active_timeout_s = 20 + static_cast<double>(rng() % 100);
    o.tcp_close_linger_s = static_cast<double>(rng() % 4);
    o.tcp_close = rng() % 4 != 0;
    o.expected_flows = 1;  // make the index grow
    CollectingListener l;
    FlowTable table(o, l);
    ReferenceTable ref(o);
    int64_t t = 0;
    for (int i = 0; i < 3000; ++i) {
      t += static_cast<int64_t>(rng() % 2'000'000'000);  // up to 2 s apart, distinct clocks
      Endpoint a{static_cast<uint8_t>(rng() % 6), static_cast<uint16_t>(rng() % 3)};
      Endpoint b{static_cast<uint8_t>(rng() % 6), static_cast<uint16_t>(rng() % 3)};
      uint8_t proto = rng() % 3 == 0 ? kProtoUdp : kProtoTcp;
      uint8_t flags = kTcpAck;
      int f = static_cast<int>(rng() % 20);
      if (f == 0) flags = kTcpSyn;
      else if (f < 4) flags = kTcpFin | kTcpAck;
      else if (f == 4) flags = kTcpRst;
      auto p = packet(0, a, b, static_cast<uint32_t>(40 + rng() % 1460), proto, flags);
      p.ts_ns = t;
      table.add(p);
      ref.add(p);
    }
    table.flush();
    ref.flush();
    ASSERT_EQ(l.ended.size(), ref.ended.size()) << "round " << round;
    for (size_t i = 0; i < l.ended.size(); ++i) {
      const FlowRecord& x = l.ended[i];
      const FlowRecord& y = ref.ended[i];
      ASSERT_EQ(x.id, y.id) << "round " << round << " flow " << i;
      EXPECT_EQ(x.end, y.end) << "round " << round << " flow " << i;
      EXPECT_EQ(x.packets, y.packets);
      EXPECT_EQ(x.bytes, y.bytes);
      EXPECT_EQ(x.first_ns, y.first_ns);
      EXPECT_EQ(x.last_ns, y.last_ns);
      EXPECT_EQ(x.src, y.src);
      EXPECT_EQ(x.sport, y.sport);
    }
  }
}

}  // namespace
}  // namespace flowspike::flow
