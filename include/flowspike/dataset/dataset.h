// A labelled dataset of sparse pictures, as stored in the HDF5 file of DESIGN
// section 5, held in memory column by column. Pictures are CSR rows into the
// shared cell arrays, so memory is proportional to the non-zero cells, never
// to windows x 90 000. Read-only after loading; safe to share between threads.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "flowspike/features/picture.h"
#include "flowspike/features/preset.h"

namespace flowspike::dataset {

inline constexpr const char* kDatasetFormat = "flowspike-dataset";
inline constexpr int kDatasetVersion = 1;

struct Dataset {
  features::Preset preset;
  std::vector<std::string> classes;  // index = label id

  // One entry per window.
  std::vector<int32_t> label;
  std::vector<int64_t> flow;      // row in the flow columns below
  std::vector<double> start_s;    // absolute window start, seconds since the epoch
  std::vector<int64_t> offset;    // CSR row pointer: cells of window i are [offset[i], offset[i+1])

  // Cells of all windows, each window's sorted by (time_bin, size_bin).
  std::vector<uint16_t> time_bin;
  std::vector<uint16_t> size_bin;
  std::vector<float> count;

  // One entry per flow that has at least one window.
  std::vector<int32_t> flow_capture;  // row in capture_paths
  std::vector<uint8_t> flow_proto;
  std::vector<std::string> flow_src;  // address text of the forward direction's source
  std::vector<std::string> flow_dst;
  std::vector<uint16_t> flow_sport;
  std::vector<uint16_t> flow_dport;
  std::vector<int64_t> flow_packets;  // packets of the whole flow, both directions

  std::vector<std::string> capture_paths;

  size_t size() const { return label.size(); }
  size_t flow_count() const { return flow_capture.size(); }
  features::PictureView picture(size_t window) const;
  // Throws flowspike::Error (naming `source`) if the columns are inconsistent.
  void validate(const std::string& source) const;
};

// Reads a dataset file written by `flowspike extract` (or by save_dataset).
// Throws flowspike::Error naming the file if it is not a flowspike dataset.
Dataset load_dataset(const std::string& path);

// Writes the whole dataset atomically (temporary file, rename on success).
void save_dataset(const Dataset& data, const std::string& path);

// A 64-bit hash of the shape, class names, labels, windows' flows and flows'
// captures (what the splits group by), row pointers and every 97th cell: cheap, and different for another dataset or one extracted with
// other settings, so a model or checkpoint can tell whether `data` is the
// dataset it was made from (equal datasets always hash equal). The value is
// stored in model files and checkpoints: it must not change.
uint64_t fingerprint(const Dataset& data);

}  // namespace flowspike::dataset
