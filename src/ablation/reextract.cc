#include "flowspike/ablation/reextract.h"

#include "cell_columns.h"

#include <cmath>
#include <filesystem>
#include <unordered_map>

#include <fmt/format.h>

#include "flowspike/capture/packet_source.h"
#include "flowspike/common/error.h"
#include "flowspike/common/interrupt.h"
#include "flowspike/features/picture_builder.h"
#include "flowspike/flow/window_cutter.h"

namespace flowspike::ablation {

namespace fs = std::filesystem;

namespace {

// What identifies a window across extractions: capture row, flow 5-tuple, start (µs).
std::string window_key(int32_t capture, uint8_t proto, const std::string& src, uint16_t sport, const std::string& dst,
                       uint16_t dport, double start_s) {
  return fmt::format("{}|{}|{}|{}|{}|{}|{}", capture, proto, src, sport, dst, dport, std::llround(start_s * 1e6));
}

std::string canonical(const std::string& path) {
  std::error_code ec;
  fs::path p = fs::weakly_canonical(path, ec);
  return ec ? path : p.string();
}

// Builds the pictures of the windows that match stored ones.
class MatchingSink final : public flow::WindowSink {
 public:
  MatchingSink(const std::unordered_map<std::string, int64_t>& stored, const std::vector<int32_t>& capture_row,
               features::PictureBuilder& builder, std::vector<features::SparsePicture>& pictures,
               std::vector<uint8_t>& found, uint64_t& extra)
      : stored_(stored), capture_row_(capture_row), builder_(builder), pictures_(pictures), found_(found),
        extra_(extra) {}

  void on_window(const flow::Window& window, const flow::FlowRecord& flow) override {
    const int32_t row = capture_row_[static_cast<size_t>(window.capture)];
    auto it = stored_.find(window_key(row, flow.proto, flow.src.to_string(), flow.sport, flow.dst.to_string(),
                                      flow.dport, static_cast<double>(window.start_ns) * 1e-9));
    if (it == stored_.end()) {
      ++extra_;
      return;
    }
    const auto w = static_cast<size_t>(it->second);
    builder_.build(window, pictures_[w], report_);
    found_[w] = 1;
  }

 private:
  const std::unordered_map<std::string, int64_t>& stored_;
  const std::vector<int32_t>& capture_row_;
  features::PictureBuilder& builder_;
  std::vector<features::SparsePicture>& pictures_;
  std::vector<uint8_t>& found_;
  uint64_t& extra_;
  capture::ParseReport report_;
};

}  // namespace

std::optional<std::vector<std::string>> locate_captures(const dataset::Dataset& data,
                                                        const std::vector<std::string>& roots, std::string& problem) {
  std::vector<std::string> out;
  for (const std::string& recorded : data.capture_paths) {
    std::error_code ec;
    std::string found;
    if (fs::is_regular_file(recorded, ec)) found = recorded;
    for (size_t r = 0; found.empty() && r < roots.size(); ++r) {
      for (const fs::path& candidate : {fs::path(roots[r]) / fs::path(recorded).relative_path(),
                                        fs::path(roots[r]) / fs::path(recorded).filename()}) {
        if (fs::is_regular_file(candidate, ec)) {
          found = candidate.string();
          break;
        }
      }
    }
    if (found.empty()) {
      problem = fmt::format("capture '{}' recorded in the dataset is not there{}", recorded,
                            roots.empty() ? "" : " (nor below the given capture directories)");
      return std::nullopt;
    }
    out.push_back(found);
  }
  return out;
}

ReextractResult reextract(const dataset::Dataset& data, const std::vector<std::string>& paths, uint32_t time_bins,
                          const ReextractOptions& options) {
  FLOWSPIKE_ASSERT(paths.size() == data.capture_paths.size());
  std::unordered_map<std::string, int64_t> stored;
  stored.reserve(data.size());
  for (size_t w = 0; w < data.size(); ++w) {
    const auto f = static_cast<size_t>(data.flow[w]);
    stored.emplace(window_key(data.flow_capture[f], data.flow_proto[f], data.flow_src[f], data.flow_sport[f],
                              data.flow_dst[f], data.flow_dport[f], data.start_s[w]),
                   static_cast<int64_t>(w));
  }

  features::Preset preset = data.preset;
  preset.picture.time_bins = time_bins;
  features::PictureBuilder builder(preset);

  capture::SourceOptions source_options;
  source_options.paths = paths;
  capture::PacketSource source(source_options);
  // Source capture index -> dataset capture row.
  std::unordered_map<std::string, int32_t> row_of_path;
  for (size_t r = 0; r < paths.size(); ++r) row_of_path.emplace(canonical(paths[r]), static_cast<int32_t>(r));
  std::vector<int32_t> capture_row;
  for (const auto& info : source.captures()) {
    auto it = row_of_path.find(canonical(info.path));
    capture_row.push_back(it == row_of_path.end() ? -1 : it->second);
  }

  ReextractResult result;
  std::vector<features::SparsePicture> pictures(data.size());
  result.found.assign(data.size(), 0);
  MatchingSink sink(stored, capture_row, builder, pictures, result.found, result.windows_extra);
  flow::WindowCutter cutter(preset.window, sink);
  flow::FlowTable table(options.flow_table, cutter);
  capture::Packet packet;
  uint64_t n = 0;
  while (source.next(packet)) {
    table.add(packet);
    if ((++n & 0xFFFF) == 0) throw_if_interrupted();
  }
  table.flush();

  dataset::Dataset& out = result.data;
  out = data;
  out.preset = preset;
  clear_cells(out);
  for (size_t w = 0; w < data.size(); ++w) {
    append_cells(out, pictures[w].view());
    if (result.found[w]) ++result.windows_found;
    else ++result.windows_missing;
  }
  return result;
}

dataset::Dataset keep_windows(const dataset::Dataset& data, const std::vector<uint8_t>& keep) {
  FLOWSPIKE_ASSERT(keep.size() == data.size());
  dataset::Dataset out = data;
  out.label.clear();
  out.flow.clear();
  out.start_s.clear();
  clear_cells(out);
  for (size_t w = 0; w < data.size(); ++w) {
    if (!keep[w]) continue;
    out.label.push_back(data.label[w]);
    out.flow.push_back(data.flow[w]);
    out.start_s.push_back(data.start_s[w]);
    append_cells(out, data.picture(w));
  }
  return out;
}

}  // namespace flowspike::ablation
