// The event-driven kernel against hand-computed windows and against the dense
// reference (forward and backward, in double) across sparsities and variants.
#include "flowspike/snn/kernel.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cfenv>
#include <cmath>
#include <string>
#include <vector>

#include "flowspike/common/error.h"
#include "flowspike/snn/reference.h"
#include "snn_test_support.h"

namespace flowspike::snn {
namespace {

using testing::fast_batch;
using testing::random_params;
using testing::random_picture;

// One hidden neuron, one input, two classes, three steps: W1 = 0.5 (norm 0.25),
// b1 = 1, beta1 = beta2 = 0.5, W2 = [1, -0.5] (norms 1, 0.25), b2 = [0.1, 0.2].
struct TinyNetwork {
  SnnOptions options;
  BasicSnnParams<double> params;
  features::SparsePicture picture;

  explicit TinyNetwork(std::vector<float> counts) {
    options.inputs = 1;
    options.hidden = 1;
    options.classes = 2;
    options.time_bins = static_cast<uint32_t>(counts.size());
    params = BasicSnnParams<double>::zeros(options);
    params.W1(0, 0) = 0.5;
    params.b1(0) = 1.0;
    params.beta1(0) = 0.5;
    params.W2(0, 0) = 1.0;
    params.W2(0, 1) = -0.5;
    params.b2 << 0.1, 0.2;
    params.beta2(0) = 0.5;
    for (size_t t = 0; t < counts.size(); ++t)
      if (counts[t] != 0) {
        picture.time_bin.push_back(static_cast<uint16_t>(t));
        picture.size_bin.push_back(0);
        picture.count.push_back(counts[t]);
      }
  }

  // Runs the fast kernel and the reference; checks they agree; returns logits.
  std::vector<double> run(double* spikes) const {
    SnnKernel<double> kernel(options, params);
    KernelWorkspace<double> ws;
    const WindowOutcome out = kernel.forward(picture.view(), -1, ws, false);
    const ReferenceOutcome ref = reference_window(options, params, dense_picture<double>(picture.view(), options), -1,
                                                  SpikeFunction::heaviside, 1.0, 0.0,
                         static_cast<BasicSnnParams<double>*>(nullptr));
    EXPECT_EQ(out.spikes, ref.spikes);
    std::vector<double> logits(ws.logits().begin(), ws.logits().end());
    for (size_t k = 0; k < logits.size(); ++k) EXPECT_NEAR(logits[k], ref.logits[k], 1e-12);
    *spikes = out.spikes;
    return logits;
  }
};

TEST(SnnKernel, OneNeuronThreeStepsMatchesHandComputation) {
  // h = [1, 0, 0.5]. v0 = 0.5 * 1 = 0.5, z0 = 0.5 / 0.25 - 1 = 1 -> spike.
  // v1 = 0.5 * (0.5 - 1 * 1 * 0.25) = 0.125, z1 = -0.5 -> none.
  // v2 = 0.5 * 0.125 + 0.5 * 0.5 = 0.3125, z2 = 0.25 -> spike.
  // u = [0.5, 0.25, 0.625] and [-0.25, -0.125, -0.3125]; means 1.375 / 3, -0.6875 / 3.
  TinyNetwork net({2, 0, 1});
  double spikes = 0;
  const std::vector<double> logits = net.run(&spikes);
  EXPECT_EQ(spikes, 2);
  EXPECT_NEAR(logits[0], 1.375 / 3 - 0.1, 1e-7);
  EXPECT_NEAR(logits[1], -0.6875 / 3 / 0.25 - 0.2, 1e-7);
}

TEST(SnnKernel, PaperTextVariantUsesFixedThresholdAndPlainReset) {
  // Threshold b1 = 1 on v itself, reset subtracts b1: h = [2.5, 0, 1].
  // v0 = 1.25 -> spike; v1 = 0.5 * (1.25 - 1) = 0.125; v2 = 0.0625 + 0.5 = 0.5625 -> none.
  TinyNetwork net({5, 0, 2});
  net.options.paper_text = true;
  double spikes = 0;
  const std::vector<double> logits = net.run(&spikes);
  EXPECT_EQ(spikes, 1);
  EXPECT_NEAR(logits[0], 0.875 / 3 - 0.1, 1e-7);
  EXPECT_NEAR(logits[1], -0.4375 / 3 / 0.25 - 0.2, 1e-7);
}

TEST(SnnKernel, ZeroLeakMakesNeuronsStateless) {
  // v[t] = h[t] = [1, 0, 0.5]: z = [3, -1, 1]; the readout is the plain mean of s W2.
  TinyNetwork net({2, 0, 1});
  net.params.beta1(0) = 0;
  net.params.beta2(0) = 0;
  double spikes = 0;
  const std::vector<double> logits = net.run(&spikes);
  EXPECT_EQ(spikes, 2);
  EXPECT_NEAR(logits[0], 2.0 / 3 - 0.1, 1e-7);
  EXPECT_NEAR(logits[1], -1.0 / 3 / 0.25 - 0.2, 1e-7);
}

TEST(SnnKernel, SpikeAtExactlyThresholdDoesNotFire) {
  // Paper-text: v0 = 0.5 * 2 = 1 = threshold, H(0) = 0.
  TinyNetwork net({4, 0, 0});
  net.options.paper_text = true;
  double spikes = 0;
  net.run(&spikes);
  EXPECT_EQ(spikes, 0);
}

std::vector<testing::Variant> variants() {
  SnnOptions base;
  base.inputs = 24;
  base.hidden = 9;
  base.classes = 4;
  base.time_bins = 40;
  return testing::variants(base);
}

double max_abs(const BasicSnnParams<double>& p) {
  return std::max({p.W1.cwiseAbs().maxCoeff(), p.b1.cwiseAbs().maxCoeff(), p.beta1.cwiseAbs().maxCoeff(),
                   p.W2.cwiseAbs().maxCoeff(), p.b2.cwiseAbs().maxCoeff(), p.beta2.cwiseAbs().maxCoeff()});
}

void expect_close(const BasicSnnParams<double>& fast, const BasicSnnParams<double>& ref, double tolerance,
                  const std::string& where) {
  const double scale = std::max(1e-3, max_abs(ref));
  auto check = [&](const char* name, const auto& a, const auto& b) {
    ASSERT_EQ(a.size(), b.size()) << where << " " << name;
    const double diff = (a - b).cwiseAbs().maxCoeff();
    EXPECT_LE(diff, tolerance * scale) << where << ": " << name << " differs by " << diff << " (scale " << scale << ")";
  };
  check("W1", fast.W1, ref.W1);
  check("b1", fast.b1, ref.b1);
  check("beta1", fast.beta1, ref.beta1);
  check("W2", fast.W2, ref.W2);
  check("b2", fast.b2, ref.b2);
  check("beta2", fast.beta2, ref.beta2);
}

TEST(SnnKernel, MatchesDenseReferenceAcrossSparsitiesAndVariants) {
  int seed = 1;
  for (const testing::Variant& variant : variants()) {
    const SnnOptions& o = variant.options;
    for (double density : {0.01, 0.1, 1.0}) {
      for (int setting = 0; setting < 2; ++setting) {
        ++seed;
        const std::string where = variant.name + " density " + std::to_string(density) + " setting " +
                                  std::to_string(setting);
        const auto params = random_params<double>(o, seed, variant.weight_scale * (setting == 0 ? 1.0 : 2.5));
        std::mt19937_64 rng(seed);
        std::vector<features::SparsePicture> pics;
        std::vector<RowMatrix<double>> dense;
        std::vector<int32_t> labels;
        for (int w = 0; w < 3; ++w) {
          pics.push_back(random_picture(o, density, rng));
          dense.push_back(dense_picture<double>(pics.back().view(), o));
          labels.push_back(w % static_cast<int>(o.classes));
        }
        BasicSnnParams<double> g_fast, g_ref;
        double spikes = 0;
        const double loss_fast = fast_batch(o, params, pics, labels, SpikeFunction::heaviside, &g_fast, &spikes);
        const double loss_ref = reference_batch<double>(o, params, dense, labels, SpikeFunction::heaviside, &g_ref);
        EXPECT_NEAR(loss_fast, loss_ref, 1e-12 * std::max(1.0, std::abs(loss_ref))) << where;
        expect_close(g_fast, g_ref, 1e-10, where);
        // The comparison means something only if neurons both fire and stay silent.
        if (density >= 0.1) {
          const double capacity = 3.0 * o.time_bins * o.hidden;
          EXPECT_GT(spikes, 0.01 * capacity) << where;
          EXPECT_LT(spikes, 0.9 * capacity) << where;
        }
      }
    }
  }
}

TEST(SnnKernel, MatchesDenseReferenceAtPaperShape) {
  SnnOptions o;  // 300 x 300 input, 100 hidden, 14 classes
  const auto params = random_params<double>(o, 77);
  std::mt19937_64 rng(77);
  const features::SparsePicture pic = random_picture(o, 0.01, rng);
  BasicSnnParams<double> g_fast, g_ref;
  std::vector<RowMatrix<double>> dense{dense_picture<double>(pic.view(), o)};
  std::vector<int32_t> labels{5};
  double spikes = 0;
  const double loss_fast = fast_batch(o, params, {pic}, labels, SpikeFunction::heaviside, &g_fast, &spikes);
  const double loss_ref = reference_batch<double>(o, params, dense, labels, SpikeFunction::heaviside, &g_ref);
  EXPECT_GT(spikes, 0);
  EXPECT_NEAR(loss_fast, loss_ref, 1e-12);
  expect_close(g_fast, g_ref, 1e-10, "paper shape");
}

TEST(SnnKernel, FloatKernelTracksDoubleReference) {
  const testing::Variant variant = variants()[0];
  const auto params = random_params<double>(variant.options, 5);
  const SnnParams params_f = params.cast<float>();
  std::mt19937_64 rng(5);
  SnnKernel<float> kernel(variant.options, params_f);
  KernelWorkspace<float> ws;
  for (int w = 0; w < 5; ++w) {
    const features::SparsePicture pic = random_picture(variant.options, 0.05, rng);
    kernel.forward(pic.view(), -1, ws, false);
    const ReferenceOutcome ref =
        reference_window(variant.options, params, dense_picture<double>(pic.view(), variant.options), -1,
                         SpikeFunction::heaviside, 1.0, 0.0,
                         static_cast<BasicSnnParams<double>*>(nullptr));
    for (size_t k = 0; k < ref.logits.size(); ++k) EXPECT_NEAR(ws.logits()[k], ref.logits[k], 1e-4);
  }
}

// Busy pictures drive most hidden neurons far below their threshold, where
// the surrogate's exp(-sigma |z|) is a subnormal float; products with
// subnormals run several times slower. The backward pass must not underflow
// (FE_UNDERFLOW: a result too small for a normal float) and must still give
// the double kernel's gradient.
TEST(SnnKernel, FloatBackwardFarBelowThresholdDoesNotUnderflow) {
  SnnOptions o;  // the paper's shape
  const auto params = random_params<double>(o, 11);
  const SnnParams params_f = params.cast<float>();
  std::mt19937_64 rng(11);
  features::SparsePicture pic = random_picture(o, 0.03, rng);
  for (float& c : pic.count) c *= 20.0f;
  auto gradient = [&]<class T>(const BasicSnnParams<T>& p, bool* underflow) {
    SnnKernel<T> kernel(o, p);
    KernelWorkspace<T> ws;
    GradientSums<T> sums;
    sums.resize(o);
    kernel.forward(pic.view(), 3, ws, true);
    std::feclearexcept(FE_ALL_EXCEPT);
    kernel.backward(pic.view(), 3, 1.0, 0.0, ws, sums);
    if (underflow) *underflow = std::fetestexcept(FE_UNDERFLOW) != 0;
    BasicSnnParams<T> grad = BasicSnnParams<T>::zeros(o);
    kernel.finish(sums, grad);
    return grad;
  };
  bool underflow = true;
  const SnnParams g = gradient(params_f, &underflow);
  const BasicSnnParams<double> reference = gradient(params, nullptr);
  EXPECT_FALSE(underflow);
  auto check = [&](const auto& got, const auto& want, const char* name) {
    const double scale = std::max(1e-12, want.cwiseAbs().maxCoeff());
    for (Eigen::Index i = 0; i < got.size(); ++i)
      EXPECT_NEAR(got.data()[i], want.data()[i], 1e-3 * scale) << name << "[" << i << "]";
  };
  check(g.W1, reference.W1, "W1");
  check(g.b1, reference.b1, "b1");
  check(g.beta1, reference.beta1, "beta1");
  check(g.W2, reference.W2, "W2");
  check(g.b2, reference.b2, "b2");
  check(g.beta2, reference.beta2, "beta2");
}

TEST(SnnKernel, EmptyPictureGivesBiasOnlyLogits) {
  SnnOptions o;
  o.inputs = 5;
  o.hidden = 3;
  o.classes = 3;
  o.time_bins = 7;
  const auto params = random_params<float>(o, 9);
  SnnKernel<float> kernel(o, params);
  KernelWorkspace<float> ws;
  const WindowOutcome out = kernel.forward(features::PictureView{}, 1, ws, false);
  EXPECT_EQ(out.spikes, 0);
  EXPECT_EQ(out.input_events, 0u);
  for (int k = 0; k < 3; ++k) EXPECT_FLOAT_EQ(ws.logits()[k], -params.b2(k));
}

TEST(SnnKernel, RejectsCellsOutsideTheNetworkOrOutOfOrder) {
  SnnOptions o;
  o.inputs = 5;
  o.hidden = 3;
  o.classes = 3;
  o.time_bins = 7;
  const auto params = random_params<float>(o, 9);
  SnnKernel<float> kernel(o, params);
  KernelWorkspace<float> ws;
  features::SparsePicture too_late{{7}, {0}, {1.0f}};
  features::SparsePicture too_big{{0}, {5}, {1.0f}};
  features::SparsePicture unsorted{{3, 1}, {0, 0}, {1.0f, 1.0f}};
  EXPECT_THROW(kernel.forward(too_late.view(), -1, ws, false), Error);
  EXPECT_THROW(kernel.forward(too_big.view(), -1, ws, false), Error);
  EXPECT_THROW(kernel.forward(unsorted.view(), -1, ws, false), Error);
  EXPECT_THROW(kernel.forward(features::PictureView{}, 3, ws, false), Error);
}

TEST(SnnKernel, RejectsParametersOfTheWrongShape) {
  SnnOptions o;
  auto params = BasicSnnParams<float>::zeros(o);
  o.hidden = 50;
  EXPECT_THROW(SnnKernel<float>(o, params), Error);
}

}  // namespace
}  // namespace flowspike::snn
