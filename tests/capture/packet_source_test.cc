// PacketSource on small capture files written into a TempDir: formats, byte
// orders, truncation, bad files, link types, directories, time order, filters.
#include "flowspike/capture/packet_source.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "capture/capture_writer.h"
#include "flowspike/capture/frame_parser.h"
#include "flowspike/common/error.h"
#include "support/temp_dir.h"

namespace flowspike::capture {
namespace {

using testing::Bytes;
using testing::cat;
using testing::ipv4_frame;
using testing::PcapLayout;
using testing::TempDir;
using testing::TestRecord;

constexpr int64_t kSecond = 1'000'000'000;
constexpr int64_t kT0 = 1'600'000'000 * kSecond;

SourceOptions options(std::vector<std::string> paths, bool keep_going = false, std::string filter = "") {
  SourceOptions o;
  o.paths = std::move(paths);
  o.keep_going = keep_going;
  o.bpf_filter = std::move(filter);
  return o;
}

// The IPv4 packet of ipv4_frame() without its Ethernet header, for raw-IP captures.
Bytes raw_ipv4(uint8_t proto, uint16_t sport, uint16_t dport) {
  Bytes frame = ipv4_frame(proto, sport, dport);
  return Bytes(frame.begin() + 14, frame.end());
}

std::vector<TestRecord> three_packets(int64_t start_ns = kT0) {
  return {{start_ns, ipv4_frame(6, 1000, 80, 60)},
          {start_ns + 1'234'567'000, ipv4_frame(6, 80, 1000, 1500)},
          {start_ns + 2 * kSecond, ipv4_frame(17, 5000, 53, 100)}};
}

std::vector<Packet> read_all(PacketSource& source) {
  std::vector<Packet> out;
  Packet p;
  while (source.next(p)) out.push_back(p);
  return out;
}

std::vector<Packet> read_all(SourceOptions options) {
  PacketSource source(std::move(options));
  return read_all(source);
}

std::string error_of(SourceOptions options) {
  try {
    PacketSource source(std::move(options));
    read_all(source);
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

// The report's packets add up: read = filtered + used + dropped.
void expect_balanced(const ParseReport& r) {
  EXPECT_EQ(r.packets_read, r.packets_filtered + r.packets_used + r.total_dropped());
}

TEST(PacketSource, ReadsMicrosecondPcap) {
  TempDir dir;
  testing::write_pcap(dir.file("a.pcap"), link_type::kEthernet, three_packets());
  PacketSource source(options({dir.file("a.pcap")}));
  std::vector<Packet> packets = read_all(source);
  ASSERT_EQ(packets.size(), 3u);
  EXPECT_EQ(packets[0].ts_ns, kT0);
  EXPECT_EQ(packets[1].ts_ns, kT0 + 1'234'567'000);
  EXPECT_EQ(packets[1].ip_len, 1500u);
  EXPECT_EQ(packets[1].wire_len, 1514u);
  EXPECT_EQ(packets[1].sport, 80);
  EXPECT_EQ(packets[2].proto, kProtoUdp);
  EXPECT_EQ(packets[2].capture, 0);
  const CaptureInfo& info = source.captures().at(0);
  EXPECT_EQ(info.format, "pcap");
  EXPECT_EQ(info.link_type, "EN10MB");
  EXPECT_EQ(info.link_type_code, 1);
  EXPECT_EQ(info.packets, 3u);
  EXPECT_EQ(info.first_ns, kT0);
  EXPECT_EQ(info.last_ns, kT0 + 2 * kSecond);
  EXPECT_FALSE(info.truncated);
  EXPECT_TRUE(info.problem.empty());
  EXPECT_EQ(source.report().packets_read, 3u);
  EXPECT_EQ(source.report().packets_used, 3u);
  EXPECT_DOUBLE_EQ(source.progress(), 1.0);
}

TEST(PacketSource, ReadsNanosecondPcap) {
  TempDir dir;
  std::vector<TestRecord> records = {{kT0 + 123'456'789, ipv4_frame(6, 1, 2)}, {kT0 + 999'999'999, ipv4_frame(6, 2, 1)}};
  testing::write_pcap(dir.file("ns.pcap"), link_type::kEthernet, records, PcapLayout{.nanosecond = true});
  PacketSource source(options({dir.file("ns.pcap")}));
  std::vector<Packet> packets = read_all(source);
  ASSERT_EQ(packets.size(), 2u);
  EXPECT_EQ(packets[0].ts_ns, kT0 + 123'456'789);
  EXPECT_EQ(packets[1].ts_ns, kT0 + 999'999'999);
  EXPECT_EQ(source.captures()[0].format, "pcap-ns");
}

TEST(PacketSource, ReadsSwappedByteOrder) {
  TempDir dir;
  testing::write_pcap(dir.file("be.pcap"), link_type::kEthernet, three_packets(), PcapLayout{.big_endian = true});
  testing::write_pcap(dir.file("be-ns.pcap"), link_type::kEthernet, three_packets(kT0 + 10 * kSecond),
                      PcapLayout{.nanosecond = true, .big_endian = true});
  PacketSource source(options({dir.file("be.pcap"), dir.file("be-ns.pcap")}));
  std::vector<Packet> packets = read_all(source);
  ASSERT_EQ(packets.size(), 6u);
  EXPECT_EQ(packets[1].ts_ns, kT0 + 1'234'567'000);
  EXPECT_EQ(packets[1].ip_len, 1500u);
  EXPECT_EQ(packets[4].ts_ns, kT0 + 10 * kSecond + 1'234'567'000);
  EXPECT_EQ(source.captures()[1].format, "pcap-ns");
}

TEST(PacketSource, ReadsPcapngWhateverTheExtension) {
  TempDir dir;
  testing::write_pcapng(dir.file("lying.pcap"), link_type::kEthernet, three_packets());
  testing::write_pcapng(dir.file("ns.cap"), link_type::kEthernet, {{kT0 + 50 * kSecond + 7, ipv4_frame(6, 1, 2)}}, 9);
  PacketSource source(options({dir.file("lying.pcap"), dir.file("ns.cap")}));
  std::vector<Packet> packets = read_all(source);
  ASSERT_EQ(packets.size(), 4u);
  EXPECT_EQ(packets[1].ts_ns, kT0 + 1'234'567'000);
  EXPECT_EQ(packets[3].ts_ns, kT0 + 50 * kSecond + 7);
  EXPECT_EQ(source.captures()[0].format, "pcapng");
  EXPECT_EQ(source.captures()[1].format, "pcapng");
}

TEST(PacketSource, ReadsUpToTheCutOfATruncatedFile) {
  TempDir dir;
  const std::string path = dir.file("killed.pcap");
  testing::write_pcap(path, link_type::kEthernet, three_packets());
  // Cut 10 bytes into the last record's data (killed tcpdump).
  auto size = std::filesystem::file_size(path);
  std::filesystem::resize_file(path, size - (14 + 100) + 10);
  PacketSource source(options({path}));
  EXPECT_EQ(read_all(source).size(), 2u);
  const CaptureInfo& info = source.captures()[0];
  EXPECT_TRUE(info.truncated);
  EXPECT_NE(info.problem.find("after 2 packets"), std::string::npos) << info.problem;
  EXPECT_EQ(info.packets, 2u);
}

TEST(PacketSource, ReadsUpToACutInsideARecordHeader) {
  TempDir dir;
  const std::string path = dir.file("cut-header.pcapng");
  testing::write_pcapng(path, link_type::kEthernet, three_packets());
  auto size = std::filesystem::file_size(path);
  std::filesystem::resize_file(path, size - (32 + 116) + 6);  // 6 bytes of the last block
  PacketSource source(options({path}));
  EXPECT_EQ(read_all(source).size(), 2u);
  EXPECT_TRUE(source.captures()[0].truncated);
}

TEST(PacketSource, FileCutInsideItsFirstRecordIsAnError) {
  TempDir dir;
  const std::string path = dir.file("stub.pcap");
  testing::write_pcap(path, link_type::kEthernet, three_packets());
  std::filesystem::resize_file(path, 24 + 10);  // the file header and 10 bytes of the first record header
  std::string error = error_of(options({path}));
  EXPECT_NE(error.find("stub.pcap: damaged before its first packet"), std::string::npos) << error;
  testing::write_pcap(dir.file("good.pcap"), link_type::kEthernet, three_packets());
  PacketSource source(options({path, dir.file("good.pcap")}, true));
  EXPECT_EQ(read_all(source).size(), 3u);
  EXPECT_TRUE(source.captures()[1].skipped);
}

// A pcapng file whose interfaces are raw IP (0) and Ethernet (1), as mergecap
// writes from one capture of each; `before` raw packets come before the
// Ethernet interface.
void write_mixed_link_types(const std::string& path, size_t before) {
  std::vector<TestRecord> raw;
  for (size_t i = 0; i < before; ++i) raw.push_back({kT0 + static_cast<int64_t>(i) * kSecond, raw_ipv4(6, 1, 2)});
  Bytes bytes = cat({testing::pcapng_bytes(link_type::kRaw, raw), testing::pcapng_interface_block(link_type::kEthernet),
                     testing::pcapng_packet_block(1, {kT0 + 10 * kSecond, ipv4_frame(6, 3, 4)}),
                     testing::pcapng_packet_block(0, {kT0 + 11 * kSecond, raw_ipv4(6, 1, 2)})});
  testing::detail::write_file(path, bytes);
}

TEST(PacketSource, MixedLinkTypePcapngSaysSoAndIsReadUpToTheSecondType) {
  TempDir dir;
  const std::string path = dir.file("multi.pcapng");
  write_mixed_link_types(path, 2);
  PacketSource source(options({path}));
  EXPECT_EQ(read_all(source).size(), 2u);
  const CaptureInfo& info = source.captures()[0];
  EXPECT_TRUE(info.truncated);
  EXPECT_NE(info.problem.find("interfaces have different link types, which libpcap cannot read"), std::string::npos)
      << info.problem;
  EXPECT_NE(info.problem.find("read the 2 packets before"), std::string::npos) << info.problem;
  // The advice names each interface's own encapsulation: raw IP first, Ethernet second.
  EXPECT_NE(info.problem.find("-T rawip for the interfaces of link type RAW"), std::string::npos) << info.problem;
  EXPECT_NE(info.problem.find("-T ether for the interfaces of link type EN10MB (1)"), std::string::npos)
      << info.problem;
  EXPECT_EQ(info.problem.find("cut off"), std::string::npos) << info.problem;
}

TEST(PacketSource, MixedLinkTypePcapngWithNothingReadableIsAnErrorUnlessKeepGoing) {
  TempDir dir;
  const std::string path = dir.file("multi.pcapng");
  write_mixed_link_types(path, 0);
  std::string error = error_of(options({path}));
  EXPECT_NE(error.find("multi.pcapng: pcapng file whose interfaces have different link types"), std::string::npos)
      << error;
  testing::write_pcap(dir.file("good.pcap"), link_type::kEthernet, three_packets());
  PacketSource source(options({path, dir.file("good.pcap")}, true));
  EXPECT_EQ(read_all(source).size(), 3u);
  ASSERT_EQ(source.captures().size(), 2u);
  EXPECT_TRUE(source.captures()[1].skipped);
  EXPECT_NE(source.captures()[1].problem.find("different link types"), std::string::npos);
}

TEST(PacketSource, ReadsEveryLinkTypeAsLibpcapReportsIt) {
  TempDir dir;
  const Bytes ip = raw_ipv4(6, 1000, 80);
  struct Case {
    int file_link_type;   // as written in the file header (LINKTYPE_*)
    std::string dlt_name; // as libpcap reports it
    Bytes header;         // link-layer header before the IPv4 packet
  };
  const std::vector<Case> cases = {
      {0, "NULL", {0x02, 0, 0, 0}},
      {1, "EN10MB", {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 0x08, 0x00}},
      {101, "RAW", {}},
      {108, "LOOP", {0, 0, 0, 0x02}},
      {113, "LINUX_SLL", {0, 0, 0, 1, 0, 6, 0, 1, 2, 3, 4, 5, 0, 0, 0x08, 0x00}},
      {228, "IPV4", {}},
      {276, "LINUX_SLL2", {0x08, 0x00, 0, 0, 0, 0, 0, 1, 0, 1, 0, 6, 0, 1, 2, 3, 4, 5, 0, 0}},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.dlt_name);
    std::string path = dir.file(c.dlt_name + ".pcap");
    testing::write_pcap(path, c.file_link_type, {{kT0, cat({c.header, ip})}});
    PacketSource source(options({path}));
    std::vector<Packet> packets = read_all(source);
    ASSERT_EQ(packets.size(), 1u);
    EXPECT_EQ(packets[0].dport, 80);
    EXPECT_EQ(packets[0].ip_len, 60u);
    EXPECT_EQ(source.captures()[0].link_type, c.dlt_name);
  }
}

TEST(PacketSource, EmptyFileIsAnErrorNamingIt) {
  TempDir dir;
  std::ofstream(dir.file("empty.pcap")).close();
  std::string error = error_of(options({dir.file("empty.pcap")}));
  EXPECT_NE(error.find("empty.pcap"), std::string::npos) << error;
  EXPECT_NE(error.find("empty"), std::string::npos) << error;
}

TEST(PacketSource, NonCaptureFileIsAnErrorNamingIt) {
  TempDir dir;
  std::ofstream(dir.file("notes.pcap")) << "these are not packets\n";
  std::string error = error_of(options({dir.file("notes.pcap")}));
  EXPECT_NE(error.find("notes.pcap"), std::string::npos) << error;
  EXPECT_NE(error.find("not a pcap or pcapng"), std::string::npos) << error;
}

TEST(PacketSource, CompressedCaptureSaysSo) {
  TempDir dir;
  std::ofstream(dir.file("a.pcap.gz"), std::ios::binary) << std::string("\x1f\x8b\x08\x00rest", 8);
  std::string error = error_of(options({dir.file("a.pcap.gz")}));
  EXPECT_NE(error.find("a.pcap.gz: gzip-compressed"), std::string::npos) << error;
}

TEST(PacketSource, FileCutInsideItsHeaderIsAnError) {
  TempDir dir;
  const std::string path = dir.file("stub.pcap");
  testing::write_pcap(path, link_type::kEthernet, {});
  std::filesystem::resize_file(path, 10);
  std::string error = error_of(options({path}));
  EXPECT_NE(error.find("stub.pcap"), std::string::npos) << error;
}

TEST(PacketSource, MissingPathIsAnError) {
  TempDir dir;
  std::string error = error_of(options({dir.file("nowhere.pcap")}));
  EXPECT_NE(error.find("nowhere.pcap: no such file"), std::string::npos) << error;
}

TEST(PacketSource, KeepGoingSkipsBadFilesAndSaysWhy) {
  TempDir dir;
  testing::write_pcap(dir.file("good.pcap"), link_type::kEthernet, three_packets());
  std::ofstream(dir.file("bad.pcap")) << "garbage";
  std::ofstream(dir.file("empty.pcap")).close();
  PacketSource source(
      options({dir.file("bad.pcap"), dir.file("good.pcap"), dir.file("empty.pcap"), dir.file("missing.pcap")}, true));
  std::vector<Packet> packets = read_all(source);
  ASSERT_EQ(packets.size(), 3u);
  ASSERT_EQ(source.captures().size(), 4u);
  EXPECT_EQ(source.captures()[0].path, dir.file("good.pcap"));  // readable files first
  EXPECT_EQ(packets[0].capture, 0);
  int skipped = 0;
  for (const CaptureInfo& info : source.captures()) {
    if (!info.skipped) continue;
    ++skipped;
    EXPECT_FALSE(info.problem.empty()) << info.path;
    EXPECT_EQ(info.packets, 0u);
  }
  EXPECT_EQ(skipped, 3);
}

TEST(PacketSource, KeepGoingStillFailsWhenNothingIsReadable) {
  TempDir dir;
  std::ofstream(dir.file("bad.pcap")) << "garbage";
  std::string error = error_of(options({dir.file("bad.pcap")}, true));
  EXPECT_NE(error.find("bad.pcap"), std::string::npos) << error;
}

TEST(PacketSource, UnknownLinkTypeIsAnErrorWithoutKeepGoing) {
  TempDir dir;
  testing::write_pcap(dir.file("usb.pcap"), 189, {{kT0, Bytes(64, 0)}});  // USB_LINUX
  std::string error = error_of(options({dir.file("usb.pcap")}));
  EXPECT_NE(error.find("usb.pcap"), std::string::npos) << error;
  EXPECT_NE(error.find("USB_LINUX"), std::string::npos) << error;
  EXPECT_NE(error.find("not one flowspike decodes"), std::string::npos) << error;
}

TEST(PacketSource, UnknownLinkTypeWithKeepGoingCountsEveryPacket) {
  TempDir dir;
  testing::write_pcap(dir.file("usb.pcap"), 189, {{kT0, Bytes(64, 0)}, {kT0 + 1, Bytes(64, 0)}});
  testing::write_pcap(dir.file("good.pcap"), link_type::kEthernet, three_packets());
  PacketSource source(options({dir.file("usb.pcap"), dir.file("good.pcap")}, true));
  EXPECT_EQ(read_all(source).size(), 3u);
  const CaptureInfo& usb = source.captures()[0];
  EXPECT_EQ(usb.link_type_code, 189);
  EXPECT_FALSE(usb.skipped);
  EXPECT_NE(usb.problem.find("unknown_link_type"), std::string::npos) << usb.problem;
  EXPECT_EQ(usb.report.dropped_count(DropReason::unknown_link_type), 2u);
  EXPECT_EQ(source.report().dropped_count(DropReason::unknown_link_type), 2u);
  expect_balanced(source.report());
}

TEST(PacketSource, DirectoriesAreSearchedRecursivelyAndFilesReadInTimeOrder) {
  TempDir dir;
  std::filesystem::create_directories(dir.path() / "day2" / "deep");
  testing::write_pcap(dir.file("a-late.pcap"), link_type::kEthernet, three_packets(kT0 + 1000 * kSecond));
  testing::write_pcapng(dir.file("day2/deep/b-early.pcapng"), link_type::kEthernet, three_packets(kT0));
  testing::write_pcap(dir.file("day2/no-extension"), link_type::kRaw, {{kT0 + 500 * kSecond, raw_ipv4(6, 1, 2)}});
  std::ofstream(dir.file("README.txt")) << "not a capture, ignored in directories\n";
  std::ofstream(dir.file(".hidden.pcap")) << "ignored\n";

  EXPECT_EQ(expand_capture_paths({dir.path().string()}).size(), 3u);
  PacketSource source(options({dir.path().string()}));
  std::vector<Packet> packets = read_all(source);
  ASSERT_EQ(packets.size(), 7u);
  ASSERT_EQ(source.captures().size(), 3u);
  EXPECT_NE(source.captures()[0].path.find("b-early"), std::string::npos);
  EXPECT_NE(source.captures()[1].path.find("no-extension"), std::string::npos);
  EXPECT_NE(source.captures()[2].path.find("a-late"), std::string::npos);
  EXPECT_EQ(source.captures()[1].link_type, "RAW");
  for (size_t i = 1; i < packets.size(); ++i) EXPECT_LE(packets[i - 1].ts_ns, packets[i].ts_ns);
  EXPECT_EQ(packets[0].capture, 0);
  EXPECT_EQ(packets[3].capture, 1);
  EXPECT_EQ(packets[6].capture, 2);
}

TEST(PacketSource, EmptyDirectoryIsAnError) {
  TempDir dir;
  std::ofstream(dir.file("README.txt")) << "nothing to read\n";
  std::string error = error_of(options({dir.path().string()}));
  EXPECT_NE(error.find("no capture files found"), std::string::npos) << error;
}

TEST(PacketSource, SameFileNamedTwiceIsReadOnce) {
  TempDir dir;
  testing::write_pcap(dir.file("a.pcap"), link_type::kEthernet, three_packets());
  EXPECT_EQ(read_all(options({dir.file("a.pcap"), dir.path().string()})).size(), 3u);
}

TEST(PacketSource, BpfFilterSelectsPacketsAndCountsTheRest) {
  TempDir dir;
  testing::write_pcap(dir.file("a.pcap"), link_type::kEthernet, three_packets());
  testing::write_pcap(dir.file("raw.pcap"), link_type::kRaw,
                      {{kT0 + 100 * kSecond, raw_ipv4(17, 5000, 53)}});
  PacketSource source(options({dir.file("a.pcap"), dir.file("raw.pcap")}, false, "udp port 53"));
  std::vector<Packet> packets = read_all(source);
  ASSERT_EQ(packets.size(), 2u);  // compiled per file: both link types match
  EXPECT_EQ(packets[0].dport, 53);
  EXPECT_EQ(packets[1].capture, 1);
  EXPECT_EQ(source.report().packets_filtered, 2u);
  EXPECT_EQ(source.report().packets_read, 4u);
  expect_balanced(source.report());
}

TEST(PacketSource, BadFilterIsAnError) {
  TempDir dir;
  testing::write_pcap(dir.file("a.pcap"), link_type::kEthernet, three_packets());
  std::string error = error_of(options({dir.file("a.pcap")}, false, "tcp and and"));
  EXPECT_NE(error.find("filter"), std::string::npos) << error;
  EXPECT_NE(error.find("a.pcap"), std::string::npos) << error;
}

TEST(PacketSource, TimestampsGoingBackwardsAreKeptAndCounted) {
  TempDir dir;
  testing::write_pcap(dir.file("a.pcap"), link_type::kEthernet,
                      {{kT0 + 10, ipv4_frame(6, 1, 2)},
                       {kT0 + 30'000, ipv4_frame(6, 1, 2)},
                       {kT0 + 20'000, ipv4_frame(6, 1, 2)},   // earlier than the one before
                       {kT0 + 25'000, ipv4_frame(6, 1, 2)},   // still earlier than the latest
                       {kT0 + 30'000, ipv4_frame(6, 1, 2)},   // equal is fine
                       {kT0 + 40'000, ipv4_frame(6, 1, 2)}});
  PacketSource source(options({dir.file("a.pcap")}));
  std::vector<Packet> packets = read_all(source);
  ASSERT_EQ(packets.size(), 6u);
  EXPECT_EQ(source.report().timestamps_backwards, 2u);
  EXPECT_EQ(source.report().total_dropped(), 0u);
  EXPECT_EQ(packets[2].ts_ns, kT0 + 20'000);  // in file order, with their own timestamps
  EXPECT_EQ(source.captures()[0].last_ns, kT0 + 40'000);
}

TEST(PacketSource, EachFileHasItsOwnClock) {
  TempDir dir;
  // The second file starts later but contains earlier packets than the first file's last.
  testing::write_pcap(dir.file("a.pcap"), link_type::kEthernet, {{kT0, ipv4_frame(6, 1, 2)}, {kT0 + 100 * kSecond, ipv4_frame(6, 1, 2)}});
  testing::write_pcap(dir.file("b.pcap"), link_type::kEthernet, {{kT0 + kSecond, ipv4_frame(6, 1, 2)}});
  PacketSource source(options({dir.file("a.pcap"), dir.file("b.pcap")}));
  EXPECT_EQ(read_all(source).size(), 3u);
  EXPECT_EQ(source.report().total_dropped(), 0u);
}

TEST(PacketSource, CountsUnusablePacketsByReason) {
  TempDir dir;
  Bytes arp = cat({Bytes(12, 0xff), {0x08, 0x06}, Bytes(28, 0)});
  Bytes cut = ipv4_frame(6, 1, 2);
  cut.resize(30);
  testing::write_pcap(dir.file("a.pcap"), link_type::kEthernet,
                      {{kT0, arp}, {kT0 + 1, ipv4_frame(6, 1, 2)}, {kT0 + 2, cut, 74}});
  PacketSource source(options({dir.file("a.pcap")}));
  EXPECT_EQ(read_all(source).size(), 1u);
  const ParseReport& r = source.captures()[0].report;
  EXPECT_EQ(r.dropped_count(DropReason::not_ip), 1u);
  EXPECT_EQ(r.dropped_count(DropReason::truncated_header), 1u);
  EXPECT_EQ(r.packets_used, 1u);
  expect_balanced(r);
}

TEST(PacketSource, LaterFragmentsJoinTheirHead) {
  TempDir dir;
  Bytes head = ipv4_frame(17, 5000, 53, 1500);
  head[14 + 6] = 0x20;  // MF
  Bytes later = ipv4_frame(17, 0, 0, 528);
  later[14 + 6] = 0x00;
  later[14 + 7] = 1480 / 8;
  Bytes orphan = later;
  orphan[14 + 5] = 99;  // another datagram id
  testing::write_pcap(dir.file("frag.pcap"), link_type::kEthernet,
                      {{kT0, head}, {kT0 + 1000, later}, {kT0 + 2000, orphan}});
  PacketSource source(options({dir.file("frag.pcap")}));
  std::vector<Packet> packets = read_all(source);
  ASSERT_EQ(packets.size(), 2u);
  EXPECT_EQ(packets[1].sport, 5000);
  EXPECT_EQ(packets[1].dport, 53);
  EXPECT_EQ(packets[1].ip_len, 528u);
  EXPECT_EQ(source.report().dropped_count(DropReason::fragment_without_head), 1u);
}

TEST(PacketSource, FileWithoutPackets) {
  TempDir dir;
  testing::write_pcap(dir.file("none.pcap"), link_type::kEthernet, {});
  PacketSource source(options({dir.file("none.pcap")}));
  EXPECT_TRUE(read_all(source).empty());
  EXPECT_EQ(source.captures()[0].packets, 0u);
  EXPECT_EQ(source.captures()[0].first_ns, 0);
}

}  // namespace
}  // namespace flowspike::capture
