#include "flowspike/ablation/time_shuffle.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <set>

#include "dataset/make_dataset.h"
#include "flowspike/dataset/split.h"

namespace flowspike::ablation {
namespace {

// A random picture with `cells` distinct cells, sorted, counts 1..5.
features::SparsePicture random_picture(uint32_t time_bins, uint32_t size_bins, size_t cells, uint64_t seed) {
  optim::Rng rng(seed);
  std::set<std::pair<uint16_t, uint16_t>> at;
  while (at.size() < cells)
    at.insert({static_cast<uint16_t>(optim::uniform_index(rng, time_bins)),
               static_cast<uint16_t>(optim::uniform_index(rng, size_bins))});
  features::SparsePicture p;
  for (auto [t, s] : at) {
    p.time_bin.push_back(t);
    p.size_bin.push_back(s);
    p.count.push_back(static_cast<float>(1 + optim::uniform_index(rng, 5)));
  }
  return p;
}

void expect_sorted_unique(const features::SparsePicture& p) {
  for (size_t i = 1; i < p.nnz(); ++i)
    EXPECT_TRUE(p.time_bin[i - 1] < p.time_bin[i] || (p.time_bin[i - 1] == p.time_bin[i] && p.size_bin[i - 1] < p.size_bin[i]))
        << "cell " << i;
}

// Per size row: the sorted counts.
std::map<uint16_t, std::vector<float>> rows(const features::SparsePicture& p) {
  std::map<uint16_t, std::vector<float>> r;
  for (size_t i = 0; i < p.nnz(); ++i) r[p.size_bin[i]].push_back(p.count[i]);
  for (auto& [s, v] : r) std::sort(v.begin(), v.end());
  return r;
}

// The multiset of columns: each time bin's (size, count) list.
std::multiset<std::vector<std::pair<uint16_t, float>>> columns(const features::SparsePicture& p) {
  std::map<uint16_t, std::vector<std::pair<uint16_t, float>>> by_time;
  for (size_t i = 0; i < p.nnz(); ++i) by_time[p.time_bin[i]].emplace_back(p.size_bin[i], p.count[i]);
  std::multiset<std::vector<std::pair<uint16_t, float>>> out;
  for (auto& [t, c] : by_time) out.insert(c);
  return out;
}

double total(const features::SparsePicture& p) {
  double s = 0;
  for (float c : p.count) s += c;
  return s;
}

TEST(PermutationSampler, DrawsDistinctBinsAndRestoresItself) {
  PermutationSampler sampler(300);
  std::vector<uint16_t> a, b;
  optim::Rng r1(5), r2(5);
  sampler.draw(120, r1, a);
  EXPECT_EQ(std::set<uint16_t>(a.begin(), a.end()).size(), 120u);
  for (uint16_t t : a) EXPECT_LT(t, 300);
  // A second sampler, or the same one again, gives the same draw for the same engine.
  PermutationSampler other(300);
  other.draw(120, r2, b);
  EXPECT_EQ(a, b);
  optim::Rng r3(5);
  sampler.draw(120, r3, b);
  EXPECT_EQ(a, b);
  sampler.draw(300, r3, b);
  std::sort(b.begin(), b.end());
  for (size_t i = 0; i < 300; ++i) EXPECT_EQ(b[i], i);
}

TEST(PermutationSampler, EveryBinIsEquallyLikely) {
  PermutationSampler sampler(4);
  optim::Rng rng(11);
  std::vector<int> seen(4, 0);
  std::vector<uint16_t> out;
  for (int i = 0; i < 8000; ++i) {
    sampler.draw(2, rng, out);
    ++seen[out[1]];
  }
  for (int n : seen) EXPECT_NEAR(n, 2000, 200);
}

TEST(TimeShuffle, PerRowKeepsEveryRowsCountsAndTheTotal) {
  for (size_t cells : {1u, 30u, 600u, 5000u}) {
    const auto p = random_picture(300, 300, cells, cells);
    PermutationSampler sampler(300);
    optim::Rng rng(3);
    const auto q = shuffle_time(p.view(), TimeShuffle::per_row, sampler, rng);
    EXPECT_EQ(q.nnz(), p.nnz());
    expect_sorted_unique(q);
    EXPECT_EQ(rows(q), rows(p));
    EXPECT_DOUBLE_EQ(total(q), total(p));
  }
}

TEST(TimeShuffle, OnePermutationKeepsTheColumnsWhole) {
  for (size_t cells : {1u, 30u, 600u, 5000u}) {
    const auto p = random_picture(300, 300, cells, 100 + cells);
    PermutationSampler sampler(300);
    optim::Rng rng(4);
    const auto q = shuffle_time(p.view(), TimeShuffle::all_rows, sampler, rng);
    EXPECT_EQ(q.nnz(), p.nnz());
    expect_sorted_unique(q);
    EXPECT_EQ(columns(q), columns(p));  // which sizes occur together, and their counts
    EXPECT_EQ(rows(q), rows(p));
    EXPECT_DOUBLE_EQ(total(q), total(p));
  }
}

TEST(TimeShuffle, PerRowSeparatesRowsThatWereSynchronous) {
  // Two size rows busy in the same 20 time bins.
  features::SparsePicture p;
  for (uint16_t t = 0; t < 20; ++t)
    for (uint16_t s : {5, 9}) {
      p.time_bin.push_back(t);
      p.size_bin.push_back(s);
      p.count.push_back(1);
    }
  PermutationSampler sampler(300);
  auto times_of = [](const features::SparsePicture& q, uint16_t s) {
    std::set<uint16_t> out;
    for (size_t i = 0; i < q.nnz(); ++i)
      if (q.size_bin[i] == s) out.insert(q.time_bin[i]);
    return out;
  };
  optim::Rng rng(1);
  const auto per_row = shuffle_time(p.view(), TimeShuffle::per_row, sampler, rng);
  EXPECT_NE(times_of(per_row, 5), times_of(per_row, 9));
  const auto all_rows = shuffle_time(p.view(), TimeShuffle::all_rows, sampler, rng);
  EXPECT_EQ(times_of(all_rows, 5), times_of(all_rows, 9));
  EXPECT_NE(times_of(all_rows, 5), times_of(p, 5));
}

TEST(TimeShuffle, IsDeterministicForASeed) {
  const auto p = random_picture(300, 300, 400, 9);
  PermutationSampler sampler(300);
  for (auto kind : {TimeShuffle::per_row, TimeShuffle::all_rows}) {
    optim::Rng a = shuffle_rng(42, 1, 17), b = shuffle_rng(42, 1, 17), c = shuffle_rng(42, 2, 17);
    const auto x = shuffle_time(p.view(), kind, sampler, a);
    const auto y = shuffle_time(p.view(), kind, sampler, b);
    const auto z = shuffle_time(p.view(), kind, sampler, c);
    EXPECT_EQ(x.time_bin, y.time_bin);
    EXPECT_EQ(x.size_bin, y.size_bin);
    EXPECT_EQ(x.count, y.count);
    EXPECT_NE(x.time_bin, z.time_bin);
  }
}

TEST(TimeShuffle, ShuffledCopyChangesOnlyTheListedWindows) {
  const dataset::Dataset d = dataset::testing::make_dataset(3, 4, 5, 3);
  const std::vector<int64_t> listed = {1, 4, 7, 30};
  const dataset::Dataset s = shuffled_copy(d, listed, TimeShuffle::per_row, 1, 0);
  EXPECT_EQ(s.label, d.label);
  EXPECT_EQ(s.flow, d.flow);
  EXPECT_EQ(s.offset, d.offset);
  EXPECT_EQ(s.size_bin.size(), d.size_bin.size());
  for (size_t w = 0; w < d.size(); ++w) {
    const bool is_listed = std::find(listed.begin(), listed.end(), static_cast<int64_t>(w)) != listed.end();
    const features::PictureView a = d.picture(w), b = s.picture(w);
    const bool same = std::equal(a.time_bin.begin(), a.time_bin.end(), b.time_bin.begin());
    if (!is_listed) {
      EXPECT_TRUE(same) << "window " << w;
    }
  }
  const auto split_a = dataset::make_split(d, dataset::SplitKind::flow, 3);
  const auto split_b = dataset::make_split(s, dataset::SplitKind::flow, 3);
  EXPECT_EQ(split_a.test, split_b.test);
  s.validate("shuffled");
  // The same seed and repetition give the same copy.
  const dataset::Dataset again = shuffled_copy(d, listed, TimeShuffle::per_row, 1, 0);
  EXPECT_EQ(again.time_bin, s.time_bin);
}

}  // namespace
}  // namespace flowspike::ablation
