// `flowspike train data.h5 -o model.h5 [options]`: trains the spiking network
// with the paper's recipe (docs/training.md). One line per epoch on stdout, a
// progress bar within the epoch on a terminal. After every epoch the best
// model so far, the per-epoch log (model.log.csv) and a checkpoint
// (model.ckpt.h5) are written atomically; `--resume model.ckpt.h5` continues a
// run exactly. Ctrl-C stops after the current batch, keeping the best model.
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "commands.h"
#include "flowspike/common/error.h"
#include "flowspike/common/interrupt.h"
#include "flowspike/dataset/dataset.h"
#include "flowspike/model/model.h"
#include "flowspike/train/trainer.h"
#include "option_checks.h"
#include "print_summaries.h"
#include "terminal.h"

namespace flowspike::cli {
namespace {

struct TrainArgs {
  std::string data;
  std::string model;
  std::string log;
  std::string checkpoint;
  std::string resume;
  std::string split = "flow";
  std::vector<double> fractions{0.65, 0.15, 0.20};
  std::string plateau_on = "train";
  std::string sampling = "weighted";
  train::TrainOptions options;
  // Options that change results; they cannot change when resuming.
  std::vector<CLI::Option*> run_options;
  CLI::Option* epochs = nullptr;
  CLI::Option* threads = nullptr;
};

void run_train(TrainArgs& a) {
  train::OutputPaths paths = train::output_paths(a.model);
  if (!a.log.empty()) paths.log = a.log;
  if (!a.checkpoint.empty()) paths.checkpoint = a.checkpoint;
  if (paths.model == paths.log || paths.model == paths.checkpoint || paths.log == paths.checkpoint)
    throw Error("the model, the log and the checkpoint need three different files");
  if (paths.model == a.data) throw Error(fmt::format("-o {} would overwrite the dataset", a.model));
  // Fail before training, not after the first epoch.
  for (const std::string& out : {paths.model, paths.log, paths.checkpoint}) {
    const std::filesystem::path dir = std::filesystem::path(out).parent_path();
    if (!dir.empty() && !std::filesystem::is_directory(dir))
      throw Error(fmt::format("cannot write '{}': directory '{}' does not exist", out, dir.string()));
  }

  const dataset::Dataset data = dataset::load_dataset(a.data);
  std::optional<train::Trainer> trainer;
  if (!a.resume.empty()) {
    std::string changed;
    for (CLI::Option* o : a.run_options)
      if (o->count() > 0) changed += (changed.empty() ? "" : ", ") + o->get_name();
    if (!changed.empty())
      throw Error(fmt::format("{} cannot change when resuming: the run continues with the options stored in {}",
                              changed, a.resume));
    std::optional<int32_t> epochs;
    std::optional<unsigned> threads;
    if (a.epochs->count() > 0) epochs = a.options.epochs;
    if (a.threads->count() > 0) threads = a.options.threads;
    trainer.emplace(train::Trainer::resume(data, a.data, a.resume, epochs, threads));
  } else {
    train::TrainOptions& o = a.options;
    o.split = dataset::split_kind_from_string(a.split);
    if (a.fractions.size() != 3) throw Error("--fractions takes three numbers: train,val,test");
    o.fractions = {a.fractions[0], a.fractions[1], a.fractions[2]};
    o.plateau_on = train::parse_plateau_metric(a.plateau_on);
    o.sampling = train::parse_sampling(a.sampling);
    trainer.emplace(data, a.data, o);
  }
  train::Trainer& t = *trainer;
  for (const std::string& w : t.warnings()) warn(w);

  const train::TrainOptions& o = t.options();
  fmt::print("flowspike train: {} -> {}\n", a.data, a.model);
  print_training_setup(t, data);
  if (t.epochs_done() > 0) fmt::print("  resumed from {} after epoch {}\n", a.resume, t.epochs_done());
  std::fflush(stdout);

  const std::string log_name = std::filesystem::path(paths.log).filename().string();
  bool interrupted = false;
  while (!t.done()) {
    ProgressBar bar(fmt::format("epoch {}/{}", t.epochs_done() + 1, o.epochs));
    const train::EpochStats e = t.run_epoch([&](const train::BatchProgress& b) {
      bar.update(static_cast<double>(b.batch) / static_cast<double>(b.batches), batch_progress_text(b));
    });
    bar.finish();
    if (e.interrupted) {
      fmt::print(stderr, "flowspike: interrupted in epoch {} after {} windows; that epoch is discarded\n", e.epoch,
                 e.windows);
      interrupted = true;
      break;
    }
    print_epoch(e, o.epochs);
    model::save_model(t.best_model(log_name), paths.model);
    train::write_log_csv(t.history(), paths.log);
    t.save_checkpoint(paths.checkpoint);
    if (interrupt_requested()) {
      interrupted = true;
      break;
    }
  }

  if (!t.has_best()) throw Interrupted();
  fmt::print("best: epoch {}, validation accuracy {} -> {} (log {}, checkpoint {})\n", t.best_epoch(),
             percent(t.best_val_accuracy()), paths.model, paths.log, paths.checkpoint);
  if (interrupted) {
    fmt::print(stderr, "flowspike: kept the best model so far; continue with --resume {}\n", paths.checkpoint);
    throw Interrupted();
  }
}

}  // namespace

void add_train(CLI::App& app) {
  auto args = std::make_shared<TrainArgs>();
  TrainArgs& a = *args;
  train::TrainOptions& o = a.options;
  auto* cmd = app.add_subcommand(
      "train",
      "Train the spiking network on a dataset with the paper's recipe. Writes the best model (by validation\n"
      "accuracy), the per-epoch log MODEL.log.csv and a checkpoint MODEL.ckpt.h5 after every epoch.\n"
      "Ctrl-C stops after the current batch and keeps the best model; --resume continues exactly.");
  cmd->add_option("data", a.data, "dataset file written by `flowspike extract`")->required();
  cmd->add_option("-o,--output", a.model, "model file to write (HDF5)")->required();
  cmd->add_option("--log", a.log, "per-epoch log CSV (default: MODEL.log.csv beside the model)");
  cmd->add_option("--checkpoint", a.checkpoint, "checkpoint file (default: MODEL.ckpt.h5 beside the model)");
  cmd->add_option("--resume", a.resume, "continue the run saved in this checkpoint (same dataset)");
  a.threads = cmd->add_option("--threads", o.threads, "worker threads (0 = all cores; results do not depend on it)")
                  ->capture_default_str();
  a.epochs = cmd->add_option("--epochs", o.epochs, "epochs to run in total")->capture_default_str();

  auto run = [&](CLI::Option* opt) { a.run_options.push_back(opt->capture_default_str()); };
  // Data.
  run(cmd->add_option("--split", a.split, "how to split: flow (default), window (the paper's), capture")
          ->check(CLI::IsMember({"flow", "window", "capture"})));
  run(cmd->add_option("--fractions", a.fractions, "train,val,test fractions")->delimiter(',')->expected(3));
  run(cmd->add_option("--seed", o.seed, "seed of the split, the initialisation and the sampling")->check(seed_check()));
  // Network.
  run(cmd->add_option("--hidden", o.network.hidden, "hidden LIF neurons"));
  run(cmd->add_option("--sigma", o.network.surrogate_sigma, "slope of the sigmoid surrogate gradient"));
  run(cmd->add_flag("--beta-per-neuron", o.network.beta_per_neuron, "one trainable leak per neuron, not per layer"));
  run(cmd->add_flag("--beta-zero", o.network.beta_fixed_zero, "leaks fixed at 0 (stateless neurons), not trained"));
  run(cmd->add_flag("--paper-text", o.network.paper_text,
                    "the paper text's neuron: fixed threshold 1 and plain reset (docs/snn.md)"));
  run(cmd->add_option("--spike-reg", o.network.spike_reg, "weight of the spike regulariser 0.5 * mean(s^2)"));
  run(cmd->add_option("--init-scale", o.network.init_weight_scale, "W ~ N(0, (scale / sqrt(fan_in))^2)"));
  run(cmd->add_option("--init-beta", o.network.init_beta, "initial leak"));
  run(cmd->add_option("--init-threshold", o.network.init_threshold, "initial b1 and b2"));
  // Optimisation.
  run(cmd->add_option("--batch", o.batch, "windows per batch"));
  run(cmd->add_option("--lr", o.adam.lr, "Adam learning rate"));
  run(cmd->add_option("--adam-beta1", o.adam.beta1, "Adam's first-moment decay"));
  run(cmd->add_option("--adam-beta2", o.adam.beta2, "Adam's second-moment decay"));
  run(cmd->add_option("--adam-eps", o.adam.eps, "Adam's epsilon"));
  run(cmd->add_option("--weight-decay", o.adam.weight_decay, "L2 weight decay added to the gradient"));
  run(cmd->add_option("--clip", o.clip, "clip gradients element-wise to [-X, X] (0 = off)"));
  run(cmd->add_option("--plateau-on", a.plateau_on, "ReduceLROnPlateau watches the train or val loss")
          ->check(CLI::IsMember({"train", "val"})));
  run(cmd->add_option("--plateau-start", o.plateau_start, "first epoch the scheduler sees"));
  run(cmd->add_option("--plateau-factor", o.plateau.factor, "learning-rate factor on a plateau"));
  run(cmd->add_option("--plateau-patience", o.plateau.patience, "epochs without improvement before reducing"));
  run(cmd->add_option("--plateau-threshold", o.plateau.threshold, "relative improvement that counts"));
  run(cmd->add_option("--sampling", a.sampling, "weighted (1 / class count, the paper's) or uniform")
          ->check(CLI::IsMember({"weighted", "uniform"})));
  run(cmd->add_option("--epoch-windows", o.epoch_windows, "windows drawn per epoch (0 = training set size)"));
  cmd->callback([args] { run_train(*args); });
}

}  // namespace flowspike::cli
