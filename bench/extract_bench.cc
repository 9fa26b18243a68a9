// Extraction speed: `extract` (capture -> flows -> windows -> pictures ->
// HDF5) against a bare libpcap loop that only reads the same packets, on a
// generated capture of about 2.3 million packets (bench/extract_traffic.h).
// Prints packets/s of both (median of the repetitions) and their ratio, for
// the default deflate level 1 and for an uncompressed file (--compression 0);
// the goal is extract at >= 50 % of the bare read rate. BM_PipelineUpTo/stage:N
// runs the pipeline cut after stage N (0 packet source, 1 flow table, 2 window
// cutter, 3 picture builder; extract adds the HDF5 writer) to show where the
// time goes.
//   extract_bench [--benchmark_repetitions=N]   (default 5)
// FLOWSPIKE_BENCH_DIR chooses where the capture is written (default /tmp).
#include <pcap/pcap.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include <benchmark/benchmark.h>

#include "bare_libpcap_read.h"
#include "extract_traffic.h"
#include "flowspike/dataset/extractor.h"
#include "flowspike/features/picture_builder.h"
#include "flowspike/flow/window_cutter.h"

namespace {

namespace fs = std::filesystem;

struct Capture {
  fs::path dir;
  std::string pcap;
  uint64_t packets = 0;
};

Capture& capture() {
  static Capture c = [] {
    Capture made;
    const char* base = std::getenv("FLOWSPIKE_BENCH_DIR");
    made.dir = fs::path(base ? base : "/tmp") / ("flowspike-extract-bench-" + std::to_string(::getpid()));
    fs::create_directories(made.dir);
    made.pcap = (made.dir / "traffic.pcap").string();
    made.packets = flowspike::bench::write_traffic(made.pcap, {});
    std::fprintf(stderr, "capture: %s, %llu packets, %.0f MB\n", made.pcap.c_str(),
                 static_cast<unsigned long long>(made.packets), static_cast<double>(fs::file_size(made.pcap)) / 1e6);
    return made;
  }();
  return c;
}

void BM_BareLibpcapRead(benchmark::State& state) {
  const Capture& c = capture();
  flowspike::bench::bare_libpcap_read(state, c.pcap, c.packets);
}

void BM_Extract(benchmark::State& state) {
  const Capture& c = capture();
  flowspike::dataset::ExtractOptions o;
  o.inputs = {c.pcap};
  o.labels = "dirs";
  o.compression = static_cast<int>(state.range(0));
  const std::string out = (c.dir / "out.h5").string();
  uint64_t windows = 0;
  for (auto _ : state) {
    flowspike::dataset::ExtractResult r = flowspike::dataset::extract(o, out);
    windows = r.windows_written;
    if (r.packets != c.packets) state.SkipWithError("packet count differs");
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * c.packets));
  state.counters["windows"] = static_cast<double>(windows);
  state.counters["MB_out"] = static_cast<double>(fs::file_size(out)) / 1e6;
}

// The pipeline cut after each stage, to see where extract's time goes.
enum Stage { kSource, kFlows, kWindows, kPictures };

class PictureSink final : public flowspike::flow::WindowSink {
 public:
  explicit PictureSink(bool build) : build_(build), builder_(flowspike::features::Preset::paper()) {}
  void on_window(const flowspike::flow::Window& window, const flowspike::flow::FlowRecord&) override {
    ++windows;
    if (build_) {
      builder_.build(window, picture_, report_);
      cells += picture_.nnz();
    }
  }
  uint64_t windows = 0, cells = 0;

 private:
  bool build_;
  flowspike::features::PictureBuilder builder_;
  flowspike::features::SparsePicture picture_;
  flowspike::capture::ParseReport report_;
};

class NullListener final : public flowspike::flow::FlowListener {
 public:
  void on_packet(const flowspike::flow::FlowRecord&, uint32_t, const flowspike::capture::Packet&,
                 flowspike::capture::Direction) override {}
  void on_flow_end(const flowspike::flow::FlowRecord&, uint32_t) override {}
};

void BM_PipelineUpTo(benchmark::State& state) {
  const Capture& c = capture();
  const auto stage = static_cast<Stage>(state.range(0));
  for (auto _ : state) {
    flowspike::capture::PacketSource source({{c.pcap}, "", false});
    PictureSink sink(stage == kPictures);
    flowspike::flow::WindowCutter cutter(flowspike::features::Preset::paper().window, sink);
    NullListener null;
    flowspike::flow::FlowListener& listener = stage >= kWindows ? static_cast<flowspike::flow::FlowListener&>(cutter) : null;
    flowspike::flow::FlowTable table({}, listener);
    flowspike::capture::Packet packet;
    uint64_t n = 0;
    while (source.next(packet)) {
      ++n;
      if (stage >= kFlows) table.add(packet);
    }
    table.flush();
    benchmark::DoNotOptimize(n);
    benchmark::DoNotOptimize(sink.cells);
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * c.packets));
}

// CPU time is that of the whole process: extract also reads on one thread and compresses on another.
BENCHMARK(BM_BareLibpcapRead)->Unit(benchmark::kMillisecond)->UseRealTime()->MeasureProcessCPUTime();
BENCHMARK(BM_PipelineUpTo)
    ->ArgName("stage")
    ->DenseRange(kSource, kPictures)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime()
    ->MeasureProcessCPUTime();
BENCHMARK(BM_Extract)
    ->ArgName("compression")
    ->Arg(1)
    ->Arg(0)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime()
    ->MeasureProcessCPUTime();

// Console output plus the median packets/s of each benchmark, for the ratio.
class RatioReporter : public benchmark::ConsoleReporter {
 public:
  void ReportRuns(const std::vector<Run>& runs) override {
    for (const Run& r : runs) {
      if (r.aggregate_name == "median" || (r.run_type == Run::RT_Iteration && !r.repetitions)) {
        auto it = r.counters.find("items_per_second");
        if (it != r.counters.end()) median_[r.run_name.function_name + "/" + r.run_name.args] = it->second.value;
      }
    }
    ConsoleReporter::ReportRuns(runs);
  }
  std::map<std::string, double> median_;
};

}  // namespace

int main(int argc, char** argv) {
  std::vector<char*> args(argv, argv + argc);
  std::string reps = "--benchmark_repetitions=5";
  bool has_reps = std::any_of(args.begin(), args.end(),
                              [](const char* a) { return std::string(a).rfind("--benchmark_repetitions", 0) == 0; });
  if (!has_reps) args.push_back(reps.data());
  int n = static_cast<int>(args.size());
  benchmark::Initialize(&n, args.data());
  RatioReporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);
  double bare = reporter.median_["BM_BareLibpcapRead/"];
  for (const char* level : {"1", "0"}) {
    double extract = reporter.median_[std::string("BM_Extract/compression:") + level];
    if (bare > 0 && extract > 0)
      std::printf("median packets/s: bare libpcap read %.3g, extract (compression %s) %.3g: %.1f %% of the bare rate\n",
                  bare, level, extract, 100.0 * extract / bare);
  }
  std::error_code ec;
  fs::remove_all(capture().dir, ec);
  benchmark::Shutdown();
  return 0;
}
