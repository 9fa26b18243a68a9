// Central differences of the batch loss against the backward pass, for every
// parameter. The forward pass emits sig(sigma z) instead of Heaviside(z), so
// the surrogate sigma sig(sigma z) sig(-sigma z) is the true derivative and
// the analytic gradient must match the numerical one.
#include <gtest/gtest.h>

#include <cmath>
#include <functional>
#include <string>
#include <vector>

#include "flowspike/snn/kernel.h"
#include "flowspike/snn/reference.h"
#include "snn_test_support.h"

namespace flowspike::snn {
namespace {

using testing::fast_batch;
using testing::random_params;
using testing::random_picture;

std::vector<testing::Variant> cases() {
  SnnOptions base;
  base.inputs = 7;
  base.hidden = 4;
  base.classes = 3;
  base.time_bins = 12;
  std::vector<testing::Variant> c = testing::variants(base);
  for (auto& v : c)
    if (v.name == "spike_reg_sigma4") v.options.spike_reg = 2.0f;  // large enough to matter in the check
  return c;
}

// Every element of every tensor, by name, with a writable reference.
void for_each_parameter(BasicSnnParams<double>& p, const std::function<void(const std::string&, double&)>& fn) {
  auto each = [&](const char* name, auto& tensor) {
    for (Eigen::Index i = 0; i < tensor.size(); ++i)
      fn(std::string(name) + "[" + std::to_string(i) + "]", tensor.data()[i]);
  };
  each("W1", p.W1);
  each("b1", p.b1);
  each("beta1", p.beta1);
  each("W2", p.W2);
  each("b2", p.b2);
  each("beta2", p.beta2);
}

TEST(SnnGradient, CentralDifferencesMatchBackwardForEveryParameter) {
  uint64_t seed = 100;
  for (const testing::Variant& c : cases()) {
    const SnnOptions& o = c.options;
    ++seed;
    BasicSnnParams<double> params = random_params<double>(o, seed, c.weight_scale);
    std::mt19937_64 rng(seed);
    std::vector<features::SparsePicture> pics;
    std::vector<RowMatrix<double>> dense;
    std::vector<int32_t> labels;
    for (int w = 0; w < 3; ++w) {
      pics.push_back(random_picture(o, 0.25, rng));
      dense.push_back(dense_picture<double>(pics.back().view(), o));
      labels.push_back((w + 1) % static_cast<int>(o.classes));
    }
    BasicSnnParams<double> grad, grad_ref;
    fast_batch(o, params, pics, labels, SpikeFunction::sigmoid, &grad);
    reference_batch<double>(o, params, dense, labels, SpikeFunction::sigmoid, &grad_ref);

    // Walk the parameters of `params` and of both gradients in the same order.
    std::vector<double*> analytic, analytic_ref;
    for_each_parameter(grad, [&](const std::string&, double& g) { analytic.push_back(&g); });
    for_each_parameter(grad_ref, [&](const std::string&, double& g) { analytic_ref.push_back(&g); });
    size_t index = 0;
    int checked = 0;
    for_each_parameter(params, [&](const std::string& name, double& value) {
      const double fast = *analytic[index];
      const double ref = *analytic_ref[index];
      ++index;
      const bool trained = !(o.beta_fixed_zero && name.rfind("beta", 0) == 0) &&
                           !(o.paper_text && name.rfind("b1", 0) == 0);
      if (!trained) {
        EXPECT_EQ(fast, 0.0) << c.name << " " << name << " is not trained";
        EXPECT_EQ(ref, 0.0) << c.name << " " << name << " is not trained";
        return;
      }
      const double saved = value;
      const double step = 1e-6;
      value = saved + step;
      const double up = fast_batch(o, params, pics, labels, SpikeFunction::sigmoid, nullptr);
      value = saved - step;
      const double down = fast_batch(o, params, pics, labels, SpikeFunction::sigmoid, nullptr);
      value = saved;
      const double numeric = (up - down) / (2 * step);
      EXPECT_NEAR(fast, numeric, 1e-7 + 1e-5 * std::abs(numeric)) << c.name << " " << name;
      EXPECT_NEAR(ref, numeric, 1e-7 + 1e-5 * std::abs(numeric)) << c.name << " " << name << " (reference)";
      ++checked;
    });
    EXPECT_GT(checked, 40) << c.name;
  }
}

}  // namespace
}  // namespace flowspike::snn
