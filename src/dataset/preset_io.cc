#include "flowspike/dataset/preset_io.h"

#include <array>
#include <string_view>

#include <fmt/format.h>

#include "flowspike/common/error.h"

namespace flowspike::dataset {
namespace {

// Enum values are stored by name, so files stay readable if enums gain members.
template <class E>
struct EnumName {
  E value;
  std::string_view name;
};

constexpr std::array<EnumName<flow::WindowClock>, 2> kClocks{{
    {flow::WindowClock::per_flow, "per_flow"},
    {flow::WindowClock::per_direction, "per_direction"},
}};
constexpr std::array<EnumName<flow::WindowSet>, 2> kWindowSets{{
    {flow::WindowSet::covered, "covered"},
    {flow::WindowSet::started, "started"},
}};
constexpr std::array<EnumName<features::TimeAxis>, 2> kTimeAxes{{
    {features::TimeAxis::fixed, "fixed"},
    {features::TimeAxis::sample_span, "sample_span"},
}};
constexpr std::array<EnumName<features::SizeOverflow>, 2> kOverflows{{
    {features::SizeOverflow::last_bin, "last_bin"},
    {features::SizeOverflow::drop, "drop"},
}};

template <class E, size_t N>
std::string_view name_of(const std::array<EnumName<E>, N>& table, E value) {
  for (const auto& entry : table)
    if (entry.value == value) return entry.name;
  FLOWSPIKE_ASSERT(false && "enum value without a stored name");
  return {};
}

template <class E, size_t N>
E value_of(const std::array<EnumName<E>, N>& table, const hdf5::Group& group, const std::string& attr) {
  std::string text = group.attr_string(attr);
  for (const auto& entry : table)
    if (entry.name == text) return entry.value;
  throw Error(fmt::format("{}: attribute '{}' of '{}' has unknown value '{}'", group.file(), attr, group.path(), text));
}

}  // namespace

void write_preset(hdf5::Group& group, const features::Preset& preset) {
  const auto& pic = preset.picture;
  const auto& win = preset.window;
  group.set_attr("preset", std::string_view(preset.name));
  group.set_attr("time_bins", pic.time_bins);
  group.set_attr("size_bins", pic.size_edges.size_bins());
  group.set_attr("forward_size_bins", pic.size_edges.forward_bins());
  group.set_attr("window_s", win.length_s);
  group.set_attr("step_s", win.step_s);
  group.set_attr("min_packets", win.min_packets);
  group.set_attr("min_span_s", win.min_span_s);
  group.set_attr("clock", name_of(kClocks, win.clock));
  group.set_attr("closed_end", static_cast<uint8_t>(win.closed_end ? 1 : 0));
  group.set_attr("window_set", name_of(kWindowSets, win.set));
  group.set_attr("time_axis", name_of(kTimeAxes, pic.time_axis));
  group.set_attr("overflow", name_of(kOverflows, pic.overflow));
  group.set_attr("authors_layout", static_cast<uint8_t>(pic.authors_layout ? 1 : 0));
  group.write("size_edges", pic.size_edges.edges());
}

features::Preset read_preset(const hdf5::Group& group) {
  features::Preset preset;
  auto fail = [&](const std::string& what) {
    throw Error(fmt::format("{}: preset in '{}': {}", group.file(), group.path(), what));
  };
  preset.name = group.attr_string("preset");
  preset.window.length_s = group.attr<double>("window_s");
  preset.window.step_s = group.attr<double>("step_s");
  preset.window.min_packets = group.attr<uint32_t>("min_packets");
  preset.window.min_span_s = group.attr<double>("min_span_s");
  preset.window.clock = value_of(kClocks, group, "clock");
  preset.window.closed_end = group.attr<uint8_t>("closed_end") != 0;
  preset.window.set = value_of(kWindowSets, group, "window_set");
  preset.picture.time_bins = group.attr<uint32_t>("time_bins");
  preset.picture.time_axis = value_of(kTimeAxes, group, "time_axis");
  preset.picture.overflow = value_of(kOverflows, group, "overflow");
  preset.picture.authors_layout = group.attr<uint8_t>("authors_layout") != 0;

  if (!(preset.window.length_s > 0) || !(preset.window.step_s > 0))
    fail(fmt::format("window_s {} and step_s {} must be positive", preset.window.length_s, preset.window.step_s));
  if (preset.picture.time_bins == 0 || preset.picture.time_bins > 65535)
    fail(fmt::format("time_bins {} is not in 1..65535", preset.picture.time_bins));

  auto size_bins = group.attr<uint32_t>("size_bins");
  auto forward_bins = group.attr<uint32_t>("forward_size_bins");
  std::vector<hsize_t> dims;
  std::vector<double> edges = group.read<double>("size_edges", &dims);
  if (dims.size() != 1 || edges.size() != static_cast<size_t>(size_bins) + 1)
    fail(fmt::format("size_edges has {} values, expected size_bins + 1 = {}", edges.size(), size_bins + 1));
  if (size_bins > 65535) fail(fmt::format("size_bins {} is above 65535", size_bins));
  if (forward_bins == 0 || forward_bins >= size_bins)
    fail(fmt::format("forward_size_bins {} is not in 1..{}", forward_bins, size_bins - 1));
  try {
    preset.picture.size_edges = features::SizeBinEdges(std::move(edges), forward_bins);
  } catch (const Error& e) {
    fail(e.what());
  }
  return preset;
}

}  // namespace flowspike::dataset
