// A small hand-made evaluation shared by the report tests: five classes of the
// <category>-<encryption> form (Video-NonVPN absent), eight windows.
#pragma once

#include <string>
#include <vector>

#include "flowspike/eval/evaluation_result.h"

namespace flowspike::report::testing {

inline eval::EvaluationResult small_result(std::vector<std::string> classes = {"Chat-NonVPN", "Chat-VPN",
                                                                                 "VoIP-NonVPN", "VoIP-VPN",
                                                                                 "Video-NonVPN"}) {
  const eval::NetworkShape shape{300, 100, static_cast<uint32_t>(classes.size()), 300};
  const std::vector<int32_t> truth = {0, 0, 1, 2, 2, 3, 3, 3};
  const std::vector<int32_t> predicted = {0, 1, 1, 2, 0, 3, 2, 3};
  eval::ScoredWindows s;
  for (size_t i = 0; i < truth.size(); ++i) {
    s.windows.push_back(static_cast<int64_t>(10 + 2 * i));
    s.flows.push_back(static_cast<int64_t>(i / 2));
    s.truth.push_back(truth[i]);
    for (size_t k = 0; k < classes.size(); ++k)
      s.logits.push_back(static_cast<int32_t>(k) == predicted[i] ? 2.0f : 0.1f * static_cast<float>(k));
    s.activity.push_back(eval::WindowActivity::of(static_cast<int64_t>(100 + i), static_cast<int64_t>(20 * i), shape));
  }
  return eval::make_result(std::move(classes), "test", "flow split, seed 7", shape, std::move(s));
}

}  // namespace flowspike::report::testing
