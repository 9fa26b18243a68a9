#include "flowspike/train/trainer.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <random>

#include <fmt/format.h>

#include "flowspike/common/atomic_file.h"
#include "flowspike/common/error.h"
#include "flowspike/common/hdf5.h"
#include "flowspike/common/interrupt.h"
#include "flowspike/optim/adam.h"
#include "flowspike/optim/plateau_scheduler.h"
#include "flowspike/optim/weighted_sampler.h"
#include "flowspike/snn/batch_gradient.h"
#include "flowspike/snn/network.h"
#include "flowspike/snn/worker_pool.h"

namespace flowspike::train {

namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

double mean(const Eigen::VectorXf& v) { return v.size() == 0 ? 0.0 : static_cast<double>(v.mean()); }

// The log's columns, in order; the checkpoint keeps them the same way.
struct LogColumn {
  const char* name;
  double EpochStats::*field;
};
constexpr LogColumn kLogColumns[] = {
    {"loss", &EpochStats::loss},
    {"train_accuracy", &EpochStats::train_accuracy},
    {"val_loss", &EpochStats::val_loss},
    {"val_accuracy", &EpochStats::val_accuracy},
    {"lr", &EpochStats::lr},
    {"beta1", &EpochStats::beta1},
    {"beta2", &EpochStats::beta2},
    {"spikes_per_window", &EpochStats::spikes_per_window},
    {"windows_per_second", &EpochStats::windows_per_second},
    {"seconds", &EpochStats::seconds},
};

}  // namespace

OutputPaths output_paths(const std::string& model_path) {
  std::filesystem::path p(model_path);
  std::filesystem::path stem = p;
  if (p.extension() == ".h5" || p.extension() == ".hdf5") stem.replace_extension();
  return {model_path, stem.string() + ".log.csv", stem.string() + ".ckpt.h5"};
}

struct Trainer::State {
  State(const dataset::Dataset& d, const std::string& path, TrainOptions o)
      : data(&d), dataset_path(path), options(std::move(o)) {}

  const dataset::Dataset* data;
  std::string dataset_path;
  TrainOptions options;
  dataset::Split split;
  std::vector<std::string> warnings;
  uint64_t data_fingerprint = 0;

  snn::SnnParams params, best_params, grad;
  int32_t best_epoch = -1;
  double best_val_accuracy = -1;
  int32_t epochs_done = 0;
  std::vector<EpochStats> history;

  std::unique_ptr<snn::WorkerPool> pool;
  std::unique_ptr<snn::BatchGradient> engine;
  std::unique_ptr<optim::Adam> adam;
  std::unique_ptr<optim::PlateauScheduler> plateau;
  std::unique_ptr<optim::WeightedSampler> sampler;

  // Reused per batch.
  std::vector<features::PictureView> views;
  std::vector<int32_t> labels;

  bool trains_b1() const { return !options.network.paper_text; }
  bool trains_beta() const { return !options.network.beta_fixed_zero; }

  // Adam sees only the tensors that are trained, always in this order.
  std::vector<optim::TensorSpec> tensor_specs() const {
    std::vector<optim::TensorSpec> s{{"W1", static_cast<size_t>(params.W1.size())}};
    if (trains_b1()) s.push_back({"b1", static_cast<size_t>(params.b1.size())});
    if (trains_beta()) s.push_back({"beta1", static_cast<size_t>(params.beta1.size())});
    s.push_back({"W2", static_cast<size_t>(params.W2.size())});
    s.push_back({"b2", static_cast<size_t>(params.b2.size())});
    if (trains_beta()) s.push_back({"beta2", static_cast<size_t>(params.beta2.size())});
    return s;
  }

  void step() {
    auto pg = [](auto& p, const auto& g) {
      return optim::ParamGrad{{p.data(), static_cast<size_t>(p.size())}, {g.data(), static_cast<size_t>(g.size())}};
    };
    std::vector<optim::ParamGrad> list{pg(params.W1, grad.W1)};
    if (trains_b1()) list.push_back(pg(params.b1, grad.b1));
    if (trains_beta()) list.push_back(pg(params.beta1, grad.beta1));
    list.push_back(pg(params.W2, grad.W2));
    list.push_back(pg(params.b2, grad.b2));
    if (trains_beta()) list.push_back(pg(params.beta2, grad.beta2));
    adam->step(list);
    // The model's constraints, as the authors' clamp(): leaks in [0, 1], thresholds >= 0.
    params.beta1 = params.beta1.cwiseMax(0.0f).cwiseMin(1.0f);
    params.beta2 = params.beta2.cwiseMax(0.0f).cwiseMin(1.0f);
    params.b1 = params.b1.cwiseMax(0.0f);
    params.b2 = params.b2.cwiseMax(0.0f);
  }

  void clip_gradient() {
    if (options.clip <= 0) return;
    const auto c = static_cast<float>(options.clip);
    for (auto* g : {&grad.W1, &grad.W2}) *g = g->cwiseMax(-c).cwiseMin(c);
    for (auto* g : {&grad.b1, &grad.beta1, &grad.b2, &grad.beta2}) *g = g->cwiseMax(-c).cwiseMin(c);
  }

  model::Model make_model(const snn::SnnParams& weights, const std::string& log_csv) const {
    model::Model m;
    m.snn = options.network;
    m.params = weights;
    m.preset = data->preset;
    m.classes = data->classes;
    model::TrainingRecord& r = m.training;
    r.dataset_path = dataset_path;
    r.dataset_fingerprint = data_fingerprint;
    r.split = std::string(dataset::split_kind_name(options.split));
    r.seed = options.seed;
    r.split_train = options.fractions.train;
    r.split_val = options.fractions.val;
    r.split_test = options.fractions.test;
    r.best_epoch = best_epoch;
    r.epochs_run = epochs_done;
    r.best_val_accuracy = std::max(0.0, best_val_accuracy);
    r.log_csv = log_csv;
    r.hyperparameters_json = to_json(options);
    return m;
  }
};

Trainer::Trainer(std::unique_ptr<State> state) : state_(std::move(state)) {}
Trainer::~Trainer() = default;
Trainer::Trainer(Trainer&&) noexcept = default;
Trainer& Trainer::operator=(Trainer&&) noexcept = default;

Trainer::Trainer(const dataset::Dataset& data, const std::string& dataset_path, TrainOptions options)
    : state_(std::make_unique<State>(data, dataset_path, std::move(options))) {
  State& s = *state_;
  if (data.size() == 0)
    throw Error(fmt::format("{}: the dataset has no windows; there is nothing to train on", dataset_path));
  if (data.classes.size() < 2)
    throw Error(fmt::format("{}: the dataset has {} class(es); a classifier needs at least 2", dataset_path,
                            data.classes.size()));
  s.options.network.inputs = data.preset.picture.size_edges.size_bins();
  s.options.network.time_bins = data.preset.picture.time_bins;
  s.options.network.classes = static_cast<uint32_t>(data.classes.size());
  validate(s.options);
  s.data_fingerprint = dataset::fingerprint(data);

  s.split = dataset::make_split(data, s.options.split, s.options.seed, s.options.fractions);
  const std::string how = fmt::format("split by {} with fractions {}/{}/{}", dataset::split_kind_name(s.options.split),
                                      s.options.fractions.train, s.options.fractions.val, s.options.fractions.test);
  if (s.split.train.empty())
    throw Error(fmt::format("{}: the training side of the split is empty ({} windows, {})", dataset_path,
                            data.size(), how));
  if (s.split.val.empty())
    throw Error(fmt::format("{}: the validation side of the split is empty ({} windows, {}); the best epoch is "
                            "chosen on it. Use more data, a larger validation fraction or --split window",
                            dataset_path, data.size(), how));
  std::vector<size_t> in_train(data.classes.size(), 0), in_data(data.classes.size(), 0);
  for (int64_t w : s.split.train) ++in_train[static_cast<size_t>(data.label[static_cast<size_t>(w)])];
  for (int32_t l : data.label) ++in_data[static_cast<size_t>(l)];
  for (size_t c = 0; c < data.classes.size(); ++c)
    if (in_train[c] == 0)
      s.warnings.push_back(fmt::format("class '{}' has no training windows ({} in the dataset); the network cannot "
                                       "learn it",
                                       data.classes[c], in_data[c]));

  std::mt19937_64 init_rng(s.options.seed);
  s.params = snn::SnnParams::initial(s.options.network, init_rng);
  s.best_params = s.params;
  s.grad = snn::SnnParams::zeros(s.options.network);

  s.pool = std::make_unique<snn::WorkerPool>(s.options.threads);
  s.engine = std::make_unique<snn::BatchGradient>(s.options.network, *s.pool);
  s.adam = std::make_unique<optim::Adam>(s.options.adam, s.tensor_specs());
  s.plateau = std::make_unique<optim::PlateauScheduler>(s.options.plateau);
  std::vector<int32_t> train_labels;
  for (int64_t w : s.split.train) train_labels.push_back(data.label[static_cast<size_t>(w)]);
  std::vector<double> weights = s.options.sampling == Sampling::weighted
                                    ? optim::inverse_class_frequency_weights(train_labels)
                                    : std::vector<double>(train_labels.size(), 1.0);
  s.sampler = std::make_unique<optim::WeightedSampler>(std::move(weights), s.options.seed + 1);
}

EpochStats Trainer::run_epoch(const ProgressCallback& progress) {
  State& s = *state_;
  FLOWSPIKE_ASSERT(!done());
  const dataset::Dataset& data = *s.data;
  EpochStats st;
  st.epoch = s.epochs_done + 1;
  st.lr = s.adam->lr();
  const auto start = Clock::now();

  const size_t n = s.options.epoch_windows > 0 ? s.options.epoch_windows : s.split.train.size();
  const std::vector<size_t> draws = s.sampler->draw(n);
  const size_t batches = (n + s.options.batch - 1) / s.options.batch;
  double loss_sum = 0, spikes = 0;
  size_t correct = 0;
  for (size_t b = 0; b < batches; ++b) {
    const size_t begin = b * s.options.batch, end = std::min(n, begin + s.options.batch);
    s.views.clear();
    s.labels.clear();
    for (size_t i = begin; i < end; ++i) {
      const auto w = static_cast<size_t>(s.split.train[draws[i]]);
      s.views.push_back(data.picture(w));
      s.labels.push_back(data.label[w]);
    }
    const snn::BatchTotals totals = s.engine->compute(s.params, s.views, s.labels, s.grad);
    if (!std::isfinite(totals.loss))
      throw Error(fmt::format("training diverged: the loss is {} in epoch {}, batch {}; try a lower --lr",
                              totals.loss, st.epoch, b + 1));
    s.clip_gradient();
    s.step();

    loss_sum += totals.loss * static_cast<double>(totals.windows);
    correct += totals.correct;
    spikes += totals.spikes;
    st.windows += totals.windows;
    if (progress) {
      BatchProgress p;
      p.epoch = st.epoch;
      p.batch = b + 1;
      p.batches = batches;
      p.windows = st.windows;
      p.loss = loss_sum / static_cast<double>(st.windows);
      p.accuracy = static_cast<double>(correct) / static_cast<double>(st.windows);
      p.windows_per_second = static_cast<double>(st.windows) / std::max(1e-9, seconds_since(start));
      progress(p);
    }
    if (interrupt_requested() && b + 1 < batches) {
      st.interrupted = true;
      break;
    }
  }
  const double train_seconds = seconds_since(start);
  st.loss = loss_sum / static_cast<double>(st.windows);
  st.train_accuracy = static_cast<double>(correct) / static_cast<double>(st.windows);
  st.spikes_per_window = spikes / static_cast<double>(st.windows);
  st.windows_per_second = static_cast<double>(st.windows) / std::max(1e-9, train_seconds);
  st.beta1 = mean(s.params.beta1);
  st.beta2 = mean(s.params.beta2);
  if (st.interrupted) {
    st.seconds = seconds_since(start);
    return st;
  }

  // Validation: the whole validation set with the weights after the epoch.
  snn::Network net(s.options.network, s.params, s.options.threads);
  const snn::InferenceResult r =
      net.infer(s.split.val.size(), [&](size_t i) { return data.picture(static_cast<size_t>(s.split.val[i])); });
  double val_loss = 0;
  size_t val_correct = 0;
  for (size_t i = 0; i < r.size(); ++i) {
    const int32_t label = data.label[static_cast<size_t>(s.split.val[i])];
    const auto row = r.logits.row(static_cast<Eigen::Index>(i)).cast<double>();
    const double top = row.maxCoeff();
    val_loss += top + std::log((row.array() - top).exp().sum()) - row(label);
    val_correct += r.predicted[i] == label ? 1 : 0;
  }
  st.val_loss = val_loss / static_cast<double>(r.size());
  st.val_accuracy = static_cast<double>(val_correct) / static_cast<double>(r.size());

  if (st.val_accuracy > s.best_val_accuracy) {
    s.best_val_accuracy = st.val_accuracy;
    s.best_epoch = st.epoch;
    s.best_params = s.params;
    st.best = true;
  }
  if (st.epoch >= s.options.plateau_start) {
    const double metric = s.options.plateau_on == PlateauMetric::train ? st.loss : st.val_loss;
    s.adam->set_lr(s.plateau->step(metric, s.adam->lr()));
  }
  s.epochs_done = st.epoch;
  st.seconds = seconds_since(start);
  s.history.push_back(st);
  return st;
}

int32_t Trainer::epochs_done() const { return state_->epochs_done; }
bool Trainer::done() const { return state_->epochs_done >= state_->options.epochs; }
const TrainOptions& Trainer::options() const { return state_->options; }
const std::vector<EpochStats>& Trainer::history() const { return state_->history; }
const std::vector<std::string>& Trainer::warnings() const { return state_->warnings; }
const dataset::Split& Trainer::split() const { return state_->split; }
const snn::SnnParams& Trainer::params() const { return state_->params; }
bool Trainer::has_best() const { return state_->best_epoch > 0; }
int32_t Trainer::best_epoch() const { return state_->best_epoch; }
double Trainer::best_val_accuracy() const { return state_->best_val_accuracy; }

model::Model Trainer::best_model(const std::string& log_csv) const {
  FLOWSPIKE_ASSERT(has_best());
  return state_->make_model(state_->best_params, log_csv);
}

void Trainer::save_checkpoint(const std::string& path) const {
  const State& s = *state_;
  AtomicFile out(path);
  {
    hdf5::File f = hdf5::File::create(out.temp_path().string());
    f.set_attr("format", kCheckpointFormat);
    f.set_attr<int32_t>("version", kCheckpointVersion);
    f.set_attr<int32_t>("epochs_done", s.epochs_done);
    f.set_attr("dataset_path", std::string_view(s.dataset_path));
    f.set_attr<uint64_t>("dataset_fingerprint", s.data_fingerprint);
    f.set_attr("options", std::string_view(to_json(s.options)));
    f.set_attr<int32_t>("best_epoch", s.best_epoch);
    f.set_attr<double>("best_val_accuracy", s.best_val_accuracy);
    hdf5::Group current = f.create_group("current");
    model::write_model(current, s.make_model(s.params, ""));
    hdf5::Group best = f.create_group("best");
    model::write_model(best, s.make_model(s.best_params, ""));
    hdf5::Group adam = f.create_group("adam");
    s.adam->write_state(adam);
    hdf5::Group plateau = f.create_group("plateau");
    s.plateau->write_state(plateau);
    s.sampler->write_state(f, "sampler_state");
    hdf5::Group log = f.create_group("log");
    std::vector<int32_t> epoch, best_flag;
    for (const EpochStats& e : s.history) {
      epoch.push_back(e.epoch);
      best_flag.push_back(e.best ? 1 : 0);
    }
    log.write("epoch", epoch);
    log.write("best", best_flag);
    for (const LogColumn& c : kLogColumns) {
      std::vector<double> values;
      for (const EpochStats& e : s.history) values.push_back(e.*c.field);
      log.write(c.name, values);
    }
    f.flush();
  }
  out.commit();
}

namespace {

hdf5::File open_checkpoint(const std::string& path) {
  if (!std::filesystem::exists(path)) throw Error(fmt::format("{}: no such checkpoint", path));
  hdf5::File f = hdf5::File::open(path);
  if (!f.has_attr("format") || f.attr_string("format") != kCheckpointFormat)
    throw Error(fmt::format("{}: not a flowspike training checkpoint (no format=\"{}\" attribute)", path,
                            kCheckpointFormat));
  const auto version = f.attr<int32_t>("version");
  if (version != kCheckpointVersion)
    throw Error(fmt::format("{}: checkpoint version {} is not supported (this flowspike reads version {})", path,
                            version, kCheckpointVersion));
  return f;
}

}  // namespace

TrainOptions Trainer::checkpoint_options(const std::string& checkpoint_path) {
  const hdf5::File f = open_checkpoint(checkpoint_path);
  return from_json(f.attr_string("options"), checkpoint_path);
}

Trainer Trainer::resume(const dataset::Dataset& data, const std::string& dataset_path,
                        const std::string& checkpoint_path, std::optional<int32_t> epochs,
                        std::optional<unsigned> threads) {
  const hdf5::File f = open_checkpoint(checkpoint_path);
  TrainOptions options = from_json(f.attr_string("options"), checkpoint_path);
  const auto epochs_done = f.attr<int32_t>("epochs_done");
  if (epochs) {
    if (*epochs < epochs_done)
      throw Error(fmt::format("{}: the run has already done {} epochs; --epochs {} would undo them", checkpoint_path,
                              epochs_done, *epochs));
    options.epochs = *epochs;
  }
  if (threads) options.threads = *threads;
  Trainer t(data, dataset_path, options);
  State& s = *t.state_;
  if (f.attr<uint64_t>("dataset_fingerprint") != s.data_fingerprint)
    throw Error(fmt::format("{}: the checkpoint was made on another dataset ({}), not on {}", checkpoint_path,
                            f.attr_string("dataset_path"), dataset_path));
  try {
    s.params = model::read_model(f.open_group("current")).params;
    s.best_params = model::read_model(f.open_group("best")).params;
    snn::check_shapes(s.options.network, s.params, "current weights");
    snn::check_shapes(s.options.network, s.best_params, "best weights");
    s.best_epoch = f.attr<int32_t>("best_epoch");
    s.best_val_accuracy = f.attr<double>("best_val_accuracy");
    s.adam->read_state(f.open_group("adam"));
    s.plateau->read_state(f.open_group("plateau"));
    s.sampler->read_state(f, "sampler_state");
    s.epochs_done = epochs_done;
    const hdf5::Group log = f.open_group("log");
    const auto epoch = log.read<int32_t>("epoch");
    const auto best = log.read<int32_t>("best");
    if (epoch.size() != static_cast<size_t>(epochs_done) || best.size() != epoch.size())
      throw Error(fmt::format("the log has {} epochs, the checkpoint {}", epoch.size(), epochs_done));
    s.history.assign(epoch.size(), EpochStats{});
    for (size_t i = 0; i < epoch.size(); ++i) {
      s.history[i].epoch = epoch[i];
      s.history[i].best = best[i] != 0;
    }
    for (const LogColumn& c : kLogColumns) {
      const auto values = log.read<double>(c.name);
      if (values.size() != epoch.size()) throw Error(fmt::format("log column '{}' has the wrong length", c.name));
      for (size_t i = 0; i < values.size(); ++i) s.history[i].*c.field = values[i];
    }
  } catch (const Error& e) {
    const std::string what = e.what();
    if (what.rfind(checkpoint_path, 0) == 0) throw;
    throw Error(fmt::format("{}: damaged checkpoint: {}", checkpoint_path, what));
  }
  return t;
}

void write_log_csv(const std::vector<EpochStats>& history, const std::string& path) {
  OutputStream out(path);
  std::ostream& os = out.stream();
  os << "epoch";
  for (const LogColumn& c : kLogColumns) os << ',' << c.name;
  os << ",best\n";
  for (const EpochStats& e : history) {
    os << e.epoch;
    for (const LogColumn& c : kLogColumns) os << ',' << fmt::format("{:.9g}", e.*c.field);
    os << ',' << (e.best ? 1 : 0) << '\n';
  }
  out.commit();
}

}  // namespace flowspike::train
