// Re-extracting a dataset's pictures at another time resolution from the
// captures it was made from, for time-bin widths that the stored cells cannot
// give (finer bins, or a width that is not a whole number of stored bins).
// The dataset records its capture paths, and each window's flow (5-tuple) and
// start; the captures are read again with the dataset's preset (only the time
// bins changed), and every window that comes out is matched to the stored
// window with the same capture, flow and start, whose label it takes. The
// result has the stored dataset's rows, so its splits are the same when
// every window was found.
//
// What a dataset does not record, and this therefore cannot reproduce: the
// flow timeouts and the BPF filter of the original extraction (the defaults
// and no filter are used; windows that then come out differently are counted
// as missing or extra). Streaming over the captures: memory is the new
// pictures plus the live flows.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "flowspike/dataset/dataset.h"
#include "flowspike/flow/flow_table.h"

namespace flowspike::ablation {

struct ReextractOptions {
  // Directories in which to look for a recorded capture path that does not
  // exist as recorded: first as root/<recorded path>, then as root/<file name>.
  std::vector<std::string> capture_roots;
  flow::FlowTableOptions flow_table;  // timeouts; `flowspike extract`'s defaults
};

// The files a dataset's capture rows point to, in row order, or nullopt with
// `problem` saying which one is missing.
std::optional<std::vector<std::string>> locate_captures(const dataset::Dataset& data,
                                                        const std::vector<std::string>& roots, std::string& problem);

struct ReextractResult {
  // The stored dataset's rows with pictures of `time_bins` bins; windows not
  // found have no cells.
  dataset::Dataset data;
  std::vector<uint8_t> found;   // per window: 1 when re-extraction produced it
  uint64_t windows_found = 0;
  uint64_t windows_missing = 0;
  uint64_t windows_extra = 0;   // produced but not in the stored dataset (ignored)
};

// Reads the captures at `paths` (from locate_captures) and builds the pictures
// at `time_bins`. Throws flowspike::Error for unreadable captures and
// flowspike::Interrupted on Ctrl-C.
ReextractResult reextract(const dataset::Dataset& data, const std::vector<std::string>& paths, uint32_t time_bins,
                          const ReextractOptions& options);

// The windows of `data` whose `keep` entry is 1 (flow and capture rows are
// kept as they are). Used when re-extraction missed windows.
dataset::Dataset keep_windows(const dataset::Dataset& data, const std::vector<uint8_t>& keep);

}  // namespace flowspike::ablation
