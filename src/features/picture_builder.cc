#include "flowspike/features/picture_builder.h"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "flowspike/common/error.h"

namespace flowspike::features {

namespace {

using capture::Direction;

int64_t seconds_to_ns(double s) { return std::llround(s * 1e9); }
int64_t seconds_to_us(double s) { return std::llround(s * 1e6); }

// A direction's time in the authors' numbers: seconds since that direction's
// first packet, rounded to microseconds (FlowPic's round(t, 6)).
int64_t rel_us(const flow::Window& w, const flow::WindowPacket& p) {
  int64_t delta = p.ts_ns - w.origin_ns[static_cast<size_t>(p.dir)];
  // Round half away from zero, as Python's round() does for these magnitudes.
  return delta >= 0 ? (delta + 500) / 1000 : -((-delta + 500) / 1000);
}

// Time of a packet on the sample_span axis, in seconds since its clock's origin.
double span_time(const flow::Window& w, const flow::WindowPacket& p, bool per_direction) {
  if (per_direction) return static_cast<double>(rel_us(w, p)) / 1e6;
  return static_cast<double>(p.ts_ns - w.origin_ns[0]) / 1e9;
}

// numpy.histogram2d's time axis: edges = linspace(lo, hi, bins + 1), computed
// as numpy does (i * step + lo, the last edge exactly hi).
struct SpanAxis {
  double lo = 0, hi = 0, step = 0;
  uint32_t bins = 0;

  SpanAxis(double min_t, double max_t, uint32_t n) : lo(min_t), hi(max_t), bins(n) {
    if (lo == hi) {  // numpy widens an empty range by half a unit each way
      lo -= 0.5;
      hi += 0.5;
    }
    step = (hi - lo) / static_cast<double>(bins);
  }
  double edge(uint32_t i) const { return i == bins ? hi : static_cast<double>(i) * step + lo; }
  // searchsorted(edges, x, 'right') - 1, with x == hi in the last bin; x in [lo, hi].
  uint16_t bin(double x) const {
    if (x >= hi) return static_cast<uint16_t>(bins - 1);
    double guess = std::floor((x - lo) / step);
    auto j = static_cast<uint32_t>(std::clamp(guess, 0.0, static_cast<double>(bins - 1)));
    while (j + 1 < bins && edge(j + 1) <= x) ++j;
    while (j > 0 && edge(j) > x) --j;
    return static_cast<uint16_t>(j);
  }
};

// Time bin of every packet of `w`, by a function shared by build() and the reference.
class TimeBinner {
 public:
  TimeBinner(const Preset& preset, const flow::Window& w)
      : window_(w),
        bins_(preset.picture.time_bins),
        per_direction_(preset.window.clock == flow::WindowClock::per_direction),
        span_(preset.picture.time_axis == TimeAxis::sample_span),
        axis_(0, 0, preset.picture.time_bins) {
    if (span_) {
      double lo = 0, hi = 0;
      bool first = true;
      for (const auto& p : w.packets) {
        double t = span_time(w, p, per_direction_);
        if (first || t < lo) lo = t;
        if (first || t > hi) hi = t;
        first = false;
      }
      axis_ = SpanAxis(lo, hi, bins_);
    } else if (per_direction_) {
      length_ = seconds_to_us(preset.window.length_s);
      start_ = static_cast<int64_t>(w.index) * seconds_to_us(preset.window.step_s);
    } else {
      length_ = seconds_to_ns(preset.window.length_s);
    }
  }

  uint16_t operator()(const flow::WindowPacket& p) const {
    if (span_) return axis_.bin(span_time(window_, p, per_direction_));
    // Fixed bins from the window start: exact integer arithmetic. A packet
    // exactly at a closed window's end belongs to the last bin; packets outside
    // the window (hand-made windows only) are clamped to the first/last bin.
    int64_t delta = per_direction_ ? rel_us(window_, p) - start_ : p.ts_ns - window_.start_ns;
    if (delta <= 0) return 0;
    if (delta >= length_) return static_cast<uint16_t>(bins_ - 1);
    // delta < length (< 2^43 ns for any sane window) times bins (<= 65536) fits in int64.
    return static_cast<uint16_t>(delta * static_cast<int64_t>(bins_) / length_);
  }

 private:
  const flow::Window& window_;
  uint32_t bins_;
  bool per_direction_;
  bool span_;
  SpanAxis axis_;
  int64_t length_ = 1;
  int64_t start_ = 0;
};

// Size bin of a packet, counting clipped and dropped sizes; nullopt = left out of the picture.
std::optional<uint16_t> size_bin(const PictureOptions& o, const flow::WindowPacket& p,
                                 capture::ParseReport& report) {
  auto b = o.size_edges.bin(p.size, p.dir, o.overflow, o.authors_layout);
  if (!b) {
    ++report.sizes_dropped;
    return std::nullopt;
  }
  if (b->clipped) ++report.sizes_clipped;
  return b->bin;
}

}  // namespace

// One stable counting-sort pass of `from` into `to` on the 16-bit digit at `shift`.
void PictureBuilder::radix_pass(const std::vector<uint32_t>& from, std::vector<uint32_t>& to, int shift,
                                uint32_t buckets) {
  bucket_start_.assign(buckets + 1, 0);
  for (uint32_t k : from) ++bucket_start_[((k >> shift) & 0xFFFF) + 1];
  for (uint32_t b = 0; b < buckets; ++b) bucket_start_[b + 1] += bucket_start_[b];
  to.resize(from.size());
  for (uint32_t k : from) to[bucket_start_[(k >> shift) & 0xFFFF]++] = k;
}

PictureBuilder::PictureBuilder(Preset preset) : preset_(std::move(preset)) {
  const auto& o = preset_.picture;
  if (o.time_bins == 0 || o.time_bins > 65536)
    throw Error(fmt::format("preset '{}': time_bins must be between 1 and 65536, not {}",
                            preset_.name, o.time_bins));
  if (o.size_edges.edges().size() < 3)
    throw Error(fmt::format("preset '{}': no size-bin edges", preset_.name));
  if (!(preset_.window.length_s > 0))
    throw Error(fmt::format("preset '{}': window length must be positive", preset_.name));
}

void PictureBuilder::build(const flow::Window& window, SparsePicture& picture,
                           capture::ParseReport& report) {
  picture.time_bin.clear();
  picture.size_bin.clear();
  picture.count.clear();
  if (window.packets.empty()) return;

  TimeBinner time_of(preset_, window);
  keys_.clear();
  keys_.reserve(window.packets.size());
  for (const auto& p : window.packets) {
    auto s = size_bin(preset_.picture, p, report);
    if (!s) continue;
    keys_.push_back(static_cast<uint32_t>(time_of(p)) << 16 | *s);
  }
  // Order the keys by (time bin, size bin): a counting sort by size bin, then
  // a stable one by time bin, O(packets + bins) whatever the arrival order
  // (the two direction clocks of the authors' preset interleave).
  // Small windows: a comparison sort beats clearing the buckets.
  if (keys_.size() < 128) {
    std::sort(keys_.begin(), keys_.end());
  } else {
    radix_pass(keys_, sorted_, 0, preset_.picture.size_edges.size_bins());
    radix_pass(sorted_, keys_, 16, preset_.picture.time_bins);
  }
  for (size_t i = 0; i < keys_.size();) {
    size_t j = i + 1;
    while (j < keys_.size() && keys_[j] == keys_[i]) ++j;
    picture.time_bin.push_back(static_cast<uint16_t>(keys_[i] >> 16));
    picture.size_bin.push_back(static_cast<uint16_t>(keys_[i] & 0xFFFF));
    picture.count.push_back(static_cast<float>(j - i));
    i = j;
  }
}

SparsePicture PictureBuilder::build(const flow::Window& window, capture::ParseReport& report) {
  SparsePicture picture;
  build(window, picture, report);
  return picture;
}

SparsePicture PictureBuilder::build_reference(const flow::Window& window,
                                              capture::ParseReport& report) const {
  const auto& o = preset_.picture;
  const uint32_t time_bins = o.time_bins;
  const uint32_t size_bins = o.size_edges.size_bins();
  std::vector<double> dense(static_cast<size_t>(time_bins) * size_bins, 0.0);
  if (!window.packets.empty()) {
    const bool per_direction = preset_.window.clock == flow::WindowClock::per_direction;
    // Time edges spelled out as numpy builds them, searched with upper_bound.
    std::vector<double> edges;
    if (o.time_axis == TimeAxis::sample_span) {
      double lo = span_time(window, window.packets[0], per_direction), hi = lo;
      for (const auto& p : window.packets) {
        lo = std::min(lo, span_time(window, p, per_direction));
        hi = std::max(hi, span_time(window, p, per_direction));
      }
      if (lo == hi) {
        lo -= 0.5;
        hi += 0.5;
      }
      double step = (hi - lo) / time_bins;
      for (uint32_t i = 0; i < time_bins; ++i) edges.push_back(static_cast<double>(i) * step + lo);
      edges.push_back(hi);
    }
    for (const auto& p : window.packets) {
      auto b = o.size_edges.bin_reference(p.size, p.dir, o.overflow, o.authors_layout);
      if (!b) {
        ++report.sizes_dropped;
        continue;
      }
      if (b->clipped) ++report.sizes_clipped;
      size_t t;
      if (o.time_axis == TimeAxis::sample_span) {
        double x = span_time(window, p, per_direction);
        t = static_cast<size_t>(std::upper_bound(edges.begin(), edges.end(), x) - edges.begin()) - 1;
        if (x == edges.back()) t = time_bins - 1;
      } else {
        // Seconds from the start of the packet's window part, in bins of length / bins.
        double from_start;
        if (per_direction) {
          from_start = static_cast<double>(rel_us(window, p)) / 1e6 - window.index * preset_.window.step_s;
          from_start = std::round(from_start * 1e6) / 1e6;
        } else {
          from_start = static_cast<double>(p.ts_ns - window.start_ns) / 1e9;
        }
        double width = preset_.window.length_s / time_bins;
        double f = std::floor(from_start / width + 1e-9);
        t = static_cast<size_t>(std::clamp(f, 0.0, static_cast<double>(time_bins - 1)));
      }
      dense[t * size_bins + b->bin] += 1.0;
    }
  }
  SparsePicture picture;
  for (uint32_t t = 0; t < time_bins; ++t)
    for (uint32_t s = 0; s < size_bins; ++s)
      if (double c = dense[static_cast<size_t>(t) * size_bins + s]; c != 0) {
        picture.time_bin.push_back(static_cast<uint16_t>(t));
        picture.size_bin.push_back(static_cast<uint16_t>(s));
        picture.count.push_back(static_cast<float>(c));
      }
  return picture;
}

}  // namespace flowspike::features
