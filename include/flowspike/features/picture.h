// A sparse picture: the 2-D histogram of one window, time bin x size bin, as
// the (time_bin, size_bin, count) cells that are not zero. Cells are sorted by
// time_bin, then size_bin, and unique; this order is a contract that the SNN
// kernels rely on. SparsePicture owns its cells; PictureView borrows them
// (from a SparsePicture or from a dataset's CSR arrays).
#pragma once

#include <cstdint>
#include <span>
#include <vector>

namespace flowspike::features {

struct PictureView {
  std::span<const uint16_t> time_bin;
  std::span<const uint16_t> size_bin;
  std::span<const float> count;

  size_t nnz() const { return count.size(); }
};

struct SparsePicture {
  std::vector<uint16_t> time_bin;
  std::vector<uint16_t> size_bin;
  std::vector<float> count;

  size_t nnz() const { return count.size(); }
  PictureView view() const { return {time_bin, size_bin, count}; }
};

}  // namespace flowspike::features
