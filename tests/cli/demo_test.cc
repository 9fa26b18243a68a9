// `flowspike demo --quick` end to end: the binary runs every step into a fresh
// directory, every output exists, the summary says where everything is, that
// the corpus is synthetic and how to run the same on the ISCX captures; a
// second run into the same directory is refused without --force and replaces
// the outputs with it; bad arguments fail before anything is written.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cli/run_flowspike.h"
#include "support/temp_dir.h"

namespace flowspike {
namespace {

namespace fs = std::filesystem;
using testing::CliRun;
using testing::run_flowspike;

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

class DemoCli : public ::testing::Test {
 protected:
  CliRun demo(const std::string& args) { return run_flowspike(dir, "demo " + args); }
  std::string out(const std::string& name = "demo") const { return dir.file(name); }
  testing::TempDir dir;
};

TEST_F(DemoCli, QuickRunWritesEveryOutputAndSaysWhereTheyAre) {
  const CliRun r = demo(fmt::format("--quick --threads 2 --out '{}'", out()));
  ASSERT_EQ(r.code, 0) << r.err << r.out;
  const fs::path o = out();
  for (const char* f : {"corpus/manifest.json", "corpus/Video-NonVPN/video-nonvpn-000.pcap",
                        "corpus/Browsing-Tor/browsing-tor-000.pcap", "dataset.h5", "model.h5", "model.log.csv",
                        "evaluation.json", "report/index.html", "heldout-flows.csv", ".flowspike-demo"})
    EXPECT_TRUE(fs::exists(o / f)) << f;
  ASSERT_TRUE(fs::is_directory(o / "heldout" / "VoIP-VPN"));
  EXPECT_EQ(std::distance(fs::directory_iterator(o / "heldout" / "VoIP-VPN"), fs::directory_iterator()), 1);

  // Each step as its own command prints it.
  for (const char* step : {"== 1/6 corpus", "== 2/6 dataset", "== 3/6 training", "== 4/6 evaluation",
                           "== 5/6 a held-out capture", "== 6/6 classifying"})
    EXPECT_TRUE(contains(r.out, step)) << step;
  EXPECT_TRUE(contains(r.out, "wrote 112 captures to")) << r.out;
  EXPECT_TRUE(contains(r.out, "epoch 10/10  loss")) << r.out;
  EXPECT_TRUE(contains(r.out, "Table 3: one-vs-all per class")) << r.out;
  EXPECT_TRUE(contains(r.out, "held-out capture of class VoIP-VPN")) << r.out;

  // The summary.
  EXPECT_TRUE(contains(r.out, "== done in ")) << r.out;
  EXPECT_TRUE(contains(r.out, "test accuracy ")) << r.out;
  EXPECT_TRUE(contains(r.out, "Where everything is:")) << r.out;
  for (const std::string f : {"corpus/", "dataset.h5", "model.h5", "model.log.csv", "evaluation.json",
                              "report/index.html", "heldout-flows.csv"})
    EXPECT_TRUE(contains(r.out, (o / f).string())) << f;
  EXPECT_TRUE(contains(r.out, "The corpus is synthetic")) << r.out;
  EXPECT_TRUE(contains(r.out, "flowspike extract -r ISCX_DIR --labels iscx -o iscx.h5")) << r.out;
  EXPECT_TRUE(contains(r.out, "flowspike eval iscx-model.h5 iscx.h5 --report")) << r.out;

  // The report is the evaluation of the model on the dataset, on the test split.
  std::ifstream in(o / "evaluation.json");
  const nlohmann::json j = nlohmann::json::parse(in);
  EXPECT_EQ(j["format"], "flowspike-evaluation");
}

TEST_F(DemoCli, RefusesAnEarlierRunsDirectoryUnlessForced) {
  ASSERT_EQ(demo(fmt::format("--quick --out '{}'", out())).code, 0);
  const auto first = fs::last_write_time(fs::path(out()) / "model.h5");
  CliRun r = demo(fmt::format("--quick --out '{}'", out()));
  EXPECT_EQ(r.code, 1);
  EXPECT_TRUE(contains(r.err, "--force")) << r.err;
  EXPECT_EQ(fs::last_write_time(fs::path(out()) / "model.h5"), first);

  r = demo(fmt::format("--quick --force --seed 2 --heldout-class chat-tor --out '{}'", out()));
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(fs::is_directory(fs::path(out()) / "heldout" / "Chat-Tor"));
  EXPECT_FALSE(fs::exists(fs::path(out()) / "heldout" / "VoIP-VPN"));
}

TEST_F(DemoCli, ForceNeverClearsADirectoryTheDemoDidNotWrite) {
  fs::create_directories(fs::path(out()) / "corpus");
  { std::ofstream(fs::path(out()) / "corpus" / "mine.txt") << "keep me"; }
  const CliRun r = demo(fmt::format("--quick --force --out '{}'", out()));
  EXPECT_EQ(r.code, 1);
  EXPECT_TRUE(contains(r.err, "not written by flowspike demo")) << r.err;
  EXPECT_TRUE(fs::exists(fs::path(out()) / "corpus" / "mine.txt"));
}

TEST_F(DemoCli, BadArgumentsFailBeforeWritingAnything) {
  CliRun r = demo(fmt::format("--quick --heldout-class Browsing-VPN --out '{}'", out()));
  EXPECT_EQ(r.code, 1);
  EXPECT_TRUE(contains(r.err, "Browsing-VPN")) << r.err;
  EXPECT_FALSE(fs::exists(out()));

  r = demo(fmt::format("--quick --threads many --out '{}'", out()));
  EXPECT_EQ(r.code, 2);
  EXPECT_FALSE(fs::exists(out()));

  r = demo(fmt::format("--quick --seed -1 --out '{}'", out()));
  EXPECT_EQ(r.code, 2);
  EXPECT_TRUE(contains(r.err, "'-1' is not a whole number")) << r.err;
  EXPECT_FALSE(fs::exists(out()));
}

}  // namespace
}  // namespace flowspike
