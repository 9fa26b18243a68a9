// The demo's output directory: where each output goes, and when a directory
// may be used, refused, or cleared (--force clears only the demo's own files).
#include "flowspike/demo/layout.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "flowspike/common/error.h"
#include "support/temp_dir.h"

namespace flowspike::demo {
namespace {

namespace fs = std::filesystem;

const synth::TrafficClass kVoipVpn{synth::Category::voip, synth::Encryption::vpn};

void touch(const fs::path& p) {
  fs::create_directories(p.parent_path());
  std::ofstream(p) << "x";
}

TEST(DemoLayout, PutsEveryOutputUnderTheOutputDirectory) {
  const DemoLayout l = demo_layout("out", kVoipVpn, 48);
  EXPECT_EQ(l.corpus_dir, fs::path("out/corpus"));
  EXPECT_EQ(l.dataset, fs::path("out/dataset.h5"));
  EXPECT_EQ(l.model, fs::path("out/model.h5"));
  EXPECT_EQ(l.log, fs::path("out/model.log.csv"));
  EXPECT_EQ(l.report_index, fs::path("out/report/index.html"));
  EXPECT_EQ(l.heldout_capture, fs::path("out/heldout/VoIP-VPN/voip-vpn-048.pcap"));
  EXPECT_EQ(l.classification, fs::path("out/heldout-flows.csv"));
  for (const fs::path& e : l.entries()) EXPECT_EQ(e.parent_path(), fs::path("out")) << e;
}

TEST(DemoLayout, CreatesAMissingDirectoryAndMarksIt) {
  testing::TempDir tmp;
  const DemoLayout l = demo_layout(tmp.path() / "a" / "b", kVoipVpn, 1);
  prepare_output_dir(l, false);
  EXPECT_TRUE(fs::is_directory(l.out_dir));
  EXPECT_TRUE(fs::exists(l.out_dir / kMarkerFile));
}

TEST(DemoLayout, UsesAnEmptyDirectory) {
  testing::TempDir tmp;
  fs::create_directories(tmp.path() / "empty");
  EXPECT_NO_THROW(prepare_output_dir(demo_layout(tmp.path() / "empty", kVoipVpn, 1), false));
}

TEST(DemoLayout, RefusesANonEmptyDirectoryWithoutForce) {
  testing::TempDir tmp;
  const DemoLayout l = demo_layout(tmp.path() / "out", kVoipVpn, 1);
  prepare_output_dir(l, false);
  touch(l.dataset);
  try {
    prepare_output_dir(l, false);
    FAIL() << "a non-empty directory was accepted";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("--force"), std::string::npos) << e.what();
  }
  EXPECT_TRUE(fs::exists(l.dataset));
}

TEST(DemoLayout, ForceRemovesOnlyTheDemosOwnOutputs) {
  testing::TempDir tmp;
  const DemoLayout l = demo_layout(tmp.path() / "out", kVoipVpn, 1);
  prepare_output_dir(l, false);
  touch(l.corpus_dir / "Chat-Tor" / "chat-tor-000.pcap");
  touch(l.dataset);
  touch(l.report_index);
  touch(l.heldout_capture);
  touch(l.out_dir / "notes.txt");  // the user's, not the demo's
  prepare_output_dir(l, true);
  EXPECT_FALSE(fs::exists(l.corpus_dir));
  EXPECT_FALSE(fs::exists(l.dataset));
  EXPECT_FALSE(fs::exists(l.report_dir));
  EXPECT_FALSE(fs::exists(l.heldout_dir));
  EXPECT_TRUE(fs::exists(l.out_dir / "notes.txt"));
  EXPECT_TRUE(fs::exists(l.out_dir / kMarkerFile));
}

TEST(DemoLayout, ForceRefusesADirectoryTheDemoDidNotWrite) {
  testing::TempDir tmp;
  const DemoLayout l = demo_layout(tmp.path() / "home", kVoipVpn, 1);
  touch(l.corpus_dir / "precious.txt");
  EXPECT_THROW(prepare_output_dir(l, true), Error);
  EXPECT_TRUE(fs::exists(l.corpus_dir / "precious.txt"));
}

TEST(DemoLayout, RefusesAFile) {
  testing::TempDir tmp;
  touch(tmp.path() / "file");
  EXPECT_THROW(prepare_output_dir(demo_layout(tmp.path() / "file", kVoipVpn, 1), true), Error);
}

}  // namespace
}  // namespace flowspike::demo
