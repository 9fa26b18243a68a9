#include "flowspike/dataset/split.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <random>

#include <fmt/format.h>

#include "flowspike/common/error.h"

namespace flowspike::dataset {
namespace {

// SplitMix64 finaliser: turns (seed, class) into well-mixed generator seeds.
uint64_t mix(uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

// Uniform integer in [0, bound) by rejection, so the result depends only on the
// mt19937_64 output sequence (which the standard fixes), not on the standard
// library's distribution implementation.
uint64_t uniform_below(std::mt19937_64& gen, uint64_t bound) {
  const uint64_t limit = std::numeric_limits<uint64_t>::max() - std::numeric_limits<uint64_t>::max() % bound;
  uint64_t x;
  do {
    x = gen();
  } while (x >= limit);
  return x % bound;
}

// Fisher-Yates from the back: for i = n-1 .. 1, swap item i with item uniform_below(i + 1).
template <class T>
void shuffle(std::vector<T>& items, std::mt19937_64& gen) {
  for (size_t i = items.size(); i > 1; --i) {
    size_t j = static_cast<size_t>(uniform_below(gen, i));
    std::swap(items[i - 1], items[j]);
  }
}

struct Group {
  int64_t key;                   // window index, flow row or capture row
  std::vector<int64_t> windows;  // ascending
};

}  // namespace

SplitKind split_kind_from_string(const std::string& name) {
  if (name == "window") return SplitKind::window;
  if (name == "flow") return SplitKind::flow;
  if (name == "capture") return SplitKind::capture;
  throw Error(fmt::format("unknown split '{}' (choose window, flow or capture)", name));
}

std::string_view split_kind_name(SplitKind kind) {
  switch (kind) {
    case SplitKind::window: return "window";
    case SplitKind::flow: return "flow";
    case SplitKind::capture: return "capture";
  }
  return "?";
}

Split make_split(const Dataset& data, SplitKind kind, uint64_t seed, SplitFractions fractions) {
  for (double f : {fractions.train, fractions.val, fractions.test})
    if (!(f >= 0) || !std::isfinite(f))
      throw Error(fmt::format("split fractions must be finite and non-negative (got {}/{}/{})", fractions.train,
                              fractions.val, fractions.test));
  const double total = fractions.train + fractions.val + fractions.test;
  if (!(total > 0)) throw Error("split fractions must not all be zero");
  FLOWSPIKE_ASSERT(data.flow.size() == data.size() && data.label.size() == data.size());

  // Group windows by what must stay together, then stratify the groups by class
  // (a group's class is that of its first window; labels are per capture, so a
  // flow or capture has one class).
  auto group_key = [&](size_t w) -> int64_t {
    switch (kind) {
      case SplitKind::window: return static_cast<int64_t>(w);
      case SplitKind::flow: return data.flow[w];
      case SplitKind::capture: return data.flow_capture[static_cast<size_t>(data.flow[w])];
    }
    return 0;
  };
  std::map<int64_t, Group> groups;  // ordered by key: the input order never depends on hashing
  for (size_t w = 0; w < data.size(); ++w) {
    int64_t key = group_key(w);
    auto [it, inserted] = groups.try_emplace(key, Group{key, {}});
    it->second.windows.push_back(static_cast<int64_t>(w));
  }
  std::map<int32_t, std::vector<const Group*>> by_class;
  for (const auto& [key, group] : groups) by_class[data.label[static_cast<size_t>(group.windows.front())]].push_back(&group);

  Split split;
  for (auto& [label, members] : by_class) {
    std::mt19937_64 gen(mix(seed ^ mix(static_cast<uint64_t>(label) + 1)));
    shuffle(members, gen);
    // Lay the shuffled groups end to end and cut at the fractions; a group goes to
    // the side in which its middle window falls, so group sizes do not bias a side.
    int64_t windows = 0;
    for (const Group* g : members) windows += static_cast<int64_t>(g->windows.size());
    const double train_end = windows * fractions.train / total;
    const double val_end = windows * (fractions.train + fractions.val) / total;
    double position = 0;
    for (const Group* g : members) {
      double middle = position + 0.5 * static_cast<double>(g->windows.size());
      position += static_cast<double>(g->windows.size());
      auto& side = middle < train_end ? split.train : middle < val_end ? split.val : split.test;
      side.insert(side.end(), g->windows.begin(), g->windows.end());
    }
  }
  for (auto* side : {&split.train, &split.val, &split.test}) std::sort(side->begin(), side->end());
  return split;
}

}  // namespace flowspike::dataset
