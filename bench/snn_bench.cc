// Windows per second of the spiking network at the `paper` preset (300 x 300
// pictures, 100 hidden neurons, 14 classes) on realistic sparse pictures:
// training (forward + backward of a batch of 128, as the trainer runs it) and
// inference, the event-driven kernel against the dense reference, 1 and 2
// threads. items_per_second is windows per wall-clock second; CPU is the
// process CPU time of all threads, so windows / CPU time is the rate per busy
// core even when other programs share the machine.
#include <benchmark/benchmark.h>

#include <random>
#include <vector>

#include "flowspike/snn/batch_gradient.h"
#include "flowspike/snn/network.h"
#include "flowspike/snn/reference.h"
#include "snn_windows.h"

namespace {

using namespace flowspike;

struct Fixture {
  snn::SnnOptions options;
  snn::SnnParams params;
  std::vector<features::SparsePicture> pictures;
  std::vector<features::PictureView> views;
  std::vector<int32_t> labels;
  double mean_nnz = 0;

  Fixture() {
    std::mt19937_64 rng(1);
    params = snn::SnnParams::initial(options, rng);
    pictures = bench::realistic_pictures(1024, 2);
    for (size_t i = 0; i < pictures.size(); ++i) {
      views.push_back(pictures[i].view());
      labels.push_back(static_cast<int32_t>(i % options.classes));
      mean_nnz += static_cast<double>(pictures[i].nnz()) / static_cast<double>(pictures.size());
    }
  }
};

const Fixture& fixture() {
  static const Fixture f;
  return f;
}

void BM_TrainFast(benchmark::State& state) {
  const Fixture& f = fixture();
  snn::WorkerPool pool(static_cast<unsigned>(state.range(0)));
  snn::BatchGradient engine(f.options, pool);
  snn::SnnParams grad;
  constexpr size_t kBatch = 128;
  size_t offset = 0;
  double spikes = 0;
  for (auto _ : state) {
    const std::span<const features::PictureView> views(f.views.data() + offset, kBatch);
    const std::span<const int32_t> labels(f.labels.data() + offset, kBatch);
    spikes += engine.compute(f.params, views, labels, grad).spikes;
    offset = (offset + kBatch) % f.views.size();
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * kBatch));
  state.counters["cells/window"] = f.mean_nnz;
  state.counters["spikes/window"] = spikes / static_cast<double>(state.iterations() * kBatch);
}
BENCHMARK(BM_TrainFast)
    ->Arg(1)
    ->Arg(2)
    ->ArgName("threads")
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime()
    ->MeasureProcessCPUTime();

void BM_TrainDense(benchmark::State& state) {
  const Fixture& f = fixture();
  snn::SnnParams grad = snn::SnnParams::zeros(f.options);
  size_t w = 0;
  for (auto _ : state) {
    const auto x = snn::dense_picture<float>(f.views[w], f.options);
    snn::reference_window(f.options, f.params, x, f.labels[w], snn::SpikeFunction::heaviside, 1.0 / 128, 0.0, &grad);
    w = (w + 1) % f.views.size();
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
}
BENCHMARK(BM_TrainDense)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_InferFast(benchmark::State& state) {
  const Fixture& f = fixture();
  snn::Network net(f.options, f.params, static_cast<unsigned>(state.range(0)));
  for (auto _ : state) benchmark::DoNotOptimize(net.infer(f.views));
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * f.views.size()));
}
BENCHMARK(BM_InferFast)
    ->Arg(1)
    ->Arg(2)
    ->ArgName("threads")
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime()
    ->MeasureProcessCPUTime();

void BM_InferDense(benchmark::State& state) {
  const Fixture& f = fixture();
  size_t w = 0;
  for (auto _ : state) {
    const auto x = snn::dense_picture<float>(f.views[w], f.options);
    benchmark::DoNotOptimize(snn::reference_window(f.options, f.params, x, -1, snn::SpikeFunction::heaviside, 1.0,
                                                   0.0, static_cast<snn::SnnParams*>(nullptr)));
    w = (w + 1) % f.views.size();
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
}
BENCHMARK(BM_InferDense)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
