// The trainable parameters of the network, named as in the model file:
// W1 (inputs x hidden) so that h = x W1, b1 (hidden), beta1 (1 or hidden),
// W2 (hidden x classes), b2 (classes), beta2 (1 or classes). Row-major, so a
// row of W1 (one size bin's fan-out) is contiguous: an input event adds one
// row. BasicSnnParams<double> exists for gradient checks. Plain value type.
#pragma once

#include <cstdint>
#include <random>
#include <string>

#include <Eigen/Core>

#include "flowspike/snn/options.h"

namespace flowspike::snn {

template <class T>
using RowMatrix = Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
template <class T>
using Vector = Eigen::Matrix<T, Eigen::Dynamic, 1>;

template <class T>
struct BasicSnnParams {
  RowMatrix<T> W1;
  Vector<T> b1;
  Vector<T> beta1;
  RowMatrix<T> W2;
  Vector<T> b2;
  Vector<T> beta2;

  // Zero-filled parameters of the shape `options` asks for.
  static BasicSnnParams zeros(const SnnOptions& options);
  // DESIGN's initialisation, drawn from `rng`.
  static BasicSnnParams initial(const SnnOptions& options, std::mt19937_64& rng);

  size_t parameter_count() const {
    return static_cast<size_t>(W1.size() + b1.size() + beta1.size() + W2.size() + b2.size() + beta2.size());
  }
  template <class U>
  BasicSnnParams<U> cast() const {
    return {W1.template cast<U>(), b1.template cast<U>(), beta1.template cast<U>(),
            W2.template cast<U>(), b2.template cast<U>(), beta2.template cast<U>()};
  }
};

using SnnParams = BasicSnnParams<float>;

// Throws flowspike::Error ("<what>: W1 is 300x50, expected 300x100") unless
// every tensor has the shape `options` asks for.
template <class T>
void check_shapes(const SnnOptions& options, const BasicSnnParams<T>& params, const std::string& what);

}  // namespace flowspike::snn
