#include "flowspike/eval/taxonomy.h"

#include <gtest/gtest.h>

#include "flowspike/dataset/labels.h"

namespace flowspike::eval {
namespace {

TEST(Taxonomy, ParsesTheFourteenIscxClasses) {
  const Taxonomy t = parse_taxonomy(dataset::iscx_classes());
  ASSERT_TRUE(t.structured) << t.reason;
  EXPECT_EQ(t.categories, (std::vector<std::string>{"Video", "VoIP", "FileTransfer", "Chat", "Browsing"}));
  EXPECT_EQ(t.encryptions, (std::vector<std::string>{"NonVPN", "Tor", "VPN"}));
  EXPECT_EQ(t.class_category[5], 1);    // VoIP-VPN
  EXPECT_EQ(t.class_encryption[5], 2);
  EXPECT_EQ(t.class_of(1, 2), 5);
  EXPECT_EQ(t.class_of(4, 2), -1);      // Browsing-VPN is not a class
  EXPECT_TRUE(is_iscx14(dataset::iscx_classes()));
}

TEST(Taxonomy, SplitsAtTheLastDash) {
  const Taxonomy t = parse_taxonomy({"File-Transfer-VPN", "Chat-VPN"});
  ASSERT_TRUE(t.structured);
  EXPECT_EQ(t.categories, (std::vector<std::string>{"File-Transfer", "Chat"}));
  EXPECT_EQ(t.encryptions, (std::vector<std::string>{"VPN"}));
}

TEST(Taxonomy, OtherNamesAreNotStructuredAndSayWhy) {
  const Taxonomy t = parse_taxonomy({"web", "mail", "ssh"});
  EXPECT_FALSE(t.structured);
  EXPECT_NE(t.reason.find("'web'"), std::string::npos);
  EXPECT_TRUE(t.categories.empty());
  EXPECT_FALSE(is_iscx14({"web", "mail", "ssh"}));
}

TEST(Taxonomy, RejectsEmptyPartsAndRepeatedPairs) {
  EXPECT_FALSE(parse_taxonomy({"-VPN", "Chat-VPN"}).structured);
  EXPECT_FALSE(parse_taxonomy({"Chat-", "Chat-VPN"}).structured);
  const Taxonomy repeated = parse_taxonomy({"Chat-VPN", "Chat-VPN"});
  EXPECT_FALSE(repeated.structured);
  EXPECT_NE(repeated.reason.find("repeats"), std::string::npos);
  EXPECT_FALSE(parse_taxonomy({}).structured);
}

TEST(Taxonomy, FourteenClassesInAnotherOrderAreNotTheIscxOrder) {
  std::vector<std::string> classes = dataset::iscx_classes();
  std::swap(classes[0], classes[1]);
  EXPECT_FALSE(is_iscx14(classes));
  EXPECT_TRUE(parse_taxonomy(classes).structured);
}

}  // namespace
}  // namespace flowspike::eval
