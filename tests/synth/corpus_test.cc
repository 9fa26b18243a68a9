// Generated corpora on disk: readable by flowspike's capture reader with no
// drops, the same packets as generated, valid checksums, byte-identical for a
// seed, a manifest that describes them, and readable by tshark and tcpdump.
#include "flowspike/synth/corpus.h"

#include <gtest/gtest.h>

#include <sys/wait.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "flowspike/capture/packet_source.h"
#include "flowspike/common/error.h"
#include "flowspike/synth/capture_generator.h"
#include "flowspike/synth/frame_builder.h"
#include "flowspike/synth/pcap_writer.h"
#include "support/temp_dir.h"
#include "synth/pcap_records.h"

namespace flowspike::synth {
namespace {

namespace fs = std::filesystem;

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

CorpusOptions small(std::vector<std::string> classes, uint64_t seed = 5) {
  CorpusOptions o;
  for (const auto& c : classes) o.classes.push_back(parse_traffic_class(c));
  o.captures_per_class = 1;
  o.capture.duration_s = 90;
  o.seed = seed;
  o.threads = 2;
  return o;
}

std::vector<capture::Packet> read_all(const std::string& path, capture::ParseReport* report) {
  capture::SourceOptions o;
  o.paths = {path};
  capture::PacketSource source(o);
  std::vector<capture::Packet> out;
  capture::Packet p;
  while (source.next(p)) out.push_back(p);
  *report = source.report();
  return out;
}

bool have(const char* tool) { return std::system(fmt::format("command -v {} > /dev/null 2>&1", tool).c_str()) == 0; }

TEST(Corpus, EveryClassParsesWithZeroDropsAndTheGeneratedPackets) {
  flowspike::testing::TempDir dir;
  CorpusOptions o = small({});
  o.capture.ipv6_fraction = 0.3;
  const CorpusSummary s = generate_corpus(o, dir.path().string());
  ASSERT_EQ(s.captures.size(), 14u);
  for (const CaptureSummary& c : s.captures) {
    const std::string path = (dir.path() / c.file).string();
    ASSERT_TRUE(fs::exists(path)) << c.file;
    EXPECT_EQ(fs::path(c.file).parent_path().string(), c.class_name);
    capture::ParseReport report;
    const auto packets = read_all(path, &report);
    EXPECT_EQ(report.total_dropped(), 0u) << c.file;
    EXPECT_EQ(report.packets_read, c.packets) << c.file;
    EXPECT_EQ(report.packets_used, c.packets) << c.file;
    // The reader sees what the generator made: same sizes, times, protocols.
    const GeneratedCapture g = generate_capture(parse_traffic_class(c.class_name), c.seed, o.capture);
    ASSERT_EQ(packets.size(), g.trace.packets.size());
    uint64_t bytes = 0;
    for (size_t i = 0; i < packets.size(); ++i) {
      const SynthPacket& q = g.trace.packets[i];
      const FlowSpec& f = g.trace.flows[q.flow];
      ASSERT_EQ(packets[i].ip_len, ip_length(f, q)) << c.file << " packet " << i;
      ASSERT_EQ(packets[i].ts_ns / 1000, q.ts_ns / 1000);
      ASSERT_EQ(packets[i].proto, f.proto);
      ASSERT_EQ(packets[i].sport, q.dir == 0 ? f.client.port : f.server.port);
      ASSERT_EQ(packets[i].src.version, f.client.addr.version);
      bytes += packets[i].ip_len;
    }
    EXPECT_EQ(bytes, c.bytes);
  }
}

TEST(Corpus, SameSeedGivesByteIdenticalFilesWhateverTheThreadsOrClasses) {
  flowspike::testing::TempDir a, b, c, d;
  CorpusOptions o = small({"VoIP-VPN", "Chat-Tor", "Video-NonVPN"});
  const CorpusSummary sa = generate_corpus(o, a.path().string());
  o.threads = 1;
  generate_corpus(o, b.path().string());
  CorpusOptions subset = small({"Chat-Tor"});
  generate_corpus(subset, c.path().string());
  CorpusOptions other = small({"VoIP-VPN", "Chat-Tor", "Video-NonVPN"}, 6);
  generate_corpus(other, d.path().string());
  for (const CaptureSummary& cap : sa.captures) {
    const std::string bytes = slurp(a.path() / cap.file);
    EXPECT_EQ(bytes, slurp(b.path() / cap.file)) << cap.file;
    EXPECT_NE(bytes, slurp(d.path() / cap.file)) << cap.file;
  }
  EXPECT_EQ(slurp(a.path() / capture_file_name(parse_traffic_class("Chat-Tor"), 0)),
            slurp(c.path() / capture_file_name(parse_traffic_class("Chat-Tor"), 0)));
  EXPECT_EQ(slurp(a.path() / "manifest.json"), slurp(b.path() / "manifest.json"));
}

TEST(Corpus, ManifestDescribesEveryFile) {
  flowspike::testing::TempDir dir;
  CorpusOptions o = small({"FileTransfer-VPN", "Browsing-Tor"});
  o.captures_per_class = 2;
  const CorpusSummary s = generate_corpus(o, dir.path().string());
  std::ifstream in(s.manifest);
  const nlohmann::json j = nlohmann::json::parse(in);
  EXPECT_EQ(j["format"], "flowspike-synth-manifest");
  EXPECT_EQ(j["seed"], 5);
  EXPECT_EQ(j["classes"].size(), 2u);
  ASSERT_EQ(j["captures"].size(), 4u);
  for (size_t i = 0; i < 4; ++i) {
    const auto& f = j["captures"][i];
    EXPECT_EQ(f["file"], s.captures[i].file);
    EXPECT_EQ(f["class"], s.captures[i].class_name);
    EXPECT_EQ(f["packets"], s.captures[i].packets);
    EXPECT_GT(f["flows"].get<int>(), 0);
    EXPECT_TRUE(f["parameters"].contains("duration_s"));
    EXPECT_TRUE(fs::exists(dir.path() / f["file"].get<std::string>()));
  }
  EXPECT_EQ(j["captures"][0]["label"], 8);
  EXPECT_TRUE(j["captures"][0]["parameters"].contains("vpn"));
  EXPECT_TRUE(j["captures"][2]["parameters"].contains("tor_port"));
  // No temporary files are left behind.
  for (const auto& e : fs::recursive_directory_iterator(dir.path()))
    EXPECT_FALSE(e.path().filename().string().starts_with(".")) << e.path();
}

TEST(Corpus, Ipv6AppearsOnlyWhenAsked) {
  flowspike::testing::TempDir v6, v4;
  CorpusOptions o = small({"Video-NonVPN", "VoIP-Tor", "Chat-VPN"});
  o.capture.ipv6_fraction = 1;
  generate_corpus(o, v6.path().string());
  o.capture.ipv6_fraction = 0;
  generate_corpus(o, v4.path().string());
  for (const TrafficClass& c : o.classes) {
    capture::ParseReport report;
    uint64_t six = 0;
    for (const auto& p : read_all((v6.path() / capture_file_name(c, 0)).string(), &report)) six += p.src.version == 6;
    EXPECT_GT(six, 100u) << c.name();
    six = 0;
    for (const auto& p : read_all((v4.path() / capture_file_name(c, 0)).string(), &report)) six += p.src.version == 6;
    EXPECT_EQ(six, 0u) << c.name();
  }
}

TEST(Corpus, Ipv4HeaderChecksumsAreValidAndWholeFramesHaveValidTransportChecksums) {
  flowspike::testing::TempDir dir;
  CorpusOptions o = small({"Browsing-NonVPN", "VoIP-VPN", "Chat-Tor"});
  o.capture.duration_s = 60;
  o.pcap.snaplen = 0;  // whole frames, pseudo-random payloads
  o.pcap.nanosecond = true;
  const CorpusSummary s = generate_corpus(o, dir.path().string());
  for (const CaptureSummary& c : s.captures) {
    const testing::PcapFile f = testing::read_pcap((dir.path() / c.file).string());
    ASSERT_TRUE(f.ok);
    EXPECT_EQ(f.magic, 0xa1b23c4du);
    ASSERT_EQ(f.records.size(), c.packets);
    for (const testing::PcapRecord& r : f.records) {
      ASSERT_EQ(r.caplen, r.wire_len);
      const uint16_t type = static_cast<uint16_t>(r.bytes[12] << 8 | r.bytes[13]);
      const uint8_t* ip = r.bytes.data() + 14;
      uint32_t sum = 0;
      uint32_t l4_len = 0;
      const uint8_t* l4 = nullptr;
      uint8_t proto = 0;
      if (type == 0x0800) {
        ASSERT_EQ(ipv4_header_checksum(std::span<const uint8_t>(ip, 20)), 0);
        l4_len = static_cast<uint32_t>(ip[2] << 8 | ip[3]) - 20;
        sum = checksum_add(0, std::span<const uint8_t>(ip + 12, 8));
        proto = ip[9];
        l4 = ip + 20;
      } else {
        ASSERT_EQ(type, 0x86dd);
        l4_len = static_cast<uint32_t>(ip[4] << 8 | ip[5]);
        sum = checksum_add(0, std::span<const uint8_t>(ip + 8, 32));
        proto = ip[6];
        l4 = ip + 40;
      }
      sum += proto + l4_len;
      ASSERT_EQ(checksum_finish(checksum_add(sum, std::span<const uint8_t>(l4, l4_len))), 0) << c.file;
    }
  }
}

TEST(Corpus, HeadersOnlyFilesKeepValidIpv4ChecksumsAndTrueLengths) {
  flowspike::testing::TempDir dir;
  const CorpusSummary s = generate_corpus(small({"FileTransfer-NonVPN"}), dir.path().string());
  const testing::PcapFile f = testing::read_pcap((dir.path() / s.captures[0].file).string());
  ASSERT_TRUE(f.ok);
  EXPECT_EQ(f.snaplen, 96u);
  uint64_t cut = 0;
  for (const testing::PcapRecord& r : f.records) {
    EXPECT_LE(r.caplen, 96u);
    cut += r.caplen < r.wire_len;
    if (r.bytes[12] == 0x08 && r.bytes[13] == 0x00) {
      EXPECT_EQ(ipv4_header_checksum(std::span<const uint8_t>(r.bytes.data() + 14, 20)), 0);
      const uint32_t ip_len = static_cast<uint32_t>(r.bytes[16] << 8 | r.bytes[17]);
      EXPECT_TRUE(ip_len + 14 == r.wire_len || (r.wire_len == 60 && ip_len + 14 < 60)) << ip_len << " " << r.wire_len;
    }
  }
  EXPECT_GT(cut, f.records.size() / 3);  // bulk data is cut to its headers
}

TEST(Corpus, BadOptionsAreErrorsAndWriteNothing) {
  flowspike::testing::TempDir dir;
  CorpusOptions o = small({"Chat-NonVPN"});
  o.captures_per_class = 0;
  EXPECT_THROW(generate_corpus(o, dir.file("a")), Error);
  o = small({"Chat-NonVPN"});
  o.capture.duration_s = 5;
  EXPECT_THROW(generate_corpus(o, dir.file("b")), Error);
  o = small({"Chat-NonVPN"});
  o.capture.ipv6_fraction = -1;
  EXPECT_THROW(generate_corpus(o, dir.file("c")), Error);
  o = small({"Chat-NonVPN"});
  o.pcap.snaplen = 30;
  EXPECT_THROW(generate_corpus(o, dir.file("d")), Error);
  EXPECT_TRUE(fs::is_empty(dir.path()));
  std::ofstream(dir.file("file")) << "x";
  EXPECT_THROW(generate_corpus(small({"Chat-NonVPN"}), dir.file("file")), Error);
}

// tshark reads `path` with no complaint on stderr, no expert warning or error
// and no malformed packet; tcpdump reads it with no warning.
void expect_tools_read_cleanly(const std::string& path, const flowspike::testing::TempDir& dir) {
  const std::string err = dir.file("err.txt");
  const std::string name = fs::path(path).filename().string();
  // tshark always notes when it runs as root; anything else is a complaint.
  auto complaints_in = [](std::string text) {
    std::erase(text, '\n');
    if (text.find("Running as user") == 0) text.clear();
    return text;
  };
  if (have("tshark")) {
    // One run (tshark's start-up is most of its time): the frame numbers of
    // malformed packets, then the statistics, which cover every packet.
    const std::string out = dir.file("conv.txt");
    const int status = std::system(fmt::format("tshark -n -r '{}' -Y _ws.malformed -T fields -e frame.number "
                                               "-z conv,tcp -z conv,udp -z expert > '{}' 2> '{}'",
                                               path, out, err)
                                       .c_str());
    ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << slurp(err);
    EXPECT_EQ(complaints_in(slurp(err)), "") << name;
    const std::string report = slurp(out);
    std::istringstream lines(report);
    std::string malformed;
    for (std::string line; std::getline(lines, line);)
      if (!line.empty() && line.find_first_not_of("0123456789") == std::string::npos) malformed += " " + line;
    EXPECT_EQ(malformed, "") << name << ": malformed frames";
    EXPECT_EQ(report.find("Errors ("), std::string::npos) << name << "\n" << report;
    EXPECT_EQ(report.find("Warnings ("), std::string::npos) << name << "\n" << report;
  }
  if (have("tcpdump")) {
    const int status = std::system(fmt::format("tcpdump -nn -r '{}' > /dev/null 2> '{}'", path, err).c_str());
    ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << slurp(err);
    const std::string complaints = slurp(err);
    EXPECT_EQ(complaints.find("warning"), std::string::npos) << name << ": " << complaints;
    EXPECT_EQ(complaints.find("truncated"), std::string::npos) << name << ": " << complaints;
  }
}

// The kind and port of a VPN capture as carry_over_vpn() chooses them:
// "wireguard other" for WireGuard on a random port.
std::string vpn_kind_and_port(const GeneratedCapture& g) {
  std::string kind, port;
  for (const auto& [key, value] : g.params) {
    if (key == "vpn") kind = value;
    if (key == "vpn_port") port = value;
  }
  if (kind == "wireguard" && port != "51820") port = "other";
  return kind + " " + port;
}

// Writes `g` as whole frames with zero filler, a mode the CLI does not offer:
// every tunnel header and record boundary is then in tshark's full view.
void write_whole_frames_of_zeros(const GeneratedCapture& g, const std::string& path) {
  PcapOptions options;
  options.snaplen = 0;
  PcapWriter writer(path, options);
  FrameBuilder frames(g.trace, g.host_mac, g.gateway_mac, false, 0);
  for (size_t i = 0; i < g.trace.packets.size(); ++i) {
    const FrameBuilder::Frame f = frames.build(i, writer.snaplen());
    writer.write(g.trace.packets[i].ts_ns, f.bytes, f.wire_len);
  }
  writer.close();
}

TEST(Corpus, TsharkAndTcpdumpReadTheFilesWithoutComplaint) {
  if (!have("tshark") && !have("tcpdump")) GTEST_SKIP() << "neither tshark nor tcpdump is installed";
  flowspike::testing::TempDir dir;
  CorpusOptions o = small({"VoIP-NonVPN", "Video-Tor", "FileTransfer-VPN", "Browsing-NonVPN"});
  o.capture.ipv6_fraction = 0.5;
  const CorpusSummary s = generate_corpus(o, dir.path().string());
  for (const CaptureSummary& c : s.captures) expect_tools_read_cleanly((dir.path() / c.file).string(), dir);

  // Every VPN kind on every port it may use (its dissector, or none, reads the
  // tunnel's packets): the first short Chat-VPN capture seeds that draw each,
  // headers only and whole frames of zeros, and one of each kind also with
  // whole frames of random payload.
  const std::set<std::string> every = {"openvpn-udp 1194", "openvpn-udp 443", "openvpn-udp 1197",
                                       "openvpn-udp 1198", "openvpn-tcp 443", "openvpn-tcp 1194",
                                       "wireguard 51820",  "wireguard other"};
  CaptureOptions short_capture;
  short_capture.duration_s = 30;
  short_capture.ipv6_fraction = 0.5;
  std::map<std::string, GeneratedCapture> found;
  for (uint64_t seed = 1; seed <= 400 && found.size() < every.size(); ++seed) {
    GeneratedCapture g = generate_capture(parse_traffic_class("Chat-VPN"), seed, short_capture);
    const std::string key = vpn_kind_and_port(g);
    ASSERT_TRUE(every.contains(key)) << key;
    found.try_emplace(key, std::move(g));
  }
  for (const std::string& key : every) EXPECT_TRUE(found.contains(key)) << key << " never drawn";
  const std::set<std::string> whole_frames = {"openvpn-udp 1194", "openvpn-tcp 1194", "wireguard 51820"};
  for (const auto& [key, g] : found) {
    std::string stem = key;
    std::replace(stem.begin(), stem.end(), ' ', '-');
    PcapOptions pcap;
    write_capture(g, dir.file(stem + "-headers.pcap"), pcap);
    expect_tools_read_cleanly(dir.file(stem + "-headers.pcap"), dir);
    write_whole_frames_of_zeros(g, dir.file(stem + "-zeros.pcap"));
    expect_tools_read_cleanly(dir.file(stem + "-zeros.pcap"), dir);
    if (whole_frames.contains(key)) {
      pcap.snaplen = 0;
      write_capture(g, dir.file(stem + "-random.pcap"), pcap);
      expect_tools_read_cleanly(dir.file(stem + "-random.pcap"), dir);
    }
  }
}

}  // namespace
}  // namespace flowspike::synth
