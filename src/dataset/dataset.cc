#include "flowspike/dataset/dataset.h"

#include <cmath>

#include <fmt/format.h>

#include "flowspike/common/error.h"
#include "flowspike/common/hdf5.h"
#include "flowspike/dataset/dataset_writer.h"
#include "flowspike/dataset/preset_io.h"

namespace flowspike::dataset {
namespace {

[[noreturn]] void invalid(const std::string& source, const std::string& what) {
  throw Error(fmt::format("{}: not a valid flowspike dataset: {}", source, what));
}

// Reads a 1-D numeric column, naming the file when it is missing or not 1-D.
template <class T>
std::vector<T> read_column(const hdf5::File& f, const std::string& name) {
  if (!f.has(name)) invalid(f.file(), fmt::format("missing dataset '/{}'", name));
  if (f.shape(name).size() != 1) invalid(f.file(), fmt::format("'/{}' is not 1-D", name));
  return f.read<T>(name);
}

std::vector<std::string> read_string_column(const hdf5::File& f, const std::string& name) {
  if (!f.has(name)) invalid(f.file(), fmt::format("missing dataset '/{}'", name));
  return f.read_strings(name);
}

}  // namespace

features::PictureView Dataset::picture(size_t window) const {
  FLOWSPIKE_ASSERT(window < size());
  auto begin = static_cast<size_t>(offset[window]);
  auto n = static_cast<size_t>(offset[window + 1] - offset[window]);
  return {std::span<const uint16_t>(time_bin).subspan(begin, n), std::span<const uint16_t>(size_bin).subspan(begin, n),
          std::span<const float>(count).subspan(begin, n)};
}

void Dataset::validate(const std::string& source) const {
  const size_t n = label.size();
  if (flow.size() != n || start_s.size() != n)
    invalid(source, fmt::format("window columns differ in length (label {}, flow {}, start_s {})", n, flow.size(),
                                start_s.size()));
  if (offset.size() != n + 1)
    invalid(source, fmt::format("/windows/offset has {} entries, expected windows + 1 = {}", offset.size(), n + 1));
  const size_t nnz = count.size();
  if (time_bin.size() != nnz || size_bin.size() != nnz)
    invalid(source, fmt::format("cell columns differ in length (time_bin {}, size_bin {}, count {})", time_bin.size(),
                                size_bin.size(), nnz));
  if (offset[0] != 0) invalid(source, fmt::format("/windows/offset starts at {}, not 0", offset[0]));
  for (size_t i = 0; i < n; ++i)
    if (offset[i + 1] < offset[i])
      invalid(source, fmt::format("/windows/offset is not monotone at window {} ({} then {})", i, offset[i],
                                  offset[i + 1]));
  if (static_cast<size_t>(offset[n]) != nnz)
    invalid(source, fmt::format("/windows/offset ends at {} but there are {} cells", offset[n], nnz));

  const size_t flows = flow_capture.size();
  if (flow_proto.size() != flows || flow_src.size() != flows || flow_dst.size() != flows ||
      flow_sport.size() != flows || flow_dport.size() != flows || flow_packets.size() != flows)
    invalid(source, "the /flows columns differ in length");
  for (size_t i = 0; i < n; ++i) {
    if (label[i] < 0 || static_cast<size_t>(label[i]) >= classes.size())
      invalid(source, fmt::format("window {} has label {}, outside the {} classes", i, label[i], classes.size()));
    if (flow[i] < 0 || static_cast<size_t>(flow[i]) >= flows)
      invalid(source, fmt::format("window {} refers to flow row {}, outside the {} flows", i, flow[i], flows));
    if (!std::isfinite(start_s[i])) invalid(source, fmt::format("window {} has a start time that is not finite", i));
  }
  for (size_t i = 0; i < flows; ++i)
    if (flow_capture[i] < 0 || static_cast<size_t>(flow_capture[i]) >= capture_paths.size())
      invalid(source, fmt::format("flow {} refers to capture row {}, outside the {} captures", i, flow_capture[i],
                                  capture_paths.size()));

  const uint32_t time_bins = preset.picture.time_bins;
  const uint32_t size_bins = preset.picture.size_edges.size_bins();
  for (size_t w = 0; w < n; ++w) {
    for (auto c = static_cast<size_t>(offset[w]); c < static_cast<size_t>(offset[w + 1]); ++c) {
      if (time_bin[c] >= time_bins || size_bin[c] >= size_bins)
        invalid(source, fmt::format("cell {} of window {} is at bin ({}, {}), outside {} x {}", c, w, time_bin[c],
                                    size_bin[c], time_bins, size_bins));
      if (!std::isfinite(count[c])) invalid(source, fmt::format("cell {} of window {} is not finite", c, w));
      if (c > static_cast<size_t>(offset[w]) &&
          !(time_bin[c - 1] < time_bin[c] || (time_bin[c - 1] == time_bin[c] && size_bin[c - 1] < size_bin[c])))
        invalid(source, fmt::format("the cells of window {} are not sorted by (time_bin, size_bin) and unique", w));
    }
  }
}

Dataset load_dataset(const std::string& path) {
  hdf5::File f = hdf5::File::open(path);
  if (!f.has_attr("format") || f.attr_string("format") != kDatasetFormat)
    throw Error(fmt::format("{}: not a flowspike dataset (no format=\"{}\" attribute)", path, kDatasetFormat));
  int version = f.attr<int>("version");
  if (version != kDatasetVersion)
    throw Error(fmt::format("{}: dataset version {} is not supported (this flowspike reads version {})", path,
                            version, kDatasetVersion));
  Dataset d;
  d.preset = read_preset(f);
  d.classes = read_string_column(f, "classes");
  d.label = read_column<int32_t>(f, "windows/label");
  d.flow = read_column<int64_t>(f, "windows/flow");
  d.start_s = read_column<double>(f, "windows/start_s");
  d.offset = read_column<int64_t>(f, "windows/offset");
  d.time_bin = read_column<uint16_t>(f, "cells/time_bin");
  d.size_bin = read_column<uint16_t>(f, "cells/size_bin");
  d.count = read_column<float>(f, "cells/count");
  d.flow_capture = read_column<int32_t>(f, "flows/capture");
  d.flow_proto = read_column<uint8_t>(f, "flows/proto");
  d.flow_src = read_string_column(f, "flows/src");
  d.flow_dst = read_string_column(f, "flows/dst");
  d.flow_sport = read_column<uint16_t>(f, "flows/sport");
  d.flow_dport = read_column<uint16_t>(f, "flows/dport");
  d.flow_packets = read_column<int64_t>(f, "flows/packets");
  d.capture_paths = read_string_column(f, "captures/path");
  d.validate(path);
  return d;
}

void save_dataset(const Dataset& data, const std::string& path) {
  data.validate(path);
  DatasetWriter writer(path, data.preset, data.classes);
  for (size_t i = 0; i < data.flow_count(); ++i) {
    writer.add_flow({data.flow_capture[i], data.flow_proto[i], data.flow_src[i], data.flow_dst[i], data.flow_sport[i],
                     data.flow_dport[i], data.flow_packets[i]});
  }
  for (size_t i = 0; i < data.size(); ++i) writer.add_window(data.label[i], data.flow[i], data.start_s[i], data.picture(i));
  writer.commit(data.capture_paths);
}

uint64_t fingerprint(const Dataset& d) {
  // FNV-1a. A stride over the cells keeps it cheap; the row pointers already
  // change with almost any change of the windows.
  uint64_t h = 1469598103934665603ull;
  auto mix = [&](const void* data, size_t bytes) {
    const auto* p = static_cast<const unsigned char*>(data);
    for (size_t i = 0; i < bytes; ++i) h = (h ^ p[i]) * 1099511628211ull;
  };
  const uint64_t sizes[] = {d.size(), d.count.size(), d.classes.size(), d.preset.picture.time_bins,
                            d.preset.picture.size_edges.size_bins()};
  mix(sizes, sizeof(sizes));
  for (const auto& c : d.classes) {
    const uint64_t length = c.size();  // {"ab", "c"} and {"a", "bc"} differ
    mix(&length, sizeof(length));
    mix(c.data(), c.size());
  }
  mix(d.label.data(), d.label.size() * sizeof(int32_t));
  // The flow and capture of each window: the flow and capture splits group by them.
  mix(d.flow.data(), d.flow.size() * sizeof(int64_t));
  mix(d.flow_capture.data(), d.flow_capture.size() * sizeof(int32_t));
  mix(d.offset.data(), d.offset.size() * sizeof(int64_t));
  for (size_t c = 0; c < d.count.size(); c += 97) {
    mix(&d.time_bin[c], sizeof(uint16_t));
    mix(&d.size_bin[c], sizeof(uint16_t));
    mix(&d.count[c], sizeof(float));
  }
  return h;
}

}  // namespace flowspike::dataset
