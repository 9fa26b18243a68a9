#include "flowspike/report/svg.h"

#include <algorithm>
#include <cmath>
#include <iterator>

#include <fmt/format.h>

namespace flowspike::report::svg {
namespace {

// Tick values at 1, 2 or 5 times a power of ten, about `target` of them.
std::vector<double> nice_ticks(double lo, double hi, int target = 5) {
  if (!(hi > lo)) {
    lo -= 0.5;
    hi += 0.5;
  }
  const double raw = (hi - lo) / target;
  const double magnitude = std::pow(10.0, std::floor(std::log10(raw)));
  const double norm = raw / magnitude;
  const double step = (norm < 1.5 ? 1.0 : norm < 3.0 ? 2.0 : norm < 7.0 ? 5.0 : 10.0) * magnitude;
  std::vector<double> ticks;
  for (double v = std::ceil(lo / step) * step; v <= hi + 1e-9 * step; v += step)
    ticks.push_back(std::abs(v) < 1e-12 * step ? 0.0 : v);
  return ticks;
}

std::string number_text(double v) { return fmt::format("{:g}", v); }

// Linear map from [a0, a1] to [b0, b1].
struct Scale {
  double a0, a1, b0, b1;
  double operator()(double v) const { return a1 == a0 ? (b0 + b1) / 2 : b0 + (v - a0) * (b1 - b0) / (a1 - a0); }
};

// Interpolates white -> dark blue.
std::string blue(double v) {
  v = std::clamp(v, 0.0, 1.0);
  auto mix = [&](int hi, int lo) { return static_cast<int>(std::lround(hi + (lo - hi) * v)); };
  return fmt::format("#{:02x}{:02x}{:02x}", mix(255, 8), mix(255, 69), mix(255, 148));
}

}  // namespace

std::string escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string line_chart(const LineChart& chart) {
  const double left = 58, right = 12, top = 28, bottom = 42;
  const double w = chart.width, h = chart.height;
  auto y_of = [&](double v) { return chart.log_y ? std::log10(v) : v; };
  auto usable = [&](double v) { return std::isfinite(v) && (!chart.log_y || v > 0); };

  double x_lo = INFINITY, x_hi = -INFINITY, y_lo = INFINITY, y_hi = -INFINITY;
  for (const Series& s : chart.series)
    for (size_t i = 0; i < std::min(s.x.size(), s.y.size()); ++i) {
      if (!usable(s.y[i]) || !std::isfinite(s.x[i])) continue;
      x_lo = std::min(x_lo, s.x[i]);
      x_hi = std::max(x_hi, s.x[i]);
      y_lo = std::min(y_lo, y_of(s.y[i]));
      y_hi = std::max(y_hi, y_of(s.y[i]));
    }

  std::string out = fmt::format(
      R"(<svg xmlns="http://www.w3.org/2000/svg" class="chart" width="{0}" height="{1}" viewBox="0 0 {0} {1}" role="img" aria-label="{2}">)"
      "\n",
      w, h, escape(chart.title));
  out += fmt::format(R"(<text x="{}" y="17" class="title">{}</text>)"
                     "\n",
                     left, escape(chart.title));
  if (!std::isfinite(x_lo)) {
    out += fmt::format(R"(<text x="{}" y="{}" class="note">no data</text></svg>)", left, h / 2);
    return out;
  }
  if (chart.log_y) {
    y_lo = std::floor(y_lo);
    y_hi = std::ceil(y_hi);
  }
  if (y_hi == y_lo) {
    y_lo -= chart.log_y ? 1.0 : std::max(0.5, std::abs(y_lo) * 0.1);
    y_hi += chart.log_y ? 1.0 : std::max(0.5, std::abs(y_hi) * 0.1);
  } else if (!chart.log_y) {
    // Keep points off the frame.
    const double pad = 0.06 * (y_hi - y_lo);
    y_lo -= pad;
    y_hi += pad;
  }
  const Scale sx{x_lo, x_hi, left, w - right};
  const Scale sy{y_lo, y_hi, h - bottom, top};

  // Axes and ticks.
  out += fmt::format(R"(<rect x="{}" y="{}" width="{}" height="{}" class="frame"/>)"
                     "\n",
                     left, top, w - left - right, h - top - bottom);
  std::vector<double> x_ticks = nice_ticks(x_lo, x_hi, 6);
  for (double t : x_ticks) {
    if (t < x_lo || t > x_hi) continue;
    out += fmt::format(R"(<line x1="{0:.1f}" x2="{0:.1f}" y1="{1}" y2="{2}" class="grid"/>)"
                       R"(<text x="{0:.1f}" y="{3}" class="tick" text-anchor="middle">{4}</text>)"
                       "\n",
                       sx(t), top, h - bottom, h - bottom + 14, number_text(t));
  }
  std::vector<double> y_ticks;
  if (chart.log_y) {
    for (double e = y_lo; e <= y_hi + 1e-9; e += 1.0) y_ticks.push_back(e);
  } else {
    y_ticks = nice_ticks(y_lo, y_hi, 5);
  }
  for (double t : y_ticks) {
    if (t < y_lo - 1e-9 || t > y_hi + 1e-9) continue;
    const std::string label = chart.log_y ? fmt::format("1e{}", static_cast<int>(std::lround(t))) : number_text(t);
    out += fmt::format(R"(<line x1="{0}" x2="{1}" y1="{2:.1f}" y2="{2:.1f}" class="grid"/>)"
                       R"(<text x="{3}" y="{4:.1f}" class="tick" text-anchor="end">{5}</text>)"
                       "\n",
                       left, w - right, sy(t), left - 5, sy(t) + 4, label);
  }
  out += fmt::format(R"(<text x="{}" y="{}" class="axis" text-anchor="middle">{}</text>)"
                     "\n",
                     (left + w - right) / 2, h - 8, escape(chart.x_label));
  out += fmt::format(R"~(<text transform="translate(14,{}) rotate(-90)" class="axis" text-anchor="middle">{}</text>)~"
                     "\n",
                     (top + h - bottom) / 2, escape(chart.y_label));
  if (chart.marker_x && *chart.marker_x >= x_lo && *chart.marker_x <= x_hi) {
    // The label goes on the side of the line with more room.
    const double mx = sx(*chart.marker_x);
    const bool right_side = mx < (left + w - right) / 2;
    out += fmt::format(R"(<line x1="{0:.1f}" x2="{0:.1f}" y1="{1}" y2="{2}" class="marker"/>)"
                       R"(<text x="{3:.1f}" y="{4}" class="tick" text-anchor="{5}">{6}</text>)"
                       "\n",
                       mx, top, h - bottom, right_side ? mx + 3 : mx - 3, h - bottom - 5,
                       right_side ? "start" : "end", escape(chart.marker_label));
  }

  // Series: polylines broken at missing values, dots when there are few points.
  // The legend sits in the title row, right-aligned, clear of the data.
  double legend_x = w - right;
  for (const Series& s : chart.series) legend_x -= 6.0 * static_cast<double>(s.name.size()) + 30;
  legend_x += 18;
  for (const Series& s : chart.series) {
    std::string points;
    auto flush = [&] {
      if (!points.empty())
        out += fmt::format(R"(<polyline fill="none" stroke="{}" stroke-width="1.8" points="{}"/>)"
                           "\n",
                           s.colour, points);
      points.clear();
    };
    const size_t n = std::min(s.x.size(), s.y.size());
    for (size_t i = 0; i < n; ++i) {
      if (!usable(s.y[i]) || !std::isfinite(s.x[i])) {
        flush();
        continue;
      }
      fmt::format_to(std::back_inserter(points), "{}{:.1f},{:.1f}", points.empty() ? "" : " ", sx(s.x[i]),
                     sy(y_of(s.y[i])));
      if (n <= 60)
        out += fmt::format(R"(<circle cx="{:.1f}" cy="{:.1f}" r="2.2" fill="{}"/>)", sx(s.x[i]), sy(y_of(s.y[i])),
                           s.colour);
    }
    flush();
    out += fmt::format(R"(<line x1="{0:.1f}" x2="{1:.1f}" y1="{2}" y2="{2}" stroke="{3}" stroke-width="2"/>)"
                       R"(<text x="{4:.1f}" y="{5}" class="tick">{6}</text>)"
                       "\n",
                       legend_x - 18, legend_x - 4, top - 9, s.colour, legend_x, top - 5, escape(s.name));
    legend_x += 6.0 * static_cast<double>(s.name.size()) + 30;
  }
  out += "</svg>";
  return out;
}

std::string heat_map(const HeatMap& map) {
  const size_t rows = map.row_labels.size(), cols = map.column_labels.size();
  size_t longest_row = 0, longest_col = 0;
  for (const auto& l : map.row_labels) longest_row = std::max(longest_row, l.size());
  for (const auto& l : map.column_labels) longest_col = std::max(longest_col, l.size());
  const double cell = map.cell;
  const double left = 24 + 6.6 * static_cast<double>(longest_row);
  const double top = 30 + 4.8 * static_cast<double>(longest_col);
  // Column labels rise to the right at 50 degrees: leave room for the last one.
  const double w = left + cell * static_cast<double>(cols) + 12 + 3.9 * static_cast<double>(longest_col);
  const double h = top + cell * static_cast<double>(rows) + 12;

  std::string out = fmt::format(
      R"(<svg xmlns="http://www.w3.org/2000/svg" class="heatmap" width="{0:.0f}" height="{1:.0f}" viewBox="0 0 {0:.0f} {1:.0f}" role="img" aria-label="{2}">)"
      "\n",
      w, h, escape(map.title));
  out += fmt::format(R"(<text x="{:.0f}" y="14" class="axis">{} &#8594;</text>)"
                     "\n",
                     left, escape(map.column_axis));
  out += fmt::format(R"~(<text transform="translate(12,{:.0f}) rotate(-90)" class="axis" text-anchor="middle">&#8592; {}</text>)~"
                     "\n",
                     top + cell * static_cast<double>(rows) / 2, escape(map.row_axis));
  for (size_t c = 0; c < cols; ++c) {
    const double x = left + cell * (static_cast<double>(c) + 0.5);
    out += fmt::format(R"~(<text transform="translate({:.1f},{:.0f}) rotate(-50)" class="tick">{}</text>)~"
                       "\n",
                       x, top - 4, escape(map.column_labels[c]));
  }
  for (size_t r = 0; r < rows; ++r) {
    const double y = top + cell * static_cast<double>(r);
    out += fmt::format(R"(<text x="{:.0f}" y="{:.1f}" class="tick" text-anchor="end">{}</text>)"
                       "\n",
                       left - 4, y + cell / 2 + 4, escape(map.row_labels[r]));
    for (size_t c = 0; c < cols; ++c) {
      const double x = left + cell * static_cast<double>(c);
      const std::optional<double>& v = map.values[r * cols + c];
      const std::string fill = v ? blue(*v) : std::string("#e6e6e6");
      out += fmt::format(R"(<rect x="{:.0f}" y="{:.0f}" width="{:.0f}" height="{:.0f}" fill="{}" class="cell"/>)", x,
                         y, cell, cell, fill);
      const std::string label = map.cell_text.empty() ? std::string() : map.cell_text[r * cols + c];
      if (!label.empty())
        out += fmt::format(R"(<text x="{:.1f}" y="{:.1f}" class="{}" text-anchor="middle">{}</text>)", x + cell / 2,
                           y + cell / 2 + 3.5, v && *v > 0.55 ? "cell-text light" : "cell-text", escape(label));
      out += "\n";
    }
  }
  out += "</svg>";
  return out;
}

std::string picture(const features::PictureView& pic, const PictureAxes& axes, std::string_view title) {
  const double left = 46, top = 20, plot_w = 300, half_h = 110, gap = 2, bottom = 30;
  const double min_cell_px = 1.6;  // cells are drawn at least this big (px) so single packets show
  const double w = left + plot_w + 10, h = top + 2 * half_h + gap + bottom;
  const auto size_bins = axes.size_edges.empty() ? 0u : static_cast<uint32_t>(axes.size_edges.size() - 1);
  const uint32_t fwd = std::min(axes.forward_bins, size_bins);
  const uint32_t bwd = size_bins - fwd;
  const double tw = plot_w / std::max<uint32_t>(axes.time_bins, 1);
  const double fh = half_h / std::max<uint32_t>(fwd, 1), bh = half_h / std::max<uint32_t>(bwd, 1);
  const double axis_y = top + half_h + gap / 2;

  std::string out = fmt::format(
      R"(<svg xmlns="http://www.w3.org/2000/svg" class="picture" width="{0:.0f}" height="{1:.0f}" viewBox="0 0 {0:.0f} {1:.0f}" role="img" aria-label="{2}">)"
      "\n",
      w, h, escape(title));
  out += fmt::format(R"(<rect x="{}" y="{}" width="{}" height="{}" class="frame"/>)"
                     "\n",
                     left, top, plot_w, 2 * half_h + gap);

  float max_count = 0.0f;
  for (float c : pic.count) max_count = std::max(max_count, c);
  const double log_max = std::log1p(static_cast<double>(max_count));
  std::string fwd_cells, bwd_cells;
  for (size_t i = 0; i < pic.nnz(); ++i) {
    const uint32_t t = pic.time_bin[i], s = pic.size_bin[i];
    if (t >= axes.time_bins || s >= size_bins) continue;
    const double opacity = log_max > 0 ? 0.45 + 0.55 * std::log1p(static_cast<double>(pic.count[i])) / log_max : 1.0;
    const double x = left + tw * t;
    if (s < fwd) {
      fmt::format_to(std::back_inserter(fwd_cells), R"(<rect x="{:.2f}" y="{:.2f}" width="{:.2f}" height="{:.2f}" fill-opacity="{:.2f}"/>)",
                     x, top + fh * (fwd - 1 - s), std::max(tw, min_cell_px), std::max(fh, min_cell_px), opacity);
    } else {
      fmt::format_to(std::back_inserter(bwd_cells), R"(<rect x="{:.2f}" y="{:.2f}" width="{:.2f}" height="{:.2f}" fill-opacity="{:.2f}"/>)",
                     x, top + half_h + gap + bh * (s - fwd), std::max(tw, min_cell_px), std::max(bh, min_cell_px), opacity);
    }
  }
  out += R"(<g class="fwd">)" + fwd_cells + "</g>\n";
  out += R"(<g class="bwd">)" + bwd_cells + "</g>\n";
  out += fmt::format(R"(<line x1="{0}" x2="{1}" y1="{2}" y2="{2}" class="axisline"/>)"
                     "\n",
                     left, left + plot_w, axis_y);

  // Size ticks: bytes at the bottom, middle and top of each half.
  if (size_bins > 0) {
    const double shift = axes.size_edges[fwd];
    auto tick = [&](double y, double bytes) {
      out += fmt::format(R"(<text x="{}" y="{:.1f}" class="tick" text-anchor="end">{}</text>)"
                         "\n",
                         left - 4, y + 3.5, number_text(std::round(bytes)));
    };
    // Where the halves meet, one label when both start at the same size.
    const bool same_start = fwd > 0 && bwd > 0 && std::round(axes.size_edges[0]) == std::round(axes.size_edges[fwd] - shift);
    if (same_start) tick(axis_y, axes.size_edges[0]);
    if (fwd > 0) {
      if (!same_start) tick(top + half_h - 4, axes.size_edges[0]);
      tick(top + half_h / 2, axes.size_edges[fwd / 2]);
      tick(top + 6, axes.size_edges[fwd]);
    }
    if (bwd > 0) {
      if (!same_start) tick(top + half_h + gap + 6, axes.size_edges[fwd] - shift);
      tick(top + half_h + gap + half_h / 2, axes.size_edges[fwd + bwd / 2] - shift);
      tick(top + 2 * half_h + gap - 4, axes.size_edges[size_bins] - shift);
    }
    out += fmt::format(R"(<text x="{0}" y="{1}" class="dir fwd-label">fwd</text><text x="{0}" y="{2}" class="dir bwd-label">bwd</text>)"
                       "\n",
                       left + 4, top + 12, top + 2 * half_h + gap - 5);
  }
  for (int k = 0; k <= 4; ++k) {
    const double x = left + plot_w * k / 4.0;
    out += fmt::format(R"(<text x="{:.1f}" y="{:.0f}" class="tick" text-anchor="middle">{}</text>)"
                       "\n",
                       x, top + 2 * half_h + gap + 13, number_text(axes.window_s * k / 4.0));
  }
  out += fmt::format(R"(<text x="{:.0f}" y="{:.0f}" class="axis" text-anchor="middle">time (s); size (bytes)</text>)"
                     "\n",
                     left + plot_w / 2, h - 3);
  out += fmt::format(R"(<text x="{}" y="13" class="title">{}</text>)", left, escape(title));
  out += "</svg>";
  return out;
}

}  // namespace flowspike::report::svg
