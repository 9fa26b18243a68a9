// `flowspike synth -o DIR`: writes a labelled synthetic corpus, DIR/<class>/*.pcap
// and DIR/manifest.json, and prints what it wrote per class.
#include <chrono>
#include <sstream>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "commands.h"
#include "flowspike/synth/corpus.h"
#include "option_checks.h"
#include "print_summaries.h"
#include "terminal.h"

namespace flowspike::cli {
namespace {

struct SynthArgs {
  std::string out_dir;
  int flows_per_class = 16;
  double duration_s = 180;
  uint64_t seed = 1;
  std::string classes;
  double ipv6_fraction = 0.15;
  uint32_t snaplen = 96;
  bool nanosecond = false;
  int threads = 0;
  bool quiet = false;
};

std::vector<synth::TrafficClass> parse_classes(const std::string& list) {
  std::vector<synth::TrafficClass> out;
  std::stringstream in(list);
  std::string name;
  while (std::getline(in, name, ',')) {
    if (name.empty()) continue;
    synth::TrafficClass c = synth::parse_traffic_class(name);
    bool seen = false;
    for (const auto& d : out) seen = seen || d == c;
    if (!seen) out.push_back(c);
  }
  return out;
}

void run(const SynthArgs& a) {
  synth::CorpusOptions options;
  options.classes = parse_classes(a.classes);
  options.captures_per_class = a.flows_per_class;
  options.capture.duration_s = a.duration_s;
  options.capture.ipv6_fraction = a.ipv6_fraction;
  options.seed = a.seed;
  options.pcap.snaplen = a.snaplen;
  options.pcap.nanosecond = a.nanosecond;
  options.threads = a.threads;
  ProgressBar bar("synth");
  options.progress = [&bar](size_t done, size_t total) {
    bar.update(static_cast<double>(done) / static_cast<double>(total), fmt::format("{}/{} captures", done, total));
  };
  const auto t0 = std::chrono::steady_clock::now();
  const synth::CorpusSummary summary = synth::generate_corpus(options, a.out_dir);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  bar.finish();
  if (a.quiet) return;

  print_corpus_summary(summary, seconds);
  fmt::print("the traffic is synthetic: accuracy on it shows that the pipeline learns, not how it does on real traffic\n");
}

}  // namespace

void add_synth(CLI::App& app) {
  auto args = std::make_shared<SynthArgs>();
  auto* cmd = app.add_subcommand(
      "synth", "Generate a labelled synthetic corpus of the 14 classes (DIR/<class>/*.pcap + manifest.json)");
  cmd->add_option("-o,--out", args->out_dir, "Output directory (created if missing)")->required();
  cmd->add_option("--flows-per-class", args->flows_per_class,
                  "Capture files per class; each holds one application session (its main flow or tunnel)")
      ->capture_default_str()
      ->check(CLI::Range(1, 100000));
  cmd->add_option("--duration-s", args->duration_s, "Mean capture length in seconds (each draws 0.75x-1.25x)")
      ->capture_default_str()
      ->check(CLI::Range(30.0, 86400.0));
  cmd->add_option("--seed", args->seed, "Seed: the same seed gives byte-identical files")
      ->capture_default_str()
      ->check(seed_check());
  cmd->add_option("--classes", args->classes,
                  "Comma-separated class names (default: all 14), e.g. VoIP-NonVPN,VoIP-VPN");
  cmd->add_option("--ipv6-fraction", args->ipv6_fraction, "Share of captures whose application or tunnel uses IPv6")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 1.0));
  cmd->add_option("--snaplen", args->snaplen,
                  "Bytes kept per frame (headers only by default; 0 = whole frames with random payload)")
      ->capture_default_str();
  cmd->add_flag("--nanosecond", args->nanosecond, "Nanosecond pcap timestamps (default: microseconds)");
  cmd->add_option("--threads", args->threads, "Worker threads (0 = all cores)")->capture_default_str()->check(CLI::Range(0, 1024));
  cmd->add_flag("-q,--quiet", args->quiet, "Print nothing on success");
  cmd->callback([args] { run(*args); });
}

}  // namespace flowspike::cli
