#include "flowspike/snn/kernel.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include <fmt/format.h>

#include "flowspike/common/error.h"

namespace flowspike::snn {

namespace {

template <class T>
using Arr = Eigen::Array<T, Eigen::Dynamic, 1>;
template <class T>
using MapArr = Eigen::Map<Arr<T>>;
template <class T>
using CMapArr = Eigen::Map<const Arr<T>>;
template <class T>
using MapMat = Eigen::Map<RowMatrix<T>>;
template <class T>
using CMapMat = Eigen::Map<const RowMatrix<T>>;

template <class T>
void fit(std::vector<T>& buffer, size_t size) {
  if (buffer.size() != size) buffer.assign(size, T(0));
}

// Broadcasts a leak of size 1 (per layer) to every neuron.
template <class T>
Vector<T> per_neuron(const Vector<T>& beta, int n) {
  return beta.size() == 1 ? Vector<T>::Constant(n, beta(0)) : beta;
}

// Fills c, d, p for one leak value: column k of T x `stride` tables.
template <class T>
void readout_weights(T beta, int steps, int stride, int k, std::vector<T>& c, std::vector<T>& d, std::vector<T>& p) {
  std::vector<T> power(static_cast<size_t>(steps) + 1);
  power[0] = T(1);
  for (int n = 1; n <= steps; ++n) power[n] = power[n - 1] * beta;
  for (int t = 0; t < steps; ++t) {
    const int n = steps - t;  // steps from t to the end, t included
    const size_t at = static_cast<size_t>(t) * stride + k;
    c[at] = T(1) - power[n];
    d[at] = T(n) * power[n - 1];
    p[at] = power[n];
  }
}

}  // namespace

template <class T>
void GradientSums<T>::resize(const SnnOptions& o) {
  W1 = RowMatrix<T>::Zero(o.inputs, o.hidden);
  b1 = Vector<T>::Zero(o.hidden);
  beta1 = Vector<T>::Zero(o.hidden);
  norm1 = Vector<T>::Zero(o.hidden);
  W2 = RowMatrix<T>::Zero(o.hidden, o.classes);
  b2 = Vector<T>::Zero(o.classes);
  beta2 = Vector<T>::Zero(beta2_size(o));
  norm2 = Vector<T>::Zero(o.classes);
  loss = ce_loss = spikes = 0;
  correct = windows = 0;
}

template <class T>
void GradientSums<T>::set_zero() {
  W1.setZero();
  b1.setZero();
  beta1.setZero();
  norm1.setZero();
  W2.setZero();
  b2.setZero();
  beta2.setZero();
  norm2.setZero();
  loss = ce_loss = spikes = 0;
  correct = windows = 0;
}

template <class T>
void GradientSums<T>::add(const GradientSums& o) {
  W1 += o.W1;
  b1 += o.b1;
  beta1 += o.beta1;
  norm1 += o.norm1;
  W2 += o.W2;
  b2 += o.b2;
  beta2 += o.beta2;
  norm2 += o.norm2;
  loss += o.loss;
  ce_loss += o.ce_loss;
  spikes += o.spikes;
  correct += o.correct;
  windows += o.windows;
}

template <class T>
SnnKernel<T>::SnnKernel(const SnnOptions& options, const BasicSnnParams<T>& params, SpikeFunction spike)
    : options_(options), params_(params), spike_(spike) {
  validate_options(options_);
  check_shapes(options_, params_, "network parameters");
  H_ = static_cast<int>(options_.hidden);
  C_ = static_cast<int>(options_.classes);
  T_ = static_cast<int>(options_.time_bins);
  I_ = static_cast<int>(options_.inputs);
  per_class_ = params_.beta2.size() > 1;

  const T eps = static_cast<T>(kNormEps);
  norm1_ = params_.W1.colwise().squaredNorm().transpose();
  if (options_.paper_text) {
    inv1_ = Vec::Ones(H_);
    thr_ = params_.b1;
  } else {
    inv1_ = (norm1_.array() + eps).inverse().matrix();
    thr_ = params_.b1.cwiseProduct(norm1_);
  }
  beta1_ = per_neuron(params_.beta1, H_);
  omb1_ = (T(1) - beta1_.array()).matrix();
  norm2_ = params_.W2.colwise().squaredNorm().transpose();
  inv2_ = (norm2_.array() + eps).inverse().matrix();
  beta2_ = per_neuron(params_.beta2, C_);

  const int columns = per_class_ ? C_ : 1;
  const size_t table = static_cast<size_t>(T_) * columns;
  c_.assign(table, T(0));
  d_.assign(table, T(0));
  p_.assign(table, T(0));
  for (int k = 0; k < columns; ++k) readout_weights(beta2_(k), T_, columns, k, c_, d_, p_);
}

template <class T>
WindowOutcome SnnKernel<T>::forward(features::PictureView picture, int32_t label, KernelWorkspace<T>& ws,
                                    bool record) const {
  const int H = H_, C = C_;
  const size_t nnz = picture.nnz();
  FLOWSPIKE_ASSERT(picture.time_bin.size() == nnz && picture.size_bin.size() == nnz);
  if (label >= C) throw Error(fmt::format("label {} is not a class of a {}-class network", label, C));
  if (nnz > std::numeric_limits<uint32_t>::max()) throw Error("picture has too many cells");

  const size_t hidden = static_cast<size_t>(H);
  const size_t steps = static_cast<size_t>(T_);
  const size_t acc_size = per_class_ ? hidden * C : hidden;
  fit(ws.v_, hidden);
  fit(ws.s_, hidden);
  fit(ws.s_prev_, hidden);
  fit(ws.h_, hidden);
  fit(ws.z_, hidden);
  fit(ws.tmp_, hidden);
  fit(ws.acc_a_, acc_size);
  fit(ws.acc_b_, acc_size);
  fit(ws.mean_, static_cast<size_t>(C));
  fit(ws.logits_, static_cast<size_t>(C));
  if (record) {
    fit(ws.v_hist_, steps * hidden);
    fit(ws.s_hist_, steps * hidden);
    fit(ws.h_hist_, steps * hidden);
    fit(ws.step_spikes_, steps);
  }

  MapArr<T> v(ws.v_.data(), H), s(ws.s_.data(), H), s_prev(ws.s_prev_.data(), H), z(ws.z_.data(), H);
  MapArr<T> a(ws.acc_a_.data(), static_cast<Eigen::Index>(acc_size));
  MapArr<T> b(ws.acc_b_.data(), static_cast<Eigen::Index>(acc_size));
  const auto beta1 = beta1_.array();
  const auto omb1 = omb1_.array();
  const auto thr = thr_.array();
  const auto inv1 = inv1_.array();
  const auto b1 = params_.b1.array();
  const T sigma = static_cast<T>(options_.surrogate_sigma);
  const T* w1 = params_.W1.data();

  v.setZero();
  s_prev.setZero();
  a.setZero();
  if (record) b.setZero();
  ws.active_.clear();

  WindowOutcome out;
  out.input_events = static_cast<uint32_t>(nnz);
  size_t cell = 0;
  uint32_t spikes_before = 0;  // nonzero entries of s_prev
  for (int t = 0; t < T_; ++t) {
    if (spikes_before > 0) {
      v = beta1 * (v - s_prev * thr);
    } else if (t > 0) {
      v = beta1 * v;
    }
    if (cell < nnz && picture.time_bin[cell] == t) {
      const size_t begin = cell;
      T* h_data = record ? ws.h_hist_.data() + ws.active_.size() * hidden : ws.h_.data();
      MapArr<T> h(h_data, H);
      h.setZero();
      do {
        const uint16_t row = picture.size_bin[cell];
        if (row >= I_)
          throw Error(fmt::format("picture cell has size bin {}, but the network has {} inputs", row, I_));
        h += static_cast<T>(picture.count[cell]) * CMapArr<T>(w1 + static_cast<size_t>(row) * hidden, H);
        ++cell;
      } while (cell < nnz && picture.time_bin[cell] == t);
      if (cell < nnz && picture.time_bin[cell] < t)
        throw Error("picture cells are not sorted by time bin");
      ws.active_.push_back({static_cast<uint32_t>(t), static_cast<uint32_t>(begin), static_cast<uint32_t>(cell)});
      v += omb1 * h;
    }

    z = v * inv1 - b1;
    uint32_t nonzero = 0;
    if (spike_ == SpikeFunction::heaviside) {
      s = (z > T(0)).template cast<T>();
      const T count = s.sum();
      nonzero = static_cast<uint32_t>(count);
      out.spikes += static_cast<double>(count);
      out.spikes_squared += static_cast<double>(count);
    } else {
      const auto e = (-sigma * z.abs()).exp();
      s = (z >= T(0)).select(T(1) / (T(1) + e), e / (T(1) + e));
      nonzero = static_cast<uint32_t>((s != T(0)).count());
      out.spikes += static_cast<double>(s.sum());
      out.spikes_squared += static_cast<double>(s.square().sum());
    }

    if (record) {
      std::copy_n(ws.v_.data(), hidden, ws.v_hist_.data() + t * hidden);
      std::copy_n(ws.s_.data(), hidden, ws.s_hist_.data() + t * hidden);
      ws.step_spikes_[t] = nonzero;
    }
    if (nonzero > 0) {
      if (!per_class_) {
        a += c_[t] * s;
        if (record) b += d_[t] * s;
      } else {
        const CMapArr<T> ct(c_.data() + static_cast<size_t>(t) * C, C);
        const CMapArr<T> dt(d_.data() + static_cast<size_t>(t) * C, C);
        for (int j = 0; j < H; ++j) {
          const T sj = s(j);
          if (sj == T(0)) continue;
          MapArr<T>(ws.acc_a_.data() + static_cast<size_t>(j) * C, C) += sj * ct;
          if (record) MapArr<T>(ws.acc_b_.data() + static_cast<size_t>(j) * C, C) += sj * dt;
        }
      }
    }
    s_prev = s;
    spikes_before = nonzero;
  }
  if (cell < nnz)
    throw Error(fmt::format("picture cell has time bin {}, but the network has {} time bins",
                            picture.time_bin[cell], T_));

  // Readout: the time mean of the leaky readout, divided by its weight norm.
  MapArr<T> mean(ws.mean_.data(), C), logits(ws.logits_.data(), C);
  const T inv_steps = T(1) / static_cast<T>(T_);
  if (!per_class_) {
    mean = (params_.W2.transpose() * CMapArr<T>(ws.acc_a_.data(), H).matrix()).array() * inv_steps;
  } else {
    const CMapMat<T> A(ws.acc_a_.data(), H, C);
    mean = (A.array() * params_.W2.array()).colwise().sum().transpose() * inv_steps;
  }
  logits = mean * inv2_.array() - params_.b2.array();

  Eigen::Index best = 0;
  logits.maxCoeff(&best);
  out.predicted = static_cast<int32_t>(best);
  if (label >= 0) {
    const T top = logits(best);
    const double sum = static_cast<double>((logits - top).exp().sum());
    out.loss = static_cast<double>(top) + std::log(sum) - static_cast<double>(logits(label));
  }
  return out;
}

template <class T>
void SnnKernel<T>::backward(features::PictureView picture, int32_t label, double ce_scale, double reg_scale,
                            KernelWorkspace<T>& ws, GradientSums<T>& sums) const {
  const int H = H_, C = C_;
  const size_t hidden = static_cast<size_t>(H);
  FLOWSPIKE_ASSERT(label >= 0 && label < C);
  FLOWSPIKE_ASSERT(ws.v_hist_.size() == static_cast<size_t>(T_) * hidden);
  fit(ws.dv_next_, hidden);
  fit(ws.dv_, hidden);
  fit(ws.ds_, hidden);
  fit(ws.dz_, hidden);
  fit(ws.q_, per_class_ ? hidden * C : hidden);

  // Readout. G = d(ce_scale * CE)/dlogit; logit = mean * inv2 - b2.
  const CMapArr<T> logits(ws.logits_.data(), C), mean(ws.mean_.data(), C);
  const T top = logits.maxCoeff();
  Arr<T> G = (logits - top).exp();
  G /= G.sum();
  G(label) -= T(1);
  G *= static_cast<T>(ce_scale);
  const Arr<T> inv2 = inv2_.array();
  const Arr<T> gm_steps = G * inv2 / static_cast<T>(T_);  // dL/d(sum_t u[t]) per class
  sums.b2.array() -= G;
  sums.norm2.array() -= G * mean * inv2.square();

  MapArr<T> q(ws.q_.data(), H);  // dL/ds[t] from the readout is c[t] * q (one leak)
  if (!per_class_) {
    const CMapArr<T> a(ws.acc_a_.data(), H), b(ws.acc_b_.data(), H);
    sums.W2.noalias() += a.matrix() * gm_steps.matrix().transpose();
    q = (params_.W2 * gm_steps.matrix()).array();
    sums.beta2(0) -= (b * q).sum();
  } else {
    const CMapMat<T> A(ws.acc_a_.data(), H, C), B(ws.acc_b_.data(), H, C);
    MapMat<T> wq(ws.q_.data(), H, C);  // W2[j,k] * gm_steps[k]
    wq = (params_.W2.array().rowwise() * gm_steps.transpose()).matrix();
    sums.W2.array() += A.array().rowwise() * gm_steps.transpose();
    sums.beta2.array() -= (B.array() * wq.array()).colwise().sum().transpose();
    // dL/ds_j[t] = sum_k (1 - beta2_k^(T-t)) wq[j,k]: a (T x C) x (C x H) product.
    fit(ws.direct_, static_cast<size_t>(T_) * hidden);
    MapMat<T> direct(ws.direct_.data(), T_, H);
    const CMapMat<T> P(p_.data(), T_, C);
    direct.noalias() = -(P * wq.transpose());
    direct.rowwise() += wq.rowwise().sum().transpose();
  }

  // Hidden layer, backwards in time. dv_next = dL/dv[t+1].
  MapArr<T> dv_next(ws.dv_next_.data(), H), dv(ws.dv_.data(), H), ds(ws.ds_.data(), H), dz(ws.dz_.data(), H);
  MapArr<T> scratch(ws.tmp_.data(), H);
  const auto beta1 = beta1_.array();
  const auto omb1 = omb1_.array();
  const auto thr = thr_.array();
  const auto inv1 = inv1_.array();
  const auto norm1 = norm1_.array();
  const auto b1 = params_.b1.array();
  const T sigma = static_cast<T>(options_.surrogate_sigma);
  const T reg = static_cast<T>(reg_scale);
  const bool train_b1 = !options_.paper_text;
  auto gb1 = sums.b1.array();
  auto gn1 = sums.norm1.array();
  auto gbeta1 = sums.beta1.array();
  T* gw1 = sums.W1.data();

  dv_next.setZero();
  auto active = ws.active_.rbegin();
  for (int t = T_ - 1; t >= 0; --t) {
    const size_t row = static_cast<size_t>(t) * hidden;
    const CMapArr<T> vt(ws.v_hist_.data() + row, H), st(ws.s_hist_.data() + row, H);
    if (!per_class_) {
      ds = c_[t] * q;
    } else {
      ds = CMapArr<T>(ws.direct_.data() + row, H);
    }
    if (reg != T(0) && ws.step_spikes_[t] > 0) ds += reg * st;
    // s[t] also resets v[t+1]; this adjoint flows whether or not it spiked.
    if (t < T_ - 1) ds -= beta1 * thr * dv_next;
    // Surrogate sigma sig(sigma z) sig(-sigma z), written with e = exp(-sigma |z|).
    scratch = vt * inv1 - b1;
    scratch = (-sigma * scratch.abs()).exp();
    dz = ds * sigma * scratch / (T(1) + scratch).square();
    dv = dz * inv1 + beta1 * dv_next;
    if (train_b1) {
      gb1 -= dz;
      gn1 -= dz * vt * inv1.square();
    }

    // v[t] = beta1 (v[t-1] - s[t-1] thr) + (1 - beta1) h[t]
    const bool has_input = active != ws.active_.rend() && active->t == static_cast<uint32_t>(t);
    const T* h = has_input ? ws.h_hist_.data() + static_cast<size_t>(ws.active_.rend() - active - 1) * hidden
                           : nullptr;
    if (t > 0) {
      const size_t prev = row - hidden;
      const CMapArr<T> v_prev(ws.v_hist_.data() + prev, H), s_prev(ws.s_hist_.data() + prev, H);
      if (ws.step_spikes_[t - 1] > 0) {
        scratch = v_prev - s_prev * thr;
        if (train_b1) {
          gb1 -= dv * beta1 * s_prev * norm1;
          gn1 -= dv * beta1 * s_prev * b1;
        }
      } else {
        scratch = v_prev;
      }
      if (h) scratch -= CMapArr<T>(h, H);
      gbeta1 += dv * scratch;
    } else if (h) {
      gbeta1 -= dv * CMapArr<T>(h, H);
    }
    if (h) {
      dz = omb1 * dv;  // dL/dh[t]; dz is free again
      for (uint32_t cell = active->cell_begin; cell < active->cell_end; ++cell) {
        const size_t input = picture.size_bin[cell];
        MapArr<T>(gw1 + input * hidden, H) += static_cast<T>(picture.count[cell]) * dz;
      }
      ++active;
    }
    dv_next = dv;
  }
}

template <class T>
void SnnKernel<T>::finish(const GradientSums<T>& sums, BasicSnnParams<T>& grad) const {
  grad.W1 = sums.W1;
  grad.W1.array() += (params_.W1.array().rowwise() * (T(2) * sums.norm1.transpose().array()));
  grad.b1 = options_.paper_text ? Vec::Zero(H_) : sums.b1;
  if (options_.beta_fixed_zero) {
    grad.beta1 = Vec::Zero(params_.beta1.size());
    grad.beta2 = Vec::Zero(params_.beta2.size());
  } else {
    grad.beta1 = params_.beta1.size() == 1 ? Vec::Constant(1, sums.beta1.sum()) : sums.beta1;
    grad.beta2 = sums.beta2;
  }
  grad.W2 = sums.W2;
  grad.W2.array() += (params_.W2.array().rowwise() * (T(2) * sums.norm2.transpose().array()));
  grad.b2 = sums.b2;
}

template class SnnKernel<float>;
template class SnnKernel<double>;
template struct GradientSums<float>;
template struct GradientSums<double>;

}  // namespace flowspike::snn
