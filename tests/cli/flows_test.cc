// `flowspike flows` end to end: runs the built binary on generated captures.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cli/run_flowspike.h"
#include "support/pcap_writer.h"
#include "support/temp_dir.h"

namespace flowspike {
namespace {

namespace fs = std::filesystem;
using testing::PcapWriter;
using testing::TempDir;

using CliResult = testing::CliRun;

CliResult flowspike(const TempDir& dir, const std::string& args) { return testing::run_flowspike(dir, args); }

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) lines.push_back(line);
  return lines;
}

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

constexpr int64_t kT0 = 1'500'000'000'000'000'000;
constexpr int64_t kSec = 1'000'000'000;
const PcapWriter::Ipv4 kClient{10, 0, 0, 1}, kServer{10, 0, 0, 2}, kDns{10, 0, 0, 53};

// A TCP connection (handshake, data, FIN both ways, last ACK), then a second
// one on the same ports 10 s later, and a DNS exchange over UDP.
void write_capture(const std::string& path, int64_t t0 = kT0) {
  PcapWriter w(path);
  w.ipv4(t0, kClient, kServer, 40000, 443, 6, 60, 0x02);
  w.ipv4(t0 + kSec / 10, kServer, kClient, 443, 40000, 6, 60, 0x12);
  w.ipv4(t0 + 2 * kSec / 10, kClient, kServer, 40000, 443, 6, 52, 0x10);
  w.ipv4(t0 + 3 * kSec / 10, kDns, kClient, 53, 5353, 17, 120);
  w.ipv4(t0 + kSec, kClient, kServer, 40000, 443, 6, 500, 0x18);
  w.ipv4(t0 + 2 * kSec, kServer, kClient, 443, 40000, 6, 1500, 0x10);
  w.ipv4(t0 + 3 * kSec, kClient, kServer, 40000, 443, 6, 52, 0x11);
  w.ipv4(t0 + 3 * kSec + kSec / 10, kServer, kClient, 443, 40000, 6, 52, 0x11);
  w.ipv4(t0 + 3 * kSec + 2 * kSec / 10, kClient, kServer, 40000, 443, 6, 52, 0x10);
  w.ipv4(t0 + 13 * kSec, kClient, kServer, 40000, 443, 6, 60, 0x02);
  w.ipv4(t0 + 14 * kSec, kServer, kClient, 443, 40000, 6, 60, 0x12);
}

TEST(CliFlows, WritesOneCsvRecordPerFlowToStdout) {
  TempDir dir;
  write_capture(dir.file("a.pcap"));
  CliResult r = flowspike(dir, "flows -r " + dir.file("a.pcap"));
  ASSERT_EQ(r.code, 0) << r.err;
  auto lines = lines_of(r.out);
  ASSERT_EQ(lines.size(), 4u) << r.out;
  EXPECT_TRUE(lines[0].starts_with("flow_id,capture,proto,src,sport,dst,dport,first_s,last_s"));
  // Flows are listed as they end: the first TCP connection after its FIN
  // exchange (its last ACK included), the rest at the end of the file.
  EXPECT_EQ(lines[1], fmt::format("0,{},6,10.0.0.1,40000,10.0.0.2,443,1500000000.000000000,1500000003.200000000,"
                                  "3.200000000,5,3,716,1612,tcp_fin",
                                  dir.file("a.pcap")));
  EXPECT_TRUE(lines[2].starts_with(fmt::format("1,{},17,10.0.0.53,53,10.0.0.1,5353,", dir.file("a.pcap"))));
  EXPECT_TRUE(lines[2].ends_with(",1,0,120,0,end_of_capture"));
  EXPECT_TRUE(lines[3].starts_with("2,")) << lines[3];
  EXPECT_TRUE(lines[3].ends_with(",1,1,60,60,end_of_capture"));
  EXPECT_EQ(r.err, "");
}

TEST(CliFlows, NoTcpCloseKeepsOneRecordPerConversation) {
  TempDir dir;
  write_capture(dir.file("a.pcap"));
  CliResult r = flowspike(dir, "flows --no-tcp-close -r " + dir.file("a.pcap"));
  ASSERT_EQ(r.code, 0) << r.err;
  auto lines = lines_of(r.out);
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_TRUE(lines[1].ends_with(",6,4,776,1672,end_of_capture")) << lines[1];
}

TEST(CliFlows, IdleTimeoutSplitsFlows) {
  TempDir dir;
  write_capture(dir.file("a.pcap"));
  CliResult r = flowspike(dir, "flows --no-tcp-close --idle-timeout 5 -r " + dir.file("a.pcap"));
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(lines_of(r.out).size(), 4u);
  EXPECT_TRUE(contains(r.out, ",idle_timeout")) << r.out;
}

TEST(CliFlows, TrailingWordsAreATcpdumpFilterAfterSeveralFiles) {
  TempDir dir;
  write_capture(dir.file("a.pcap"));
  write_capture(dir.file("b.pcap"), kT0 + 100 * kSec);
  CliResult r = flowspike(dir, fmt::format("flows -r {} {} udp port 53", dir.file("a.pcap"), dir.file("b.pcap")));
  ASSERT_EQ(r.code, 0) << r.err;
  auto lines = lines_of(r.out);
  ASSERT_EQ(lines.size(), 3u) << r.out;
  EXPECT_TRUE(contains(lines[1], dir.file("a.pcap") + ",17,"));
  EXPECT_TRUE(contains(lines[2], dir.file("b.pcap") + ",17,"));
}

TEST(CliFlows, JsonLinesWithSeries) {
  TempDir dir;
  write_capture(dir.file("a.pcap"));
  CliResult r = flowspike(dir, "flows --format jsonl --series -r " + dir.file("a.pcap"));
  ASSERT_EQ(r.code, 0) << r.err;
  auto lines = lines_of(r.out);
  ASSERT_EQ(lines.size(), 3u);
  auto j = nlohmann::json::parse(lines[0]);
  EXPECT_EQ(j["end"], "tcp_fin");
  EXPECT_EQ(j["sizes"], nlohmann::json::array({60, 60, 52, 500, 1500, 52, 52, 52}));
  EXPECT_EQ(j["dirs"], nlohmann::json::array({0, 1, 0, 0, 1, 0, 1, 0}));
  EXPECT_DOUBLE_EQ(j["times_s"][4].get<double>(), 2.0);
}

TEST(CliFlows, FlowPicFormatWritesOneWaySessions) {
  TempDir dir;
  write_capture(dir.file("vpn_chat.pcap"));
  CliResult r = flowspike(dir, "flows --format flowpic --no-tcp-close -r " + dir.file("vpn_chat.pcap"));
  ASSERT_EQ(r.code, 0) << r.err;
  auto lines = lines_of(r.out);
  ASSERT_EQ(lines.size(), 3u);  // TCP both ways, DNS one way
  EXPECT_EQ(lines[0], "vpn_chat,10.0.0.1,40000,10.0.0.2,443,TCP,1500000000.000000,6,0.0,0.2,1.0,3.0,3.2,13.0,,60,52,500,52,52,60\r");
}

TEST(CliFlows, WritesTheOutputFileAtomically) {
  TempDir dir;
  write_capture(dir.file("a.pcap"));
  CliResult r = flowspike(dir, fmt::format("flows -r {} -w {} --stats", dir.file("a.pcap"), dir.file("flows.csv")));
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(lines_of(testing::read_text(dir.file("flows.csv"))).size(), 4u);
  EXPECT_TRUE(contains(r.err, "packets read")) << r.err;
  EXPECT_TRUE(contains(r.err, "tcp_fin")) << r.err;
  for (const auto& e : fs::directory_iterator(dir.path()))
    EXPECT_FALSE(e.path().filename().string().starts_with(".")) << "temporary file left: " << e.path();
}

TEST(CliFlows, MissingFileIsAnErrorNamingIt) {
  TempDir dir;
  CliResult r = flowspike(dir, fmt::format("flows -r {} -w {}", dir.file("nope.pcap"), dir.file("flows.csv")));
  EXPECT_EQ(r.code, 1);
  EXPECT_TRUE(contains(r.err, "nope.pcap")) << r.err;
  EXPECT_FALSE(fs::exists(dir.file("flows.csv")));
}

TEST(CliFlows, NotACaptureIsAnErrorUnlessKeepGoing) {
  TempDir dir;
  write_capture(dir.file("a.pcap"));
  std::ofstream(dir.file("notes.pcap")) << "these are not packets\n";
  CliResult r = flowspike(dir, fmt::format("flows -r {} {} -w {}", dir.file("a.pcap"), dir.file("notes.pcap"),
                                     dir.file("flows.csv")));
  EXPECT_EQ(r.code, 1);
  EXPECT_TRUE(contains(r.err, "notes.pcap")) << r.err;
  EXPECT_FALSE(fs::exists(dir.file("flows.csv")));
  r = flowspike(dir, fmt::format("flows --keep-going -r {} {}", dir.file("a.pcap"), dir.file("notes.pcap")));
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(lines_of(r.out).size(), 4u);
  EXPECT_TRUE(contains(r.err, "warning: skipped")) << r.err;
}

TEST(CliFlows, BadFilterIsAnError) {
  TempDir dir;
  write_capture(dir.file("a.pcap"));
  CliResult r = flowspike(dir, "flows -r " + dir.file("a.pcap") + " port banana");
  EXPECT_EQ(r.code, 1);
  EXPECT_TRUE(contains(r.err, "port banana")) << r.err;
}

TEST(CliFlows, BadOptionValuesAreRejected) {
  TempDir dir;
  write_capture(dir.file("a.pcap"));
  EXPECT_EQ(flowspike(dir, "flows --format xml -r " + dir.file("a.pcap")).code, 2);
  EXPECT_EQ(flowspike(dir, "flows --idle-timeout -3 -r " + dir.file("a.pcap")).code, 2);
  EXPECT_EQ(flowspike(dir, "flows").code, 2);
}

TEST(CliFlows, WarnsWhenPacketsWereDropped) {
  TempDir dir;
  {
    PcapWriter w(dir.file("a.pcap"), /*snaplen=*/30);  // cut inside the IPv4 header
    w.ipv4(kT0, kClient, kServer, 1, 2, 17, 100);
    w.ipv4(kT0 + kSec, kClient, kServer, 1, 2, 17, 100);
  }
  CliResult r = flowspike(dir, "flows -r " + dir.file("a.pcap"));
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(contains(r.err, "warning: 2 of 2 packets were not used (--stats shows why)")) << r.err;
  r = flowspike(dir, "flows --stats -r " + dir.file("a.pcap"));
  EXPECT_TRUE(contains(r.err, "truncated_header")) << r.err;
}

TEST(CliFlows, KeepsPacketsWhoseTimestampsGoBackwards) {
  TempDir dir;
  {
    PcapWriter w(dir.file("a.pcap"));
    w.ipv4(kT0, kClient, kServer, 1, 2, 17, 100);
    w.ipv4(kT0 - kSec, kClient, kServer, 1, 2, 17, 100);  // earlier than the packet before it
  }
  CliResult r = flowspike(dir, "flows --stats --format jsonl -r " + dir.file("a.pcap"));
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_FALSE(contains(r.err, "were not used")) << r.err;
  EXPECT_TRUE(contains(r.err, "time going back")) << r.err;
  EXPECT_TRUE(contains(r.out, "\"packets\":[2,0]")) << r.out;
}

}  // namespace
}  // namespace flowspike
