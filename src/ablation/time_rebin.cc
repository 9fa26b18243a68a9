#include "flowspike/ablation/time_rebin.h"

#include "cell_columns.h"

#include <algorithm>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "flowspike/common/error.h"

namespace flowspike::ablation {

std::optional<uint32_t> rebin_factor(uint32_t from_bins, uint32_t to_bins) {
  if (to_bins == 0 || to_bins > from_bins || from_bins % to_bins != 0) return std::nullopt;
  return from_bins / to_bins;
}

features::SparsePicture rebin_time(features::PictureView picture, uint32_t factor) {
  FLOWSPIKE_ASSERT(factor > 0);
  features::SparsePicture out;
  std::vector<std::pair<uint16_t, float>> cells;  // one merged bin's (size bin, count)
  // Cells are sorted by (time, size), so one merged bin's cells are contiguous.
  for (size_t begin = 0; begin < picture.nnz();) {
    const auto t = static_cast<uint16_t>(picture.time_bin[begin] / factor);
    cells.clear();
    size_t end = begin;
    for (; end < picture.nnz() && picture.time_bin[end] / factor == t; ++end)
      cells.emplace_back(picture.size_bin[end], picture.count[end]);
    // Adds up equal size bins in the order of the original time bins.
    std::stable_sort(cells.begin(), cells.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    const size_t first = out.nnz();
    for (const auto& [size, count] : cells) {
      if (out.nnz() > first && out.size_bin.back() == size) {
        out.count.back() += count;
      } else {
        out.time_bin.push_back(t);
        out.size_bin.push_back(size);
        out.count.push_back(count);
      }
    }
    begin = end;
  }
  return out;
}

dataset::Dataset rebin_dataset(const dataset::Dataset& data, uint32_t to_bins) {
  const uint32_t from_bins = data.preset.picture.time_bins;
  const auto factor = rebin_factor(from_bins, to_bins);
  if (!factor)
    throw Error(fmt::format("cannot rebin {} time bins into {}: the new bins must be whole groups of the old ones",
                            from_bins, to_bins));
  dataset::Dataset out = data;
  out.preset.picture.time_bins = to_bins;
  clear_cells(out);
  for (size_t w = 0; w < data.size(); ++w) append_cells(out, rebin_time(data.picture(w), *factor).view());
  return out;
}

}  // namespace flowspike::ablation
