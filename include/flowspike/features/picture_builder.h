// The picture builder: turns one Window into its SparsePicture, the 2-D
// histogram time bin x size bin of its packets (DESIGN section 3). Time axis
// TimeAxis::fixed: time_bins equal bins over the window, from its start on the
// direction's clock; TimeAxis::sample_span: time_bins equal bins over the
// window's first..last packet time, with numpy.histogram2d's edges (linspace)
// and its closed last bin, as the authors' code. Sizes are binned with
// SizeBinEdges::bin; packets above the range are clipped or dropped as
// PictureOptions::overflow says, and counted in a ParseReport once per picture
// they would have entered (a packet can be in several overlapping windows).
// Works on small sorted vectors, never on a dense time x size array. Holds
// scratch space, so one builder per thread; const methods are thread-safe.
#pragma once

#include <cstdint>
#include <vector>

#include "flowspike/capture/parse_report.h"
#include "flowspike/features/picture.h"
#include "flowspike/features/preset.h"
#include "flowspike/flow/window.h"

namespace flowspike::features {

class PictureBuilder {
 public:
  // Throws flowspike::Error if the preset cannot make pictures (no time bins,
  // more than 65 536 time or size bins, no size edges).
  explicit PictureBuilder(Preset preset);

  // Replaces `picture` with the picture of `window`; clipped sizes go to
  // report.sizes_clipped, dropped ones to report.sizes_dropped (no packet
  // counts: the packets were counted as used by the reader).
  void build(const flow::Window& window, SparsePicture& picture, capture::ParseReport& report);
  SparsePicture build(const flow::Window& window, capture::ParseReport& report);

  // Straightforward dense-array version of build(), for tests.
  SparsePicture build_reference(const flow::Window& window, capture::ParseReport& report) const;

  const Preset& preset() const { return preset_; }

 private:
  Preset preset_;
  void radix_pass(const std::vector<uint32_t>& from, std::vector<uint32_t>& to, int shift, uint32_t buckets);

  // Scratch space, reused from window to window.
  std::vector<uint32_t> keys_;          // (time_bin << 16 | size_bin) per packet
  std::vector<uint32_t> sorted_;        // keys_ after the first counting-sort pass
  std::vector<uint32_t> bucket_start_;  // counting sort: next slot of each bucket
};

}  // namespace flowspike::features
