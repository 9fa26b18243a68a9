// Size-bin edges chosen on the command line (`--size-edges`): a built-in set
// by name, or a text file with the edges of one direction that both halves
// of the picture then use (docs/dataset.md).
#pragma once

#include <string>

#include "flowspike/features/size_bin_edges.h"

namespace flowspike::dataset {

// "authors" (the 301 calibrated edges), "uniform" (150 x 10 bytes per
// direction) or the path of a text file: numbers separated by commas,
// blanks or newlines, '#' starts a comment; strictly increasing from 0. The
// backward half repeats them shifted by the last edge. Throws flowspike::Error
// naming the file and line of a bad value.
features::SizeBinEdges load_size_edges(const std::string& name_or_path);

}  // namespace flowspike::dataset
