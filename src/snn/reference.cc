#include "flowspike/snn/reference.h"

#include <cmath>

#include <fmt/format.h>

#include "flowspike/common/error.h"

namespace flowspike::snn {

namespace {

template <class T>
T leak(const Vector<T>& beta, int index) {
  return beta.size() == 1 ? beta(0) : beta(index);
}

template <class T>
void add_leak_gradient(Vector<T>& grad, int index, T value) {
  if (grad.size() == 1) {
    grad(0) += value;
  } else {
    grad(index) += value;
  }
}

template <class T>
T sigmoid(T x) {
  return T(1) / (T(1) + std::exp(-x));
}

}  // namespace

template <class T>
RowMatrix<T> dense_picture(features::PictureView picture, const SnnOptions& options) {
  RowMatrix<T> x = RowMatrix<T>::Zero(options.time_bins, options.inputs);
  for (size_t c = 0; c < picture.nnz(); ++c) {
    if (picture.time_bin[c] >= options.time_bins || picture.size_bin[c] >= options.inputs)
      throw Error(fmt::format("picture cell ({}, {}) lies outside {} time bins x {} inputs", picture.time_bin[c],
                              picture.size_bin[c], options.time_bins, options.inputs));
    x(picture.time_bin[c], picture.size_bin[c]) += static_cast<T>(picture.count[c]);
  }
  return x;
}

template <class T>
ReferenceOutcome reference_window(const SnnOptions& o, const BasicSnnParams<T>& p, const RowMatrix<T>& x,
                                  int32_t label, SpikeFunction spike, double ce_scale, double reg_scale,
                                  BasicSnnParams<T>* grad) {
  check_shapes(o, p, "reference parameters");
  const int I = static_cast<int>(o.inputs), H = static_cast<int>(o.hidden), C = static_cast<int>(o.classes);
  const int TT = static_cast<int>(o.time_bins);
  FLOWSPIKE_ASSERT(x.rows() == TT && x.cols() == I);
  FLOWSPIKE_ASSERT(label < C);
  const T eps = static_cast<T>(kNormEps);
  const T sigma = static_cast<T>(o.surrogate_sigma);

  // Forward, hidden layer.
  std::vector<T> norm1(H, T(0));
  for (int i = 0; i < I; ++i)
    for (int j = 0; j < H; ++j) norm1[j] += p.W1(i, j) * p.W1(i, j);
  RowMatrix<T> h = RowMatrix<T>::Zero(TT, H), v(TT, H), z(TT, H), s(TT, H);
  for (int t = 0; t < TT; ++t)
    for (int i = 0; i < I; ++i)
      for (int j = 0; j < H; ++j) h(t, j) += x(t, i) * p.W1(i, j);
  auto threshold_reset = [&](int j) { return o.paper_text ? p.b1(j) : p.b1(j) * norm1[j]; };
  auto scale = [&](int j) { return o.paper_text ? T(1) : T(1) / (norm1[j] + eps); };
  ReferenceOutcome out;
  for (int t = 0; t < TT; ++t) {
    for (int j = 0; j < H; ++j) {
      const T beta = leak(p.beta1, j);
      const T v_prev = t > 0 ? v(t - 1, j) : T(0);
      const T s_prev = t > 0 ? s(t - 1, j) : T(0);
      v(t, j) = beta * (v_prev - s_prev * threshold_reset(j)) + (T(1) - beta) * h(t, j);
      z(t, j) = v(t, j) * scale(j) - p.b1(j);
      s(t, j) = spike == SpikeFunction::heaviside ? (z(t, j) > T(0) ? T(1) : T(0)) : sigmoid(sigma * z(t, j));
      out.spikes += static_cast<double>(s(t, j));
      out.spikes_squared += static_cast<double>(s(t, j) * s(t, j));
    }
  }

  // Forward, readout.
  std::vector<T> norm2(C, T(0));
  for (int j = 0; j < H; ++j)
    for (int k = 0; k < C; ++k) norm2[k] += p.W2(j, k) * p.W2(j, k);
  RowMatrix<T> y = RowMatrix<T>::Zero(TT, C), u(TT, C);
  std::vector<T> mean(C, T(0));
  for (int t = 0; t < TT; ++t) {
    for (int k = 0; k < C; ++k) {
      for (int j = 0; j < H; ++j) y(t, k) += s(t, j) * p.W2(j, k);
      const T beta = leak(p.beta2, k);
      u(t, k) = beta * (t > 0 ? u(t - 1, k) : T(0)) + (T(1) - beta) * y(t, k);
      mean[k] += u(t, k);
    }
  }
  std::vector<T> logits(C);
  for (int k = 0; k < C; ++k) {
    mean[k] /= static_cast<T>(TT);
    logits[k] = mean[k] / (norm2[k] + eps) - p.b2(k);
    out.logits.push_back(static_cast<double>(logits[k]));
    if (logits[k] > logits[out.predicted]) out.predicted = k;
  }
  std::vector<T> softmax(C);
  T top = logits[out.predicted], total = T(0);
  for (int k = 0; k < C; ++k) total += softmax[k] = std::exp(logits[k] - top);
  for (int k = 0; k < C; ++k) softmax[k] /= total;
  if (label >= 0) out.loss = static_cast<double>(top + std::log(total) - logits[label]);
  if (!grad) return out;
  FLOWSPIKE_ASSERT(label >= 0);

  // Backward, readout: u's adjoint runs back through its recurrence.
  BasicSnnParams<T>& g = *grad;
  std::vector<T> dmean(C);
  for (int k = 0; k < C; ++k) {
    const T G = static_cast<T>(ce_scale) * (softmax[k] - (k == label ? T(1) : T(0)));
    g.b2(k) -= G;
    dmean[k] = G / (norm2[k] + eps);
    const T dnorm2 = -G * mean[k] / ((norm2[k] + eps) * (norm2[k] + eps));
    for (int j = 0; j < H; ++j) g.W2(j, k) += T(2) * p.W2(j, k) * dnorm2;
  }
  RowMatrix<T> ds = RowMatrix<T>::Zero(TT, H);
  std::vector<T> du_next(C, T(0));
  for (int t = TT - 1; t >= 0; --t) {
    for (int k = 0; k < C; ++k) {
      const T beta = leak(p.beta2, k);
      const T du = dmean[k] / static_cast<T>(TT) + beta * du_next[k];
      if (!o.beta_fixed_zero) add_leak_gradient(g.beta2, k, du * ((t > 0 ? u(t - 1, k) : T(0)) - y(t, k)));
      const T dy = (T(1) - beta) * du;
      for (int j = 0; j < H; ++j) {
        g.W2(j, k) += s(t, j) * dy;
        ds(t, j) += p.W2(j, k) * dy;
      }
      du_next[k] = du;
    }
  }

  // Backward, hidden layer.
  RowMatrix<T> dh(TT, H);
  std::vector<T> dv_next(H, T(0)), dnorm1(H, T(0));
  for (int t = TT - 1; t >= 0; --t) {
    for (int j = 0; j < H; ++j) {
      const T beta = leak(p.beta1, j);
      T dsj = ds(t, j) + static_cast<T>(reg_scale) * s(t, j);
      if (t < TT - 1) dsj += dv_next[j] * (-beta * threshold_reset(j));
      const T surrogate = sigma * sigmoid(sigma * z(t, j)) * sigmoid(-sigma * z(t, j));
      const T dz = dsj * surrogate;
      const T dv = dz * scale(j) + beta * dv_next[j];
      const T v_prev = t > 0 ? v(t - 1, j) : T(0);
      const T s_prev = t > 0 ? s(t - 1, j) : T(0);
      if (!o.paper_text) {
        g.b1(j) -= dz;
        dnorm1[j] -= dz * v(t, j) / ((norm1[j] + eps) * (norm1[j] + eps));
        g.b1(j) -= dv * beta * s_prev * norm1[j];
        dnorm1[j] -= dv * beta * s_prev * p.b1(j);
      }
      if (!o.beta_fixed_zero)
        add_leak_gradient(g.beta1, j, dv * (v_prev - s_prev * threshold_reset(j) - h(t, j)));
      dh(t, j) = (T(1) - beta) * dv;
      dv_next[j] = dv;
    }
  }
  for (int i = 0; i < I; ++i)
    for (int j = 0; j < H; ++j) {
      T sum = T(0);
      for (int t = 0; t < TT; ++t) sum += x(t, i) * dh(t, j);
      g.W1(i, j) += sum + T(2) * p.W1(i, j) * dnorm1[j];
    }
  return out;
}

template <class T>
double reference_batch(const SnnOptions& o, const BasicSnnParams<T>& p, std::span<const RowMatrix<T>> x,
                       std::span<const int32_t> labels, SpikeFunction spike, BasicSnnParams<T>* grad) {
  FLOWSPIKE_ASSERT(x.size() == labels.size() && !x.empty());
  const double batch = static_cast<double>(x.size());
  const double reg_scale = o.spike_reg / (batch * o.time_bins * o.hidden);
  if (grad) *grad = BasicSnnParams<T>::zeros(o);
  double loss = 0;
  for (size_t w = 0; w < x.size(); ++w) {
    const ReferenceOutcome r = reference_window(o, p, x[w], labels[w], spike, 1.0 / batch, reg_scale, grad);
    loss += r.loss / batch + 0.5 * reg_scale * r.spikes_squared;
  }
  return loss;
}

template RowMatrix<float> dense_picture(features::PictureView, const SnnOptions&);
template RowMatrix<double> dense_picture(features::PictureView, const SnnOptions&);
template ReferenceOutcome reference_window(const SnnOptions&, const BasicSnnParams<float>&, const RowMatrix<float>&,
                                           int32_t, SpikeFunction, double, double, BasicSnnParams<float>*);
template ReferenceOutcome reference_window(const SnnOptions&, const BasicSnnParams<double>&, const RowMatrix<double>&,
                                           int32_t, SpikeFunction, double, double, BasicSnnParams<double>*);
template double reference_batch(const SnnOptions&, const BasicSnnParams<float>&, std::span<const RowMatrix<float>>,
                                std::span<const int32_t>, SpikeFunction, BasicSnnParams<float>*);
template double reference_batch(const SnnOptions&, const BasicSnnParams<double>&,
                                std::span<const RowMatrix<double>>, std::span<const int32_t>, SpikeFunction,
                                BasicSnnParams<double>*);

}  // namespace flowspike::snn
