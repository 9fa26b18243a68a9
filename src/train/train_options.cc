#include "flowspike/train/train_options.h"

#include <cmath>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "flowspike/common/error.h"

namespace flowspike::train {

std::string to_string(PlateauMetric metric) { return metric == PlateauMetric::train ? "train" : "val"; }
std::string to_string(Sampling sampling) { return sampling == Sampling::weighted ? "weighted" : "uniform"; }

PlateauMetric parse_plateau_metric(const std::string& text) {
  if (text == "train") return PlateauMetric::train;
  if (text == "val") return PlateauMetric::val;
  throw Error(fmt::format("unknown plateau metric '{}' (choose train or val)", text));
}

Sampling parse_sampling(const std::string& text) {
  if (text == "weighted") return Sampling::weighted;
  if (text == "uniform") return Sampling::uniform;
  throw Error(fmt::format("unknown sampling '{}' (choose weighted or uniform)", text));
}

void validate(const TrainOptions& o, const std::string& what) {
  auto fail = [&](const std::string& problem) { throw Error(fmt::format("{}: {}", what, problem)); };
  snn::validate_options(o.network, what);
  if (o.epochs < 1) fail(fmt::format("epochs must be at least 1, got {}", o.epochs));
  if (o.batch < 1) fail("batch size must be at least 1");
  if (!std::isfinite(o.adam.lr) || o.adam.lr <= 0) fail(fmt::format("learning rate must be > 0, got {}", o.adam.lr));
  if (!std::isfinite(o.adam.weight_decay) || o.adam.weight_decay < 0)
    fail(fmt::format("weight decay must be >= 0, got {}", o.adam.weight_decay));
  if (!(o.adam.beta1 >= 0 && o.adam.beta1 < 1) || !(o.adam.beta2 >= 0 && o.adam.beta2 < 1))
    fail(fmt::format("Adam betas must be in [0, 1), got ({}, {})", o.adam.beta1, o.adam.beta2));
  if (!std::isfinite(o.adam.eps) || o.adam.eps < 0) fail(fmt::format("Adam eps must be >= 0, got {}", o.adam.eps));
  if (!std::isfinite(o.clip) || o.clip < 0) fail(fmt::format("gradient clip must be >= 0 (0 = off), got {}", o.clip));
  if (o.plateau_start < 1) fail(fmt::format("plateau start epoch must be at least 1, got {}", o.plateau_start));
  if (!(o.plateau.factor >= 0 && o.plateau.factor < 1))
    fail(fmt::format("plateau factor must be in [0, 1), got {}", o.plateau.factor));
  if (o.plateau.patience < 0) fail(fmt::format("plateau patience must be >= 0, got {}", o.plateau.patience));
  if (!std::isfinite(o.plateau.threshold) || o.plateau.threshold < 0)
    fail(fmt::format("plateau threshold must be >= 0, got {}", o.plateau.threshold));
  const auto& f = o.fractions;
  if (!(f.train > 0 && f.val > 0 && f.test >= 0) || std::abs(f.train + f.val + f.test - 1.0) > 1e-9)
    fail(fmt::format("split fractions must be train > 0, validation > 0, test >= 0 summing to 1, got {}/{}/{}",
                     f.train, f.val, f.test));
}

std::string to_json(const TrainOptions& o) {
  nlohmann::ordered_json j;
  j["split"] = std::string(dataset::split_kind_name(o.split));
  j["split_train"] = o.fractions.train;
  j["split_val"] = o.fractions.val;
  j["split_test"] = o.fractions.test;
  j["seed"] = o.seed;
  const snn::SnnOptions& n = o.network;
  j["network"] = {{"inputs", n.inputs},
                  {"hidden", n.hidden},
                  {"classes", n.classes},
                  {"time_bins", n.time_bins},
                  {"beta_per_neuron", n.beta_per_neuron},
                  {"beta_fixed_zero", n.beta_fixed_zero},
                  {"paper_text", n.paper_text},
                  {"surrogate_sigma", n.surrogate_sigma},
                  {"spike_reg", n.spike_reg},
                  {"init_weight_scale", n.init_weight_scale},
                  {"init_beta", n.init_beta},
                  {"init_threshold", n.init_threshold}};
  j["epochs"] = o.epochs;
  j["batch"] = o.batch;
  j["lr"] = o.adam.lr;
  j["adam_beta1"] = o.adam.beta1;
  j["adam_beta2"] = o.adam.beta2;
  j["adam_eps"] = o.adam.eps;
  j["weight_decay"] = o.adam.weight_decay;
  j["clip"] = o.clip;
  j["plateau_on"] = to_string(o.plateau_on);
  j["plateau_start"] = o.plateau_start;
  j["plateau_factor"] = o.plateau.factor;
  j["plateau_patience"] = o.plateau.patience;
  j["plateau_threshold"] = o.plateau.threshold;
  j["plateau_threshold_mode"] = optim::to_string(o.plateau.threshold_mode);
  j["plateau_cooldown"] = o.plateau.cooldown;
  j["plateau_min_lr"] = o.plateau.min_lr;
  j["sampling"] = to_string(o.sampling);
  j["epoch_windows"] = o.epoch_windows;
  return j.dump();
}

TrainOptions from_json(const std::string& text, const std::string& source) {
  try {
    const auto j = nlohmann::json::parse(text);
    TrainOptions o;
    o.split = dataset::split_kind_from_string(j.at("split").get<std::string>());
    o.fractions = {j.at("split_train").get<double>(), j.at("split_val").get<double>(),
                   j.at("split_test").get<double>()};
    o.seed = j.at("seed").get<uint64_t>();
    const auto& n = j.at("network");
    o.network.inputs = n.at("inputs").get<uint32_t>();
    o.network.hidden = n.at("hidden").get<uint32_t>();
    o.network.classes = n.at("classes").get<uint32_t>();
    o.network.time_bins = n.at("time_bins").get<uint32_t>();
    o.network.beta_per_neuron = n.at("beta_per_neuron").get<bool>();
    o.network.beta_fixed_zero = n.at("beta_fixed_zero").get<bool>();
    o.network.paper_text = n.at("paper_text").get<bool>();
    o.network.surrogate_sigma = n.at("surrogate_sigma").get<float>();
    o.network.spike_reg = n.at("spike_reg").get<float>();
    o.network.init_weight_scale = n.at("init_weight_scale").get<float>();
    o.network.init_beta = n.at("init_beta").get<float>();
    o.network.init_threshold = n.at("init_threshold").get<float>();
    o.epochs = j.at("epochs").get<int32_t>();
    o.batch = j.at("batch").get<size_t>();
    o.adam.lr = j.at("lr").get<double>();
    o.adam.beta1 = j.at("adam_beta1").get<double>();
    o.adam.beta2 = j.at("adam_beta2").get<double>();
    o.adam.eps = j.at("adam_eps").get<double>();
    o.adam.weight_decay = j.at("weight_decay").get<double>();
    o.clip = j.at("clip").get<double>();
    o.plateau_on = parse_plateau_metric(j.at("plateau_on").get<std::string>());
    o.plateau_start = j.at("plateau_start").get<int32_t>();
    o.plateau.factor = j.at("plateau_factor").get<double>();
    o.plateau.patience = j.at("plateau_patience").get<int32_t>();
    o.plateau.threshold = j.at("plateau_threshold").get<double>();
    o.plateau.threshold_mode = optim::parse_threshold_mode(j.at("plateau_threshold_mode").get<std::string>());
    o.plateau.cooldown = j.at("plateau_cooldown").get<int32_t>();
    o.plateau.min_lr = j.at("plateau_min_lr").get<double>();
    o.sampling = parse_sampling(j.at("sampling").get<std::string>());
    o.epoch_windows = j.at("epoch_windows").get<size_t>();
    return o;
  } catch (const nlohmann::json::exception& e) {
    throw Error(fmt::format("{}: training options are not readable: {}", source, e.what()));
  } catch (const Error& e) {
    throw Error(fmt::format("{}: {}", source, e.what()));
  }
}

}  // namespace flowspike::train
