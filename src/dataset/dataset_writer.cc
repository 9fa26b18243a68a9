#include "flowspike/dataset/dataset_writer.h"

#include <algorithm>
#include <cmath>
#include <optional>

#include <fmt/format.h>

#include "compressed_column.h"
#include "flowspike/common/atomic_file.h"
#include "flowspike/common/error.h"
#include "flowspike/common/hdf5.h"
#include "flowspike/dataset/dataset.h"
#include "flowspike/dataset/preset_io.h"

namespace flowspike::dataset {
namespace {

constexpr hsize_t kWindowChunk = 1 << 14;
constexpr hsize_t kCellChunk = 1 << 16;
constexpr hsize_t kFlowChunk = 1 << 12;

// A growing 1-D dataset of variable-length UTF-8 strings (the address columns),
// the string counterpart of hdf5::Appender.
class StringAppender {
 public:
  StringAppender(hid_t parent, std::string file, std::string name, hsize_t chunk)
      : file_(std::move(file)), name_(std::move(name)), chunk_(chunk) {
    type_ = hdf5::Handle(H5Tcopy(H5T_C_S1), H5Tclose);
    H5Tset_size(type_.get(), H5T_VARIABLE);
    H5Tset_cset(type_.get(), H5T_CSET_UTF8);
    dataset_ = detail::create_growable_dataset(parent, file_, name_, type_.get(), chunk_, 0);
  }

  void append(std::string value) {
    buffer_.push_back(std::move(value));
    if (buffer_.size() >= chunk_) finish();
  }

  void finish() {
    if (buffer_.empty()) return;
    std::vector<const char*> ptrs;
    ptrs.reserve(buffer_.size());
    for (const auto& s : buffer_) ptrs.push_back(s.c_str());
    hsize_t n = ptrs.size();
    hsize_t new_size[1] = {size_ + n};
    if (H5Dset_extent(dataset_.get(), new_size) < 0)
      throw Error(fmt::format("{}: cannot extend '{}'", file_, name_));
    hdf5::Handle file_space(H5Dget_space(dataset_.get()), H5Sclose);
    hsize_t start[1] = {size_};
    hsize_t count[1] = {n};
    H5Sselect_hyperslab(file_space.get(), H5S_SELECT_SET, start, nullptr, count, nullptr);
    hdf5::Handle mem_space(H5Screate_simple(1, count, nullptr), H5Sclose);
    if (H5Dwrite(dataset_.get(), type_.get(), mem_space.get(), file_space.get(), H5P_DEFAULT, ptrs.data()) < 0)
      throw Error(fmt::format("{}: cannot write '{}' (disk full?)", file_, name_));
    size_ += n;
    buffer_.clear();
  }

 private:
  hdf5::Handle type_, dataset_;
  std::string file_, name_;
  hsize_t chunk_;
  hsize_t size_ = 0;
  std::vector<std::string> buffer_;
};

// Every column of the file, open for appending. Destroyed before the file.
// The numeric columns are compressed on `worker`; chunks go to the file
// directly, so HDF5's chunk cache never holds them.
struct Columns {
  Columns(hdf5::File& f, detail::ChunkWorker& worker, int level)
      : label(f.id(), f.file(), "/windows/label", worker, kWindowChunk, level),
        flow(f.id(), f.file(), "/windows/flow", worker, kWindowChunk, level),
        start_s(f.id(), f.file(), "/windows/start_s", worker, kWindowChunk, level),
        offset(f.id(), f.file(), "/windows/offset", worker, kWindowChunk, level),
        time_bin(f.id(), f.file(), "/cells/time_bin", worker, kCellChunk, level),
        size_bin(f.id(), f.file(), "/cells/size_bin", worker, kCellChunk, level),
        count(f.id(), f.file(), "/cells/count", worker, kCellChunk, level),
        flow_capture(f.id(), f.file(), "/flows/capture", worker, kFlowChunk, level),
        proto(f.id(), f.file(), "/flows/proto", worker, kFlowChunk, level),
        src(f.id(), f.file(), "/flows/src", kFlowChunk),
        dst(f.id(), f.file(), "/flows/dst", kFlowChunk),
        sport(f.id(), f.file(), "/flows/sport", worker, kFlowChunk, level),
        dport(f.id(), f.file(), "/flows/dport", worker, kFlowChunk, level),
        packets(f.id(), f.file(), "/flows/packets", worker, kFlowChunk, level) {}

  void finish() {
    label.finish();
    flow.finish();
    start_s.finish();
    offset.finish();
    time_bin.finish();
    size_bin.finish();
    count.finish();
    flow_capture.finish();
    proto.finish();
    src.finish();
    dst.finish();
    sport.finish();
    dport.finish();
    packets.finish();
  }

  detail::CompressedColumn<int32_t> label;
  detail::CompressedColumn<int64_t> flow;
  detail::CompressedColumn<double> start_s;
  detail::CompressedColumn<int64_t> offset;
  detail::CompressedColumn<uint16_t> time_bin, size_bin;
  detail::CompressedColumn<float> count;
  detail::CompressedColumn<int32_t> flow_capture;
  detail::CompressedColumn<uint8_t> proto;
  StringAppender src, dst;
  detail::CompressedColumn<uint16_t> sport, dport;
  detail::CompressedColumn<int64_t> packets;
};

}  // namespace

class DatasetWriter::Impl {
 public:
  Impl(const std::string& path, const features::Preset& preset, std::vector<std::string> classes, int compression)
      : atomic_(path),
        target_(path),
        classes_(std::move(classes)),
        time_bins_(preset.picture.time_bins),
        size_bins_(preset.picture.size_edges.size_bins()) {
    if (compression < 0 || compression > 9)
      throw Error(fmt::format("{}: compression level {} is not in 0..9", path, compression));
    file_.emplace(hdf5::File::create(atomic_.temp_path().string()));
    file_->set_attr("format", kDatasetFormat);
    file_->set_attr("version", kDatasetVersion);
    write_preset(*file_, preset);
    file_->write_strings("classes", classes_);
    columns_ = std::make_unique<Columns>(*file_, worker_, compression);
    columns_->offset.append(int64_t{0});
  }

  ~Impl() {
    // Columns hold datasets of the file: close them first so the file really closes
    // (and the temporary file can be removed by AtomicFile).
    columns_.reset();
    file_.reset();
  }

  int64_t add_window(int32_t label, int64_t flow_row, double start_s, features::PictureView pic) {
    FLOWSPIKE_ASSERT(label >= 0 && static_cast<size_t>(label) < classes_.size());
    FLOWSPIKE_ASSERT(flow_row >= 0);
    FLOWSPIKE_ASSERT(pic.time_bin.size() == pic.nnz() && pic.size_bin.size() == pic.nnz());
    for (size_t i = 0; i < pic.nnz(); ++i) {
      FLOWSPIKE_ASSERT(pic.time_bin[i] < time_bins_ && pic.size_bin[i] < size_bins_);
      FLOWSPIKE_ASSERT(i == 0 || pic.time_bin[i - 1] < pic.time_bin[i] ||
                       (pic.time_bin[i - 1] == pic.time_bin[i] && pic.size_bin[i - 1] < pic.size_bin[i]));
    }
    Columns& c = *columns_;
    c.label.append(label);
    c.flow.append(flow_row);
    c.start_s.append(start_s);
    c.time_bin.append(pic.time_bin);
    c.size_bin.append(pic.size_bin);
    c.count.append(pic.count);
    cells_ += static_cast<int64_t>(pic.nnz());
    c.offset.append(cells_);
    max_flow_row_ = std::max(max_flow_row_, flow_row);
    return windows_++;
  }

  int64_t add_flow(const FlowRow& row) {
    FLOWSPIKE_ASSERT(row.capture >= 0);
    Columns& c = *columns_;
    c.flow_capture.append(row.capture);
    c.proto.append(row.proto);
    c.src.append(row.src);
    c.dst.append(row.dst);
    c.sport.append(row.sport);
    c.dport.append(row.dport);
    c.packets.append(row.packets);
    max_capture_row_ = std::max(max_capture_row_, row.capture);
    return flows_++;
  }

  void commit(const std::vector<std::string>& capture_paths) {
    if (max_flow_row_ >= flows_)
      throw Error(fmt::format("{}: internal error: a window refers to flow row {} but only {} flows were written",
                              target_, max_flow_row_, flows_));
    if (max_capture_row_ >= static_cast<int64_t>(capture_paths.size()))
      throw Error(fmt::format("{}: internal error: a flow refers to capture row {} but only {} captures are known",
                              target_, max_capture_row_, capture_paths.size()));
    columns_->finish();
    columns_.reset();
    file_->write_strings("captures/path", capture_paths);
    file_->flush();
    file_.reset();
    atomic_.commit();
  }

  int64_t windows_ = 0, flows_ = 0, cells_ = 0;

 private:
  AtomicFile atomic_;  // declared first: removes the temporary file after the HDF5 file is closed
  std::string target_;
  std::vector<std::string> classes_;
  uint32_t time_bins_, size_bins_;
  std::optional<hdf5::File> file_;
  detail::ChunkWorker worker_;  // before columns_: they hand it chunks until they are destroyed
  std::unique_ptr<Columns> columns_;
  int64_t max_flow_row_ = -1;
  int32_t max_capture_row_ = -1;
};

DatasetWriter::DatasetWriter(const std::string& path, const features::Preset& preset,
                             std::vector<std::string> classes, int compression)
    : impl_(std::make_unique<Impl>(path, preset, std::move(classes), compression)) {}

DatasetWriter::~DatasetWriter() = default;

int64_t DatasetWriter::add_window(int32_t label, int64_t flow_row, double start_s, features::PictureView picture) {
  return impl_->add_window(label, flow_row, start_s, picture);
}

int64_t DatasetWriter::add_flow(const FlowRow& row) { return impl_->add_flow(row); }

int64_t DatasetWriter::windows() const { return impl_->windows_; }
int64_t DatasetWriter::flows() const { return impl_->flows_; }
int64_t DatasetWriter::cells() const { return impl_->cells_; }

void DatasetWriter::commit(const std::vector<std::string>& capture_paths) { impl_->commit(capture_paths); }

}  // namespace flowspike::dataset
