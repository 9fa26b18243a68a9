// Inline SVG drawings for the HTML report, written as text with no scripts and
// no external resources: line charts (training curves, ablation sweeps), a heat
// map (the confusion matrix) and a flow picture (time on x, packet size on y,
// forward direction above the axis and backward below). Pure functions.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "flowspike/features/picture.h"

namespace flowspike::report::svg {

// Text safe inside XML/HTML elements and attribute values.
std::string escape(std::string_view text);

struct Series {
  std::string name;
  std::vector<double> x, y;  // NaN y values leave a gap
  std::string colour = "#1f77b4";
};

struct LineChart {
  std::string title;
  std::string x_label, y_label;
  std::vector<Series> series;
  bool log_y = false;               // logarithmic y axis (values <= 0 are left out)
  std::optional<double> marker_x;   // a dashed vertical line (the best epoch)
  std::string marker_label;
  int width = 440, height = 260;
};
std::string line_chart(const LineChart& chart);

struct HeatMap {
  std::string title;
  std::vector<std::string> row_labels, column_labels;
  std::string row_axis, column_axis;         // "predicted", "true"
  std::vector<std::optional<double>> values; // rows x columns, in [0, 1]; nullopt = absent (grey)
  std::vector<std::string> cell_text;        // rows x columns, shown in the cell (may be empty)
  int cell = 30;                             // cell size in pixels
};
std::string heat_map(const HeatMap& map);

// How a picture's bins map to seconds and bytes.
struct PictureAxes {
  uint32_t time_bins = 300;
  double window_s = 60.0;
  std::vector<double> size_edges;  // size_bins + 1 edges: forward half, then backward half
  uint32_t forward_bins = 150;
};
std::string picture(const features::PictureView& picture, const PictureAxes& axes, std::string_view title);

}  // namespace flowspike::report::svg
