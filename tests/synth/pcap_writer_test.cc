#include "flowspike/synth/pcap_writer.h"

#include <gtest/gtest.h>

#include <vector>

#include "flowspike/common/error.h"
#include "support/temp_dir.h"
#include "synth/pcap_records.h"

namespace flowspike::synth {
namespace {

TEST(PcapWriter, WritesMicrosecondHeaderAndRecords) {
  flowspike::testing::TempDir dir;
  const std::string path = dir.file("a.pcap");
  std::vector<uint8_t> frame(100);
  for (size_t i = 0; i < frame.size(); ++i) frame[i] = static_cast<uint8_t>(i);
  {
    PcapWriter w(path, PcapOptions{false, 96});
    w.write(1'456'790'400'123'456'789, frame, 100);
    w.write(1'456'790'401'000'000'000, std::span<const uint8_t>(frame.data(), 60), 60);
    EXPECT_EQ(w.records(), 2u);
    w.close();
  }
  const auto f = testing::read_pcap(path);
  ASSERT_TRUE(f.ok);
  EXPECT_EQ(f.magic, 0xa1b2c3d4u);
  EXPECT_EQ(f.version_major, 2);
  EXPECT_EQ(f.version_minor, 4);
  EXPECT_EQ(f.snaplen, 96u);
  EXPECT_EQ(f.link_type, 1u);  // Ethernet
  ASSERT_EQ(f.records.size(), 2u);
  EXPECT_EQ(f.records[0].ts_ns, 1'456'790'400'123'456'000);  // truncated to microseconds
  EXPECT_EQ(f.records[0].caplen, 96u);                       // cut at the snaplen
  EXPECT_EQ(f.records[0].wire_len, 100u);
  EXPECT_EQ(f.records[0].bytes[95], 95);
  EXPECT_EQ(f.records[1].caplen, 60u);
}

TEST(PcapWriter, NanosecondMagicKeepsNanoseconds) {
  flowspike::testing::TempDir dir;
  const std::string path = dir.file("ns.pcap");
  std::vector<uint8_t> frame(64, 0xab);
  PcapWriter w(path, PcapOptions{true, 0});
  EXPECT_EQ(w.snaplen(), 65535u);
  w.write(5'000'000'007, frame, 64);
  w.close();
  const auto f = testing::read_pcap(path);
  ASSERT_TRUE(f.ok);
  EXPECT_EQ(f.magic, 0xa1b23c4du);
  ASSERT_EQ(f.records.size(), 1u);
  EXPECT_EQ(f.records[0].ts_ns, 5'000'000'007);
  EXPECT_EQ(f.records[0].caplen, 64u);
}

TEST(PcapWriter, UnwritablePathIsAnErrorNamingIt) {
  try {
    PcapWriter w("/nonexistent-dir/x.pcap", PcapOptions{});
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("/nonexistent-dir/x.pcap"), std::string::npos);
  }
}

TEST(PcapWriter, RejectsASnaplenTooSmallForHeaders) {
  flowspike::testing::TempDir dir;
  EXPECT_THROW(PcapWriter(dir.file("s.pcap"), PcapOptions{false, 20}), Error);
}

}  // namespace
}  // namespace flowspike::synth
