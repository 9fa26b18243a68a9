#include "flowspike/optim/adam.h"

#include <gtest/gtest.h>

#include <cmath>

#include "flowspike/common/error.h"
#include "flowspike/optim/rng.h"
#include "support/temp_dir.h"

namespace flowspike::optim {
namespace {

// A one-element parameter stepped by Adam with the given gradients.
std::vector<float> run_scalar(AdamOptions options, float p, const std::vector<float>& grads) {
  Adam adam(options, {{"p", 1}});
  std::vector<float> out;
  for (float g : grads) {
    adam.step({{std::span<float>(&p, 1), std::span<const float>(&g, 1)}});
    out.push_back(p);
  }
  return out;
}

// Expected values follow torch.optim.Adam's documented update with
// beta1 = 0.9, beta2 = 0.999, eps = 1e-8:
//   g = grad + wd p; m = 0.9 m + 0.1 g; v = 0.999 v + 0.001 g^2
//   p -= lr / (1 - 0.9^t) * m / (sqrt(v) / sqrt(1 - 0.999^t) + eps)
// computed by hand in double; the optimiser works in float32, so the
// tolerance is a few float ulps of values near 1.
constexpr double kTol = 1e-6;

TEST(Adam, ConstantGradientMovesByLrEachStep) {
  // grad 0.5 twice, lr 0.1, p0 = 1:
  // t=1: m = 0.05, v = 0.00025; m/(1-0.9) = 0.5, sqrt(v/(1-0.999)) = 0.5
  //      p = 1 - 0.1 * 0.5 / (0.5 + 1e-8) = 0.900000002
  // t=2: m = 0.095, v = 0.00049975; m/0.19 = 0.5, sqrt(v/0.001999) = 0.5
  //      p = 0.8 (+4e-9)
  AdamOptions o;
  o.lr = 0.1;
  o.weight_decay = 0.0;
  auto p = run_scalar(o, 1.0f, {0.5f, 0.5f});
  EXPECT_NEAR(p[0], 0.900000002, kTol);
  EXPECT_NEAR(p[1], 0.800000004, kTol);
}

TEST(Adam, ChangingGradientsOverThreeSteps) {
  // lr 0.1, no decay, p0 = 1, grads 0.5, -0.25, 0.1:
  // t=1: m = 0.05, v = 0.00025, p = 0.900000002
  // t=2: m = 0.9*0.05 + 0.1*(-0.25) = 0.02
  //      v = 0.999*0.00025 + 0.001*0.0625 = 0.00031225
  //      m/0.19 = 0.10526316, sqrt(v/0.001999) = 0.39522538
  //      p = 0.900000002 - 0.1 * 0.10526316 / 0.39522538 = 0.87336630
  // t=3: m = 0.9*0.02 + 0.1*0.1 = 0.028
  //      v = 0.999*0.00031225 + 0.001*0.01 = 0.00032193775
  //      m/0.271 = 0.10332103, sqrt(v/0.002997001) = 0.32774985
  //      p = 0.87336630 - 0.1 * 0.10332103 / 0.32774985 = 0.84184194
  AdamOptions o;
  o.lr = 0.1;
  o.weight_decay = 0.0;
  auto p = run_scalar(o, 1.0f, {0.5f, -0.25f, 0.1f});
  EXPECT_NEAR(p[0], 0.900000002, kTol);
  EXPECT_NEAR(p[1], 0.8733662987, kTol);
  EXPECT_NEAR(p[2], 0.8418419430, kTol);
}

TEST(Adam, WeightDecayIsAddedToTheGradient) {
  // lr 0.01, wd 0.5, p0 = 2, gradient 0 every step, so g = 0.5 p (L2, not AdamW):
  // t=1: g = 1, m = 0.1, v = 0.001, p = 2 - 0.01 * 1 / (1 + 1e-8) = 1.99
  // t=2: g = 0.5 * 1.99 = 0.995
  //      m = 0.09 + 0.0995 = 0.1895, v = 0.000999 + 0.000990025 = 0.001989025
  //      m/0.19 = 0.99736842, sqrt(v/0.001999) = 0.99750188
  //      p = 1.99 - 0.01 * 0.99736842 / 0.99750188 = 1.98000134
  // t=3: g = 0.5 * 1.98000134 = 0.99000067
  //      m = 0.9*0.1895 + 0.1*0.99000067 = 0.26955007
  //      v = 0.999*0.001989025 + 0.001*0.98010133 = 0.00296713730
  //      m/0.271 = 0.99464971, sqrt(v/0.002997001) = 0.99500123
  //      p = 1.98000134 - 0.01 * 0.99464971 / 0.99500123 = 1.97000491
  AdamOptions o;
  o.lr = 0.01;
  o.weight_decay = 0.5;
  auto p = run_scalar(o, 2.0f, {0.0f, 0.0f, 0.0f});
  EXPECT_NEAR(p[0], 1.9900000001, 2 * kTol);
  EXPECT_NEAR(p[1], 1.9800013382, 2 * kTol);
  EXPECT_NEAR(p[2], 1.9700049118, 2 * kTol);
}

TEST(Adam, WeightDecayAndGradientTogether) {
  // lr 0.05, wd 0.1, p0 = -0.5, grad 0.2 twice:
  // t=1: g = 0.2 + 0.1*(-0.5) = 0.15, m = 0.015, v = 2.25e-5, p = -0.5 - 0.05 = -0.55
  // t=2: g = 0.2 + 0.1*(-0.55) = 0.145
  //      m = 0.0135 + 0.0145 = 0.028, v = 2.24775e-5 + 2.1025e-5 = 4.35025e-5
  //      m/0.19 = 0.14736842, sqrt(v/0.001999) = 0.14751981
  //      p = -0.55 - 0.05 * 0.14736842 / 0.14751981 = -0.59994864
  AdamOptions o;
  o.lr = 0.05;
  o.weight_decay = 0.1;
  auto p = run_scalar(o, -0.5f, {0.2f, 0.2f});
  EXPECT_NEAR(p[0], -0.5499999967, kTol);
  EXPECT_NEAR(p[1], -0.5999486397, kTol);
}

// The textbook formula in double, for comparing many elements and steps.
struct DoubleAdam {
  AdamOptions o;
  std::vector<double> m, v;
  int t = 0;
  void step(std::vector<double>& p, const std::vector<double>& grad) {
    if (m.empty()) m.assign(p.size(), 0.0), v.assign(p.size(), 0.0);
    ++t;
    for (size_t i = 0; i < p.size(); ++i) {
      double g = grad[i] + o.weight_decay * p[i];
      m[i] = o.beta1 * m[i] + (1 - o.beta1) * g;
      v[i] = o.beta2 * v[i] + (1 - o.beta2) * g * g;
      double denom = std::sqrt(v[i]) / std::sqrt(1 - std::pow(o.beta2, t)) + o.eps;
      p[i] -= o.lr / (1 - std::pow(o.beta1, t)) * m[i] / denom;
    }
  }
};

TEST(Adam, SeveralTensorsFollowTheDoubleReference) {
  AdamOptions o;
  o.lr = 1e-2;
  o.weight_decay = 1e-2;
  Rng rng(7);
  auto uni = [&rng] { return static_cast<float>(2.0 * uniform01(rng) - 1.0); };
  std::vector<std::vector<float>> params = {std::vector<float>(12), std::vector<float>(3), std::vector<float>(1)};
  for (auto& t : params)
    for (auto& x : t) x = uni();
  std::vector<std::vector<double>> ref;
  for (auto& t : params) ref.emplace_back(t.begin(), t.end());
  Adam adam(o, {{"W", 12}, {"b", 3}, {"beta", 1}});
  std::vector<DoubleAdam> ref_adam(3, DoubleAdam{o, {}, {}, 0});
  for (int step = 0; step < 20; ++step) {
    std::vector<std::vector<float>> grads;
    for (auto& t : params) {
      grads.emplace_back(t.size());
      for (auto& g : grads.back()) g = uni();
    }
    adam.step({{params[0], grads[0]}, {params[1], grads[1]}, {params[2], grads[2]}});
    for (size_t k = 0; k < 3; ++k)
      ref_adam[k].step(ref[k], std::vector<double>(grads[k].begin(), grads[k].end()));
  }
  EXPECT_EQ(adam.step_count(), 20);
  for (size_t k = 0; k < 3; ++k)
    for (size_t i = 0; i < params[k].size(); ++i) EXPECT_NEAR(params[k][i], ref[k][i], 2e-6) << k << " " << i;
}

TEST(Adam, LearningRateCanBeLowered) {
  // Constant gradient moves by lr per step: 1 -> 0.9 (lr 0.1) -> 0.89 (lr 0.01).
  AdamOptions o;
  o.lr = 0.1;
  o.weight_decay = 0.0;
  Adam adam(o, {{"p", 1}});
  float p = 1.0f, g = 0.5f;
  adam.step({{std::span<float>(&p, 1), std::span<const float>(&g, 1)}});
  adam.set_lr(0.01);
  EXPECT_DOUBLE_EQ(adam.lr(), 0.01);
  adam.step({{std::span<float>(&p, 1), std::span<const float>(&g, 1)}});
  EXPECT_NEAR(p, 0.89, kTol);
  EXPECT_THROW(adam.set_lr(-1.0), Error);
}

TEST(Adam, RejectsBadOptions) {
  AdamOptions o;
  o.beta1 = 1.0;
  EXPECT_THROW(Adam(o, {{"p", 1}}), Error);
  o = {};
  o.lr = -1;
  EXPECT_THROW(Adam(o, {{"p", 1}}), Error);
  o = {};
  o.weight_decay = -1;
  EXPECT_THROW(Adam(o, {{"p", 1}}), Error);
  EXPECT_THROW(Adam({}, {{"p", 1}, {"p", 2}}), Error);
}

// Steps a two-tensor problem with pseudo-random gradients derived from the step.
void run_steps(Adam& adam, std::vector<float>& a, std::vector<float>& b, int from, int to) {
  for (int s = from; s < to; ++s) {
    std::vector<float> ga(a.size()), gb(b.size());
    for (size_t i = 0; i < ga.size(); ++i) ga[i] = std::sin(static_cast<float>(s * 7 + static_cast<int>(i)));
    for (size_t i = 0; i < gb.size(); ++i) gb[i] = std::cos(static_cast<float>(s * 3 + static_cast<int>(i)));
    adam.step({{a, ga}, {b, gb}});
  }
}

TEST(Adam, ResumesBitExactlyFromSavedState) {
  testing::TempDir dir;
  std::vector<float> a(5, 0.3f), b(2, -0.1f);
  std::vector<float> a2 = a, b2 = b;
  AdamOptions o;
  Adam straight(o, {{"W1", 5}, {"b1", 2}});
  run_steps(straight, a, b, 0, 10);

  Adam first(o, {{"W1", 5}, {"b1", 2}});
  run_steps(first, a2, b2, 0, 4);
  first.set_lr(1e-4);
  {
    auto file = hdf5::File::create(dir.file("state.h5"));
    auto group = file.create_group("optimizer");
    first.write_state(group);
  }
  Adam resumed(o, {{"W1", 5}, {"b1", 2}});
  {
    auto file = hdf5::File::open(dir.file("state.h5"));
    resumed.read_state(file.open_group("optimizer"));
  }
  EXPECT_EQ(resumed.step_count(), 4);
  EXPECT_DOUBLE_EQ(resumed.lr(), 1e-4);
  resumed.set_lr(o.lr);
  run_steps(resumed, a2, b2, 4, 10);
  EXPECT_EQ(a, a2);
  EXPECT_EQ(b, b2);
}

TEST(Adam, ReadStateRejectsOtherShapes) {
  testing::TempDir dir;
  Adam small({}, {{"W1", 3}});
  {
    auto file = hdf5::File::create(dir.file("state.h5"));
    small.write_state(file);
  }
  auto file = hdf5::File::open(dir.file("state.h5"));
  Adam bigger({}, {{"W1", 4}});
  try {
    bigger.read_state(file);
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("state.h5"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("W1"), std::string::npos) << e.what();
  }
  Adam other({}, {{"W2", 3}});
  EXPECT_THROW(other.read_state(file), Error);
}

}  // namespace
}  // namespace flowspike::optim
