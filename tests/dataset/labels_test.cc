#include "flowspike/dataset/labels.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "flowspike/common/error.h"
#include "support/temp_dir.h"

namespace flowspike::dataset {
namespace {

namespace fs = std::filesystem;

int32_t id_of(const Labeler& l, const std::string& name) {
  const auto& c = l.classes();
  auto it = std::find(c.begin(), c.end(), name);
  EXPECT_NE(it, c.end()) << name;
  return static_cast<int32_t>(it - c.begin());
}

TEST(Labels, IscxClassesAreInDesignOrder) {
  const auto& c = iscx_classes();
  ASSERT_EQ(c.size(), 14u);
  EXPECT_EQ(c[0], "Video-NonVPN");
  EXPECT_EQ(c[5], "VoIP-VPN");
  EXPECT_EQ(c[8], "FileTransfer-VPN");
  EXPECT_EQ(c[13], "Browsing-Tor");
}

TEST(Labels, IscxMatchesFileNamesCaseInsensitivelyWithOrWithoutExtension) {
  Labeler l = Labeler::iscx();
  EXPECT_EQ(l.classes(), iscx_classes());
  EXPECT_EQ(l.label("/data/VPN/vpn_skype_chat1a.pcap"), 11);
  EXPECT_EQ(l.label("VPN_SKYPE_CHAT1A.PCAP"), 11);
  EXPECT_EQ(l.label("vpn_skype_chat1a"), 11);
  EXPECT_EQ(l.label("x/facebook_audio1b.pcapng"), 3);
  EXPECT_EQ(l.label("x/facebook_audio1b.pcap"), 3);  // converted from pcapng
  EXPECT_EQ(l.label("Tor/CHAT_gate_AIM_chat.pcap"), 10);
  EXPECT_EQ(l.label("VIDEO_Vimeo_Gateway.pcap"), 1);
  EXPECT_EQ(l.label("youtube1.pcap"), 0);
  // Files outside the 14 classes and unknown files have no label.
  EXPECT_EQ(l.label("email1a.pcap"), std::nullopt);
  EXPECT_EQ(l.label("spotify2.pcap"), std::nullopt);  // in both sets, Other in both
  EXPECT_EQ(l.label("Torrent01.pcapng"), std::nullopt);
  EXPECT_EQ(l.label("holiday.pcap"), std::nullopt);
  EXPECT_EQ(l.label("youtube1.pcap.gz"), std::nullopt);
}

// The built-in table must be exactly shared/reference/iscx-labels.csv (file name, dataset, class).
TEST(Labels, BuiltInIscxTableMatchesTheReferenceCsv) {
  fs::path csv = fs::path(FLOWSPIKE_SHARED_DATA_DIR) / ".." / "reference" / "iscx-labels.csv";
  if (!fs::exists(csv)) GTEST_SKIP() << csv << " not present";
  std::ifstream in(csv);
  std::string line;
  std::getline(in, line);
  ASSERT_EQ(line.rfind("dataset,file_name,category,encryption,class_id", 0), 0u) << line;
  std::vector<std::tuple<std::string, std::string, int>> rows;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    std::stringstream ss(line);
    std::string dataset, file, category, encryption, class_id;
    std::getline(ss, dataset, ',');
    std::getline(ss, file, ',');
    std::getline(ss, category, ',');
    std::getline(ss, encryption, ',');
    std::getline(ss, class_id, ',');
    rows.emplace_back(dataset, file, class_id.empty() ? -1 : std::stoi(class_id));
    // The class id agrees with the category and encryption columns.
    if (!class_id.empty()) {
      EXPECT_EQ(iscx_classes()[static_cast<size_t>(std::stoi(class_id))], category + "-" + encryption);
    }
  }
  auto table = iscx_files();
  ASSERT_EQ(table.size(), rows.size());
  Labeler l = Labeler::iscx();
  for (size_t i = 0; i < rows.size(); ++i) {
    EXPECT_EQ(table[i].dataset, std::get<0>(rows[i]));
    EXPECT_EQ(table[i].file_name, std::get<1>(rows[i]));
    EXPECT_EQ(table[i].class_id, std::get<2>(rows[i])) << table[i].file_name;
    std::optional<int32_t> expect;
    if (std::get<2>(rows[i]) >= 0) expect = std::get<2>(rows[i]);
    EXPECT_EQ(l.label("/some/dir/" + std::get<1>(rows[i])), expect) << std::get<1>(rows[i]);
  }
}

TEST(Labels, CanonicalClassNamesAcceptTheAuthorsSpelling) {
  EXPECT_EQ(canonical_class_name("VOIP_Tor"), "VoIP-Tor");
  EXPECT_EQ(canonical_class_name(" video-nonvpn "), "Video-NonVPN");
  EXPECT_EQ(canonical_class_name("FileTransfer VPN"), "FileTransfer-VPN");
  EXPECT_EQ(canonical_class_name("Streaming"), "Streaming");
  EXPECT_EQ(order_classes({"Chat-Tor", "Video-NonVPN"}), iscx_classes());
  EXPECT_EQ(order_classes({"b", "a", "Chat-Tor"}), (std::vector<std::string>{"Chat-Tor", "a", "b"}));
}

TEST(Labels, CsvRulesWithHeaderCommentsGlobsAndExclusions) {
  flowspike::testing::TempDir dir;
  std::ofstream(dir.file("labels.csv")) << "# my labels\r\n"
                                           "pattern,class\r\n"
                                           "\r\n"
                                           "spotify*,\r\n"
                                           "*video*, streaming\n"
                                           "call_?.pcap,voip\n"
                                           "night/*,night\n"
                                           "\"odd,name.pcap\",voip\n"
                                           "exact,Streaming\n";
  Labeler l = Labeler::from_csv(dir.file("labels.csv"));
  EXPECT_EQ(l.kind(), Labeler::Kind::csv);
  EXPECT_EQ(l.classes(), (std::vector<std::string>{"Streaming", "night", "streaming", "voip"}));
  EXPECT_EQ(l.label("a/b/MyVideo1.pcap"), id_of(l, "streaming"));
  EXPECT_EQ(l.label("spotify_video.pcap"), std::nullopt);  // first match wins: excluded
  EXPECT_EQ(l.label("call_3.pcap"), id_of(l, "voip"));
  EXPECT_EQ(l.label("call_3"), std::nullopt);  // the extension is part of this pattern
  EXPECT_EQ(l.label("call_33.pcap"), std::nullopt);
  EXPECT_EQ(l.label("data/night/x.pcap"), id_of(l, "night"));
  EXPECT_EQ(l.label("night/x.pcap"), id_of(l, "night"));
  EXPECT_EQ(l.label("day/x.pcap"), std::nullopt);
  EXPECT_EQ(l.label("odd,name.pcap"), id_of(l, "voip"));
  EXPECT_EQ(l.label("dir/exact.pcapng"), id_of(l, "Streaming"));  // name without extension
}

TEST(Labels, CsvWithIscxClassNamesUsesTheDesignOrder) {
  flowspike::testing::TempDir dir;
  std::ofstream(dir.file("labels.csv")) << "a*,Chat_Tor\nb*,video-nonvpn\n";
  Labeler l = Labeler::from_csv(dir.file("labels.csv"));
  EXPECT_EQ(l.classes(), iscx_classes());
  EXPECT_EQ(l.label("a1.pcap"), 10);
  EXPECT_EQ(l.label("b1.pcap"), 0);
}

TEST(Labels, MalformedCsvNamesFileAndLine) {
  flowspike::testing::TempDir dir;
  std::ofstream(dir.file("bad.csv")) << "a*,x\n# fine\nb*,y,z\n";
  try {
    Labeler::from_csv(dir.file("bad.csv"));
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find(dir.file("bad.csv") + ":3:"), std::string::npos) << e.what();
  }
  std::ofstream(dir.file("empty.csv")) << "# nothing\n";
  EXPECT_THROW(Labeler::from_csv(dir.file("empty.csv")), Error);
  std::ofstream(dir.file("quote.csv")) << "\"a*,x\n";
  EXPECT_THROW(Labeler::from_csv(dir.file("quote.csv")), Error);
  EXPECT_THROW(Labeler::from_csv(dir.file("missing.csv")), Error);
  EXPECT_THROW(Labeler::from_spec(dir.file("missing.csv"), {}, {}), Error);
}

TEST(Labels, DirsTakeTheDirectoryBelowTheRoot) {
  flowspike::testing::TempDir dir;
  std::string root = dir.file("data");
  std::vector<std::string> files = {root + "/Video/a.pcap", root + "/Chat/b.pcap", root + "/Chat/deeper/c.pcap",
                                    root + "/top.pcap"};
  Labeler l = Labeler::from_dirs({root + "/"}, files);
  EXPECT_EQ(l.kind(), Labeler::Kind::dirs);
  EXPECT_EQ(l.classes(), (std::vector<std::string>{"Chat", "Chat-deeper", "Video", "data"}));
  EXPECT_EQ(l.label(root + "/Video/a.pcap"), id_of(l, "Video"));
  EXPECT_EQ(l.label(root + "/Chat/deeper/c.pcap"), id_of(l, "Chat-deeper"));
  EXPECT_EQ(l.label(root + "/top.pcap"), id_of(l, "data"));  // directly in the root: the root's name
  EXPECT_EQ(l.label(dir.file("elsewhere/x.pcap")), std::nullopt);
}

TEST(Labels, DirsWithTheAuthorsLayoutGiveIscxClasses) {
  flowspike::testing::TempDir dir;
  std::string root = dir.file("Classes_csv");
  std::vector<std::string> files = {root + "/VOIP/Tor/a.csv", root + "/Video/nonVPN/b.csv"};
  Labeler l = Labeler::from_spec("dirs", {root}, files);
  EXPECT_EQ(l.classes(), iscx_classes());
  EXPECT_EQ(l.label(files[0]), 4);
  EXPECT_EQ(l.label(files[1]), 0);
}

TEST(Labels, DirsForFilesGivenDirectlyUseTheirParent) {
  flowspike::testing::TempDir dir;
  std::vector<std::string> files = {dir.file("Video-VPN/a.pcap"), dir.file("Chat-VPN/b.pcap")};
  Labeler l = Labeler::from_spec("dirs", files, files);
  EXPECT_EQ(l.classes(), iscx_classes());
  EXPECT_EQ(l.label(files[0]), 2);
  EXPECT_EQ(l.label(files[1]), 11);
}

}  // namespace
}  // namespace flowspike::dataset
