// FragmentTracker: later fragments join their head's flow; memory stays bounded.
#include "flowspike/capture/fragment_tracker.h"

#include <gtest/gtest.h>

namespace flowspike::capture {
namespace {

// A dissected fragment of datagram `id` from 10.0.0.1 to 10.0.0.2 (UDP 5000 -> 53 in the head).
DissectedFrame fragment(uint32_t id, uint32_t offset, uint32_t data_len, bool more, int64_t ts_ns = 0) {
  DissectedFrame f;
  f.packet.ts_ns = ts_ns;
  f.packet.src = IpAddress::v4(10, 0, 0, 1);
  f.packet.dst = IpAddress::v4(10, 0, 0, 2);
  f.packet.proto = kProtoUdp;
  f.packet.ip_len = 20 + data_len;
  if (offset == 0) {
    f.packet.sport = 5000;
    f.packet.dport = 53;
  }
  f.fragment = FragmentInfo{true, id, offset, data_len, more, kProtoUdp};
  return f;
}

TEST(FragmentTracker, LaterFragmentsGetTheHeadsPorts) {
  FragmentTracker tracker;
  DissectedFrame head = fragment(1, 0, 1480, true);
  EXPECT_FALSE(tracker.resolve(head).has_value());
  EXPECT_EQ(tracker.remembered(), 1u);
  DissectedFrame middle = fragment(1, 1480, 1480, true);
  EXPECT_FALSE(tracker.resolve(middle).has_value());
  EXPECT_EQ(middle.packet.sport, 5000);
  EXPECT_EQ(middle.packet.dport, 53);
  EXPECT_EQ(middle.packet.ip_len, 1500u);  // each fragment keeps its own size
  DissectedFrame last = fragment(1, 2960, 100, false);
  EXPECT_FALSE(tracker.resolve(last).has_value());
  EXPECT_EQ(last.packet.sport, 5000);
  EXPECT_EQ(tracker.remembered(), 0u);  // complete: forgotten
}

TEST(FragmentTracker, FragmentWithoutHeadIsReported) {
  FragmentTracker tracker;
  DissectedFrame later = fragment(9, 1480, 100, false);
  EXPECT_EQ(tracker.resolve(later), DropReason::fragment_without_head);
}

TEST(FragmentTracker, LastBeforeMiddleStillCompletes) {
  FragmentTracker tracker;
  DissectedFrame head = fragment(2, 0, 1000, true);
  DissectedFrame last = fragment(2, 2000, 500, false);
  DissectedFrame middle = fragment(2, 1000, 1000, true);
  ASSERT_FALSE(tracker.resolve(head).has_value());
  ASSERT_FALSE(tracker.resolve(last).has_value());
  EXPECT_EQ(tracker.remembered(), 1u);  // the middle is still missing
  ASSERT_FALSE(tracker.resolve(middle).has_value());
  EXPECT_EQ(middle.packet.dport, 53);
  EXPECT_EQ(tracker.remembered(), 0u);
}

TEST(FragmentTracker, DatagramsAreKeyedByAddressesAndId) {
  FragmentTracker tracker;
  DissectedFrame head = fragment(3, 0, 1000, true);
  ASSERT_FALSE(tracker.resolve(head).has_value());
  DissectedFrame other_id = fragment(4, 1000, 10, false);
  EXPECT_EQ(tracker.resolve(other_id), DropReason::fragment_without_head);
  DissectedFrame other_src = fragment(3, 1000, 10, false);
  other_src.packet.src = IpAddress::v4(10, 0, 0, 9);
  EXPECT_EQ(tracker.resolve(other_src), DropReason::fragment_without_head);
  DissectedFrame other_proto = fragment(3, 1000, 10, false);
  other_proto.fragment.next_header = kProtoTcp;
  EXPECT_EQ(tracker.resolve(other_proto), DropReason::fragment_without_head);
}

TEST(FragmentTracker, ForgetsAHeadAfterTheTimeout) {
  FragmentTracker tracker(FragmentTrackerOptions{.timeout_ns = 1000, .max_datagrams = 16});
  DissectedFrame head = fragment(5, 0, 1000, true, 0);
  ASSERT_FALSE(tracker.resolve(head).has_value());
  DissectedFrame in_time = fragment(5, 1000, 1000, true, 900);
  EXPECT_FALSE(tracker.resolve(in_time).has_value());
  DissectedFrame too_late = fragment(5, 2000, 10, false, 2000);
  EXPECT_EQ(tracker.resolve(too_late), DropReason::fragment_without_head);
  EXPECT_EQ(tracker.remembered(), 0u);
}

TEST(FragmentTracker, MemoryIsBoundedOldestGoesFirst) {
  FragmentTracker tracker(FragmentTrackerOptions{.timeout_ns = 1'000'000'000, .max_datagrams = 4});
  for (uint32_t id = 0; id < 10; ++id) {
    DissectedFrame head = fragment(id, 0, 1000, true, id);
    ASSERT_FALSE(tracker.resolve(head).has_value());
    EXPECT_LE(tracker.remembered(), 4u);
  }
  DissectedFrame oldest = fragment(0, 1000, 10, false, 20);
  EXPECT_EQ(tracker.resolve(oldest), DropReason::fragment_without_head);
  DissectedFrame newest = fragment(9, 1000, 10, false, 20);
  EXPECT_FALSE(tracker.resolve(newest).has_value());
}

TEST(FragmentTracker, UnfragmentedPacketsPassUntouched) {
  FragmentTracker tracker;
  DissectedFrame whole;
  whole.packet.sport = 80;
  EXPECT_FALSE(tracker.resolve(whole).has_value());
  EXPECT_EQ(whole.packet.sport, 80);
  EXPECT_EQ(tracker.remembered(), 0u);
}

TEST(FragmentTracker, Ipv6HeadProtocolReachesLaterFragments) {
  // The head's next header may be an extension header; the transport protocol comes from the head.
  FragmentTracker tracker;
  DissectedFrame head;
  head.packet.src = IpAddress::parse("2001:db8::1");
  head.packet.dst = IpAddress::parse("2001:db8::2");
  head.packet.proto = kProtoTcp;
  head.packet.sport = 1234;
  head.packet.dport = 443;
  head.fragment = FragmentInfo{true, 77, 0, 1232, true, 60};  // destination options follow the fragment header
  ASSERT_FALSE(tracker.resolve(head).has_value());
  DissectedFrame later;
  later.packet.src = head.packet.src;
  later.packet.dst = head.packet.dst;
  later.packet.proto = 60;
  later.fragment = FragmentInfo{true, 77, 1232, 100, false, 60};
  ASSERT_FALSE(tracker.resolve(later).has_value());
  EXPECT_EQ(later.packet.proto, kProtoTcp);
  EXPECT_EQ(later.packet.dport, 443);
}

}  // namespace
}  // namespace flowspike::capture
