#include "flowspike/flow/flow_export.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <sstream>

#include "flow/test_packets.h"
#include "flowspike/common/error.h"

namespace flowspike::flow {
namespace {

using testing::Endpoint;
using testing::packet;

constexpr Endpoint kClient{1, 40000};
constexpr Endpoint kServer{2, 443};

// Runs a small TCP flow (and one ICMP flow) through a table into an exporter.
std::string export_flows(FlowExportOptions options, std::vector<std::string> paths = {"/data/vpn_chat.1a.pcap"}) {
  std::ostringstream out;
  FlowExporter exporter(out, options, std::move(paths));
  FlowTable table({}, exporter);
  const int64_t t0 = 1455555555'000000000;
  auto at = [&](int64_t offset_ns, capture::Packet p) {
    p.ts_ns = t0 + offset_ns;
    return p;
  };
  table.add(at(0, packet(0, kClient, kServer, 60)));
  table.add(at(50'000, packet(0, kServer, kClient, 1500)));
  table.add(at(12'750'000'000, packet(0, kClient, kServer, 52)));
  table.add(at(13'000'000'000, packet(0, {3, 0}, {4, 0}, 84, 1)));  // ICMP
  table.flush();
  return out.str();
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) lines.push_back(line);
  return lines;
}

TEST(FlowExporter, CsvHasAHeaderAndOneRowPerFlow) {
  auto lines = lines_of(export_flows({FlowFormat::csv, false}));
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_EQ(lines[0],
            "flow_id,capture,proto,src,sport,dst,dport,first_s,last_s,duration_s,packets_fwd,packets_bwd,"
            "bytes_fwd,bytes_bwd,end");
  EXPECT_EQ(lines[1],
            "0,/data/vpn_chat.1a.pcap,6,10.0.0.1,40000,10.0.0.2,443,1455555555.000000000,1455555567.750000000,"
            "12.750000000,2,1,112,1500,end_of_capture");
  EXPECT_EQ(lines[2].substr(0, 40), "1,/data/vpn_chat.1a.pcap,1,10.0.0.3,0,10");
}

TEST(FlowExporter, CsvQuotesCapturePathsThatNeedIt) {
  auto lines = lines_of(export_flows({FlowFormat::csv, false}, {"/data/a,b \"c\".pcap"}));
  EXPECT_EQ(lines[1].substr(0, 27), "0,\"/data/a,b \"\"c\"\".pcap\",6,");
}

TEST(FlowExporter, CsvSeriesListsTimesSizesAndDirections) {
  auto lines = lines_of(export_flows({FlowFormat::csv, true}));
  EXPECT_TRUE(lines[0].ends_with(",end,times_s,sizes,dirs"));
  EXPECT_TRUE(lines[1].ends_with(",end_of_capture,0.000000 0.000050 12.750000,60 1500 52,0 1 0")) << lines[1];
}

TEST(FlowExporter, JsonLinesCarryTheSameFields) {
  auto lines = lines_of(export_flows({FlowFormat::jsonl, true}));
  ASSERT_EQ(lines.size(), 2u);
  auto j = nlohmann::json::parse(lines[0]);
  EXPECT_EQ(j["flow_id"], 0);
  EXPECT_EQ(j["capture"], "/data/vpn_chat.1a.pcap");
  EXPECT_EQ(j["proto"], 6);
  EXPECT_EQ(j["src"], "10.0.0.1");
  EXPECT_EQ(j["dport"], 443);
  EXPECT_EQ(j["packets"], nlohmann::json::array({2, 1}));
  EXPECT_EQ(j["bytes"], nlohmann::json::array({112, 1500}));
  EXPECT_EQ(j["end"], "end_of_capture");
  EXPECT_DOUBLE_EQ(j["duration_s"].get<double>(), 12.75);
  EXPECT_DOUBLE_EQ(j["first_s"].get<double>(), 1455555555.0);
  EXPECT_EQ(j["sizes"], nlohmann::json::array({60, 1500, 52}));
  EXPECT_EQ(j["dirs"], nlohmann::json::array({0, 1, 0}));
  EXPECT_DOUBLE_EQ(j["times_s"][1].get<double>(), 0.00005);
}

TEST(FlowExporter, FlowPicRowsAreOneWaySessionsAsPythonWritesThem) {
  std::ostringstream out;
  std::string text = export_flows({FlowFormat::flowpic, false});
  // One row per direction, \r\n line ends, the ICMP flow left out.
  EXPECT_EQ(text,
            "vpn_chat,10.0.0.1,40000,10.0.0.2,443,TCP,1455555555.000000,2,0.0,12.75,,60,52\r\n"
            "vpn_chat,10.0.0.2,443,10.0.0.1,40000,TCP,1455555555.000050,1,0.0,,1500\r\n");
}

TEST(FlowExporter, FlowPicTimesUsePythonFloatText) {
  std::ostringstream out;
  FlowExporter exporter(out, {FlowFormat::flowpic, false}, {"x.pcap"});
  FlowTable table({}, exporter);
  for (double t : {0.0, 0.00005, 0.0000004, 1.0, 61.000004})
    table.add(packet(100 + t, kClient, kServer, 40, capture::kProtoUdp));
  table.flush();
  // 0.4 us rounds to 0.0; 50 us is 5e-05 as Python's repr() prints it.
  EXPECT_EQ(out.str(), "x,10.0.0.1,40000,10.0.0.2,443,UDP,100.000000,5,0.0,5e-05,0.0,1.0,61.000004,,40,40,40,40,40\r\n");
  EXPECT_EQ(exporter.flows_written(), 1u);
  EXPECT_EQ(exporter.flows_skipped(), 0u);
}

TEST(FlowExporter, FormatNamesAreChecked) {
  EXPECT_EQ(flow_format_from_string("jsonl"), FlowFormat::jsonl);
  EXPECT_THROW(flow_format_from_string("xml"), Error);
}

}  // namespace
}  // namespace flowspike::flow
