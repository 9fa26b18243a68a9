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

// Far from the threshold, sigma |z| >= kSurrogateCutoff, the backward pass
// takes the surrogate's e = exp(-sigma |z|) as exactly 0. There e < 1e-26, so
// dz = ds sigma e / (1 + e)^2 cannot reach a float gradient; left alone, e
// becomes a subnormal float (sigma |z| > 87) and every product with it takes
// the processor's slow path: on real pictures most hidden neurons are far
// from their threshold and the backward pass ran five times slower.
constexpr double kSurrogateCutoff = 60.0;
// e at or below this is the clamped exp(-kSurrogateCutoff), read as 0.
constexpr double kSurrogateFloor = 1.5e-26;  // exp(-60) = 8.76e-27
// dL/dv decays by beta per step where nothing else feeds it; below this it
// is taken as 0, for the same reason.
constexpr double kGradientFloor = 1e-30;

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

// The per-neuron constants of one step of the hidden layer.
template <class T>
struct StepConstants {
  const T* beta1;  // leak
  const T* omb1;   // 1 - leak
  const T* thr;    // reset amount b1 * norm (b1 in the paper-text variant)
  const T* inv1;   // 1 / (norm + eps) (1 in the paper-text variant)
  const T* b1;     // threshold on the normalised potential
};

// h = sum over cells of count * W1.row(size_bin), four rows per pass so that
// h is loaded and stored once per four input events. n >= 1.
template <class T>
void sum_rows(T* __restrict h, const T* __restrict w, size_t hidden, const uint16_t* rows, const float* counts,
              size_t n) {
  size_t c = 0;
  std::fill_n(h, hidden, T(0));
  for (; c + 4 <= n; c += 4) {
    const T* __restrict r0 = w + rows[c] * hidden;
    const T* __restrict r1 = w + rows[c + 1] * hidden;
    const T* __restrict r2 = w + rows[c + 2] * hidden;
    const T* __restrict r3 = w + rows[c + 3] * hidden;
    const T k0 = counts[c], k1 = counts[c + 1], k2 = counts[c + 2], k3 = counts[c + 3];
    for (size_t j = 0; j < hidden; ++j) h[j] += (k0 * r0[j] + k1 * r1[j]) + (k2 * r2[j] + k3 * r3[j]);
  }
  for (; c < n; ++c) {
    const T* __restrict r = w + rows[c] * hidden;
    const T k = counts[c];
    for (size_t j = 0; j < hidden; ++j) h[j] += k * r[j];
  }
}

// One step of the hidden layer with Heaviside spikes, fused into one pass:
//   v = beta1 (v_prev - s_prev thr) + (1 - beta1) h,  s = [v inv1 - b1 > 0].
// Returns the number of spikes.
template <class T, bool kInput>
uint32_t step_heaviside(size_t hidden, const StepConstants<T>& k, const T* __restrict v_prev,
                        const T* __restrict s_prev, const T* __restrict h, T* __restrict v, T* __restrict s) {
  uint32_t spikes = 0;
  for (size_t j = 0; j < hidden; ++j) {
    T vj = k.beta1[j] * (v_prev[j] - s_prev[j] * k.thr[j]);
    if constexpr (kInput) vj += k.omb1[j] * h[j];
    v[j] = vj;
    const bool fire = vj * k.inv1[j] - k.b1[j] > T(0);
    s[j] = fire ? T(1) : T(0);
    spikes += fire ? 1u : 0u;
  }
  return spikes;
}

// What one step of the backward pass reads and writes (hidden-sized arrays).
template <class T>
struct BackStep {
  T readout_scale;        // dL/ds[t] from the readout is readout_scale * readout
  const T* readout;
  const T* v;             // v[t], s[t]
  const T* s;
  const T* v_prev;        // v[t-1], s[t-1] (zeros at t = 0)
  const T* s_prev;
  const T* h;             // input current h[t] (zeros without input)
  const T* e;             // exp(-sigma |z[t]|)
  const T* dv_next;       // dL/dv[t+1] (zeros at the last step)
  T* dv;                  // out: dL/dv[t]
  T* dh;                  // out if not null: dL/dh[t]
};

template <class T>
struct BackConstants {
  const T* beta1;
  const T* omb1;
  const T* thr;
  const T* inv1;
  const T* norm1;
  const T* b1;
  T sigma;
  T reg;  // d(reg_scale * s^2 / 2)/ds = reg * s
};

template <class T>
struct BackSums {
  T* b1;
  T* norm1;
  T* beta1;
};

// One step of backpropagation through the hidden layer, fused into one pass:
//   ds = readout + reg s - beta1 thr dv_next      (s[t] also resets v[t+1])
//   dz = ds * sigma e / (1 + e)^2                 (the sigmoid surrogate)
//   dv = dz inv1 + beta1 dv_next
// and the parameter terms of z[t] = v inv1 - b1 and of
// v[t] = beta1 (v[t-1] - s[t-1] b1 norm) + (1 - beta1) h[t].
template <class T, bool kTrainThreshold>
void back_step(size_t hidden, const BackConstants<T>& k, const BackStep<T>& x, const BackSums<T>& g) {
  const T* __restrict readout = x.readout;
  const T* __restrict dvn = x.dv_next;
  T* __restrict dv_out = x.dv;
  T* __restrict gb1 = g.b1;
  T* __restrict gn1 = g.norm1;
  T* __restrict gbeta = g.beta1;
  for (size_t j = 0; j < hidden; ++j) {
    const T ds = x.readout_scale * readout[j] + k.reg * x.s[j] - k.beta1[j] * k.thr[j] * dvn[j];
    const T e = x.e[j] > T(kSurrogateFloor) ? x.e[j] : T(0);
    const T one_e = T(1) + e;
    const T dz = ds * k.sigma * e / (one_e * one_e);
    T dv = dz * k.inv1[j] + k.beta1[j] * dvn[j];
    if (std::abs(dv) < T(kGradientFloor)) dv = T(0);  // decaying through silent steps: keep it out of subnormals
    const T reset = x.v_prev[j] - x.s_prev[j] * k.thr[j];
    gbeta[j] += dv * (reset - x.h[j]);
    if constexpr (kTrainThreshold) {
      const T spiked = dv * k.beta1[j] * x.s_prev[j];
      gb1[j] -= dz + spiked * k.norm1[j];
      gn1[j] -= dz * x.v[j] * k.inv1[j] * k.inv1[j] + spiked * k.b1[j];
    }
    dv_out[j] = dv;
  }
  if (x.dh) {
    T* __restrict dh = x.dh;
    for (size_t j = 0; j < hidden; ++j) dh[j] = k.omb1[j] * dv_out[j];
  }
}

// W1's gradient rows of one time bin's cells: row(size_bin) += count * dh.
// The cells of one bin have distinct size bins, so four rows are updated per
// pass over dh.
template <class T>
void add_to_rows(T* w, size_t hidden, const uint16_t* rows, const float* counts, size_t n, const T* __restrict dh) {
  size_t c = 0;
  for (; c + 4 <= n; c += 4) {
    T* __restrict r0 = w + rows[c] * hidden;
    T* __restrict r1 = w + rows[c + 1] * hidden;
    T* __restrict r2 = w + rows[c + 2] * hidden;
    T* __restrict r3 = w + rows[c + 3] * hidden;
    const T k0 = counts[c], k1 = counts[c + 1], k2 = counts[c + 2], k3 = counts[c + 3];
    for (size_t j = 0; j < hidden; ++j) {
      const T d = dh[j];
      r0[j] += k0 * d;
      r1[j] += k1 * d;
      r2[j] += k2 * d;
      r3[j] += k3 * d;
    }
  }
  for (; c < n; ++c) {
    T* __restrict r = w + rows[c] * hidden;
    const T kc = counts[c];
    for (size_t j = 0; j < hidden; ++j) r[j] += kc * dh[j];
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

  const StepConstants<T> k{beta1_.data(), omb1_.data(), thr_.data(), inv1_.data(), params_.b1.data()};
  const T sigma = static_cast<T>(options_.surrogate_sigma);
  const T* w1 = params_.W1.data();
  MapArr<T> a(ws.acc_a_.data(), static_cast<Eigen::Index>(acc_size));
  MapArr<T> b(ws.acc_b_.data(), static_cast<Eigen::Index>(acc_size));
  a.setZero();
  if (record) b.setZero();
  ws.active_.clear();

  // Ping-pong buffers: (v, s) of the previous step and of this one. With
  // record they are rows of the histories. Step 0 starts from zeros.
  std::fill(ws.z_.begin(), ws.z_.end(), T(0));
  const T* v_prev = ws.z_.data();
  const T* s_prev = ws.z_.data();

  WindowOutcome out;
  out.input_events = static_cast<uint32_t>(nnz);
  size_t cell = 0;
  for (int t = 0; t < T_; ++t) {
    T* v = record ? ws.v_hist_.data() + t * hidden : (t % 2 == 0 ? ws.v_.data() : ws.tmp_.data());
    T* s = record ? ws.s_hist_.data() + t * hidden : (t % 2 == 0 ? ws.s_.data() : ws.s_prev_.data());
    const T* h = nullptr;
    if (cell < nnz && picture.time_bin[cell] == t) {
      const size_t begin = cell;
      while (cell < nnz && picture.time_bin[cell] == t) {
        if (picture.size_bin[cell] >= I_)
          throw Error(fmt::format("picture cell has size bin {}, but the network has {} inputs",
                                  picture.size_bin[cell], I_));
        ++cell;
      }
      if (cell < nnz && picture.time_bin[cell] < t) throw Error("picture cells are not sorted by time bin");
      T* h_data = record ? ws.h_hist_.data() + ws.active_.size() * hidden : ws.h_.data();
      sum_rows(h_data, w1, hidden, picture.size_bin.data() + begin, picture.count.data() + begin, cell - begin);
      ws.active_.push_back({static_cast<uint32_t>(t), static_cast<uint32_t>(begin), static_cast<uint32_t>(cell)});
      h = h_data;
    }

    uint32_t nonzero = 0;
    if (spike_ == SpikeFunction::heaviside) {
      nonzero = h ? step_heaviside<T, true>(hidden, k, v_prev, s_prev, h, v, s)
                  : step_heaviside<T, false>(hidden, k, v_prev, s_prev, h, v, s);
      out.spikes += nonzero;
      out.spikes_squared += nonzero;
    } else {
      MapArr<T> vv(v, H), ss(s, H);
      vv = beta1_.array() * (CMapArr<T>(v_prev, H) - CMapArr<T>(s_prev, H) * thr_.array());
      if (h) vv += omb1_.array() * CMapArr<T>(h, H);
      const Arr<T> z = vv * inv1_.array() - params_.b1.array();
      const Arr<T> e = (-sigma * z.abs()).exp();
      ss = (z >= T(0)).select(T(1) / (T(1) + e), e / (T(1) + e));
      nonzero = static_cast<uint32_t>((ss != T(0)).count());
      out.spikes += static_cast<double>(ss.sum());
      out.spikes_squared += static_cast<double>(ss.square().sum());
    }
    if (record) ws.step_spikes_[t] = nonzero;

    if (nonzero > 0) {
      const CMapArr<T> st(s, H);
      if (!per_class_) {
        a += c_[t] * st;
        if (record) b += d_[t] * st;
      } else {
        const CMapArr<T> ct(c_.data() + static_cast<size_t>(t) * C, C);
        const CMapArr<T> dt(d_.data() + static_cast<size_t>(t) * C, C);
        for (int j = 0; j < H; ++j) {
          const T sj = s[j];
          if (sj == T(0)) continue;
          MapArr<T>(ws.acc_a_.data() + static_cast<size_t>(j) * C, C) += sj * ct;
          if (record) MapArr<T>(ws.acc_b_.data() + static_cast<size_t>(j) * C, C) += sj * dt;
        }
      }
    }
    v_prev = v;
    s_prev = s;
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

  // Hidden layer, backwards in time, one fused pass per step (back_step).
  fit(ws.ds_, hidden);
  const T* zeros = ws.z_.data();  // zeroed by forward(), read-only here
  const BackConstants<T> k{beta1_.data(), omb1_.data(), thr_.data(), inv1_.data(), norm1_.data(), params_.b1.data(),
                           static_cast<T>(options_.surrogate_sigma), static_cast<T>(reg_scale)};
  const T sigma = k.sigma;
  T* dv_next = ws.dv_next_.data();
  T* dv = ws.dv_.data();
  T* dh = ws.ds_.data();
  std::fill_n(dv_next, hidden, T(0));
  BackSums<T> g{sums.b1.data(), sums.norm1.data(), sums.beta1.data()};
  T* gw1 = sums.W1.data();
  auto active = ws.active_.rbegin();
  for (int t = T_ - 1; t >= 0; --t) {
    const size_t row = static_cast<size_t>(t) * hidden;
    const T* v = ws.v_hist_.data() + row;
    // e = exp(-min(sigma |z|, kSurrogateCutoff)) for the surrogate, with
    // Eigen's vectorised exp; back_step reads the clamped values as 0.
    MapArr<T>(ws.tmp_.data(), H) =
        (-(sigma * (CMapArr<T>(v, H) * inv1_.array() - params_.b1.array()).abs()).min(T(kSurrogateCutoff))).exp();
    const bool has_input = active != ws.active_.rend() && active->t == static_cast<uint32_t>(t);
    const T* h =
        has_input ? ws.h_hist_.data() + static_cast<size_t>(ws.active_.rend() - active - 1) * hidden : nullptr;
    BackStep<T> step{per_class_ ? T(1) : c_[t],
                     per_class_ ? ws.direct_.data() + row : ws.q_.data(),
                     v,
                     ws.s_hist_.data() + row,
                     t > 0 ? ws.v_hist_.data() + row - hidden : zeros,
                     t > 0 ? ws.s_hist_.data() + row - hidden : zeros,
                     h ? h : zeros,
                     ws.tmp_.data(),
                     dv_next,
                     dv,
                     h ? dh : nullptr};
    if (options_.paper_text) {
      back_step<T, false>(hidden, k, step, g);
    } else {
      back_step<T, true>(hidden, k, step, g);
    }
    if (h) {
      add_to_rows(gw1, hidden, picture.size_bin.data() + active->cell_begin,
                  picture.count.data() + active->cell_begin, active->cell_end - active->cell_begin, dh);
      ++active;
    }
    std::swap(dv_next, dv);
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
