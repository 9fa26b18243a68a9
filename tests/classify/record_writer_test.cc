#include "flowspike/classify/record_writer.h"

#include <gtest/gtest.h>

#include <sstream>

#include <nlohmann/json.hpp>

#include "flowspike/common/error.h"

namespace flowspike::classify {
namespace {

const std::vector<std::string> kClasses = {"Chat-NonVPN", "Video-VPN"};

flow::FlowRecord test_flow_record(int64_t id) {
  flow::FlowRecord f;
  f.id = id;
  f.capture = 0;
  f.proto = 6;
  f.src = capture::IpAddress::v4(10, 0, 0, 1);
  f.dst = capture::IpAddress::v4(10, 0, 0, 2);
  f.sport = 1234;
  f.dport = 443;
  f.first_ns = 1'000'000'000'000'000'000;
  f.last_ns = f.first_ns + 90'000'000'000;
  f.packets = {100, 50};
  f.bytes = {10000, 60000};
  return f;
}

WindowPrediction test_window() {
  WindowPrediction w;
  w.flow = test_flow_record(7);
  w.index = 2;
  w.start_ns = w.flow.first_ns + 30'000'000'000;
  w.predicted = 1;
  w.probabilities = {0.25f, 0.75f};
  return w;
}

FlowPrediction unknown_flow() {
  FlowPrediction f;
  f.flow = test_flow_record(8);
  f.reason = UnknownReason::short_span;
  f.reason_text = "span < 40 s in a direction, in its only window";
  return f;
}

FlowPrediction classified_flow() {
  FlowPrediction f;
  f.flow = test_flow_record(7);
  f.predicted = 1;
  f.windows = 3;
  f.votes = 2;
  f.mean_probabilities = {0.4f, 0.6f};
  return f;
}

std::vector<std::string> lines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

std::string write(RecordWriterOptions options) {
  std::ostringstream out;
  RecordWriter w(out, options, kClasses, eval::parse_taxonomy(kClasses), {"a,b.pcap"});
  w.on_flow(unknown_flow());
  w.on_window(test_window());
  w.on_flow(classified_flow());
  return out.str();
}

TEST(RecordWriter, WindowCsvHasAWindowRowAndARowPerUnknownFlow) {
  auto l = lines(write({RecordFormat::csv, RecordUnit::window, false}));
  ASSERT_EQ(l.size(), 3u);
  EXPECT_EQ(l[0],
            "capture,flow_id,proto,src,sport,dst,dport,window,start_s,class,category,encryption,probability,"
            "reason_code,reason,prob:Chat-NonVPN,prob:Video-VPN");
  EXPECT_EQ(l[1],
            "\"a,b.pcap\",8,6,10.0.0.1,1234,10.0.0.2,443,,1000000000.000000,unknown,,,,short_span,"
            "\"span < 40 s in a direction, in its only window\",,");
  EXPECT_EQ(l[2],
            "\"a,b.pcap\",7,6,10.0.0.1,1234,10.0.0.2,443,2,1000000030.000000,Video-VPN,Video,VPN,0.7500,,,"
            "0.2500,0.7500");
}

TEST(RecordWriter, FlowCsvHasOneRowPerFlow) {
  auto l = lines(write({RecordFormat::csv, RecordUnit::flow, false}));
  ASSERT_EQ(l.size(), 3u);
  EXPECT_EQ(l[0],
            "capture,flow_id,proto,src,sport,dst,dport,first_s,last_s,packets_fwd,packets_bwd,bytes_fwd,bytes_bwd,"
            "end,windows,votes,class,category,encryption,probability,reason_code,reason,prob:Chat-NonVPN,"
            "prob:Video-VPN");
  EXPECT_NE(l[1].find(",end_of_capture,0,0,unknown,,,,short_span,"), std::string::npos) << l[1];
  EXPECT_NE(l[2].find(",100,50,10000,60000,end_of_capture,3,2,Video-VPN,Video,VPN,0.6000,,,0.4000,0.6000"),
            std::string::npos)
      << l[2];
}

TEST(RecordWriter, JsonLinesParse) {
  auto l = lines(write({RecordFormat::jsonl, RecordUnit::window, false}));
  ASSERT_EQ(l.size(), 2u);
  auto u = nlohmann::json::parse(l[0]);
  EXPECT_TRUE(u["window"].is_null());
  EXPECT_EQ(u["class"], "unknown");
  EXPECT_EQ(u["reason_code"], "short_span");
  EXPECT_EQ(u["capture"], "a,b.pcap");
  auto w = nlohmann::json::parse(l[1]);
  EXPECT_EQ(w["window"], 2);
  EXPECT_EQ(w["class"], "Video-VPN");
  EXPECT_EQ(w["category"], "Video");
  EXPECT_EQ(w["encryption"], "VPN");
  EXPECT_DOUBLE_EQ(w["probabilities"]["Chat-NonVPN"].get<double>(), 0.25);
  EXPECT_EQ(w["src"], "10.0.0.1");
  EXPECT_EQ(w["dport"], 443);

  auto f = lines(write({RecordFormat::jsonl, RecordUnit::flow, false}));
  ASSERT_EQ(f.size(), 2u);
  auto c = nlohmann::json::parse(f[1]);
  EXPECT_EQ(c["windows"], 3);
  EXPECT_EQ(c["votes"], 2);
  EXPECT_EQ(c["packets"], nlohmann::json::array({100, 50}));
  EXPECT_DOUBLE_EQ(c["probability"].get<double>(), 0.6);
}

TEST(RecordWriter, OmitsCategoryWhenClassNamesHaveNoStructure) {
  const std::vector<std::string> classes = {"web", "video"};
  std::ostringstream out;
  RecordWriter w(out, {RecordFormat::jsonl, RecordUnit::window, false}, classes, eval::parse_taxonomy(classes), {"x"});
  w.on_window(test_window());
  auto j = nlohmann::json::parse(out.str());
  EXPECT_EQ(j["class"], "video");
  EXPECT_FALSE(j.contains("category"));
}

TEST(RecordWriter, HoldsTextUntilTheFirstWindow) {
  std::ostringstream out;
  RecordWriter w(out, {RecordFormat::csv, RecordUnit::window, true}, kClasses, eval::parse_taxonomy(kClasses), {"x"});
  w.on_flow(unknown_flow());
  EXPECT_TRUE(out.str().empty());
  EXPECT_TRUE(w.holding());
  w.on_window(test_window());
  EXPECT_FALSE(w.holding());
  EXPECT_EQ(lines(out.str()).size(), 3u);
  EXPECT_EQ(w.records(), 2u);
}

TEST(RecordWriter, NamesTheChoicesOfABadFormat) {
  EXPECT_THROW(record_format_from_string("xml"), Error);
  EXPECT_THROW(record_unit_from_string("packet"), Error);
}

}  // namespace
}  // namespace flowspike::classify
