// The time shuffles of the paper's Section 5, on sparse pictures. A picture
// is time bins x size bins; a "size row" is one size bin's counts over time.
//   per_row:  each size row's time bins are permuted by its own random
//             permutation. Every row keeps its counts (row sums, and the
//             multiset of its values), but which sizes occur together in a
//             time bin, and when, is destroyed: no temporal feature survives.
//   all_rows: one random permutation of the time bins for the whole picture.
//             Each time bin's column moves whole, so the sizes that occur
//             together stay together (synchrony); only the order is lost.
// Both keep the total count and the number of non-zero cells. Work is
// O(nnz log nnz), never O(time bins x size bins): a permutation is drawn only
// at the time bins that occur (a partial Fisher-Yates). Pure functions of the
// picture and the engine; deterministic for a seed on every platform.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "flowspike/dataset/dataset.h"
#include "flowspike/features/picture.h"
#include "flowspike/optim/rng.h"

namespace flowspike::ablation {

enum class TimeShuffle : uint8_t { per_row, all_rows };
std::string_view time_shuffle_name(TimeShuffle shuffle);  // "per_row" | "all_rows"

// Draws k distinct time bins of [0, time_bins) in random order: the images of
// k given bins under a uniformly random permutation. Holds scratch space:
// one sampler per thread.
class PermutationSampler {
 public:
  explicit PermutationSampler(uint32_t time_bins);
  // out[i] = image of the i-th of k bins; k <= time_bins.
  void draw(size_t k, optim::Rng& rng, std::vector<uint16_t>& out);

 private:
  std::vector<uint16_t> perm_;     // identity between calls
  std::vector<uint32_t> touched_;  // positions swapped in this call
};

// The picture with its time bins shuffled. Cells come out sorted by (time
// bin, size bin), as every picture. `sampler` must be for the picture's time bins.
features::SparsePicture shuffle_time(features::PictureView picture, TimeShuffle shuffle, PermutationSampler& sampler,
                                     optim::Rng& rng);

// The engine for window `window` (its index in the dataset being shuffled) of
// repetition `repetition`: derived from these numbers alone, so results do not
// depend on threads or on the order windows are shuffled in.
optim::Rng shuffle_rng(uint64_t seed, uint64_t repetition, uint64_t window);

// A copy of `data` in which the listed windows' pictures are shuffled (the
// others are unchanged). Columns other than the cells are identical, so the
// dataset's splits are the same.
dataset::Dataset shuffled_copy(const dataset::Dataset& data, const std::vector<int64_t>& windows, TimeShuffle shuffle,
                               uint64_t seed, uint64_t repetition);

}  // namespace flowspike::ablation
