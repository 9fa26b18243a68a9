// A preset: every setting that turns a flow into pictures (DESIGN section 3).
// `paper` is the default; `authors` reproduces the released code's quirks;
// `uniform` uses 10-byte bins. All fields can be changed after picking a preset.
// Plain value type.
#pragma once

#include <string>
#include <vector>

#include "flowspike/features/size_bin_edges.h"
#include "flowspike/flow/window_options.h"

namespace flowspike::features {

// How window time maps to the 300 time bins.
enum class TimeAxis : uint8_t {
  fixed,        // equal bins over [window start, start + length) (paper, uniform)
  sample_span,  // equal bins over the window's first..last packet, as the authors' code
};

struct PictureOptions {
  uint32_t time_bins = 300;
  SizeBinEdges size_edges = SizeBinEdges::authors();
  SizeOverflow overflow = SizeOverflow::last_bin;
  TimeAxis time_axis = TimeAxis::fixed;
  bool authors_layout = false;  // one shared size axis with the authors' out-of-range behaviour
};

struct Preset {
  std::string name = "paper";
  flow::WindowOptions window;
  PictureOptions picture;

  static Preset paper();
  static Preset authors();
  static Preset uniform();
  // One of the names above; throws flowspike::Error naming the valid choices.
  static Preset named(const std::string& name);
  static std::vector<std::string> names();

  double time_bin_s() const { return window.length_s / picture.time_bins; }
};

}  // namespace flowspike::features
