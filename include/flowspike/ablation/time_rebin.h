// Changing the time-bin width of stored pictures. A picture of T bins can be
// turned into one of T / f bins exactly by adding up runs of f neighbouring
// bins, when f divides T: with the fixed time axis (presets paper, uniform)
// bin t of width w covers [t w, (t + 1) w) of the window, so the merged bin is
// the bin a coarser extraction would have given every packet. Finer bins, or
// a factor that does not divide T (200 ms -> 500 ms), cannot be recovered
// from the cells: those widths need the captures again (reextract.h).
// With the sample_span axis (preset authors) the merged edges equal numpy's
// coarser linspace edges up to floating-point rounding. Pure functions.
#pragma once

#include <cstdint>
#include <optional>

#include "flowspike/dataset/dataset.h"
#include "flowspike/features/picture.h"

namespace flowspike::ablation {

// The merge factor that turns `from_bins` time bins into `to_bins`, or
// nullopt when to_bins does not divide from_bins.
std::optional<uint32_t> rebin_factor(uint32_t from_bins, uint32_t to_bins);

// The picture with every `factor` neighbouring time bins added up.
features::SparsePicture rebin_time(features::PictureView picture, uint32_t factor);

// A copy of `data` with `to_bins` time bins (preset.picture.time_bins
// updated). Every column but the cells is unchanged, so splits are the same.
// Throws flowspike::Error unless rebin_factor(time bins, to_bins) exists.
dataset::Dataset rebin_dataset(const dataset::Dataset& data, uint32_t to_bins);

}  // namespace flowspike::ablation
