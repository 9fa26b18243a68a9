#include "flowspike/report/table.h"

#include <gtest/gtest.h>

#include "flowspike/dataset/labels.h"
#include "flowspike/report/evaluation_tables.h"
#include "report_fixture.h"

namespace flowspike::report {
namespace {

const Table* find(const std::vector<Table>& tables, const std::string& id) {
  for (const Table& t : tables)
    if (t.id == id) return &t;
  return nullptr;
}

TEST(TextTable, AlignsTextLeftAndNumbersRight) {
  Table t;
  t.title = "T";
  t.header = {"name", "value"};
  t.rows = {{Cell::label("a"), Cell::number("1.5")}, {Cell::label("longer"), Cell::missing("absent")}};
  t.notes = {"a note"};
  EXPECT_EQ(render_text(t),
            "T\n"
            "name     value\n"
            "--------------\n"
            "a          1.5\n"
            "longer  absent\n"
            "  a note\n");
}

TEST(TextTable, CountsUtf8CodePointsNotBytes) {
  Table t;
  t.header = {"x", "y"};
  t.rows = {{Cell::label("é"), Cell::number("1")}, {Cell::label("ab"), Cell::number("2")}};
  const std::string text = render_text(t);
  EXPECT_NE(text.find("é   1\n"), std::string::npos) << text;
  EXPECT_NE(text.find("ab  2\n"), std::string::npos) << text;
}

TEST(EvaluationTables, FormatsPercentagesAndMissingFigures) {
  EXPECT_EQ(format_percent(0.9587), "95.9");
  EXPECT_EQ(measure_cell(eval::Measure::of(1.0)).text, "100.0");
  EXPECT_EQ(measure_cell(eval::Measure::missing(eval::Availability::absent)).text, "absent");
  EXPECT_EQ(measure_cell(eval::Measure::missing(eval::Availability::absent)).kind, CellKind::missing);
  EXPECT_EQ(paper_cell(std::nullopt).text, "n/a");
  EXPECT_EQ(paper_cell(0.959).text, "95.9");
}

TEST(EvaluationTables, StructuredClassesGiveEveryTable) {
  const auto tables = evaluation_tables(testing::small_result());
  for (const char* id : {"summary", "per_class", "per_category", "per_encryption_category", "per_encryption",
                         "confusion", "energy"})
    EXPECT_NE(find(tables, id), nullptr) << id;
  const Table& per_class = *find(tables, "per_class");
  ASSERT_EQ(per_class.rows.size(), 5u);
  EXPECT_EQ(per_class.rows[4][0].text, "Video-NonVPN");
  EXPECT_EQ(per_class.rows[4][2].text, "absent");  // not 0.0
  EXPECT_EQ(per_class.rows[0][2].text, "50.0");
  // Not the paper's 14 classes: no paper column, and a note says so.
  EXPECT_EQ(per_class.header.back(), "accuracy %");
  const Table& table1 = *find(tables, "per_encryption_category");
  EXPECT_EQ(table1.rows[2][0].text, "Video");
  EXPECT_EQ(table1.rows[2][1].text, "absent");    // Video-NonVPN exists, has no windows
  EXPECT_EQ(table1.rows[2][2].text, "no class");  // Video-VPN is not a class
}

TEST(EvaluationTables, ConfusionTableShowsColumnPercentagesAndAbsentColumns) {
  const auto tables = evaluation_tables(testing::small_result());
  const Table& cm = *find(tables, "confusion");
  ASSERT_EQ(cm.rows.size(), 5u);
  EXPECT_EQ(cm.rows[3][4].text, "66.7");  // predicted VoIP-VPN, true VoIP-VPN: 2 of 3
  EXPECT_EQ(cm.rows[2][4].text, "33.3");
  EXPECT_EQ(cm.rows[0][2].text, ".");     // no Chat-VPN window predicted Chat-NonVPN
  EXPECT_EQ(cm.rows[0][5].text, "-");     // Video-NonVPN column is absent
}

TEST(EvaluationTables, OtherTaxonomyKeepsClassTablesAndSaysWhyTheRestIsOmitted) {
  const auto tables = evaluation_tables(testing::small_result({"web", "mail", "ssh", "dns", "ntp"}));
  EXPECT_NE(find(tables, "per_class"), nullptr);
  EXPECT_EQ(find(tables, "per_category"), nullptr);
  EXPECT_EQ(find(tables, "per_encryption"), nullptr);
  const Table& summary = *find(tables, "summary");
  bool said = false;
  for (const std::string& n : summary.notes) said |= n.find("omitted") != std::string::npos;
  EXPECT_TRUE(said);
}

TEST(EvaluationTables, PaperColumnForTheFourteenIscxClasses) {
  // 14 classes: windows of classes 0..3 only.
  eval::ScoredWindows s;
  const eval::NetworkShape shape{};
  for (int i = 0; i < 4; ++i) {
    s.windows.push_back(i);
    s.flows.push_back(i);
    s.truth.push_back(i);
    for (int k = 0; k < 14; ++k) s.logits.push_back(k == i ? 1.0f : 0.0f);
    s.activity.push_back({});
  }
  const auto r = eval::make_result(dataset::iscx_classes(), "test", "", shape, s);
  const auto tables = evaluation_tables(r);
  const Table& summary = *find(tables, "summary");
  EXPECT_EQ(summary.header.back(), "paper");
  EXPECT_EQ(summary.rows[0][2].text, "95.9");  // accuracy
  EXPECT_EQ(summary.rows[1][2].text, "96.9");  // weighted precision
  EXPECT_EQ(summary.rows[2][2].text, "n/a");
  EXPECT_EQ(summary.rows[4][2].text, "96.7");  // encryption accuracy
  const Table& per_class = *find(tables, "per_class");
  EXPECT_EQ(per_class.header.back(), "paper");
  EXPECT_EQ(per_class.rows[0].back().text, "n/a");
  EXPECT_EQ(per_class.rows[13][2].text, "absent");
}

}  // namespace
}  // namespace flowspike::report
