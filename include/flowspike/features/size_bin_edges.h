// Size-bin edges of a picture: the forward half's edges then the backward
// half's, concatenated on one axis as the authors' code does. The backward half
// is the forward axis shifted by `shift()` = edges[forward_bins]: a backward
// packet of size s sits at s + shift on the axis. Bins are half-open [a, b)
// except the last of each half, which is closed as in numpy (with the
// authors' layout only the very last bin is closed: one axis, one histogram).
// Lookups go through a per-size table built once. Immutable after
// construction; safe to share between threads.
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
  // The authors' construction (utils.calibration_bins_size) for other
  // settings: edge 0, then for each gap g a run of int(g * half / gaps) bytes
  // in steps of g from min_value, half = size_bins / 2; the backward half
  // repeats the runs from shift = last forward edge + last gap. Throws
  // flowspike::Error if the edges would not increase.
  static SizeBinEdges calibrated(uint32_t size_bins, const std::vector<int>& gaps, int min_value);
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
                            bool authors_layout = false) const {
    // Inline fast path: a table entry for every in-range size.
    const auto d = static_cast<uint32_t>(dir);
    if (size < lut_sizes_) {
      uint16_t found = lut_[(static_cast<size_t>(authors_layout) * 2 + d) * lut_sizes_ + size];
      if (found < kAbove) return Binned{found, false};
    }
    return bin_slow(size, dir, overflow, authors_layout);
  }

  // The same lookup by binary search over the edges, for tests.
  std::optional<Binned> bin_reference(uint32_t size, capture::Direction dir, SizeOverflow overflow,
                                      bool authors_layout = false) const;

  bool operator==(const SizeBinEdges& other) const {
    return edges_ == other.edges_ && forward_bins_ == other.forward_bins_;
  }

 private:
  // Lookup table entry for sizes outside the axis.
  static constexpr uint16_t kBelow = 0xFFFF;
  static constexpr uint16_t kAbove = 0xFFFE;
  std::optional<Binned> bin_slow(uint32_t size, capture::Direction dir, SizeOverflow overflow,
                                 bool authors_layout) const;
  uint16_t lookup(uint32_t size, capture::Direction dir, bool authors_layout) const;
  uint16_t search(double x, uint32_t first_edge, uint32_t last_edge) const;

  std::vector<double> edges_;
  uint32_t forward_bins_ = 0;
  // bin or kBelow/kAbove for every integer size below lut_sizes_, per
  // (authors_layout, direction): table[(layout * 2 + dir) * lut_sizes_ + size].
  std::vector<uint16_t> lut_;
  uint32_t lut_sizes_ = 0;
};

}  // namespace flowspike::features
