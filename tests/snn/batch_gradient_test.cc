// Threaded batch gradients: equal to the single-threaded kernel sum, and
// bit-for-bit the same for any number of threads and on every repetition.
#include "flowspike/snn/batch_gradient.h"

#include <gtest/gtest.h>

#include <cstring>
#include <vector>

#include "flowspike/common/error.h"
#include "snn_test_support.h"

namespace flowspike::snn {
namespace {

using testing::random_params;
using testing::random_picture;

struct Batch {
  std::vector<features::SparsePicture> pictures;
  std::vector<features::PictureView> views;
  std::vector<int32_t> labels;
};

Batch make_batch(const SnnOptions& o, size_t windows, uint64_t seed) {
  std::mt19937_64 rng(seed);
  Batch b;
  for (size_t w = 0; w < windows; ++w) {
    b.pictures.push_back(random_picture(o, 0.02 + 0.01 * static_cast<double>(w % 5), rng));
    b.labels.push_back(static_cast<int32_t>(w % o.classes));
  }
  for (const auto& p : b.pictures) b.views.push_back(p.view());
  return b;
}

template <class T>
bool same_bits(const BasicSnnParams<T>& a, const BasicSnnParams<T>& b) {
  auto eq = [](const auto& x, const auto& y) {
    return x.size() == y.size() && std::memcmp(x.data(), y.data(), sizeof(T) * static_cast<size_t>(x.size())) == 0;
  };
  return eq(a.W1, b.W1) && eq(a.b1, b.b1) && eq(a.beta1, b.beta1) && eq(a.W2, b.W2) && eq(a.b2, b.b2) &&
         eq(a.beta2, b.beta2);
}

SnnOptions small_options() {
  SnnOptions o;
  o.inputs = 40;
  o.hidden = 16;
  o.classes = 5;
  o.time_bins = 50;
  o.spike_reg = 0.1f;
  return o;
}

TEST(BatchGradient, EqualsSingleThreadedKernelSum) {
  const SnnOptions o = small_options();
  const auto params = random_params<double>(o, 3);
  const Batch b = make_batch(o, 13, 3);
  WorkerPool pool(3);
  BasicBatchGradient<double> engine(o, pool);
  BasicSnnParams<double> grad, expected;
  const BatchTotals totals = engine.compute(params, b.views, b.labels, grad);
  double spikes = 0;
  const double loss =
      testing::fast_batch(o, params, b.pictures, b.labels, SpikeFunction::heaviside, &expected, &spikes);
  EXPECT_NEAR(totals.loss, loss, 1e-12);
  EXPECT_EQ(totals.spikes, spikes);
  EXPECT_EQ(totals.windows, 13u);
  EXPECT_LE(totals.correct, 13u);
  EXPECT_LT((grad.W1 - expected.W1).cwiseAbs().maxCoeff(), 1e-12);
  EXPECT_LT((grad.W2 - expected.W2).cwiseAbs().maxCoeff(), 1e-12);
  EXPECT_LT((grad.b1 - expected.b1).cwiseAbs().maxCoeff(), 1e-12);
  EXPECT_LT(std::abs(grad.beta1(0) - expected.beta1(0)), 1e-12);
}

TEST(BatchGradient, BitForBitRepeatableForAnyThreadCount) {
  const SnnOptions o = small_options();
  const auto params = random_params<float>(o, 4);
  const Batch b = make_batch(o, 37, 4);  // not a multiple of the chunk size
  std::vector<SnnParams> grads;
  std::vector<double> losses;
  for (unsigned threads : {1u, 1u, 2u, 3u, 5u}) {
    WorkerPool pool(threads);
    BatchGradient engine(o, pool);
    SnnParams grad;
    losses.push_back(engine.compute(params, b.views, b.labels, grad).loss);
    grads.push_back(grad);
    // A second batch on the same engine reuses its buffers and gives the same again.
    SnnParams again;
    engine.compute(params, b.views, b.labels, again);
    EXPECT_TRUE(same_bits(grad, again)) << threads << " threads, second call";
  }
  for (size_t i = 1; i < grads.size(); ++i) {
    EXPECT_TRUE(same_bits(grads[0], grads[i])) << "run " << i;
    EXPECT_EQ(losses[0], losses[i]) << "run " << i;
  }
}

TEST(BatchGradient, PropagatesBadPictureAsError) {
  const SnnOptions o = small_options();
  const auto params = random_params<float>(o, 5);
  Batch b = make_batch(o, 9, 5);
  features::SparsePicture bad{{0}, {static_cast<uint16_t>(o.inputs)}, {1.0f}};
  b.views[6] = bad.view();
  WorkerPool pool(2);
  BatchGradient engine(o, pool);
  SnnParams grad;
  EXPECT_THROW(engine.compute(params, b.views, b.labels, grad), Error);
}

}  // namespace
}  // namespace flowspike::snn
