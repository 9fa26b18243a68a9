// Rebuilding a dataset's cell columns window by window, for the ablations
// that change pictures but keep every other column.
#pragma once

#include "flowspike/dataset/dataset.h"

namespace flowspike::ablation {

// Empties the cell columns; offset becomes {0}, ready for append_cells.
inline void clear_cells(dataset::Dataset& d) {
  d.time_bin.clear();
  d.size_bin.clear();
  d.count.clear();
  d.offset.assign(1, 0);
}

// Appends one window's picture and its row pointer.
inline void append_cells(dataset::Dataset& d, features::PictureView p) {
  d.time_bin.insert(d.time_bin.end(), p.time_bin.begin(), p.time_bin.end());
  d.size_bin.insert(d.size_bin.end(), p.size_bin.begin(), p.size_bin.end());
  d.count.insert(d.count.end(), p.count.begin(), p.count.end());
  d.offset.push_back(static_cast<int64_t>(d.count.size()));
}

}  // namespace flowspike::ablation
