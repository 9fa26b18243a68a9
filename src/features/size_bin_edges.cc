#include "flowspike/features/size_bin_edges.h"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "flowspike/common/error.h"

namespace flowspike::features {

namespace {

// Integer sizes beyond this are looked up by binary search instead of the table.
constexpr double kMaxTableSize = 1 << 17;

}  // namespace

SizeBinEdges::SizeBinEdges(std::vector<double> edges, uint32_t forward_bins)
    : edges_(std::move(edges)), forward_bins_(forward_bins) {
  if (edges_.size() < 3)
    throw Error(fmt::format("size-bin edges: need at least 3 edges (one bin per direction), got {}",
                            edges_.size()));
  if (edges_.size() - 1 > 65536)
    throw Error(fmt::format("size-bin edges: {} bins is more than 65536", edges_.size() - 1));
  if (forward_bins_ == 0 || forward_bins_ >= edges_.size() - 1)
    throw Error(fmt::format("size-bin edges: forward_bins {} must leave at least one bin to each "
                            "direction of {}",
                            forward_bins_, edges_.size() - 1));
  for (size_t i = 0; i < edges_.size(); ++i) {
    if (!std::isfinite(edges_[i]))
      throw Error(fmt::format("size-bin edges: edge {} is not a finite number", i));
    if (i > 0 && !(edges_[i] > edges_[i - 1]))
      throw Error(fmt::format("size-bin edges: edge {} ({}) does not increase on edge {} ({})", i,
                              edges_[i], i - 1, edges_[i - 1]));
  }

  // Every integer size whose axis position can fall inside the edges gets a
  // table entry: forward sizes up to the last edge, backward ones below that.
  double top = std::min(std::floor(std::max(edges_.back(), 0.0)) + 1, kMaxTableSize);
  lut_sizes_ = static_cast<uint32_t>(top);
  lut_.resize(static_cast<size_t>(lut_sizes_) * 4);
  for (int layout = 0; layout < 2; ++layout)
    for (int dir = 0; dir < 2; ++dir)
      for (uint32_t s = 0; s < lut_sizes_; ++s) {
        double x = static_cast<double>(s) + (dir == 1 ? shift() : 0.0);
        uint16_t bin;
        if (layout == 1)
          bin = search(x, 0, size_bins());
        else if (dir == 0)
          bin = search(x, 0, forward_bins_);
        else
          bin = search(x, forward_bins_, size_bins());
        lut_[(static_cast<size_t>(layout) * 2 + dir) * lut_sizes_ + s] = bin;
      }
}

SizeBinEdges SizeBinEdges::authors() { return calibrated(300, {1, 10, 20}, 40); }

SizeBinEdges SizeBinEdges::calibrated(uint32_t size_bins, const std::vector<int>& gaps, int min_value) {
  if (gaps.empty() || size_bins < 2)
    throw Error("size-bin edges: the calibrated construction needs gaps and at least 2 bins");
  for (int g : gaps)
    if (g <= 0) throw Error(fmt::format("size-bin edges: gap {} is not positive", g));
  const int half = static_cast<int>(size_bins / 2);
  const int runs = static_cast<int>(gaps.size());
  std::vector<double> edges{0.0};
  // The authors' loop: each gap g covers int(g * half / len(gaps)) bytes.
  int from = min_value;
  auto add_runs = [&] {
    for (int g : gaps) {
      int to = from + (g * half) / runs;
      for (int v = from; v < to; v += g) edges.push_back(v);
      from = to;
    }
  };
  add_runs();
  // The authors shift backward sizes by last edge + last gap, and continue the
  // axis where the runs stopped; the two agree when every gap divides its run.
  const auto forward_bins = static_cast<uint32_t>(edges.size());  // edges[forward_bins] == shift
  if (from != static_cast<int>(edges.back()) + gaps.back())
    throw Error("size-bin edges: each gap must divide its run of bytes (int(gap * half / gaps))");
  add_runs();
  return SizeBinEdges(std::move(edges), forward_bins);
}

SizeBinEdges SizeBinEdges::uniform(uint32_t bins_per_direction, double width) {
  if (bins_per_direction == 0 || !(width > 0))
    throw Error("size-bin edges: uniform bins need a positive count and width");
  std::vector<double> edges(2 * static_cast<size_t>(bins_per_direction) + 1);
  for (size_t i = 0; i < edges.size(); ++i) edges[i] = static_cast<double>(i) * width;
  return SizeBinEdges(std::move(edges), bins_per_direction);
}

// numpy.histogram semantics on edges[first_edge..last_edge]: [a, b) bins, the
// last one closed, kBelow / kAbove outside.
uint16_t SizeBinEdges::search(double x, uint32_t first_edge, uint32_t last_edge) const {
  if (x < edges_[first_edge]) return kBelow;
  if (x > edges_[last_edge]) return kAbove;
  if (x == edges_[last_edge]) return static_cast<uint16_t>(last_edge - 1);
  auto begin = edges_.begin() + first_edge;
  auto end = edges_.begin() + last_edge + 1;
  auto it = std::upper_bound(begin, end, x);  // first edge > x; x < edges[last_edge] so it < end
  return static_cast<uint16_t>((it - edges_.begin()) - 1);
}

uint16_t SizeBinEdges::lookup(uint32_t size, capture::Direction dir, bool authors_layout) const {
  auto d = static_cast<uint32_t>(dir);
  if (size < lut_sizes_)
    return lut_[(static_cast<size_t>(authors_layout) * 2 + d) * lut_sizes_ + size];
  double x = static_cast<double>(size) + (d == 1 ? shift() : 0.0);
  if (authors_layout) return search(x, 0, size_bins());
  return d == 0 ? search(x, 0, forward_bins_) : search(x, forward_bins_, size_bins());
}

namespace {

std::optional<SizeBinEdges::Binned> resolve(uint16_t found, uint16_t below_bin, uint16_t above_bin,
                                            SizeOverflow overflow) {
  constexpr uint16_t kBelow = 0xFFFF, kAbove = 0xFFFE;
  if (found != kBelow && found != kAbove) return SizeBinEdges::Binned{found, false};
  if (overflow == SizeOverflow::drop) return std::nullopt;
  return SizeBinEdges::Binned{found == kBelow ? below_bin : above_bin, true};
}

}  // namespace

// Sizes outside the axis, or beyond the lookup table.
std::optional<SizeBinEdges::Binned> SizeBinEdges::bin_slow(uint32_t size, capture::Direction dir,
                                                           SizeOverflow overflow, bool authors_layout) const {
  FLOWSPIKE_ASSERT(!edges_.empty());
  uint16_t found = lookup(size, dir, authors_layout);
  if (found < kAbove) return Binned{found, false};
  uint16_t below, above;
  if (authors_layout) {
    below = 0;
    above = static_cast<uint16_t>(size_bins() - 1);
  } else if (dir == capture::Direction::forward) {
    below = 0;
    above = static_cast<uint16_t>(forward_bins_ - 1);
  } else {
    below = static_cast<uint16_t>(forward_bins_);
    above = static_cast<uint16_t>(size_bins() - 1);
  }
  return resolve(found, below, above, overflow);
}

std::optional<SizeBinEdges::Binned> SizeBinEdges::bin_reference(uint32_t size, capture::Direction dir,
                                                                SizeOverflow overflow,
                                                                bool authors_layout) const {
  FLOWSPIKE_ASSERT(!edges_.empty());
  const bool backward = dir == capture::Direction::backward;
  const double x = static_cast<double>(size) + (backward ? shift() : 0.0);
  const uint32_t first = authors_layout || !backward ? 0 : forward_bins_;
  const uint32_t last = authors_layout || backward ? size_bins() : forward_bins_;
  // Plain linear scan: the bin i with edges[i] <= x < edges[i + 1], the last bin closed.
  uint16_t found = kAbove;
  if (x < edges_[first]) {
    found = kBelow;
  } else {
    for (uint32_t i = first; i < last; ++i) {
      bool inside = x >= edges_[i] && (x < edges_[i + 1] || (i + 1 == last && x == edges_[i + 1]));
      if (inside) {
        found = static_cast<uint16_t>(i);
        break;
      }
    }
  }
  return resolve(found, static_cast<uint16_t>(first), static_cast<uint16_t>(last - 1), overflow);
}

}  // namespace flowspike::features
