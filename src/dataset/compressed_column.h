// A growing 1-D HDF5 dataset (shuffle + deflate, like hdf5::Appender) whose
// chunks are compressed on a worker thread and stored with H5Dwrite_chunk, so
// compression overlaps with the extraction instead of stalling it, and HDF5's
// chunk cache never holds the data (memory stays flat however long the file). Readers see
// an ordinary filtered dataset. HDF5 itself is only called from the owning
// thread; the worker sees nothing but byte buffers. Internal to the dataset
// module. One column is used by one thread.
#pragma once

#include <hdf5.h>

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <future>
#include <mutex>
#include <span>
#include <string>
#include <thread>
#include <vector>

#include "flowspike/common/hdf5.h"

namespace flowspike::dataset::detail {

// One worker thread that runs queued jobs in order.
class ChunkWorker {
 public:
  ChunkWorker();
  ~ChunkWorker();  // finishes the queued jobs, then joins
  ChunkWorker(const ChunkWorker&) = delete;
  ChunkWorker& operator=(const ChunkWorker&) = delete;

  std::future<std::vector<uint8_t>> submit(std::function<std::vector<uint8_t>()> job);

 private:
  void run();
  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<std::packaged_task<std::vector<uint8_t>()>> queue_;
  bool stop_ = false;
  std::thread thread_;
};

// Creates an empty, growable 1-D dataset of `type` in chunks of `chunk`
// elements, with the shuffle and deflate (level 1..9) filters when
// `deflate_level` > 0. Throws flowspike::Error naming the file.
hdf5::Handle create_growable_dataset(hid_t parent, const std::string& file, const std::string& name, hid_t type,
                                     hsize_t chunk, int deflate_level);

// What the HDF5 shuffle filter then the deflate filter (level `level`) make of
// one chunk of `element_size`-byte elements: a zlib stream any inflater reads.
// `rle` restricts deflate to run-length matches (faster, and smaller for the
// long runs of shuffled small-integer floats). Throws flowspike::Error if zlib fails.
std::vector<uint8_t> shuffle_and_deflate(std::span<const uint8_t> raw, size_t element_size, int level, bool rle);

template <class T>
class CompressedColumn {
 public:
  // deflate_level 0 stores chunks uncompressed (written at once, no worker).
  CompressedColumn(hid_t parent, std::string file, std::string name, ChunkWorker& worker, hsize_t chunk,
                   int deflate_level);
  void append(std::span<const T> values);
  void append(const T& value) { append(std::span<const T>(&value, 1)); }
  // Compresses and writes what is buffered and waits for the worker; the
  // dataset then has exactly size() elements. Call once, before the file closes.
  void finish();
  hsize_t size() const { return size_; }

 private:
  void submit_buffer();
  void write_done(size_t keep_at_most);
  void write_chunk(hsize_t index, std::span<const uint8_t> bytes);

  hdf5::Handle dataset_;
  std::string file_, name_;
  ChunkWorker& worker_;
  hsize_t chunk_;
  int level_;
  hsize_t size_ = 0;        // elements appended
  hsize_t submitted_ = 0;   // chunks handed to the worker
  hsize_t extent_ = 0;      // current extent of the dataset
  std::vector<T> buffer_;
  std::deque<std::pair<hsize_t, std::future<std::vector<uint8_t>>>> pending_;  // (chunk index, bytes)
};

}  // namespace flowspike::dataset::detail
