#include "flowspike/report/html_report.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "report_fixture.h"
#include "support/temp_dir.h"

namespace flowspike::report {
namespace {

size_t occurrences(const std::string& text, const std::string& what) {
  size_t n = 0;
  for (size_t pos = text.find(what); pos != std::string::npos; pos = text.find(what, pos + 1)) ++n;
  return n;
}

HtmlReport sample_report(const eval::EvaluationResult& r) {
  HtmlReport report;
  report.about = {{"model", "model <1>.h5"}, {"dataset", "data.h5"}};
  std::istringstream log(
      "epoch,loss,train_accuracy,val_accuracy,lr,beta1\n1,2.0,0.5,0.4,0.001,0.7\n2,1.0,0.7,0.6,0.0001,0.5\n");
  report.training_log = parse_training_log(log, "log.csv");
  report.best_epoch = 2;
  report.axes.time_bins = 10;
  report.axes.window_s = 60;
  report.axes.size_edges = {0, 100, 200, 300, 400};
  report.axes.forward_bins = 2;
  for (size_t i : pick_example_windows(r, 2)) {
    ExamplePicture e;
    e.window = r.windows[i];
    e.true_label = r.truth[i];
    e.predicted_label = r.predicted[i];
    e.picture.time_bin = {0, 3, 9};
    e.picture.size_bin = {1, 2, 3};
    e.picture.count = {1.0f, 4.0f, 2.0f};
    report.examples.push_back(e);
  }
  return report;
}

TEST(HtmlReport, HasEveryPartAndNoScriptsOrExternalResources) {
  const auto r = testing::small_result();
  const std::string html = render_html_report(r, sample_report(r));
  EXPECT_EQ(html.rfind("<!DOCTYPE html>", 0), 0u);
  for (const char* id : {"id=\"results\"", "id=\"confusion\"", "id=\"training\"", "id=\"examples\"",
                         "id=\"table-summary\"", "id=\"table-per_class\"", "id=\"table-energy\""})
    EXPECT_NE(html.find(id), std::string::npos) << id;
  EXPECT_EQ(html.find("<script"), std::string::npos);
  EXPECT_EQ(html.find("http://www.w3.org/2000/svg") != std::string::npos, true);  // the SVG namespace only
  EXPECT_EQ(occurrences(html, "http"), occurrences(html, "http://www.w3.org/2000/svg"));
  // Heat map + 4 training charts + example pictures (up to 2 per class: 2 + 1 + 2 + 2).
  EXPECT_EQ(occurrences(html, "<svg "), 1u + 4u + 7u);
  EXPECT_EQ(occurrences(html, "<svg "), occurrences(html, "</svg>"));
  EXPECT_NE(html.find("model &lt;1&gt;.h5"), std::string::npos);  // escaped
  EXPECT_NE(html.find("class=\"missing\">absent<"), std::string::npos);
}

TEST(HtmlReport, WithoutTrainingLogSaysWhy) {
  const auto r = testing::small_result();
  HtmlReport report;
  report.training_note = "training log not found: /x/log.csv";
  const std::string html = render_html_report(r, report);
  EXPECT_NE(html.find("training log not found: /x/log.csv"), std::string::npos);
  EXPECT_NE(html.find("No example pictures."), std::string::npos);
}

TEST(HtmlReport, ShowsWarningsBeforeEverythingElse) {
  const auto r = testing::small_result();
  HtmlReport report = sample_report(r);
  EXPECT_EQ(render_html_report(r, report).find("class=\"warning\""), std::string::npos);
  report.warnings = {"other.h5 is not the dataset <m> was trained on."};
  const std::string html = render_html_report(r, report);
  const size_t warning = html.find("<div class=\"warning\" id=\"warnings\">");
  ASSERT_NE(warning, std::string::npos);
  EXPECT_LT(warning, html.find("id=\"table-about\""));
  EXPECT_NE(html.find("other.h5 is not the dataset &lt;m&gt; was trained on."), std::string::npos);
}

TEST(HtmlReport, PicksExamplesFromDistinctFlowsMixingRightAndWrong) {
  const auto r = testing::small_result();
  const auto picked = pick_example_windows(r, 2);
  // Class 0: positions 0 (right, flow 0) and 1 (wrong, flow 0): only one flow, so both.
  // Class 3: positions 5 (right, flow 2), 6 (wrong, flow 3), 7 (right, flow 3): 5 and 6.
  EXPECT_EQ(picked, (std::vector<size_t>{0, 1, 2, 3, 4, 5, 6}));
  EXPECT_EQ(pick_example_windows(r, 1), (std::vector<size_t>{0, 2, 3, 5}));
}

TEST(HtmlReport, ParsesAsWellFormedHtml) {
  if (std::system("python3 --version > /dev/null 2>&1") != 0) GTEST_SKIP() << "python3 not found";
  const auto r = testing::small_result();
  flowspike::testing::TempDir dir;
  const std::string path = dir.file("index.html");
  std::ofstream(path) << render_html_report(r, sample_report(r));
  const std::string checker = std::string(FLOWSPIKE_SOURCE_DIR) + "/tests/report/check_html.py";
  const std::string command = "python3 '" + checker + "' '" + path +
                              "' table svg rect polyline '#results' '#confusion' '#training' '#examples'";
  EXPECT_EQ(std::system(command.c_str()), 0) << command;
}

}  // namespace
}  // namespace flowspike::report
