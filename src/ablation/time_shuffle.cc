#include "flowspike/ablation/time_shuffle.h"

#include <algorithm>
#include <numeric>

#include "flowspike/common/error.h"

namespace flowspike::ablation {

std::string_view time_shuffle_name(TimeShuffle shuffle) {
  return shuffle == TimeShuffle::per_row ? "per_row" : "all_rows";
}

PermutationSampler::PermutationSampler(uint32_t time_bins) : perm_(time_bins) {
  FLOWSPIKE_ASSERT(time_bins > 0 && time_bins <= 65536);
  for (uint32_t t = 0; t < time_bins; ++t) perm_[t] = static_cast<uint16_t>(t);
}

void PermutationSampler::draw(size_t k, optim::Rng& rng, std::vector<uint16_t>& out) {
  const size_t n = perm_.size();
  FLOWSPIKE_ASSERT(k <= n);
  out.resize(k);
  touched_.clear();
  // The first k steps of a Fisher-Yates shuffle of perm_, undone afterwards.
  for (size_t i = 0; i < k; ++i) {
    const size_t j = i + static_cast<size_t>(optim::uniform_index(rng, n - i));
    std::swap(perm_[i], perm_[j]);
    touched_.push_back(static_cast<uint32_t>(j));
    out[i] = perm_[i];
  }
  for (size_t i = k; i-- > 0;) std::swap(perm_[i], perm_[touched_[i]]);
}

features::SparsePicture shuffle_time(features::PictureView picture, TimeShuffle shuffle, PermutationSampler& sampler,
                                     optim::Rng& rng) {
  const size_t n = picture.nnz();
  std::vector<uint16_t> new_time(n);
  std::vector<uint16_t> drawn;
  if (shuffle == TimeShuffle::all_rows) {
    // Cells are sorted by time bin: runs of one time bin are one column.
    size_t columns = 0;
    for (size_t i = 0; i < n; ++i)
      if (i == 0 || picture.time_bin[i] != picture.time_bin[i - 1]) ++columns;
    sampler.draw(columns, rng, drawn);
    size_t column = 0;
    for (size_t i = 0; i < n; ++i) {
      if (i > 0 && picture.time_bin[i] != picture.time_bin[i - 1]) ++column;
      new_time[i] = drawn[column];
    }
  } else {
    // Visit the cells row by row (size bin, then time bin).
    std::vector<uint32_t> order(n);
    std::iota(order.begin(), order.end(), 0u);
    std::sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) {
      return picture.size_bin[a] != picture.size_bin[b] ? picture.size_bin[a] < picture.size_bin[b]
                                                        : picture.time_bin[a] < picture.time_bin[b];
    });
    for (size_t begin = 0; begin < n;) {
      size_t end = begin + 1;
      while (end < n && picture.size_bin[order[end]] == picture.size_bin[order[begin]]) ++end;
      sampler.draw(end - begin, rng, drawn);
      for (size_t i = begin; i < end; ++i) new_time[order[i]] = drawn[i - begin];
      begin = end;
    }
  }
  std::vector<uint64_t> keys(n);  // (time, size) << 32 | cell
  for (size_t i = 0; i < n; ++i)
    keys[i] = (static_cast<uint64_t>(new_time[i]) << 48) | (static_cast<uint64_t>(picture.size_bin[i]) << 32) | i;
  std::sort(keys.begin(), keys.end());
  features::SparsePicture out;
  out.time_bin.reserve(n);
  out.size_bin.reserve(n);
  out.count.reserve(n);
  for (uint64_t key : keys) {
    const auto i = static_cast<size_t>(key & 0xFFFFFFFFu);
    out.time_bin.push_back(new_time[i]);
    out.size_bin.push_back(picture.size_bin[i]);
    out.count.push_back(picture.count[i]);
  }
  return out;
}

optim::Rng shuffle_rng(uint64_t seed, uint64_t repetition, uint64_t window) {
  // splitmix64 over the three numbers: nearby inputs give unrelated streams.
  auto mix = [](uint64_t x) {
    x += 0x9E3779B97F4A7C15ull;
    x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
    x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
    return x ^ (x >> 31);
  };
  return optim::Rng(mix(mix(mix(seed) ^ repetition) ^ window));
}

dataset::Dataset shuffled_copy(const dataset::Dataset& data, const std::vector<int64_t>& windows, TimeShuffle shuffle,
                               uint64_t seed, uint64_t repetition) {
  dataset::Dataset copy = data;
  PermutationSampler sampler(data.preset.picture.time_bins);
  for (int64_t w : windows) {
    FLOWSPIKE_ASSERT(w >= 0 && static_cast<size_t>(w) < data.size());
    optim::Rng rng = shuffle_rng(seed, repetition, static_cast<uint64_t>(w));
    const features::SparsePicture p = shuffle_time(data.picture(static_cast<size_t>(w)), shuffle, sampler, rng);
    const auto at = static_cast<size_t>(data.offset[static_cast<size_t>(w)]);
    FLOWSPIKE_ASSERT(at + p.nnz() == static_cast<size_t>(data.offset[static_cast<size_t>(w) + 1]));
    std::copy(p.time_bin.begin(), p.time_bin.end(), copy.time_bin.begin() + static_cast<std::ptrdiff_t>(at));
    std::copy(p.size_bin.begin(), p.size_bin.end(), copy.size_bin.begin() + static_cast<std::ptrdiff_t>(at));
    std::copy(p.count.begin(), p.count.end(), copy.count.begin() + static_cast<std::ptrdiff_t>(at));
  }
  return copy;
}

}  // namespace flowspike::ablation
