// A small RAII layer over the HDF5 C API for flowspike's dataset and model
// files. Every error becomes a flowspike::Error naming the file and the object.
// Numbers are stored in native HDF5 types, strings as variable-length UTF-8,
// so h5py reads everything directly. HDF5 is not thread-safe here: one thread
// touches a file at a time.
#pragma once

#include <hdf5.h>

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace flowspike::hdf5 {

// Owns one hid_t and closes it with the matching H5*close.
class Handle {
 public:
  using Closer = herr_t (*)(hid_t);
  Handle() = default;
  Handle(hid_t id, Closer closer) : id_(id), closer_(closer) {}
  Handle(Handle&& other) noexcept;
  Handle& operator=(Handle&& other) noexcept;
  Handle(const Handle&) = delete;
  Handle& operator=(const Handle&) = delete;
  ~Handle();
  hid_t get() const { return id_; }
  bool valid() const { return id_ >= 0; }

 private:
  hid_t id_ = -1;
  Closer closer_ = nullptr;
};

// The HDF5 type for a C++ element type (int8..int64, uint8..uint64, float, double).
template <class T>
hid_t native_type();

// A 1-D dataset that grows by appending, chunked and compressed, so writers can
// stream without holding the whole array in memory.
template <class T>
class Appender {
 public:
  Appender(hid_t parent, const std::string& file, const std::string& name, hsize_t chunk = 1 << 16);
  void append(std::span<const T> values);
  void append(const T& value) { append(std::span<const T>(&value, 1)); }
  // Writes what is buffered. Call before the file closes; appending may go on after.
  void finish();
  hsize_t size() const { return size_ + buffer_.size(); }

 private:
  Handle dataset_;
  std::string file_, name_;
  hsize_t size_ = 0;
  std::vector<T> buffer_;
  hsize_t chunk_;
};

// A group (or the file's root group), remembering the file name for messages.
class Group {
 public:
  Group(Handle handle, std::string file, std::string path);

  hid_t id() const { return handle_.get(); }
  const std::string& file() const { return file_; }
  const std::string& path() const { return path_; }

  bool has(const std::string& name) const;  // a link (dataset or group) of that name
  Group create_group(const std::string& name);
  Group open_group(const std::string& name) const;

  // Writes a whole array; dims defaults to 1-D {values.size()}. Large arrays are
  // chunked and deflate-compressed.
  template <class T>
  void write(const std::string& name, std::span<const T> values, std::vector<hsize_t> dims = {});
  template <class T>
  void write(const std::string& name, const std::vector<T>& values, std::vector<hsize_t> dims = {}) {
    write(name, std::span<const T>(values), std::move(dims));
  }
  // Reads a whole array of any rank (converted to T by HDF5); dims receives its shape.
  template <class T>
  std::vector<T> read(const std::string& name, std::vector<hsize_t>* dims = nullptr) const;
  // Shape of a dataset without reading it.
  std::vector<hsize_t> shape(const std::string& name) const;
  // Reads elements [start, start + count) of a 1-D dataset.
  template <class T>
  std::vector<T> read_range(const std::string& name, hsize_t start, hsize_t count) const;

  template <class T>
  Appender<T> appender(const std::string& name, hsize_t chunk = 1 << 16) {
    return Appender<T>(id(), file_, qualified(name), chunk);
  }

  void write_strings(const std::string& name, const std::vector<std::string>& values);
  std::vector<std::string> read_strings(const std::string& name) const;

  // Attributes: numeric scalars, strings and numeric vectors.
  bool has_attr(const std::string& name) const;
  template <class T>
  void set_attr(const std::string& name, T value);
  void set_attr(const std::string& name, std::string_view value);
  void set_attr(const std::string& name, const char* value) { set_attr(name, std::string_view(value)); }
  template <class T>
  void set_attr_vector(const std::string& name, const std::vector<T>& values);
  template <class T>
  T attr(const std::string& name) const;
  std::string attr_string(const std::string& name) const;
  template <class T>
  std::vector<T> attr_vector(const std::string& name) const;

  std::string qualified(const std::string& name) const;

 private:
  Handle handle_;
  std::string file_, path_;
};

// An open file. create() truncates; open() is read-only; open_rw() read-write.
// A file that is not HDF5 at all is a flowspike::Error naming it.
class File : public Group {
 public:
  static File create(const std::string& path);
  static File open(const std::string& path);
  static File open_rw(const std::string& path);
  void flush();

 private:
  using Group::Group;
};

// True when path starts with the HDF5 signature (cheap check before opening).
bool is_hdf5(const std::string& path);

}  // namespace flowspike::hdf5
