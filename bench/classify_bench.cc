// End-to-end classification speed: `flowspike classify` as a library call
// (capture -> flows -> windows -> pictures -> SNN -> CSV records per window)
// on the generated capture of the extraction benchmarks (about 2.3 million
// packets, 400 concurrent TCP flows, bench/extract_traffic.h), with a network
// of the paper's shape (300 x 300 pictures, 100 hidden neurons, 14 classes,
// random weights: speed does not depend on what the weights mean, only on
// how many hidden spikes they cause, which is printed). Reports packets/s and
// windows/s in wall-clock time (the median of the repetitions is the figure
// to quote) and the CPU time of all threads (the figure that does not depend
// on what else the machine is doing).
// BM_PicturesOnly is the same pipeline without the SNN, to show its share.
//   [FLOWSPIKE_BENCH_MODEL=model.h5] classify_bench [--benchmark_repetitions=N]   (default 5)
// FLOWSPIKE_BENCH_DIR chooses where the capture is written (default /tmp).
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <ostream>
#include <random>
#include <streambuf>
#include <string>
#include <vector>

#include <benchmark/benchmark.h>

#include "extract_traffic.h"
#include "flowspike/capture/packet_source.h"
#include "flowspike/classify/capture_run.h"
#include "flowspike/classify/classifier.h"
#include "flowspike/classify/record_writer.h"
#include "flowspike/dataset/labels.h"
#include "flowspike/features/picture_builder.h"
#include "flowspike/flow/window_cutter.h"

namespace {

namespace fs = std::filesystem;
using namespace flowspike;

struct Capture {
  fs::path dir;
  std::string pcap;
  uint64_t packets = 0;
  ~Capture() {
    std::error_code ec;
    fs::remove_all(dir, ec);
  }
};

Capture& capture() {
  static Capture c = [] {
    Capture made;
    const char* base = std::getenv("FLOWSPIKE_BENCH_DIR");
    made.dir = fs::path(base ? base : "/tmp") / ("flowspike-classify-bench-" + std::to_string(::getpid()));
    fs::create_directories(made.dir);
    made.pcap = (made.dir / "traffic.pcap").string();
    made.packets = bench::write_traffic(made.pcap, {});
    std::fprintf(stderr, "capture: %s, %llu packets, %.0f MB\n", made.pcap.c_str(),
                 static_cast<unsigned long long>(made.packets), static_cast<double>(fs::file_size(made.pcap)) / 1e6);
    return made;
  }();
  return c;
}

// FLOWSPIKE_BENCH_MODEL names a trained model to use instead (its hidden
// spikes per window are realistic; random weights spike less).
model::Model paper_model() {
  if (const char* path = std::getenv("FLOWSPIKE_BENCH_MODEL")) return model::load_model(path);
  model::Model m;
  m.preset = features::Preset::paper();
  m.classes = dataset::iscx_classes();
  std::mt19937_64 rng(1);
  m.params = snn::SnnParams::initial(m.snn, rng);
  return m;
}

// An ostream that throws its text away, so the records are formatted but not stored.
class NullBuffer final : public std::streambuf {
 protected:
  int overflow(int c) override { return c; }
  std::streamsize xsputn(const char*, std::streamsize n) override { return n; }
};

void BM_Classify(benchmark::State& state) {
  const Capture& c = capture();
  const model::Model model = paper_model();
  uint64_t windows = 0, spikes = 0, flows = 0;
  for (auto _ : state) {
    NullBuffer buffer;
    std::ostream out(&buffer);
    capture::SourceOptions so;
    so.paths = {c.pcap};
    capture::PacketSource source(so);
    classify::RecordWriter writer(out, {}, model.classes, eval::parse_taxonomy(model.classes), {c.pcap});
    classify::ClassifierOptions options;
    options.threads = static_cast<unsigned>(state.range(0));
    classify::Classifier classifier(model, "paper-shaped model", options, writer);
    classify::classify_source(source, classifier);
    windows = classifier.counts().windows;
    spikes = classifier.counts().hidden_spikes;
    flows = classifier.counts().flows;
  }
  const auto iterations = static_cast<double>(state.iterations());
  state.counters["packets/s"] = benchmark::Counter(static_cast<double>(c.packets) * iterations, benchmark::Counter::kIsRate);
  state.counters["windows/s"] = benchmark::Counter(static_cast<double>(windows) * iterations, benchmark::Counter::kIsRate);
  state.counters["windows"] = static_cast<double>(windows);
  state.counters["flows"] = static_cast<double>(flows);
  state.counters["spikes/window"] = windows ? static_cast<double>(spikes) / static_cast<double>(windows) : 0.0;
}
BENCHMARK(BM_Classify)
    ->ArgName("threads")
    ->Arg(1)
    ->Arg(2)
    ->Unit(benchmark::kMillisecond)
    ->MeasureProcessCPUTime()
    ->UseRealTime()
    ->Iterations(1);

// The same pipeline up to the pictures, without the network or the records.
class PictureSink final : public flow::WindowSink {
 public:
  explicit PictureSink(const features::Preset& preset) : builder_(preset) {}
  void on_window(const flow::Window& window, const flow::FlowRecord&) override {
    builder_.build(window, picture_, report_);
    ++windows;
  }
  uint64_t windows = 0;

 private:
  features::PictureBuilder builder_;
  features::SparsePicture picture_;
  capture::ParseReport report_;
};

void BM_PicturesOnly(benchmark::State& state) {
  const Capture& c = capture();
  const features::Preset preset = features::Preset::paper();
  uint64_t windows = 0;
  for (auto _ : state) {
    capture::SourceOptions so;
    so.paths = {c.pcap};
    capture::PacketSource source(so);
    PictureSink sink(preset);
    flow::WindowCutter cutter(preset.window, sink);
    flow::FlowTable table({}, cutter);
    capture::Packet p;
    while (source.next(p)) table.add(p);
    table.flush();
    windows = sink.windows;
  }
  const auto iterations = static_cast<double>(state.iterations());
  state.counters["packets/s"] = benchmark::Counter(static_cast<double>(c.packets) * iterations, benchmark::Counter::kIsRate);
  state.counters["windows/s"] = benchmark::Counter(static_cast<double>(windows) * iterations, benchmark::Counter::kIsRate);
}
BENCHMARK(BM_PicturesOnly)->Unit(benchmark::kMillisecond)->MeasureProcessCPUTime()->UseRealTime()->Iterations(1);

}  // namespace

int main(int argc, char** argv) {
  std::vector<char*> args(argv, argv + argc);
  std::string reps = "--benchmark_repetitions=5";
  bool has_reps = false;
  for (int i = 1; i < argc; ++i)
    if (std::string(argv[i]).starts_with("--benchmark_repetitions")) has_reps = true;
  if (!has_reps) args.push_back(reps.data());
  int n = static_cast<int>(args.size());
  benchmark::Initialize(&n, args.data());
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
