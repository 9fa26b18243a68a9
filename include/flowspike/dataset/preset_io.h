// Storing a Preset as HDF5 attributes (and a size_edges array) of a group, so
// dataset and model files carry everything needed to make the same pictures.
#pragma once

#include "flowspike/common/hdf5.h"
#include "flowspike/features/preset.h"

namespace flowspike::dataset {

// Writes attrs preset, time_bins, size_bins, forward_size_bins, window_s,
// step_s, min_packets, min_span_s, clock, closed_end, window_set, time_axis,
// overflow, authors_layout and the dataset `size_edges` under `group`. Enums
// are stored by name ("per_flow", "covered", "fixed", "last_bin", ...),
// booleans as uint8 0/1.
void write_preset(hdf5::Group& group, const features::Preset& preset);

// Reads what write_preset wrote. Throws flowspike::Error naming the file.
features::Preset read_preset(const hdf5::Group& group);

}  // namespace flowspike::dataset
