// Size-bin edges of a picture: the forward half's edges then the backward
// half's, concatenated on one axis as the authors' code does. The backward half
// is the forward axis shifted by `shift()` = edges[forward_bins]. Bins are
// half-open [a, b) except the very last, which is closed as in numpy.
// Immutable after construction; safe to share between threads.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "flowspike/capture/packet.h"

namespace flowspike::features {

// What happens to a packet larger than its half's last edge.
enum class SizeOverflow : uint8_t {
  last_bin,  // counted in the last bin of its half (paper, uniform)
  drop,      // not counted, as numpy.histogram2d in the authors' code (authors)
};

class SizeBinEdges {
 public:
  SizeBinEdges() = default;
  // edges: size_bins + 1 increasing values; forward_bins: how many bins belong to
  // the forward half. Throws flowspike::Error if the edges are not increasing.
  SizeBinEdges(std::vector<double> edges, uint32_t forward_bins);

  // The authors' calibrated 301 edges (gaps 1, 10, 20 bytes; min 40; shift 1590).
  static SizeBinEdges authors();
  // `bins_per_direction` equal bins of `width` bytes from 0 per direction.
  static SizeBinEdges uniform(uint32_t bins_per_direction = 150, double width = 10.0);

  const std::vector<double>& edges() const { return edges_; }
  uint32_t size_bins() const { return static_cast<uint32_t>(edges_.size()) - 1; }
  uint32_t forward_bins() const { return forward_bins_; }
  double shift() const { return edges_[forward_bins_]; }

  struct Binned {
    uint16_t bin = 0;
    bool clipped = false;  // the size was above its half and was put in the last bin
  };
  // Bin of a packet of IP size `size` travelling `dir`; nullopt when the packet
  // falls outside its half and `overflow` is drop. `authors_layout` reproduces the
  // released code exactly (one shared axis: forward sizes >= shift land in the
  // backward half, backward sizes beyond the last edge are lost).
  std::optional<Binned> bin(uint32_t size, capture::Direction dir, SizeOverflow overflow,
                            bool authors_layout = false) const;

  bool operator==(const SizeBinEdges&) const = default;

 private:
  std::vector<double> edges_;
  uint32_t forward_bins_ = 0;
};

}  // namespace flowspike::features
