#include "flowspike/dataset/split.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>

#include "flowspike/common/error.h"
#include "make_dataset.h"

namespace flowspike::dataset {
namespace {

using testing::make_dataset;

// Which side (0 train, 1 val, 2 test) each window landed on; every window exactly once.
std::vector<int> sides(const Dataset& d, const Split& s) {
  std::vector<int> side(d.size(), -1);
  int k = 0;
  for (const auto* part : {&s.train, &s.val, &s.test}) {
    EXPECT_TRUE(std::is_sorted(part->begin(), part->end()));
    for (int64_t w : *part) {
      EXPECT_EQ(side[static_cast<size_t>(w)], -1) << "window " << w << " on two sides";
      side[static_cast<size_t>(w)] = k;
    }
    ++k;
  }
  for (size_t w = 0; w < d.size(); ++w) EXPECT_NE(side[w], -1) << "window " << w << " on no side";
  return side;
}

// Every group (flow row or capture row) has all its windows on one side.
template <class KeyOf>
void expect_groups_whole(const Dataset& d, const Split& s, KeyOf key_of) {
  std::vector<int> side = sides(d, s);
  std::map<int64_t, int> group_side;
  for (size_t w = 0; w < d.size(); ++w) {
    auto [it, inserted] = group_side.try_emplace(key_of(w), side[w]);
    EXPECT_EQ(it->second, side[w]) << "group " << key_of(w) << " is split";
  }
}

void expect_fractions(const Split& s, size_t n, double tolerance) {
  EXPECT_NEAR(static_cast<double>(s.train.size()) / static_cast<double>(n), 0.65, tolerance);
  EXPECT_NEAR(static_cast<double>(s.val.size()) / static_cast<double>(n), 0.15, tolerance);
  EXPECT_NEAR(static_cast<double>(s.test.size()) / static_cast<double>(n), 0.20, tolerance);
}

TEST(Split, FlowSplitNeverPutsOneFlowOnTwoSides) {
  Dataset d = make_dataset(20, 30, 4, 3);
  for (uint64_t seed : {1, 2, 3, 99}) {
    Split s = make_split(d, SplitKind::flow, seed);
    expect_groups_whole(d, s, [&](size_t w) { return d.flow[w]; });
    expect_fractions(s, d.size(), 0.03);
  }
}

TEST(Split, CaptureSplitNeverPutsOneFileOnTwoSides) {
  Dataset d = make_dataset(60, 5, 4, 3);
  for (uint64_t seed : {1, 2, 3, 99}) {
    Split s = make_split(d, SplitKind::capture, seed);
    expect_groups_whole(d, s, [&](size_t w) { return d.flow_capture[static_cast<size_t>(d.flow[w])]; });
    expect_fractions(s, d.size(), 0.06);
  }
}

TEST(Split, WindowSplitMixesTheWindowsOfAFlow) {
  Dataset d = make_dataset(10, 20, 6, 2);
  Split s = make_split(d, SplitKind::window, 5);
  std::vector<int> side = sides(d, s);
  expect_fractions(s, d.size(), 0.01);
  int split_flows = 0;
  for (size_t w = 1; w < d.size(); ++w)
    if (d.flow[w] == d.flow[w - 1] && side[w] != side[w - 1]) ++split_flows;
  EXPECT_GT(split_flows, 0);
}

TEST(Split, KeepsTheFractionsWithinEachClass) {
  Dataset d = make_dataset(30, 20, 3, 3);
  Split s = make_split(d, SplitKind::flow, 11);
  for (int32_t c = 0; c < 3; ++c) {
    size_t total = static_cast<size_t>(std::count(d.label.begin(), d.label.end(), c));
    auto in = [&](const std::vector<int64_t>& part) {
      return std::count_if(part.begin(), part.end(), [&](int64_t w) { return d.label[static_cast<size_t>(w)] == c; });
    };
    EXPECT_NEAR(static_cast<double>(in(s.train)) / static_cast<double>(total), 0.65, 0.03);
    EXPECT_NEAR(static_cast<double>(in(s.test)) / static_cast<double>(total), 0.20, 0.03);
  }
}

TEST(Split, SameSeedSameSplitDifferentSeedDifferentSplit) {
  Dataset d = make_dataset(10, 20, 3, 2);
  for (SplitKind kind : {SplitKind::window, SplitKind::flow, SplitKind::capture}) {
    SCOPED_TRACE(std::string(split_kind_name(kind)));
    Split a = make_split(d, kind, 42);
    Split b = make_split(d, kind, 42);
    Split c = make_split(d, kind, 43);
    EXPECT_EQ(a.train, b.train);
    EXPECT_EQ(a.val, b.val);
    EXPECT_EQ(a.test, b.test);
    EXPECT_NE(a.train, c.train);
  }
}

// Pins the generator: the split must not change across compilers and
// standard libraries (mt19937_64 is fixed by the standard; the shuffle is ours).
TEST(Split, IsTheSameOnEveryPlatform) {
  Dataset d = make_dataset(1, 10, 1, 1);
  Split s = make_split(d, SplitKind::window, 7);
  // 6 train windows: the middles of the first 6 shuffled windows are below 6.5 = 0.65 * 10.
  EXPECT_EQ(s.train, (std::vector<int64_t>{0, 1, 3, 7, 8, 9}));
  EXPECT_EQ(s.val, (std::vector<int64_t>{2, 4}));
  EXPECT_EQ(s.test, (std::vector<int64_t>{5, 6}));
}

TEST(Split, CustomFractionsAndErrors) {
  Dataset d = make_dataset(4, 10, 5, 1);
  Split s = make_split(d, SplitKind::flow, 1, {1, 0, 1});
  EXPECT_TRUE(s.val.empty());
  EXPECT_NEAR(static_cast<double>(s.train.size()) / static_cast<double>(d.size()), 0.5, 0.1);
  EXPECT_THROW(make_split(d, SplitKind::flow, 1, {-1, 1, 1}), Error);
  EXPECT_THROW(make_split(d, SplitKind::flow, 1, {0, 0, 0}), Error);
  EXPECT_EQ(split_kind_from_string("capture"), SplitKind::capture);
  EXPECT_THROW(split_kind_from_string("random"), Error);
}

TEST(Split, EmptyDatasetGivesEmptySides) {
  Dataset d = make_dataset(2, 0, 0, 2);
  Split s = make_split(d, SplitKind::capture, 3);
  EXPECT_TRUE(s.train.empty() && s.val.empty() && s.test.empty());
}

}  // namespace
}  // namespace flowspike::dataset
