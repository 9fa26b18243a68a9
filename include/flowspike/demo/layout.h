// Where `flowspike demo` writes: one output directory holding the synthetic
// corpus, the dataset, the model and its training log, the evaluation (JSON
// and HTML report), the held-out capture and its classification. A directory
// the demo wrote carries a marker file, so a re-run with `force` replaces the
// demo's own outputs and never deletes anything else. Plain values and pure
// functions, apart from prepare_output_dir().
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "flowspike/synth/traffic_class.h"

namespace flowspike::demo {

// The marker file's name inside the output directory.
inline constexpr const char* kMarkerFile = ".flowspike-demo";

struct DemoLayout {
  std::filesystem::path out_dir;
  std::filesystem::path corpus_dir;       // <class>/*.pcap and manifest.json
  std::filesystem::path dataset;          // dataset.h5
  std::filesystem::path model;            // model.h5
  std::filesystem::path log;              // model.log.csv, the per-epoch training log
  std::filesystem::path evaluation_json;  // evaluation.json, every metric of the test split
  std::filesystem::path report_dir;       // report/, with index.html
  std::filesystem::path report_index;     // report/index.html
  std::filesystem::path heldout_dir;      // heldout/
  std::filesystem::path heldout_capture;  // heldout/<class>/<class>-<index>.pcap
  std::filesystem::path classification;   // heldout-flows.csv, one record per flow

  // Every top-level entry of out_dir the demo writes (the marker included).
  std::vector<std::filesystem::path> entries() const;
};

// The layout under `out_dir`; the held-out capture is capture `heldout_index`
// of `heldout_class` (synth::capture_file_name), under heldout/.
DemoLayout demo_layout(const std::filesystem::path& out_dir, const synth::TrafficClass& heldout_class,
                       int heldout_index);

// Makes out_dir ready for a run and leaves the marker in it. A missing or
// empty directory is used (and created). A directory with anything in it is
// refused (flowspike::Error saying to use --force or another --out) unless
// `force` is set; with `force`, the demo's entries are removed first, and a
// directory without the marker is still refused, so that --force never
// deletes files the demo did not write. Throws flowspike::Error when out_dir
// is not a directory or cannot be written.
void prepare_output_dir(const DemoLayout& layout, bool force);

}  // namespace flowspike::demo
