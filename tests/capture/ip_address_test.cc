// IpAddress text in and out (RFC 5952 for IPv6) and the parse report.
#include <gtest/gtest.h>

#include "flowspike/capture/packet.h"
#include "flowspike/capture/parse_report.h"
#include "flowspike/common/error.h"

namespace flowspike::capture {
namespace {

TEST(IpAddress, Ipv4Text) {
  EXPECT_EQ(IpAddress::v4(192, 168, 0, 1).to_string(), "192.168.0.1");
  EXPECT_EQ(IpAddress::parse("10.20.30.40"), IpAddress::v4(10, 20, 30, 40));
  const uint8_t raw[4] = {1, 2, 3, 4};
  EXPECT_EQ(IpAddress::v4_from_bytes(raw), IpAddress::v4(1, 2, 3, 4));
  EXPECT_EQ(IpAddress::v4(1, 2, 3, 4).version, 4);
}

TEST(IpAddress, Ipv6TextFollowsRfc5952) {
  auto text = [](const char* in) { return IpAddress::parse(in).to_string(); };
  EXPECT_EQ(text("2001:0DB8:0000:0000:0000:0000:0000:0001"), "2001:db8::1");  // lower case, no leading zeros
  EXPECT_EQ(text("2001:db8:0:0:1:0:0:1"), "2001:db8::1:0:0:1");            // first of two equal runs
  EXPECT_EQ(text("2001:db8:0:1:1:1:1:1"), "2001:db8:0:1:1:1:1:1");         // a single zero word stays
  EXPECT_EQ(text("2001:0:0:1:0:0:0:1"), "2001:0:0:1::1");                   // the longest run wins
  EXPECT_EQ(text("::"), "::");
  EXPECT_EQ(text("::1"), "::1");
  EXPECT_EQ(text("fe80::"), "fe80::");
  EXPECT_EQ(text("::ffff:192.0.2.1"), "::ffff:192.0.2.1");                  // IPv4-mapped keeps the dotted quad
  EXPECT_EQ(text("::102:304"), "::102:304");                                // deprecated v4-compatible: plain hex
  EXPECT_EQ(text("1:2:3:4:5:6:7:8"), "1:2:3:4:5:6:7:8");
  EXPECT_EQ(IpAddress::parse("::1").version, 6);
}

TEST(IpAddress, Ipv6FromBytes) {
  uint8_t raw[16] = {0x20, 0x01, 0x0d, 0xb8};
  raw[15] = 0x42;
  EXPECT_EQ(IpAddress::v6_from_bytes(raw).to_string(), "2001:db8::42");
}

TEST(IpAddress, RejectsMalformedText) {
  for (const char* bad : {"", "1.2.3", "1.2.3.256", "1.2.3.4.5", "2001:db8::1::2", "gggg::", "10.0.0.1/8", "host"})
    EXPECT_THROW(IpAddress::parse(bad), Error) << bad;
}

TEST(IpAddress, NoAddressIsNotTheZeroAddress) {
  EXPECT_NE(IpAddress::v4(0, 0, 0, 0), IpAddress{});
  EXPECT_EQ(IpAddress{}.to_string(), "-");
}

TEST(ParseReport, NamesEveryReason) {
  EXPECT_EQ(drop_reason_name(DropReason::not_ip), "not_ip");
  EXPECT_EQ(drop_reason_name(DropReason::unknown_link_type), "unknown_link_type");
  EXPECT_EQ(drop_reason_name(DropReason::truncated_header), "truncated_header");
  EXPECT_EQ(drop_reason_name(DropReason::malformed_header), "malformed_header");
  EXPECT_EQ(drop_reason_name(DropReason::fragment_without_head), "fragment_without_head");
}

TEST(ParseReport, MergeAddsEveryCounter) {
  ParseReport a, b;
  a.packets_read = 10;
  a.packets_used = 7;
  a.packets_filtered = 1;
  a.sizes_clipped = 2;
  b.sizes_dropped = 6;
  a.drop(DropReason::not_ip, 2);
  b.packets_read = 5;
  b.packets_used = 4;
  b.drop(DropReason::not_ip);
  b.drop(DropReason::fragment_without_head);
  b.timestamps_backwards = 3;
  a.merge(b);
  EXPECT_EQ(a.packets_read, 15u);
  EXPECT_EQ(a.packets_used, 11u);
  EXPECT_EQ(a.packets_filtered, 1u);
  EXPECT_EQ(a.sizes_clipped, 2u);
  EXPECT_EQ(a.sizes_dropped, 6u);
  EXPECT_EQ(a.dropped_count(DropReason::not_ip), 3u);
  EXPECT_EQ(a.dropped_count(DropReason::fragment_without_head), 1u);
  EXPECT_EQ(a.timestamps_backwards, 3u);
  EXPECT_EQ(a.total_dropped(), 4u) << "picture-stage counts are not packet drops";
}

}  // namespace
}  // namespace flowspike::capture
