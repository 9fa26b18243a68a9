#include "flowspike/snn/params.h"

#include <cmath>

#include <fmt/format.h>

#include "flowspike/common/error.h"
#include "flowspike/optim/rng.h"

namespace flowspike::snn {

template <class T>
BasicSnnParams<T> BasicSnnParams<T>::zeros(const SnnOptions& o) {
  BasicSnnParams p;
  p.W1 = RowMatrix<T>::Zero(o.inputs, o.hidden);
  p.b1 = Vector<T>::Zero(o.hidden);
  p.beta1 = Vector<T>::Zero(beta1_size(o));
  p.W2 = RowMatrix<T>::Zero(o.hidden, o.classes);
  p.b2 = Vector<T>::Zero(o.classes);
  p.beta2 = Vector<T>::Zero(beta2_size(o));
  return p;
}

template <class T>
BasicSnnParams<T> BasicSnnParams<T>::initial(const SnnOptions& o, std::mt19937_64& rng) {
  validate_options(o);
  BasicSnnParams p = zeros(o);
  // Drawn in float-independent double, W1 then W2, row-major, so the same seed
  // gives the same network under any compiler (optim::normal is portable).
  const double sd1 = o.init_weight_scale / std::sqrt(static_cast<double>(o.inputs));
  const double sd2 = o.init_weight_scale / std::sqrt(static_cast<double>(o.hidden));
  for (Eigen::Index i = 0; i < p.W1.size(); ++i) p.W1.data()[i] = static_cast<T>(optim::normal(rng, 0.0, sd1));
  for (Eigen::Index i = 0; i < p.W2.size(); ++i) p.W2.data()[i] = static_cast<T>(optim::normal(rng, 0.0, sd2));
  const T beta = o.beta_fixed_zero ? T(0) : static_cast<T>(o.init_beta);
  p.beta1.setConstant(beta);
  p.beta2.setConstant(beta);
  p.b1.setConstant(static_cast<T>(o.init_threshold));
  p.b2.setConstant(static_cast<T>(o.init_threshold));
  return p;
}

template <class T>
void check_shapes(const SnnOptions& o, const BasicSnnParams<T>& p, const std::string& what) {
  auto check = [&](const char* name, Eigen::Index rows, Eigen::Index cols, Eigen::Index want_rows,
                   Eigen::Index want_cols) {
    if (rows != want_rows || cols != want_cols)
      throw Error(fmt::format("{}: {} is {}x{}, expected {}x{}", what, name, rows, cols, want_rows, want_cols));
  };
  check("W1", p.W1.rows(), p.W1.cols(), o.inputs, o.hidden);
  check("b1", p.b1.rows(), p.b1.cols(), o.hidden, 1);
  check("beta1", p.beta1.rows(), p.beta1.cols(), beta1_size(o), 1);
  check("W2", p.W2.rows(), p.W2.cols(), o.hidden, o.classes);
  check("b2", p.b2.rows(), p.b2.cols(), o.classes, 1);
  check("beta2", p.beta2.rows(), p.beta2.cols(), beta2_size(o), 1);
}

template struct BasicSnnParams<float>;
template struct BasicSnnParams<double>;
template void check_shapes(const SnnOptions&, const BasicSnnParams<float>&, const std::string&);
template void check_shapes(const SnnOptions&, const BasicSnnParams<double>&, const std::string&);

}  // namespace flowspike::snn
