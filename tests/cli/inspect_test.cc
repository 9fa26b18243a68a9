// `flowspike inspect` end to end: runs the built binary on generated captures
// and checks its text and JSON output, its warnings and its exit codes.
#include <sys/wait.h>

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include <nlohmann/json.hpp>

#include "capture/capture_writer.h"
#include "support/temp_dir.h"

namespace flowspike {
namespace {

using testing::ipv4_frame;
using testing::TempDir;
using testing::TestRecord;

constexpr int64_t kT0 = 1'600'000'000'000'000'000;
constexpr int64_t kSecond = 1'000'000'000;

struct CliRun {
  int exit_code = -1;
  std::string out, err;
};

std::string slurp(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

CliRun flowspike(const TempDir& dir, const std::string& args) {
  std::string command = std::string("'") + FLOWSPIKE_EXE "' " + args + " >'" +
                        dir.file("stdout") + "' 2>'" + dir.file("stderr") + "'";
  int status = std::system(command.c_str());
  CliRun run;
  run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  run.out = slurp(dir.file("stdout"));
  run.err = slurp(dir.file("stderr"));
  return run;
}

// Two flows (TCP 1000<->80 both ways, UDP 5000->53), one ARP frame.
std::vector<TestRecord> small_capture(int64_t start) {
  testing::Bytes arp = testing::cat({testing::Bytes(12, 0xff), {0x08, 0x06}, testing::Bytes(28, 0)});
  return {{start, ipv4_frame(6, 1000, 80)},
          {start + kSecond / 10, ipv4_frame(6, 80, 1000, 1500, {10, 0, 0, 2}, {10, 0, 0, 1})},
          {start + kSecond / 5, arp},
          {start + 2 * kSecond, ipv4_frame(17, 5000, 53, 80)}};
}

TEST(InspectCli, PrintsReportPerFileAndInTotal) {
  TempDir dir;
  testing::write_pcap(dir.file("a.pcap"), 1, small_capture(kT0));
  testing::write_pcapng(dir.file("b.pcap"), 1, small_capture(kT0 + 100 * kSecond));
  CliRun run = flowspike(dir, "inspect '" + dir.file("a.pcap") + "' '" + dir.file("b.pcap") + "'");
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_NE(run.out.find("format    pcap, link type EN10MB (1)"), std::string::npos) << run.out;
  EXPECT_NE(run.out.find("format    pcapng, link type EN10MB (1)"), std::string::npos) << run.out;
  EXPECT_NE(run.out.find("packets   4 read, 3 used, 0 filtered, 1 dropped"), std::string::npos) << run.out;
  EXPECT_NE(run.out.find("dropped   not_ip 1"), std::string::npos) << run.out;
  EXPECT_NE(run.out.find("flows     2"), std::string::npos) << run.out;
  EXPECT_NE(run.out.find("total: 2 captures read"), std::string::npos) << run.out;
  EXPECT_NE(run.out.find("packets   8 read, 6 used, 0 filtered, 2 dropped"), std::string::npos) << run.out;
  EXPECT_NE(run.out.find("flows     4"), std::string::npos) << run.out;
  EXPECT_NE(run.out.find("2020-09-13 12:26:40.000000 UTC .. 2020-09-13 12:26:42.000000 UTC (2.000 s)"),
            std::string::npos)
      << run.out;
  EXPECT_TRUE(run.err.empty()) << run.err;
}

TEST(InspectCli, JsonOutput) {
  TempDir dir;
  testing::write_pcap(dir.file("a.pcap"), 1, small_capture(kT0));
  CliRun run = flowspike(dir, "inspect --json --filter tcp '" + dir.file("a.pcap") + "'");
  ASSERT_EQ(run.exit_code, 0) << run.err;
  nlohmann::json doc = nlohmann::json::parse(run.out);
  ASSERT_EQ(doc["captures"].size(), 1u);
  const nlohmann::json& c = doc["captures"][0];
  EXPECT_EQ(c["path"], dir.file("a.pcap"));
  EXPECT_EQ(c["format"], "pcap");
  EXPECT_EQ(c["link_type"], "EN10MB");
  EXPECT_EQ(c["first_ns"], kT0);
  EXPECT_EQ(c["last_ns"], kT0 + 2 * kSecond);
  EXPECT_EQ(c["flows"], 1);
  EXPECT_EQ(c["report"]["packets_read"], 4);
  EXPECT_EQ(c["report"]["packets_used"], 2);
  EXPECT_EQ(c["report"]["packets_filtered"], 2);
  EXPECT_EQ(c["report"]["dropped"]["not_ip"], 0);
  EXPECT_EQ(c["truncated"], false);
  EXPECT_EQ(doc["total"]["flows"], 1);
  EXPECT_EQ(doc["total"]["report"]["packets_used"], 2);
}

TEST(InspectCli, ReportsTimestampsGoingBackwards) {
  TempDir dir;
  std::vector<TestRecord> records = small_capture(kT0);
  records.push_back({kT0 + kSecond, ipv4_frame(17, 5000, 53, 80)});  // earlier than the packet before it
  testing::write_pcap(dir.file("back.pcap"), 1, records);
  testing::write_pcap(dir.file("ordered.pcap"), 1, small_capture(kT0 + 100 * kSecond));
  CliRun run = flowspike(dir, "inspect '" + dir.file("back.pcap") + "' '" + dir.file("ordered.pcap") + "'");
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_NE(run.out.find("packets   5 read, 4 used, 0 filtered, 1 dropped\n  dropped   not_ip 1\n"
                         "  notice    1 timestamps going backwards"),
            std::string::npos)
      << run.out;
  // Once for the file and once in the total, not for the ordered file.
  size_t first = run.out.find("timestamps going backwards");
  size_t second = run.out.find("timestamps going backwards", first + 1);
  EXPECT_NE(second, std::string::npos) << run.out;
  EXPECT_EQ(run.out.find("timestamps going backwards", second + 1), std::string::npos) << run.out;
  EXPECT_LT(first, run.out.find("total:")) << run.out;
  EXPECT_GT(second, run.out.find("total:")) << run.out;

  CliRun json = flowspike(dir, "inspect --json '" + dir.file("back.pcap") + "' '" + dir.file("ordered.pcap") + "'");
  ASSERT_EQ(json.exit_code, 0) << json.err;
  nlohmann::json doc = nlohmann::json::parse(json.out);
  EXPECT_EQ(doc["captures"][0]["report"]["timestamps_backwards"], 1);
  EXPECT_EQ(doc["captures"][1]["report"]["timestamps_backwards"], 0);  // always present in JSON
  EXPECT_EQ(doc["total"]["report"]["timestamps_backwards"], 1);
  EXPECT_EQ(doc["total"]["report"]["packets_dropped"], 2);
}

TEST(InspectCli, TruncatedFileIsReadWithAWarning) {
  TempDir dir;
  testing::write_pcap(dir.file("cut.pcap"), 1, small_capture(kT0));
  std::filesystem::resize_file(dir.file("cut.pcap"), std::filesystem::file_size(dir.file("cut.pcap")) - 30);
  CliRun run = flowspike(dir, "inspect '" + dir.file("cut.pcap") + "'");
  EXPECT_EQ(run.exit_code, 0) << run.err;
  EXPECT_NE(run.err.find("warning: " + dir.file("cut.pcap") + ": cut off"), std::string::npos) << run.err;
  EXPECT_NE(run.out.find("packets   3 read"), std::string::npos) << run.out;
}

TEST(InspectCli, BadFileIsAnErrorUnlessKeepGoing) {
  TempDir dir;
  testing::write_pcap(dir.file("good.pcap"), 1, small_capture(kT0));
  std::ofstream(dir.file("bad.pcap")) << "not a capture";
  CliRun run = flowspike(dir, "inspect '" + dir.file("good.pcap") + "' '" + dir.file("bad.pcap") + "'");
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_NE(run.err.find("error: " + dir.file("bad.pcap") + ": not a pcap or pcapng capture"), std::string::npos)
      << run.err;
  EXPECT_TRUE(run.out.empty()) << run.out;

  CliRun keep_going = flowspike(dir, "inspect --keep-going '" + dir.file("good.pcap") + "' '" + dir.file("bad.pcap") + "'");
  EXPECT_EQ(keep_going.exit_code, 0) << keep_going.err;
  EXPECT_NE(keep_going.err.find("warning: skipped " + dir.file("bad.pcap")), std::string::npos) << keep_going.err;
  EXPECT_NE(keep_going.out.find("total: 1 capture read, 1 skipped"), std::string::npos) << keep_going.out;
}

TEST(InspectCli, UnknownLinkTypeIsAClearError) {
  TempDir dir;
  testing::write_pcap(dir.file("usb.pcap"), 189, {{kT0, testing::Bytes(64, 0)}});
  CliRun run = flowspike(dir, "inspect '" + dir.file("usb.pcap") + "'");
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_NE(run.err.find("link type USB_LINUX (189) is not one flowspike decodes"), std::string::npos) << run.err;
  CliRun keep_going = flowspike(dir, "inspect -k '" + dir.file("usb.pcap") + "'");
  EXPECT_EQ(keep_going.exit_code, 0) << keep_going.err;
  EXPECT_NE(keep_going.out.find("dropped   unknown_link_type 1"), std::string::npos) << keep_going.out;
  EXPECT_NE(keep_going.err.find("unknown_link_type"), std::string::npos) << keep_going.err;
}

TEST(InspectCli, EmptyFileAndMissingFileAreErrors) {
  TempDir dir;
  std::ofstream(dir.file("empty.pcap")).close();
  CliRun empty = flowspike(dir, "inspect '" + dir.file("empty.pcap") + "'");
  EXPECT_EQ(empty.exit_code, 1);
  EXPECT_NE(empty.err.find(dir.file("empty.pcap") + ": empty file"), std::string::npos) << empty.err;
  CliRun missing = flowspike(dir, "inspect '" + dir.file("missing.pcap") + "'");
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_NE(missing.err.find("missing.pcap: no such file"), std::string::npos) << missing.err;
}

TEST(InspectCli, ReadsADirectory) {
  TempDir dir;
  std::filesystem::create_directories(dir.path() / "in" / "sub");
  testing::write_pcap(dir.file("in/sub/a.pcap"), 1, small_capture(kT0));
  testing::write_pcap(dir.file("in/b.pcap"), 1, small_capture(kT0 + 1000 * kSecond));
  CliRun run = flowspike(dir, "inspect --json -r '" + dir.file("in") + "'");
  ASSERT_EQ(run.exit_code, 0) << run.err;
  nlohmann::json doc = nlohmann::json::parse(run.out);
  ASSERT_EQ(doc["captures"].size(), 2u);
  EXPECT_EQ(doc["captures"][0]["path"], dir.file("in/sub/a.pcap"));  // earlier first
  EXPECT_EQ(doc["total"]["flows"], 4);
}

}  // namespace
}  // namespace flowspike
