#include "flowspike/dataset/flowpic_csv.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include <fmt/format.h>

#include "flowspike/common/error.h"
#include "support/temp_dir.h"

namespace flowspike::dataset {
namespace {

using capture::IpAddress;

void expect_row_error(const std::string& row, const std::string& what) {
  try {
    parse_flowpic_row(row, "in.csv", 12);
    ADD_FAILURE() << "accepted: " << row;
  } catch (const Error& e) {
    std::string msg = e.what();
    EXPECT_EQ(msg.rfind("in.csv:12: ", 0), 0u) << msg;
    EXPECT_NE(msg.find(what), std::string::npos) << msg;
  }
}

// A row in FlowPic's format with n packets, 1 s apart, all of `size` bytes.
std::string row(const std::string& pcap, const std::string& src, int sport, const std::string& dst, int dport,
                const std::string& proto = "TCP", int n = 3, double start = 1.5e9, int size = 100) {
  std::string r = fmt::format("{},{},{},{},{},{},{},{}", pcap, src, sport, dst, dport, proto, start, n);
  for (int i = 0; i < n; ++i) r += fmt::format(",{}.0", i);
  r += ",";
  for (int i = 0; i < n; ++i) r += fmt::format(",{}", size);
  return r + "\r\n";
}

TEST(FlowPicCsv, ParsesTheDocumentedExampleRow) {
  FlowPicSession s = parse_flowpic_row(
      "vpn_skype_chat1a,192.0.2.10,50123,198.51.100.7,443,TCP,1455555555.123456,5,0.0,0.021337,0.5,12.75,61.000004,,"
      "52,40,1250,52,40\r\n",
      "in.csv", 1);
  EXPECT_EQ(s.pcap_name, "vpn_skype_chat1a");
  EXPECT_EQ(s.src, IpAddress::v4(192, 0, 2, 10));
  EXPECT_EQ(s.dst, IpAddress::v4(198, 51, 100, 7));
  EXPECT_EQ(s.sport, 50123);
  EXPECT_EQ(s.dport, 443);
  EXPECT_EQ(s.proto, capture::kProtoTcp);
  EXPECT_EQ(s.start_ns, 1'455'555'555'123'456'000);
  EXPECT_EQ(s.times_ns, (std::vector<int64_t>{0, 21'337'000, 500'000'000, 12'750'000'000, 61'000'004'000}));
  EXPECT_EQ(s.sizes, (std::vector<uint32_t>{52, 40, 1250, 52, 40}));
}

TEST(FlowPicCsv, AcceptsExponentsBlanksIpv6AndLowerCaseProtocols) {
  FlowPicSession s =
      parse_flowpic_row(" p , 10.0.0.1 ,1, 2001:db8::1 ,2, udp ,1.4e9,3,0.0, 5e-05 ,1E1, ,100, 40 ,1500\n", "f", 1);
  EXPECT_EQ(s.proto, capture::kProtoUdp);
  EXPECT_EQ(s.dst, IpAddress::parse("2001:db8::1"));
  EXPECT_EQ(s.start_ns, 1'400'000'000'000'000'000);
  EXPECT_EQ(s.times_ns, (std::vector<int64_t>{0, 50'000, 10'000'000'000}));
  EXPECT_EQ(s.sizes, (std::vector<uint32_t>{100, 40, 1500}));
}

TEST(FlowPicCsv, DecimalSecondsBecomeExactNanoseconds) {
  // A double holds 1455555555.000049 as ...000049152 ns: the text must not go through one.
  EXPECT_EQ(decimal_seconds_to_ns("1455555555.000049"), 1'455'555'555'000'049'000);
  EXPECT_EQ(decimal_seconds_to_ns("1455555555.200049"), 1'455'555'555'200'049'000);
  EXPECT_EQ(decimal_seconds_to_ns("0.2"), 200'000'000);
  EXPECT_EQ(decimal_seconds_to_ns("000012.50"), 12'500'000'000);
  EXPECT_EQ(decimal_seconds_to_ns("100.05"), 100'050'000'000);
  EXPECT_EQ(decimal_seconds_to_ns(".5"), 500'000'000);
  EXPECT_EQ(decimal_seconds_to_ns("7."), 7'000'000'000);
  EXPECT_EQ(decimal_seconds_to_ns("-0.25"), -250'000'000);
  EXPECT_EQ(decimal_seconds_to_ns("+3"), 3'000'000'000);
  EXPECT_EQ(decimal_seconds_to_ns("5e-05"), 50'000);
  EXPECT_EQ(decimal_seconds_to_ns("1.455555555000049E+09"), 1'455'555'555'000'049'000);
  EXPECT_EQ(decimal_seconds_to_ns("0"), 0);
  EXPECT_EQ(decimal_seconds_to_ns("0.0000000005"), 1);   // beyond ns: half away from zero
  EXPECT_EQ(decimal_seconds_to_ns("0.0000000004999"), 0);
  EXPECT_EQ(decimal_seconds_to_ns("-0.0000000015"), -2);
  EXPECT_EQ(decimal_seconds_to_ns("1e-400"), 0);
  EXPECT_EQ(decimal_seconds_to_ns("9223372036.854775807"), INT64_MAX);
  for (const char* bad : {"", ".", "-", "e5", "1e", "1e+", "1.2.3", "1,5", "0x10", "inf", "nan", " 1", "1 ",
                          "9223372036.854775808", "1e400", "1e20"})
    EXPECT_EQ(decimal_seconds_to_ns(bad), std::nullopt) << "'" << bad << "'";
}

TEST(FlowPicCsv, MalformedRowsNameFileLineAndProblem) {
  expect_row_error("p,10.0.0.1,1,10.0.0.2,2,TCP,1.0,2,0.0,1.0,100,100", "no empty field");
  expect_row_error("p,10.0.0.1,1,10.0.0.2,2,TCP,1.0,3,0.0,1.0,,100,100", "says 3 packets");
  expect_row_error("p,10.0.0.1,1,10.0.0.2,2,TCP,1.0,2,0.0,1.0,,100", "says 2 packets");
  expect_row_error("p,10.0.0.300,1,10.0.0.2,2,TCP,1.0,1,0.0,,100", "field 2 (source IP)");
  expect_row_error("p,10.0.0.1,70000,10.0.0.2,2,TCP,1.0,1,0.0,,100", "field 3 (source port) '70000'");
  expect_row_error("p,10.0.0.1,1,10.0.0.2,2,ICMP,1.0,1,0.0,,100", "TCP or UDP");
  expect_row_error("p,10.0.0.1,1,10.0.0.2,2,TCP,soon,1,0.0,,100", "field 7 (start time)");
  expect_row_error("p,10.0.0.1,1,10.0.0.2,2,TCP,1.0,1,0.0x,,100", "field 9");
  expect_row_error("p,10.0.0.1,1,10.0.0.2,2,TCP,1.0,1,nan,,100", "not a time in seconds");
  expect_row_error("p,10.0.0.1,1,10.0.0.2,2,TCP,1e300,1,0.0,,100", "field 7 (start time)");
  expect_row_error("p,10.0.0.1,1,10.0.0.2,2,TCP,9e9,1,9e9,,100", "beyond");
  expect_row_error("p,10.0.0.1,1,10.0.0.2,2,TCP,1.0,1,0.0,,-5", "not a packet size");
  expect_row_error("p,10.0.0.1,1,10.0.0.2,2,TCP,1.0,0,,", "packet count) is 0");
  expect_row_error(",10.0.0.1,1,10.0.0.2,2,TCP,1.0,1,0.0,,1", "pcap name) is empty");
  expect_row_error("p,10.0.0.1,1", "only 3 fields");
}

TEST(FlowPicCsv, PairsSessionsInReadingOrderAsTheAuthorsCode) {
  flowspike::testing::TempDir dir;
  std::filesystem::create_directories(dir.path() / "Chat");
  std::ofstream(dir.file("Chat/a.csv")) << row("cap1", "10.0.0.1", 1000, "10.0.0.2", 443)      // 0: S1
                                        << row("cap1", "10.0.0.3", 5, "10.0.0.4", 6)          // 1: single
                                        << "\r\n"                                             // blank line
                                        << row("cap1", "10.0.0.2", 443, "10.0.0.1", 1000)     // 2: reverse of 0
                                        << row("cap1", "10.0.0.1", 1000, "10.0.0.2", 443)     // 3: S2, same key as 0
                                        << row("cap2", "10.0.0.2", 443, "10.0.0.1", 1000)     // 4: other capture
                                        << row("cap1", "10.0.0.2", 443, "10.0.0.1", 1000, "UDP");  // 5: other proto
  std::ofstream(dir.file("Chat/b.csv")) << row("cap1", "10.0.0.2", 443, "10.0.0.1", 1000, "TCP", 4);  // reverse of 3
  FlowPicReader reader({dir.path().string()});
  EXPECT_EQ(reader.files().size(), 2u);
  EXPECT_EQ(reader.sessions(), 7u);
  EXPECT_EQ(reader.pairs(), 2u);
  EXPECT_EQ(reader.singles(), 3u);
  std::string chat = (dir.path() / "Chat").string();
  EXPECT_EQ(reader.captures(), (std::vector<std::string>{chat + "/cap1", chat + "/cap2"}));

  FlowPicFlow f;
  std::vector<std::tuple<uint16_t, bool, size_t>> flows;  // forward sport, has backward, backward packets
  while (reader.next(f)) flows.emplace_back(f.forward.sport, f.backward.has_value(),
                                            f.backward ? f.backward->sizes.size() : 0);
  ASSERT_EQ(flows.size(), 5u);
  EXPECT_EQ(flows[0], std::make_tuple(uint16_t{1000}, true, size_t{3}));  // S1 + row 2
  EXPECT_EQ(flows[1], std::make_tuple(uint16_t{5}, false, size_t{0}));
  EXPECT_EQ(flows[2], std::make_tuple(uint16_t{1000}, true, size_t{4}));  // S2 + the row in b.csv
  EXPECT_EQ(flows[3], std::make_tuple(uint16_t{443}, false, size_t{0}));  // cap2
  EXPECT_EQ(flows[4], std::make_tuple(uint16_t{443}, false, size_t{0}));  // UDP
  EXPECT_DOUBLE_EQ(reader.progress(), 1.0);
}

TEST(FlowPicCsv, ReaderNamesTheLineOfAMalformedRow) {
  flowspike::testing::TempDir dir;
  std::ofstream(dir.file("x.csv")) << row("c", "10.0.0.1", 1, "10.0.0.2", 2) << "c,10.0.0.1,1,10.0.0.2,2,TCP,1.0,2,0.0,,1\n";
  FlowPicReader reader({dir.file("x.csv")});
  FlowPicFlow f;
  EXPECT_TRUE(reader.next(f));
  try {
    reader.next(f);
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find(dir.file("x.csv") + ":2:"), std::string::npos) << e.what();
  }
  std::ofstream(dir.file("y.csv")) << "c,10.0.0.1,oops\n";
  try {
    FlowPicReader bad({dir.file("y.csv")});
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find(dir.file("y.csv") + ":1:"), std::string::npos) << e.what();
  }
  EXPECT_THROW(FlowPicReader({dir.file("missing.csv")}), Error);
  std::filesystem::create_directories(dir.path() / "empty");
  EXPECT_THROW(FlowPicReader({(dir.path() / "empty").string()}), Error);
}

}  // namespace
}  // namespace flowspike::dataset
