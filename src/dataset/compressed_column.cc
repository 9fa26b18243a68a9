#include "compressed_column.h"

#include <zlib.h>

#include <algorithm>
#include <cstring>
#include <type_traits>

#include <fmt/format.h>

#include "flowspike/common/error.h"

namespace flowspike::dataset::detail {
namespace {

constexpr size_t kMaxPendingChunks = 4;  // per column: bounds the memory held for the worker

}  // namespace

ChunkWorker::ChunkWorker() : thread_([this] { run(); }) {}

ChunkWorker::~ChunkWorker() {
  {
    std::lock_guard lock(mutex_);
    stop_ = true;
  }
  wake_.notify_one();
  thread_.join();
}

std::future<std::vector<uint8_t>> ChunkWorker::submit(std::function<std::vector<uint8_t>()> job) {
  std::packaged_task<std::vector<uint8_t>()> task(std::move(job));
  auto result = task.get_future();
  {
    std::lock_guard lock(mutex_);
    queue_.push_back(std::move(task));
  }
  wake_.notify_one();
  return result;
}

void ChunkWorker::run() {
  for (;;) {
    std::packaged_task<std::vector<uint8_t>()> task;
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [this] { return stop_ || !queue_.empty(); });
      if (queue_.empty()) return;
      task = std::move(queue_.front());
      queue_.pop_front();
    }
    task();  // exceptions are stored in the future
  }
}

hdf5::Handle create_growable_dataset(hid_t parent, const std::string& file, const std::string& name, hid_t type,
                                     hsize_t chunk, int deflate_level) {
  hsize_t dims[1] = {0};
  hsize_t maxdims[1] = {H5S_UNLIMITED};
  hdf5::Handle space(H5Screate_simple(1, dims, maxdims), H5Sclose);
  hdf5::Handle plist(H5Pcreate(H5P_DATASET_CREATE), H5Pclose);
  hsize_t chunk_dims[1] = {chunk};
  H5Pset_chunk(plist.get(), 1, chunk_dims);
  if (deflate_level > 0) {
    H5Pset_shuffle(plist.get());
    H5Pset_deflate(plist.get(), static_cast<unsigned>(deflate_level));
  }
  hdf5::Handle lcpl(H5Pcreate(H5P_LINK_CREATE), H5Pclose);
  H5Pset_create_intermediate_group(lcpl.get(), 1);
  hdf5::Handle dataset(H5Dcreate2(parent, name.c_str(), type, space.get(), lcpl.get(), plist.get(), H5P_DEFAULT),
                       H5Dclose);
  if (!dataset.valid()) throw Error(fmt::format("{}: cannot create dataset '{}'", file, name));
  return dataset;
}

std::vector<uint8_t> shuffle_and_deflate(std::span<const uint8_t> raw, size_t element_size, int level, bool rle) {
  std::vector<uint8_t> shuffled;
  std::span<const uint8_t> input = raw;
  if (element_size > 1) {
    // HDF5's shuffle: byte j of element i goes to j * n + i.
    const size_t n = raw.size() / element_size;
    shuffled.resize(raw.size());
    for (size_t i = 0; i < n; ++i)
      for (size_t j = 0; j < element_size; ++j) shuffled[j * n + i] = raw[i * element_size + j];
    input = shuffled;
  }
  // Run-length matching only for floats: their shuffled byte planes are long
  // runs (counts are small integers), where it is faster and smaller.
  z_stream z{};
  if (deflateInit2(&z, level, Z_DEFLATED, 15, 8, rle ? Z_RLE : Z_DEFAULT_STRATEGY) != Z_OK)
    throw Error("zlib cannot compress a chunk (out of memory?)");
  std::vector<uint8_t> out(deflateBound(&z, static_cast<uLong>(input.size())));
  z.next_in = const_cast<Bytef*>(input.data());
  z.avail_in = static_cast<uInt>(input.size());
  z.next_out = out.data();
  z.avail_out = static_cast<uInt>(out.size());
  int rc = deflate(&z, Z_FINISH);
  uLong out_len = z.total_out;
  deflateEnd(&z);
  if (rc != Z_STREAM_END) throw Error("zlib cannot compress a chunk");
  out.resize(out_len);
  return out;
}

template <class T>
CompressedColumn<T>::CompressedColumn(hid_t parent, std::string file, std::string name, ChunkWorker& worker,
                                      hsize_t chunk, int deflate_level)
    : file_(std::move(file)), name_(std::move(name)), worker_(worker), chunk_(chunk), level_(deflate_level) {
  FLOWSPIKE_ASSERT(level_ >= 0 && level_ <= 9);
  dataset_ = create_growable_dataset(parent, file_, name_, hdf5::native_type<T>(), chunk_, level_);
  buffer_.reserve(static_cast<size_t>(chunk_));
}

template <class T>
void CompressedColumn<T>::append(std::span<const T> values) {
  while (!values.empty()) {
    size_t n = std::min(static_cast<size_t>(chunk_) - buffer_.size(), values.size());
    buffer_.insert(buffer_.end(), values.begin(), values.begin() + static_cast<std::ptrdiff_t>(n));
    values = values.subspan(n);
    size_ += n;
    if (buffer_.size() == chunk_) submit_buffer();
  }
}

template <class T>
void CompressedColumn<T>::submit_buffer() {
  buffer_.resize(static_cast<size_t>(chunk_), T{});  // a partial last chunk is stored padded, as HDF5 does
  std::vector<T> raw;
  raw.swap(buffer_);
  buffer_.reserve(static_cast<size_t>(chunk_));
  if (level_ == 0) {
    write_chunk(submitted_++, {reinterpret_cast<const uint8_t*>(raw.data()), raw.size() * sizeof(T)});
    return;
  }
  pending_.emplace_back(submitted_++, worker_.submit([raw = std::move(raw), level = level_] {
    return shuffle_and_deflate({reinterpret_cast<const uint8_t*>(raw.data()), raw.size() * sizeof(T)}, sizeof(T),
                               level, std::is_floating_point_v<T>);
  }));
  write_done(kMaxPendingChunks);
}

// Writes the compressed chunks in order: every one that is done, and waits for
// the worker while more than `keep_at_most` remain.
template <class T>
void CompressedColumn<T>::write_done(size_t keep_at_most) {
  while (!pending_.empty()) {
    auto& [index, future] = pending_.front();
    if (pending_.size() <= keep_at_most && future.wait_for(std::chrono::seconds(0)) != std::future_status::ready)
      break;
    std::vector<uint8_t> bytes = future.get();
    write_chunk(index, bytes);
    pending_.pop_front();
  }
}

template <class T>
void CompressedColumn<T>::write_chunk(hsize_t index, std::span<const uint8_t> bytes) {
  hsize_t end = (index + 1) * chunk_;
  if (end > extent_) {
    hsize_t dims[1] = {end};
    if (H5Dset_extent(dataset_.get(), dims) < 0) throw Error(fmt::format("{}: cannot extend '{}'", file_, name_));
    extent_ = end;
  }
  hsize_t offset[1] = {index * chunk_};
  if (H5Dwrite_chunk(dataset_.get(), H5P_DEFAULT, 0, offset, bytes.size(), bytes.data()) < 0)
    throw Error(fmt::format("{}: cannot write '{}' (disk full?)", file_, name_));
}

template <class T>
void CompressedColumn<T>::finish() {
  if (!buffer_.empty()) submit_buffer();
  write_done(0);
  hsize_t dims[1] = {size_};
  if (H5Dset_extent(dataset_.get(), dims) < 0) throw Error(fmt::format("{}: cannot size '{}'", file_, name_));
  extent_ = size_;
}

template class CompressedColumn<uint8_t>;
template class CompressedColumn<uint16_t>;
template class CompressedColumn<int32_t>;
template class CompressedColumn<int64_t>;
template class CompressedColumn<float>;
template class CompressedColumn<double>;

}  // namespace flowspike::dataset::detail
