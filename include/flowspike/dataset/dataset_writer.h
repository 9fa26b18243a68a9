// Streams a dataset file (DESIGN section 5) to disk window by window, so a
// writer's memory does not grow with the number of windows or cells: columns
// are appended in chunks. The file appears atomically: it is written to a
// temporary file that commit() renames onto the target; a writer destroyed
// without commit() (an error, an interrupt) leaves nothing behind.
// save_dataset and the extractor both write through this class, so there is
// one definition of the layout. One writer is used by one thread.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "flowspike/features/picture.h"
#include "flowspike/features/preset.h"

namespace flowspike::dataset {

// One row of the /flows columns.
struct FlowRow {
  int32_t capture = -1;   // row in /captures
  uint8_t proto = 0;
  std::string src, dst;   // address text of the forward direction
  uint16_t sport = 0;
  uint16_t dport = 0;
  int64_t packets = 0;    // packets of the whole flow, both directions
};

// Deflate level of the numeric columns (with the shuffle filter): 1 is the
// fastest that compresses; 0 stores them uncompressed (a larger file, less CPU).
inline constexpr int kDefaultCompression = 1;

class DatasetWriter {
 public:
  // Starts writing `path` (through a temporary file beside it). Throws
  // flowspike::Error if the directory does not exist or cannot be written,
  // or if compression is not in 0..9.
  DatasetWriter(const std::string& path, const features::Preset& preset, std::vector<std::string> classes,
                int compression = kDefaultCompression);
  ~DatasetWriter();
  DatasetWriter(const DatasetWriter&) = delete;
  DatasetWriter& operator=(const DatasetWriter&) = delete;

  // Appends one window with its picture; returns its index. `flow_row` may
  // refer to a flow row that is added later, but before commit(). Cells must be
  // sorted by (time_bin, size_bin), unique, and inside the preset's bins.
  int64_t add_window(int32_t label, int64_t flow_row, double start_s, features::PictureView picture);

  // Appends one row to the /flows columns; returns its index.
  int64_t add_flow(const FlowRow& row);

  int64_t windows() const;
  int64_t flows() const;
  int64_t cells() const;

  // Writes /captures/path, checks that every window's flow row exists and every
  // flow's capture row exists, closes the file and renames it onto the target.
  // Throws flowspike::Error (and leaves no file) on failure.
  void commit(const std::vector<std::string>& capture_paths);

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace flowspike::dataset
