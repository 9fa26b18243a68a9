#include "flowspike/report/predictions_csv.h"

#include <gtest/gtest.h>

#include <sstream>

#include "report_fixture.h"

namespace flowspike::report {
namespace {

std::vector<std::string> lines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

TEST(PredictionsCsv, OneRowPerWindowAfterAHeader) {
  std::ostringstream out;
  write_predictions_csv(out, testing::small_result());
  const auto l = lines(out.str());
  ASSERT_EQ(l.size(), 9u);
  EXPECT_EQ(l[0].rfind("window,flow,true_label,true_class,predicted_label,predicted_class,correct,input_events,"
                       "hidden_spikes,logit:Chat-NonVPN,",
                       0),
            0u);
  EXPECT_NE(l[0].find(",prob:Video-NonVPN"), std::string::npos);
  // Window 1 of the fixture: dataset index 12, flow 0, Chat-NonVPN predicted as Chat-VPN.
  EXPECT_EQ(l[2].rfind("12,0,0,Chat-NonVPN,1,Chat-VPN,0,101,20,0,2,0.2,0.3,0.4,", 0), 0u) << l[2];
  for (const auto& row : l) EXPECT_EQ(std::count(row.begin(), row.end(), ','), 8 + 2 * 5) << row;
}

TEST(PredictionsCsv, QuotesFieldsThatNeedIt) {
  EXPECT_EQ(csv_field("plain"), "plain");
  EXPECT_EQ(csv_field("a,b"), "\"a,b\"");
  EXPECT_EQ(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
  const auto h = predictions_csv_header({"a,b"});
  EXPECT_EQ(h[9], "logit:a,b");  // quoted when written
}

}  // namespace
}  // namespace flowspike::report
