// Seeded train / validation / test splits of a dataset (DESIGN section 5).
// `window` splits windows at random (the paper's protocol; windows of one flow
// land on both sides), `flow` keeps every flow on one side (the default),
// `capture` keeps every capture file on one side. Pure functions.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "flowspike/dataset/dataset.h"

namespace flowspike::dataset {

enum class SplitKind : uint8_t { window, flow, capture };
SplitKind split_kind_from_string(const std::string& name);  // throws flowspike::Error
std::string_view split_kind_name(SplitKind kind);

struct SplitFractions {
  double train = 0.65;
  double val = 0.15;
  double test = 0.20;
};

struct Split {
  std::vector<int64_t> train, val, test;  // window indices, ascending
};

// The same (data, kind, seed, fractions) always gives the same split.
Split make_split(const Dataset& data, SplitKind kind, uint64_t seed, SplitFractions fractions = {});

}  // namespace flowspike::dataset
