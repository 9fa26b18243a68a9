// Inference: the batched, threaded API gives the kernel's logits and the
// activity counts of the energy proxy, whatever the thread count.
#include "flowspike/snn/network.h"

#include <gtest/gtest.h>

#include <vector>

#include "flowspike/common/error.h"
#include "flowspike/snn/reference.h"
#include "snn_test_support.h"

namespace flowspike::snn {
namespace {

using testing::random_params;
using testing::random_picture;

TEST(Network, InferenceMatchesReferenceAndCountsActivity) {
  SnnOptions o;
  o.inputs = 30;
  o.hidden = 12;
  o.classes = 4;
  o.time_bins = 25;
  const auto params = random_params<float>(o, 21);
  std::mt19937_64 rng(21);
  std::vector<features::SparsePicture> pics;
  for (int w = 0; w < 40; ++w) pics.push_back(random_picture(o, 0.01 * (w % 7), rng));
  std::vector<features::PictureView> views;
  for (const auto& p : pics) views.push_back(p.view());

  Network one(o, params, 1), three(o, params, 3);
  const InferenceResult a = one.infer(views);
  const InferenceResult b = three.infer(views.size(), [&](size_t i) { return views[i]; });
  ASSERT_EQ(a.size(), 40u);
  EXPECT_EQ(a.logits, b.logits);
  EXPECT_EQ(a.predicted, b.predicted);
  EXPECT_EQ(a.hidden_spikes, b.hidden_spikes);
  uint64_t total_spikes = 0;
  for (size_t w = 0; w < pics.size(); ++w) {
    const ReferenceOutcome ref = reference_window(o, params.cast<double>(), dense_picture<double>(views[w], o), -1,
                                                  SpikeFunction::heaviside, 1.0, 0.0,
                                                  static_cast<BasicSnnParams<double>*>(nullptr));
    for (int k = 0; k < 4; ++k) EXPECT_NEAR(a.logits(static_cast<Eigen::Index>(w), k), ref.logits[k], 1e-4);
    EXPECT_EQ(a.hidden_spikes[w], static_cast<uint32_t>(ref.spikes));
    EXPECT_EQ(a.input_events[w], pics[w].nnz());
    EXPECT_EQ(a.synaptic_ops[w], uint64_t{a.input_events[w]} * 12 + uint64_t{a.hidden_spikes[w]} * 4);
    total_spikes += a.hidden_spikes[w];

    std::vector<float> logits(4);
    const WindowActivity single = one.infer_one(views[w], logits);
    EXPECT_EQ(single.predicted, a.predicted[w]);
    EXPECT_EQ(single.hidden_spikes, a.hidden_spikes[w]);
    for (int k = 0; k < 4; ++k) EXPECT_EQ(logits[k], a.logits(static_cast<Eigen::Index>(w), k));
  }
  EXPECT_GT(total_spikes, 0u);
}

TEST(Network, RejectsMismatchedParametersAndBadPictures) {
  SnnOptions o;
  o.inputs = 10;
  o.hidden = 4;
  o.classes = 3;
  o.time_bins = 5;
  auto params = random_params<float>(o, 2);
  SnnOptions other = o;
  other.classes = 5;
  EXPECT_THROW(Network(other, params, 1), Error);
  Network net(o, params, 2);
  features::SparsePicture bad{{5}, {0}, {1.0f}};
  std::vector<features::PictureView> views(33, features::PictureView{});
  views[20] = bad.view();
  EXPECT_THROW(net.infer(views), Error);
  EXPECT_EQ(net.infer(std::vector<features::PictureView>{}).size(), 0u);
}

}  // namespace
}  // namespace flowspike::snn
