// A labelled synthetic corpus: for each traffic class, `captures_per_class`
// pcap files under <out_dir>/<class name>/ (the layout `flowspike extract
// --labels dirs` reads), plus <out_dir>/manifest.json describing every file.
// Each file is written atomically; the same options give byte-identical files,
// and a file depends only on (seed, class, index), so a subset of classes or a
// different thread count reproduces the same files. generate_corpus() runs
// captures in parallel; it is safe to call from any thread.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "flowspike/synth/capture_generator.h"
#include "flowspike/synth/pcap_writer.h"
#include "flowspike/synth/traffic_class.h"

namespace flowspike::synth {

struct CorpusOptions {
  // Affects what is generated.
  std::vector<TrafficClass> classes;   // empty = all 14, in label order
  int captures_per_class = 16;         // files per class; each holds one application session
  CaptureOptions capture;              // duration and IPv6 share of each capture
  uint64_t seed = 1;
  // Affects the files only.
  PcapOptions pcap;                    // snaplen (headers only by default), timestamp precision
  // Affects speed only.
  int threads = 0;                     // 0 = one per hardware thread
  // Called after each file, from worker threads but never concurrently.
  std::function<void(size_t done, size_t total)> progress;
};

struct CaptureSummary {
  std::string file;                    // path relative to the output directory
  std::string class_name;
  int label = 0;
  uint64_t seed = 0;
  uint64_t flows = 0;                  // flows with at least one packet
  uint64_t packets = 0;
  uint64_t bytes = 0;                  // sum of IP lengths
  double duration_s = 0;
  uint64_t main_packets = 0;           // packets of the application / tunnel flows
  uint64_t estimated_windows = 0;      // summarize_flows() over all flows
  std::vector<std::pair<std::string, std::string>> params;
};

struct CorpusSummary {
  std::string out_dir;
  std::string manifest;                // path of manifest.json
  std::vector<CaptureSummary> captures;  // in class order, then index
};

// The file name of capture `index` of a class, relative to the output directory.
std::string capture_file_name(const TrafficClass& traffic_class, int index);
// The seed of that capture.
uint64_t capture_seed(uint64_t corpus_seed, const TrafficClass& traffic_class, int index);

// Creates out_dir (and parents) if needed, writes every capture and the
// manifest. Throws flowspike::Error for bad options or an unwritable
// directory, flowspike::Interrupted on Ctrl-C (files already finished stay,
// no partial file is left).
CorpusSummary generate_corpus(const CorpusOptions& options, const std::string& out_dir);

}  // namespace flowspike::synth
