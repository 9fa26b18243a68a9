#include "flowspike/report/svg.h"

#include <gtest/gtest.h>

#include <cmath>

namespace flowspike::report::svg {
namespace {

size_t occurrences(const std::string& text, const std::string& what) {
  size_t n = 0;
  for (size_t pos = text.find(what); pos != std::string::npos; pos = text.find(what, pos + 1)) ++n;
  return n;
}

TEST(Svg, EscapesMarkup) { EXPECT_EQ(escape("a<b & \"c\" 'd'>"), "a&lt;b &amp; &quot;c&quot; &#39;d&#39;&gt;"); }

TEST(Svg, LineChartBreaksAtMissingValues) {
  LineChart c;
  c.title = "Accuracy";
  c.series = {{"val", {1, 2, 3, 4}, {50, NAN, 60, 70}, "#000"}};
  const std::string s = line_chart(c);
  EXPECT_EQ(occurrences(s, "<polyline"), 2u);
  EXPECT_EQ(occurrences(s, "<circle"), 3u);
  EXPECT_EQ(s.rfind("<svg", 0), 0u);
  EXPECT_EQ(s.substr(s.size() - 6), "</svg>");
}

TEST(Svg, EmptyLineChartSaysNoData) {
  LineChart c;
  c.series = {{"lr", {}, {}, "#000"}};
  EXPECT_NE(line_chart(c).find("no data"), std::string::npos);
}

TEST(Svg, LogScaleLeavesOutNonPositiveValues) {
  LineChart c;
  c.log_y = true;
  c.series = {{"lr", {1, 2, 3}, {1e-3, 0.0, 1e-4}, "#000"}};
  const std::string s = line_chart(c);
  EXPECT_EQ(occurrences(s, "<circle"), 2u);
  EXPECT_NE(s.find(">1e-4<"), std::string::npos);
  EXPECT_NE(s.find(">1e-3<"), std::string::npos);
}

TEST(Svg, HeatMapDrawsEveryCellAndGreysAbsentOnes) {
  HeatMap m;
  m.row_labels = m.column_labels = {"a", "b"};
  m.values = {1.0, std::nullopt, 0.0, std::nullopt};
  m.cell_text = {"100", "", "", ""};
  const std::string s = heat_map(m);
  EXPECT_EQ(occurrences(s, "class=\"cell\""), 4u);
  EXPECT_EQ(occurrences(s, "#e6e6e6"), 2u);
  EXPECT_NE(s.find("fill=\"#084594\""), std::string::npos);  // value 1: darkest blue
  EXPECT_NE(s.find(">100<"), std::string::npos);
}

TEST(Svg, PictureDrawsForwardAboveAndBackwardBelow) {
  PictureAxes axes;
  axes.time_bins = 10;
  axes.window_s = 60;
  axes.size_edges = {0, 100, 200, 300, 400};  // forward bins 0-1, backward bins 2-3
  axes.forward_bins = 2;
  features::SparsePicture p;
  p.time_bin = {0, 5, 9};
  p.size_bin = {0, 1, 3};
  p.count = {1, 2, 8};
  const std::string s = picture(p.view(), axes, "w");
  const size_t fwd = s.find("<g class=\"fwd\">"), bwd = s.find("<g class=\"bwd\">");
  ASSERT_NE(fwd, std::string::npos);
  ASSERT_NE(bwd, std::string::npos);
  EXPECT_EQ(occurrences(s.substr(fwd, bwd - fwd), "<rect"), 2u);
  EXPECT_EQ(occurrences(s.substr(bwd), "<rect"), 1u);
  // Forward bin 0 sits at the bottom of the upper half (y = 20 + 55), the
  // backward bin 3 at the bottom of the lower half (y = 20 + 110 + 2 + 55).
  EXPECT_NE(s.find("x=\"46.00\" y=\"75.00\""), std::string::npos) << s;
  EXPECT_NE(s.find("x=\"316.00\" y=\"187.00\""), std::string::npos) << s;
  EXPECT_NE(s.find("fill-opacity=\"1.00\""), std::string::npos);  // the largest count
  // Backward sizes are labelled from 0, not from the shifted axis.
  EXPECT_NE(s.find(">200<"), std::string::npos);
}

}  // namespace
}  // namespace flowspike::report::svg
