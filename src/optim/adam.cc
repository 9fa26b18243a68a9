#include "flowspike/optim/adam.h"

#include <cmath>
#include <set>

#include <fmt/format.h>

#include "flowspike/common/error.h"

namespace flowspike::optim {
namespace {

void check_options(const AdamOptions& o) {
  if (!(o.lr >= 0.0) || !std::isfinite(o.lr)) throw Error(fmt::format("Adam: invalid learning rate {}", o.lr));
  if (!(o.eps >= 0.0)) throw Error(fmt::format("Adam: invalid eps {}", o.eps));
  if (!(o.beta1 >= 0.0 && o.beta1 < 1.0)) throw Error(fmt::format("Adam: invalid beta1 {} (must be in [0, 1))", o.beta1));
  if (!(o.beta2 >= 0.0 && o.beta2 < 1.0)) throw Error(fmt::format("Adam: invalid beta2 {} (must be in [0, 1))", o.beta2));
  if (!(o.weight_decay >= 0.0)) throw Error(fmt::format("Adam: invalid weight decay {}", o.weight_decay));
}

// torch.lerp on CPU: the form depends on the weight so both ends are exact.
inline float lerp(float self, float end, float weight) {
  return std::abs(weight) < 0.5f ? self + weight * (end - self) : end - (end - self) * (1.0f - weight);
}

}  // namespace

Adam::Adam(AdamOptions options, std::vector<TensorSpec> tensors) : options_(options), specs_(std::move(tensors)) {
  check_options(options_);
  std::set<std::string> names;
  for (const auto& spec : specs_)
    if (!names.insert(spec.name).second) throw Error(fmt::format("Adam: two parameter tensors named '{}'", spec.name));
  state_.lr = options_.lr;
  for (const auto& spec : specs_) {
    state_.m.emplace_back(spec.size, 0.0f);
    state_.v.emplace_back(spec.size, 0.0f);
  }
}

void Adam::set_lr(double lr) {
  if (!(lr >= 0.0) || !std::isfinite(lr)) throw Error(fmt::format("Adam: invalid learning rate {}", lr));
  state_.lr = lr;
}

void Adam::step(std::span<const ParamGrad> tensors) {
  FLOWSPIKE_ASSERT(tensors.size() == specs_.size());
  state_.step += 1;
  // Scalars as PyTorch computes them: Python floats (double) for the bias
  // corrections and step size, cast to float where a tensor op takes them.
  const auto t = static_cast<double>(state_.step);
  const double bias_correction1 = 1.0 - std::pow(options_.beta1, t);
  const double bias_correction2 = 1.0 - std::pow(options_.beta2, t);
  const auto step_size = static_cast<float>(-(state_.lr / bias_correction1));
  const auto bias_correction2_sqrt = static_cast<float>(std::sqrt(bias_correction2));
  const auto weight_decay = static_cast<float>(options_.weight_decay);
  const auto one_minus_beta1 = static_cast<float>(1.0 - options_.beta1);
  const auto beta2 = static_cast<float>(options_.beta2);
  const auto one_minus_beta2 = static_cast<float>(1.0 - options_.beta2);
  const auto eps = static_cast<float>(options_.eps);
  const bool decay = options_.weight_decay != 0.0;

  for (size_t k = 0; k < tensors.size(); ++k) {
    std::span<float> p = tensors[k].param;
    std::span<const float> grad = tensors[k].grad;
    FLOWSPIKE_ASSERT(p.size() == specs_[k].size && grad.size() == specs_[k].size);
    float* m = state_.m[k].data();
    float* v = state_.v[k].data();
    for (size_t i = 0; i < p.size(); ++i) {
      float g = grad[i];
      if (decay) g = g + weight_decay * p[i];                   // grad.add(param, alpha=wd)
      m[i] = lerp(m[i], g, one_minus_beta1);                    // exp_avg.lerp_(grad, 1 - beta1)
      v[i] = v[i] * beta2;                                      // exp_avg_sq.mul_(beta2)
      v[i] = v[i] + one_minus_beta2 * g * g;                    // .addcmul_(grad, grad, value=1 - beta2)
      const float denom = std::sqrt(v[i]) / bias_correction2_sqrt + eps;
      p[i] = p[i] + step_size * m[i] / denom;                   // param.addcdiv_(exp_avg, denom, value=-step_size)
    }
  }
}

void Adam::restore(State state) {
  if (state.m.size() != specs_.size() || state.v.size() != specs_.size())
    throw Error(fmt::format("Adam state has {} tensors, the optimiser {}", state.m.size(), specs_.size()));
  for (size_t k = 0; k < specs_.size(); ++k)
    if (state.m[k].size() != specs_[k].size || state.v[k].size() != specs_[k].size)
      throw Error(fmt::format("Adam state of '{}' has {} values, the parameter {}", specs_[k].name, state.m[k].size(),
                              specs_[k].size));
  if (state.step < 0) throw Error(fmt::format("Adam state has a negative step count {}", state.step));
  if (!(state.lr >= 0.0) || !std::isfinite(state.lr))
    throw Error(fmt::format("Adam state has an invalid learning rate {}", state.lr));
  state_ = std::move(state);
}

void Adam::write_state(hdf5::Group& group) const {
  group.set_attr<int64_t>("step", state_.step);
  group.set_attr<double>("lr", state_.lr);
  group.set_attr<double>("initial_lr", options_.lr);
  group.set_attr<double>("beta1", options_.beta1);
  group.set_attr<double>("beta2", options_.beta2);
  group.set_attr<double>("eps", options_.eps);
  group.set_attr<double>("weight_decay", options_.weight_decay);
  for (size_t k = 0; k < specs_.size(); ++k) {
    group.write<float>("m/" + specs_[k].name, state_.m[k]);
    group.write<float>("v/" + specs_[k].name, state_.v[k]);
  }
}

void Adam::read_state(const hdf5::Group& group) {
  State state;
  state.step = group.attr<int64_t>("step");
  state.lr = group.attr<double>("lr");
  for (const auto& spec : specs_) {
    for (const char* moment : {"m", "v"}) {
      const std::string name = fmt::format("{}/{}", moment, spec.name);
      if (!group.has(name))
        throw Error(fmt::format("{}: optimiser state '{}' has no '{}'", group.file(), group.path(), name));
      std::vector<float> values = group.read<float>(name);
      if (values.size() != spec.size)
        throw Error(fmt::format("{}: optimiser state '{}' has {} values, parameter '{}' has {}", group.file(),
                                group.qualified(name), values.size(), spec.name, spec.size));
      (moment[0] == 'm' ? state.m : state.v).push_back(std::move(values));
    }
  }
  try {
    restore(std::move(state));
  } catch (const Error& e) {
    throw Error(fmt::format("{}: {}", group.file(), e.what()));
  }
}

}  // namespace flowspike::optim
