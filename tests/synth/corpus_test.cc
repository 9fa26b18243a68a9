// Generated corpora on disk: readable by flowspike's capture reader with no
// drops, the same packets as generated, valid checksums, byte-identical for a
// seed, a manifest that describes them, and readable by tshark and tcpdump.
#include "flowspike/synth/corpus.h"

#include <gtest/gtest.h>

#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "flowspike/capture/packet_source.h"
#include "flowspike/common/error.h"
#include "flowspike/synth/frame_builder.h"
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

TEST(Corpus, TsharkAndTcpdumpReadTheFilesWithoutComplaint) {
  if (!have("tshark") && !have("tcpdump")) GTEST_SKIP() << "neither tshark nor tcpdump is installed";
  flowspike::testing::TempDir dir;
  CorpusOptions o = small({"VoIP-NonVPN", "Video-Tor", "FileTransfer-VPN", "Browsing-NonVPN"});
  o.capture.ipv6_fraction = 0.5;
  const CorpusSummary s = generate_corpus(o, dir.path().string());
  for (const CaptureSummary& c : s.captures) {
    const std::string path = (dir.path() / c.file).string();
    const std::string err = dir.file("err.txt");
    if (have("tshark")) {
      const std::string out = dir.file("conv.txt");
      const int status = std::system(
          fmt::format("tshark -n -r '{}' -q -z conv,tcp -z conv,udp -z expert > '{}' 2> '{}'", path, out, err).c_str());
      ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << slurp(err);
      std::string complaints = slurp(err);
      // tshark always notes when it runs as root; anything else is a complaint.
      std::erase(complaints, '\n');
      if (complaints.find("Running as user") == 0) complaints.clear();
      EXPECT_EQ(complaints, "") << c.file;
      const std::string report = slurp(out);
      EXPECT_EQ(report.find("Errors ("), std::string::npos) << c.file << "\n" << report;
      EXPECT_EQ(report.find("Warnings ("), std::string::npos) << c.file << "\n" << report;
    }
    if (have("tcpdump")) {
      const int status = std::system(fmt::format("tcpdump -nn -r '{}' > /dev/null 2> '{}'", path, err).c_str());
      ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << slurp(err);
      const std::string complaints = slurp(err);
      EXPECT_EQ(complaints.find("warning"), std::string::npos) << complaints;
      EXPECT_EQ(complaints.find("truncated"), std::string::npos) << complaints;
    }
  }
}

}  // namespace
}  // namespace flowspike::synth
