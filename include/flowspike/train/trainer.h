// Training a spiking network on a dataset with the paper's recipe
// (docs/training.md). A Trainer owns the run: the split, the parameters, Adam,
// the plateau scheduler, the sampler and the best weights so far. It runs one
// epoch at a time and returns that epoch's statistics; the caller decides what
// to print and when to write the model, the log and a checkpoint.
//
// With the same dataset, options and seed a run is bit-for-bit repeatable, for
// any thread count; a run resumed from a checkpoint continues exactly as if it
// had not stopped. Not thread-safe (it uses its own worker threads inside).
// The dataset must outlive the Trainer.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "flowspike/dataset/dataset.h"
#include "flowspike/dataset/split.h"
#include "flowspike/model/model.h"
#include "flowspike/snn/params.h"
#include "flowspike/train/train_options.h"

namespace flowspike::train {

inline constexpr const char* kCheckpointFormat = "flowspike-checkpoint";
inline constexpr int kCheckpointVersion = 1;

// One epoch, as printed and as written to the log CSV.
struct EpochStats {
  int32_t epoch = 0;                // 1-based
  double loss = 0;                  // mean training loss over the epoch's windows
  double train_accuracy = 0;        // fraction of the epoch's (sampled) windows classified right
  double val_loss = 0;              // mean cross-entropy on the validation set
  double val_accuracy = 0;          // on the whole validation set, after the epoch
  double lr = 0;                    // the learning rate used during the epoch
  double beta1 = 0;                 // hidden leak (mean if per neuron)
  double beta2 = 0;                 // readout leak (mean if per neuron)
  double spikes_per_window = 0;     // mean hidden spikes per training window
  double windows_per_second = 0;    // training windows (forward + backward + step) per second
  double seconds = 0;               // wall time of the epoch, validation included
  bool best = false;                // these weights are the best so far
  size_t windows = 0;               // training windows drawn
  bool interrupted = false;         // stopped early by an interrupt: not a finished epoch
};

// Progress within an epoch, reported after every batch.
struct BatchProgress {
  int32_t epoch = 0;
  size_t batch = 0, batches = 0;    // batches done, of
  size_t windows = 0;               // windows done so far this epoch
  double loss = 0;                  // running mean
  double accuracy = 0;              // running
  double windows_per_second = 0;
};
using ProgressCallback = std::function<void(const BatchProgress&)>;

// Where a run writes: model.h5 -> model.log.csv and model.ckpt.h5 beside it.
struct OutputPaths {
  std::string model, log, checkpoint;
};
OutputPaths output_paths(const std::string& model_path);

class Trainer {
 public:
  // Splits the dataset, checks it and initialises the network. Throws
  // flowspike::Error if the dataset has no windows, the training or validation
  // side of the split is empty, or an option is out of range. Classes without
  // training windows are reported in warnings().
  Trainer(const dataset::Dataset& data, const std::string& dataset_path, TrainOptions options);
  ~Trainer();
  Trainer(Trainer&&) noexcept;
  Trainer& operator=(Trainer&&) noexcept;

  // The run saved by save_checkpoint(), continued on `data` (which must be the
  // same dataset). `epochs` may raise the number of epochs; `threads` may
  // change (results do not depend on it). Throws flowspike::Error naming the
  // file if it is not a flowspike checkpoint or the dataset differs.
  static Trainer resume(const dataset::Dataset& data, const std::string& dataset_path,
                        const std::string& checkpoint_path, std::optional<int32_t> epochs = std::nullopt,
                        std::optional<unsigned> threads = std::nullopt);
  // The options stored in a checkpoint (to compare with a command line).
  static TrainOptions checkpoint_options(const std::string& checkpoint_path);

  // One epoch: draws the windows, steps through the batches, then evaluates on
  // the validation set and updates the best weights and the learning rate.
  // Polls interrupt_requested() after every batch: if set, returns at once
  // with interrupted = true, and the trainer must not be used further (its
  // state is mid-epoch; the last checkpoint and best model stand).
  EpochStats run_epoch(const ProgressCallback& progress = {});

  int32_t epochs_done() const;
  bool done() const;  // epochs_done() == options().epochs
  const TrainOptions& options() const;
  const std::vector<EpochStats>& history() const;
  const std::vector<std::string>& warnings() const;
  const dataset::Split& split() const;
  const snn::SnnParams& params() const;  // current weights

  bool has_best() const;                 // at least one epoch finished
  int32_t best_epoch() const;
  double best_val_accuracy() const;
  // The best weights with everything the model file carries; log_csv is the
  // log's file name to record.
  model::Model best_model(const std::string& log_csv = "") const;

  // Writes the whole state atomically (docs/training.md, "Checkpoints").
  void save_checkpoint(const std::string& path) const;

 private:
  struct State;
  explicit Trainer(std::unique_ptr<State> state);
  std::unique_ptr<State> state_;
};

// The per-epoch log as CSV (header: epoch, loss, train_accuracy, val_loss,
// val_accuracy, lr, beta1, beta2, spikes_per_window, windows_per_second,
// seconds, best), written atomically.
void write_log_csv(const std::vector<EpochStats>& history, const std::string& path);

}  // namespace flowspike::train
