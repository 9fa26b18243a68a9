// The real captures of ../shared/data/real (skipped when absent): every file
// reads cleanly, and headers-only captures give true IP sizes. Reference
// figures come from tshark (`-T fields -e ip.len -e ipv6.plen`).
#include <gtest/gtest.h>

#include <algorithm>

#include "flowspike/capture/packet_source.h"
#include "support/temp_dir.h"

namespace flowspike::capture {
namespace {

SourceOptions options(std::vector<std::string> paths) {
  SourceOptions o;
  o.paths = std::move(paths);
  return o;
}

TEST(RealCaptures, EveryCaptureReadsCleanly) {
  FLOWSPIKE_REQUIRE_SHARED_DATA("real");
  std::vector<std::string> dirs;
  for (const char* sub : {"real/ndpi", "real/requet"})
    if (!testing::shared_data(sub).empty()) dirs.push_back(testing::shared_data(sub).string());
  PacketSource source(options(dirs));
  Packet p;
  while (source.next(p)) {
    ASSERT_GE(p.capture, 0);
    ASSERT_GT(p.ip_len, 0u);
  }
  ASSERT_FALSE(source.captures().empty());
  for (const CaptureInfo& info : source.captures()) {
    SCOPED_TRACE(info.path);
    EXPECT_FALSE(info.skipped);
    EXPECT_FALSE(info.truncated) << info.problem;
    EXPECT_GT(info.report.packets_used, 0u);
    EXPECT_EQ(info.report.dropped_count(DropReason::unknown_link_type), 0u);
    EXPECT_EQ(info.report.dropped_count(DropReason::malformed_header), 0u);
    const ParseReport& r = info.report;
    EXPECT_EQ(r.packets_read, r.packets_used + r.total_dropped());
  }
}

TEST(RealCaptures, HeadersOnlyRequetCaptureGivesTrueSizes) {
  FLOWSPIKE_REQUIRE_SHARED_DATA("real/requet/baseline_May12_exp_318.pcap");
  PacketSource source(options({testing::shared_data("real/requet/baseline_May12_exp_318.pcap").string()}));
  Packet p;
  uint64_t packets = 0, bytes = 0;
  uint32_t largest = 0;
  while (source.next(p)) {
    ++packets;
    bytes += p.ip_len;
    largest = std::max(largest, p.ip_len);
    ASSERT_LE(p.ip_len + 14, p.wire_len);
  }
  // tshark: 9013 IPv4 + 6 IPv6 packets, 2 ARP, sum of IP lengths 10 719 397 bytes.
  EXPECT_EQ(packets, 9019u);
  EXPECT_EQ(bytes, 10'719'397u);
  EXPECT_EQ(source.report().dropped_count(DropReason::not_ip), 2u);
  EXPECT_GT(largest, 1400u);  // captured length is at most 72 bytes
}

}  // namespace
}  // namespace flowspike::capture
