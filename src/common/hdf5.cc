#include "flowspike/common/hdf5.h"

#include <algorithm>
#include <cstring>
#include <fstream>

#include <fmt/format.h>

#include "flowspike/common/error.h"

namespace flowspike::hdf5 {
namespace {

// HDF5 prints its own error stack by default; flowspike reports errors itself.
void silence_hdf5() {
  static const bool done = [] {
    H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
    return true;
  }();
  (void)done;
}

[[noreturn]] void fail(const std::string& file, const std::string& what) {
  throw Error(fmt::format("{}: {}", file, what));
}

Handle string_type() {
  hid_t t = H5Tcopy(H5T_C_S1);
  H5Tset_size(t, H5T_VARIABLE);
  H5Tset_cset(t, H5T_CSET_UTF8);
  return Handle(t, H5Tclose);
}

constexpr hsize_t kChunkElements = 1 << 16;

}  // namespace

Handle::Handle(Handle&& other) noexcept : id_(other.id_), closer_(other.closer_) { other.id_ = -1; }

Handle& Handle::operator=(Handle&& other) noexcept {
  if (this != &other) {
    if (id_ >= 0 && closer_) closer_(id_);
    id_ = other.id_;
    closer_ = other.closer_;
    other.id_ = -1;
  }
  return *this;
}

Handle::~Handle() {
  if (id_ >= 0 && closer_) closer_(id_);
}

template <> hid_t native_type<int8_t>() { return H5T_NATIVE_INT8; }
template <> hid_t native_type<uint8_t>() { return H5T_NATIVE_UINT8; }
template <> hid_t native_type<int16_t>() { return H5T_NATIVE_INT16; }
template <> hid_t native_type<uint16_t>() { return H5T_NATIVE_UINT16; }
template <> hid_t native_type<int32_t>() { return H5T_NATIVE_INT32; }
template <> hid_t native_type<uint32_t>() { return H5T_NATIVE_UINT32; }
template <> hid_t native_type<int64_t>() { return H5T_NATIVE_INT64; }
template <> hid_t native_type<uint64_t>() { return H5T_NATIVE_UINT64; }
template <> hid_t native_type<float>() { return H5T_NATIVE_FLOAT; }
template <> hid_t native_type<double>() { return H5T_NATIVE_DOUBLE; }

// ---- Appender ----

template <class T>
Appender<T>::Appender(hid_t parent, const std::string& file, const std::string& name, hsize_t chunk)
    : file_(file), name_(name), chunk_(std::max<hsize_t>(chunk, 1)) {
  silence_hdf5();
  hsize_t dims[1] = {0};
  hsize_t maxdims[1] = {H5S_UNLIMITED};
  Handle space(H5Screate_simple(1, dims, maxdims), H5Sclose);
  Handle plist(H5Pcreate(H5P_DATASET_CREATE), H5Pclose);
  hsize_t chunk_dims[1] = {chunk_};
  H5Pset_chunk(plist.get(), 1, chunk_dims);
  H5Pset_shuffle(plist.get());
  H5Pset_deflate(plist.get(), 1);
  Handle lcpl(H5Pcreate(H5P_LINK_CREATE), H5Pclose);
  H5Pset_create_intermediate_group(lcpl.get(), 1);
  dataset_ = Handle(H5Dcreate2(parent, name.c_str(), native_type<T>(), space.get(), lcpl.get(), plist.get(), H5P_DEFAULT),
                    H5Dclose);
  if (!dataset_.valid()) fail(file_, fmt::format("cannot create dataset '{}'", name_));
  buffer_.reserve(static_cast<size_t>(chunk_));
}

template <class T>
void Appender<T>::append(std::span<const T> values) {
  while (!values.empty()) {
    size_t room = static_cast<size_t>(chunk_) - buffer_.size();
    size_t n = std::min(room, values.size());
    buffer_.insert(buffer_.end(), values.begin(), values.begin() + static_cast<std::ptrdiff_t>(n));
    values = values.subspan(n);
    if (buffer_.size() == chunk_) finish();
  }
}

template <class T>
void Appender<T>::finish() {
  if (buffer_.empty()) return;
  hsize_t n = buffer_.size();
  hsize_t new_size[1] = {size_ + n};
  if (H5Dset_extent(dataset_.get(), new_size) < 0) fail(file_, fmt::format("cannot extend '{}'", name_));
  Handle file_space(H5Dget_space(dataset_.get()), H5Sclose);
  hsize_t start[1] = {size_};
  hsize_t count[1] = {n};
  H5Sselect_hyperslab(file_space.get(), H5S_SELECT_SET, start, nullptr, count, nullptr);
  Handle mem_space(H5Screate_simple(1, count, nullptr), H5Sclose);
  if (H5Dwrite(dataset_.get(), native_type<T>(), mem_space.get(), file_space.get(), H5P_DEFAULT, buffer_.data()) < 0)
    fail(file_, fmt::format("cannot write '{}' (disk full?)", name_));
  size_ += n;
  buffer_.clear();
}

template class Appender<int8_t>;
template class Appender<uint8_t>;
template class Appender<int16_t>;
template class Appender<uint16_t>;
template class Appender<int32_t>;
template class Appender<uint32_t>;
template class Appender<int64_t>;
template class Appender<uint64_t>;
template class Appender<float>;
template class Appender<double>;

// ---- Group ----

Group::Group(Handle handle, std::string file, std::string path)
    : handle_(std::move(handle)), file_(std::move(file)), path_(std::move(path)) {}

std::string Group::qualified(const std::string& name) const {
  if (path_ == "/" || path_.empty()) return "/" + name;
  return path_ + "/" + name;
}

bool Group::has(const std::string& name) const {
  // Check each path component so a missing intermediate group is not an error.
  std::string prefix;
  size_t pos = 0;
  while (pos <= name.size()) {
    size_t slash = name.find('/', pos);
    std::string part = name.substr(0, slash == std::string::npos ? name.size() : slash);
    if (H5Lexists(id(), part.c_str(), H5P_DEFAULT) <= 0) return false;
    if (slash == std::string::npos) break;
    pos = slash + 1;
  }
  return true;
}

Group Group::create_group(const std::string& name) {
  Handle lcpl(H5Pcreate(H5P_LINK_CREATE), H5Pclose);
  H5Pset_create_intermediate_group(lcpl.get(), 1);
  hid_t g = H5Gcreate2(id(), name.c_str(), lcpl.get(), H5P_DEFAULT, H5P_DEFAULT);
  if (g < 0) fail(file_, fmt::format("cannot create group '{}'", qualified(name)));
  return Group(Handle(g, H5Gclose), file_, qualified(name));
}

Group Group::open_group(const std::string& name) const {
  if (!has(name)) fail(file_, fmt::format("missing group '{}'", qualified(name)));
  hid_t g = H5Gopen2(id(), name.c_str(), H5P_DEFAULT);
  if (g < 0) fail(file_, fmt::format("'{}' is not a group", qualified(name)));
  return Group(Handle(g, H5Gclose), file_, qualified(name));
}

template <class T>
void Group::write(const std::string& name, std::span<const T> values, std::vector<hsize_t> dims) {
  if (dims.empty()) dims = {static_cast<hsize_t>(values.size())};
  hsize_t total = 1;
  for (hsize_t d : dims) total *= d;
  FLOWSPIKE_ASSERT(total == values.size());
  Handle space(H5Screate_simple(static_cast<int>(dims.size()), dims.data(), nullptr), H5Sclose);
  Handle plist(H5Pcreate(H5P_DATASET_CREATE), H5Pclose);
  if (total > kChunkElements) {
    std::vector<hsize_t> chunk(dims);
    // Chunk along the first axis, keeping the rest whole, about kChunkElements each.
    hsize_t row = total / std::max<hsize_t>(dims[0], 1);
    chunk[0] = std::clamp<hsize_t>(kChunkElements / std::max<hsize_t>(row, 1), 1, dims[0]);
    H5Pset_chunk(plist.get(), static_cast<int>(chunk.size()), chunk.data());
    H5Pset_shuffle(plist.get());
    H5Pset_deflate(plist.get(), 1);
  }
  Handle lcpl(H5Pcreate(H5P_LINK_CREATE), H5Pclose);
  H5Pset_create_intermediate_group(lcpl.get(), 1);
  Handle ds(H5Dcreate2(id(), name.c_str(), native_type<T>(), space.get(), lcpl.get(), plist.get(), H5P_DEFAULT),
            H5Dclose);
  if (!ds.valid()) fail(file_, fmt::format("cannot create dataset '{}'", qualified(name)));
  if (total > 0 && H5Dwrite(ds.get(), native_type<T>(), H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data()) < 0)
    fail(file_, fmt::format("cannot write dataset '{}' (disk full?)", qualified(name)));
}

std::vector<hsize_t> Group::shape(const std::string& name) const {
  if (!has(name)) fail(file_, fmt::format("missing dataset '{}'", qualified(name)));
  Handle ds(H5Dopen2(id(), name.c_str(), H5P_DEFAULT), H5Dclose);
  if (!ds.valid()) fail(file_, fmt::format("'{}' is not a dataset", qualified(name)));
  Handle space(H5Dget_space(ds.get()), H5Sclose);
  int rank = H5Sget_simple_extent_ndims(space.get());
  if (rank < 0) fail(file_, fmt::format("cannot read the shape of '{}'", qualified(name)));
  std::vector<hsize_t> dims(static_cast<size_t>(rank));
  H5Sget_simple_extent_dims(space.get(), dims.data(), nullptr);
  return dims;
}

template <class T>
std::vector<T> Group::read(const std::string& name, std::vector<hsize_t>* dims_out) const {
  std::vector<hsize_t> dims = shape(name);
  Handle ds(H5Dopen2(id(), name.c_str(), H5P_DEFAULT), H5Dclose);
  Handle type(H5Dget_type(ds.get()), H5Tclose);
  H5T_class_t cls = H5Tget_class(type.get());
  if (cls != H5T_INTEGER && cls != H5T_FLOAT)
    fail(file_, fmt::format("dataset '{}' is not numeric", qualified(name)));
  hsize_t total = 1;
  for (hsize_t d : dims) total *= d;
  std::vector<T> out(static_cast<size_t>(total));
  if (total > 0 && H5Dread(ds.get(), native_type<T>(), H5S_ALL, H5S_ALL, H5P_DEFAULT, out.data()) < 0)
    fail(file_, fmt::format("cannot read dataset '{}' (file damaged?)", qualified(name)));
  if (dims_out) *dims_out = dims;
  return out;
}

template <class T>
std::vector<T> Group::read_range(const std::string& name, hsize_t start, hsize_t count) const {
  std::vector<hsize_t> dims = shape(name);
  if (dims.size() != 1) fail(file_, fmt::format("dataset '{}' is not 1-D", qualified(name)));
  if (start + count > dims[0])
    fail(file_, fmt::format("dataset '{}' has {} elements, asked for [{}, {})", qualified(name), dims[0], start,
                            start + count));
  std::vector<T> out(static_cast<size_t>(count));
  if (count == 0) return out;
  Handle ds(H5Dopen2(id(), name.c_str(), H5P_DEFAULT), H5Dclose);
  Handle file_space(H5Dget_space(ds.get()), H5Sclose);
  hsize_t s[1] = {start};
  hsize_t c[1] = {count};
  H5Sselect_hyperslab(file_space.get(), H5S_SELECT_SET, s, nullptr, c, nullptr);
  Handle mem_space(H5Screate_simple(1, c, nullptr), H5Sclose);
  if (H5Dread(ds.get(), native_type<T>(), mem_space.get(), file_space.get(), H5P_DEFAULT, out.data()) < 0)
    fail(file_, fmt::format("cannot read dataset '{}' (file damaged?)", qualified(name)));
  return out;
}

void Group::write_strings(const std::string& name, const std::vector<std::string>& values) {
  hsize_t dims[1] = {values.size()};
  Handle space(H5Screate_simple(1, dims, nullptr), H5Sclose);
  Handle type = string_type();
  Handle lcpl(H5Pcreate(H5P_LINK_CREATE), H5Pclose);
  H5Pset_create_intermediate_group(lcpl.get(), 1);
  Handle ds(H5Dcreate2(id(), name.c_str(), type.get(), space.get(), lcpl.get(), H5P_DEFAULT, H5P_DEFAULT), H5Dclose);
  if (!ds.valid()) fail(file_, fmt::format("cannot create dataset '{}'", qualified(name)));
  std::vector<const char*> ptrs;
  ptrs.reserve(values.size());
  for (const auto& v : values) ptrs.push_back(v.c_str());
  if (!values.empty() && H5Dwrite(ds.get(), type.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, ptrs.data()) < 0)
    fail(file_, fmt::format("cannot write dataset '{}'", qualified(name)));
}

std::vector<std::string> Group::read_strings(const std::string& name) const {
  std::vector<hsize_t> dims = shape(name);
  if (dims.size() != 1) fail(file_, fmt::format("dataset '{}' is not a 1-D string array", qualified(name)));
  Handle ds(H5Dopen2(id(), name.c_str(), H5P_DEFAULT), H5Dclose);
  Handle file_type(H5Dget_type(ds.get()), H5Tclose);
  if (H5Tget_class(file_type.get()) != H5T_STRING)
    fail(file_, fmt::format("dataset '{}' does not hold strings", qualified(name)));
  std::vector<std::string> out;
  out.reserve(static_cast<size_t>(dims[0]));
  if (dims[0] == 0) return out;
  if (H5Tis_variable_str(file_type.get()) > 0) {
    Handle type = string_type();
    std::vector<char*> ptrs(static_cast<size_t>(dims[0]), nullptr);
    if (H5Dread(ds.get(), type.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, ptrs.data()) < 0)
      fail(file_, fmt::format("cannot read dataset '{}'", qualified(name)));
    for (char* p : ptrs) out.emplace_back(p ? p : "");
    Handle space(H5Dget_space(ds.get()), H5Sclose);
    H5Dvlen_reclaim(type.get(), space.get(), H5P_DEFAULT, ptrs.data());
  } else {
    // Fixed-length strings, as numpy's 'S' arrays written by h5py.
    size_t width = H5Tget_size(file_type.get());
    std::vector<char> buf(static_cast<size_t>(dims[0]) * width);
    if (H5Dread(ds.get(), file_type.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, buf.data()) < 0)
      fail(file_, fmt::format("cannot read dataset '{}'", qualified(name)));
    for (size_t i = 0; i < dims[0]; ++i) {
      const char* p = buf.data() + i * width;
      out.emplace_back(p, strnlen(p, width));
    }
  }
  return out;
}

bool Group::has_attr(const std::string& name) const { return H5Aexists(id(), name.c_str()) > 0; }

template <class T>
void Group::set_attr(const std::string& name, T value) {
  if (has_attr(name)) H5Adelete(id(), name.c_str());
  Handle space(H5Screate(H5S_SCALAR), H5Sclose);
  Handle a(H5Acreate2(id(), name.c_str(), native_type<T>(), space.get(), H5P_DEFAULT, H5P_DEFAULT), H5Aclose);
  if (!a.valid() || H5Awrite(a.get(), native_type<T>(), &value) < 0)
    fail(file_, fmt::format("cannot write attribute '{}' of '{}'", name, path_));
}

void Group::set_attr(const std::string& name, std::string_view value) {
  if (has_attr(name)) H5Adelete(id(), name.c_str());
  Handle space(H5Screate(H5S_SCALAR), H5Sclose);
  Handle type = string_type();
  Handle a(H5Acreate2(id(), name.c_str(), type.get(), space.get(), H5P_DEFAULT, H5P_DEFAULT), H5Aclose);
  std::string copy(value);
  const char* p = copy.c_str();
  if (!a.valid() || H5Awrite(a.get(), type.get(), &p) < 0)
    fail(file_, fmt::format("cannot write attribute '{}' of '{}'", name, path_));
}

template <class T>
void Group::set_attr_vector(const std::string& name, const std::vector<T>& values) {
  if (has_attr(name)) H5Adelete(id(), name.c_str());
  hsize_t dims[1] = {values.size()};
  Handle space(H5Screate_simple(1, dims, nullptr), H5Sclose);
  Handle a(H5Acreate2(id(), name.c_str(), native_type<T>(), space.get(), H5P_DEFAULT, H5P_DEFAULT), H5Aclose);
  if (!a.valid() || (!values.empty() && H5Awrite(a.get(), native_type<T>(), values.data()) < 0))
    fail(file_, fmt::format("cannot write attribute '{}' of '{}'", name, path_));
}

template <class T>
T Group::attr(const std::string& name) const {
  if (!has_attr(name)) fail(file_, fmt::format("missing attribute '{}' of '{}'", name, path_));
  Handle a(H5Aopen(id(), name.c_str(), H5P_DEFAULT), H5Aclose);
  Handle space(H5Aget_space(a.get()), H5Sclose);
  Handle type(H5Aget_type(a.get()), H5Tclose);
  H5T_class_t cls = H5Tget_class(type.get());
  if ((cls != H5T_INTEGER && cls != H5T_FLOAT) || H5Sget_simple_extent_npoints(space.get()) != 1)
    fail(file_, fmt::format("attribute '{}' of '{}' is not a number", name, path_));
  T value{};
  if (H5Aread(a.get(), native_type<T>(), &value) < 0)
    fail(file_, fmt::format("cannot read attribute '{}' of '{}'", name, path_));
  return value;
}

std::string Group::attr_string(const std::string& name) const {
  if (!has_attr(name)) fail(file_, fmt::format("missing attribute '{}' of '{}'", name, path_));
  Handle a(H5Aopen(id(), name.c_str(), H5P_DEFAULT), H5Aclose);
  Handle file_type(H5Aget_type(a.get()), H5Tclose);
  if (H5Tget_class(file_type.get()) != H5T_STRING)
    fail(file_, fmt::format("attribute '{}' of '{}' is not a string", name, path_));
  if (H5Tis_variable_str(file_type.get()) > 0) {
    Handle type = string_type();
    char* p = nullptr;
    if (H5Aread(a.get(), type.get(), &p) < 0) fail(file_, fmt::format("cannot read attribute '{}'", name));
    std::string out = p ? p : "";
    H5free_memory(p);
    return out;
  }
  size_t width = H5Tget_size(file_type.get());
  std::vector<char> buf(width + 1, '\0');
  if (H5Aread(a.get(), file_type.get(), buf.data()) < 0) fail(file_, fmt::format("cannot read attribute '{}'", name));
  return std::string(buf.data(), strnlen(buf.data(), width));
}

template <class T>
std::vector<T> Group::attr_vector(const std::string& name) const {
  if (!has_attr(name)) fail(file_, fmt::format("missing attribute '{}' of '{}'", name, path_));
  Handle a(H5Aopen(id(), name.c_str(), H5P_DEFAULT), H5Aclose);
  Handle space(H5Aget_space(a.get()), H5Sclose);
  Handle type(H5Aget_type(a.get()), H5Tclose);
  H5T_class_t cls = H5Tget_class(type.get());
  if (cls != H5T_INTEGER && cls != H5T_FLOAT)
    fail(file_, fmt::format("attribute '{}' of '{}' is not numeric", name, path_));
  hssize_t n = H5Sget_simple_extent_npoints(space.get());
  std::vector<T> out(static_cast<size_t>(std::max<hssize_t>(n, 0)));
  if (n > 0 && H5Aread(a.get(), native_type<T>(), out.data()) < 0)
    fail(file_, fmt::format("cannot read attribute '{}' of '{}'", name, path_));
  return out;
}

#define FLOWSPIKE_HDF5_INSTANTIATE(T)                                                                 \
  template void Group::write<T>(const std::string&, std::span<const T>, std::vector<hsize_t>);         \
  template std::vector<T> Group::read<T>(const std::string&, std::vector<hsize_t>*) const;             \
  template std::vector<T> Group::read_range<T>(const std::string&, hsize_t, hsize_t) const;            \
  template void Group::set_attr<T>(const std::string&, T);                                            \
  template void Group::set_attr_vector<T>(const std::string&, const std::vector<T>&);                 \
  template T Group::attr<T>(const std::string&) const;                                                \
  template std::vector<T> Group::attr_vector<T>(const std::string&) const;

FLOWSPIKE_HDF5_INSTANTIATE(int8_t)
FLOWSPIKE_HDF5_INSTANTIATE(uint8_t)
FLOWSPIKE_HDF5_INSTANTIATE(int16_t)
FLOWSPIKE_HDF5_INSTANTIATE(uint16_t)
FLOWSPIKE_HDF5_INSTANTIATE(int32_t)
FLOWSPIKE_HDF5_INSTANTIATE(uint32_t)
FLOWSPIKE_HDF5_INSTANTIATE(int64_t)
FLOWSPIKE_HDF5_INSTANTIATE(uint64_t)
FLOWSPIKE_HDF5_INSTANTIATE(float)
FLOWSPIKE_HDF5_INSTANTIATE(double)
#undef FLOWSPIKE_HDF5_INSTANTIATE

// ---- File ----

bool is_hdf5(const std::string& path) {
  static const unsigned char kSignature[8] = {0x89, 'H', 'D', 'F', '\r', '\n', 0x1a, '\n'};
  std::ifstream in(path, std::ios::binary);
  unsigned char buf[8] = {};
  if (!in.read(reinterpret_cast<char*>(buf), 8)) return false;
  return std::memcmp(buf, kSignature, 8) == 0;
}

File File::create(const std::string& path) {
  silence_hdf5();
  hid_t f = H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
  if (f < 0) fail(path, "cannot create HDF5 file");
  return File(Handle(f, H5Fclose), path, "/");
}

File File::open(const std::string& path) {
  silence_hdf5();
  std::ifstream probe(path);
  if (!probe) fail(path, "cannot open (no such file or no permission)");
  if (!is_hdf5(path)) fail(path, "not an HDF5 file");
  hid_t f = H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  if (f < 0) fail(path, "cannot open HDF5 file (truncated or damaged?)");
  return File(Handle(f, H5Fclose), path, "/");
}

File File::open_rw(const std::string& path) {
  silence_hdf5();
  if (!is_hdf5(path)) fail(path, "not an HDF5 file");
  hid_t f = H5Fopen(path.c_str(), H5F_ACC_RDWR, H5P_DEFAULT);
  if (f < 0) fail(path, "cannot open HDF5 file for writing");
  return File(Handle(f, H5Fclose), path, "/");
}

void File::flush() {
  if (H5Fflush(id(), H5F_SCOPE_GLOBAL) < 0) fail(file(), "cannot flush (disk full?)");
}

}  // namespace flowspike::hdf5
