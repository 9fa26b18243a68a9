#include "flowspike/synth/corpus.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cctype>
#include <exception>
#include <filesystem>
#include <mutex>
#include <thread>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "flowspike/common/atomic_file.h"
#include "flowspike/common/error.h"
#include "flowspike/common/interrupt.h"
#include "flowspike/synth/random.h"

namespace flowspike::synth {
namespace {

CaptureSummary summarize(const GeneratedCapture& c, std::string file) {
  CaptureSummary s;
  s.file = std::move(file);
  s.class_name = c.traffic_class.name();
  s.label = c.traffic_class.label();
  s.seed = c.seed;
  s.duration_s = static_cast<double>(c.end_ns - c.start_ns) / 1e9;
  s.params = c.params;
  for (const FlowSummary& f : summarize_flows(c.trace)) {
    const uint64_t n = f.packets[0] + f.packets[1];
    if (n == 0) continue;
    ++s.flows;
    s.packets += n;
    s.bytes += f.bytes[0] + f.bytes[1];
    s.estimated_windows += f.windows;
    const FlowRole role = c.trace.flows[f.flow].role;
    if (role == FlowRole::main || role == FlowRole::tunnel) s.main_packets += n;
  }
  return s;
}

void write_manifest(const CorpusOptions& options, const std::vector<TrafficClass>& classes,
                    const CorpusSummary& summary) {
  nlohmann::ordered_json j;
  j["format"] = "flowspike-synth-manifest";
  j["version"] = 1;
  j["generator"] = "flowspike synth";
  j["note"] = "Synthetic traffic from the models of docs/synthetic-traffic.md, not real captures.";
  j["seed"] = options.seed;
  j["captures_per_class"] = options.captures_per_class;
  j["duration_s"] = options.capture.duration_s;
  j["ipv6_fraction"] = options.capture.ipv6_fraction;
  j["snaplen"] = options.pcap.snaplen == 0 ? 65535 : options.pcap.snaplen;
  j["timestamps"] = options.pcap.nanosecond ? "ns" : "us";
  nlohmann::ordered_json names = nlohmann::ordered_json::array();
  for (const TrafficClass& c : classes) names.push_back(c.name());
  j["classes"] = names;
  nlohmann::ordered_json files = nlohmann::ordered_json::array();
  for (const CaptureSummary& c : summary.captures) {
    nlohmann::ordered_json f;
    f["file"] = c.file;
    f["class"] = c.class_name;
    f["label"] = c.label;
    f["seed"] = c.seed;
    f["flows"] = c.flows;
    f["packets"] = c.packets;
    f["bytes"] = c.bytes;
    f["duration_s"] = std::round(c.duration_s * 1000) / 1000;
    f["main_flow_packets"] = c.main_packets;
    f["estimated_windows"] = c.estimated_windows;
    nlohmann::ordered_json params;
    for (const auto& [k, v] : c.params) params[k] = v;
    f["parameters"] = params;
    files.push_back(f);
  }
  j["captures"] = files;
  OutputStream out(summary.manifest);
  out.stream() << j.dump(1) << '\n';
  out.commit();
}

}  // namespace

std::string capture_file_name(const TrafficClass& traffic_class, int index) {
  std::string lower = traffic_class.name();
  std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char ch) { return std::tolower(ch); });
  return fmt::format("{}/{}-{:03d}.pcap", traffic_class.name(), lower, index);
}

uint64_t capture_seed(uint64_t corpus_seed, const TrafficClass& traffic_class, int index) {
  return derive_seed(corpus_seed, static_cast<uint64_t>(traffic_class.label()) * 1'000'003ULL + static_cast<uint64_t>(index));
}

CorpusSummary generate_corpus(const CorpusOptions& options, const std::string& out_dir) {
  if (options.captures_per_class < 1)
    throw Error(fmt::format("captures per class must be at least 1 (got {})", options.captures_per_class));
  if (options.pcap.snaplen != 0 && options.pcap.snaplen < 64)
    throw Error(fmt::format("snaplen {} cannot hold the Ethernet, IP and TCP headers; use 64 or more (0 = whole frames)",
                            options.pcap.snaplen));
  if (!(options.capture.duration_s >= 30) || !std::isfinite(options.capture.duration_s))
    throw Error(fmt::format("capture duration {} s is too short: at least 30 s (60 s windows need 90 s or more)",
                            options.capture.duration_s));
  if (!(options.capture.ipv6_fraction >= 0 && options.capture.ipv6_fraction <= 1))
    throw Error(fmt::format("IPv6 fraction {} is not between 0 and 1", options.capture.ipv6_fraction));
  std::vector<TrafficClass> classes = options.classes.empty() ? all_classes() : options.classes;

  namespace fs = std::filesystem;
  std::error_code ec;
  fs::create_directories(out_dir, ec);
  if (ec || !fs::is_directory(out_dir))
    throw Error(fmt::format("cannot create output directory '{}': {}", out_dir, ec ? ec.message() : "not a directory"));
  for (const TrafficClass& c : classes) {
    fs::create_directories(fs::path(out_dir) / c.name(), ec);
    if (ec) throw Error(fmt::format("cannot create directory '{}': {}", (fs::path(out_dir) / c.name()).string(), ec.message()));
  }

  struct Job {
    TrafficClass traffic_class;
    int index;
  };
  std::vector<Job> jobs;
  for (const TrafficClass& c : classes)
    for (int i = 0; i < options.captures_per_class; ++i) jobs.push_back({c, i});

  CorpusSummary summary;
  summary.out_dir = out_dir;
  summary.manifest = (fs::path(out_dir) / "manifest.json").string();
  summary.captures.resize(jobs.size());
  std::atomic<size_t> next{0};
  std::atomic<bool> failed{false};
  std::exception_ptr error;
  std::mutex mutex;  // guards error, done and the progress callback
  size_t done = 0;
  auto worker = [&] {
    for (;;) {
      const size_t i = next.fetch_add(1);
      if (i >= jobs.size() || failed) return;
      try {
        throw_if_interrupted();
        const Job& job = jobs[i];
        const GeneratedCapture capture =
            generate_capture(job.traffic_class, capture_seed(options.seed, job.traffic_class, job.index), options.capture);
        const std::string name = capture_file_name(job.traffic_class, job.index);
        AtomicFile file(fs::path(out_dir) / name);
        write_capture(capture, file.temp_path().string(), options.pcap);
        file.commit();
        summary.captures[i] = summarize(capture, name);
        std::lock_guard lock(mutex);
        ++done;
        if (options.progress) options.progress(done, jobs.size());
      } catch (...) {
        std::lock_guard lock(mutex);
        if (!error) error = std::current_exception();
        failed = true;
        return;
      }
    }
  };
  unsigned threads = options.threads > 0 ? static_cast<unsigned>(options.threads) : std::thread::hardware_concurrency();
  threads = std::clamp<unsigned>(threads, 1, static_cast<unsigned>(jobs.size()));
  std::vector<std::thread> pool;
  for (unsigned t = 1; t < threads; ++t) pool.emplace_back(worker);
  worker();
  for (std::thread& t : pool) t.join();
  if (error) std::rethrow_exception(error);
  write_manifest(options, classes, summary);
  return summary;
}

}  // namespace flowspike::synth
