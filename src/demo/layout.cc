#include "flowspike/demo/layout.h"

#include <fstream>
#include <system_error>

#include <fmt/format.h>

#include "flowspike/common/error.h"
#include "flowspike/synth/corpus.h"

namespace flowspike::demo {

namespace fs = std::filesystem;

std::vector<fs::path> DemoLayout::entries() const {
  // The log sits beside the model, the report index inside report_dir and the
  // held-out capture inside heldout_dir: the top-level entries cover them.
  return {out_dir / kMarkerFile, corpus_dir, dataset, model, log, evaluation_json, report_dir, heldout_dir,
          classification};
}

DemoLayout demo_layout(const fs::path& out_dir, const synth::TrafficClass& heldout_class, int heldout_index) {
  DemoLayout l;
  l.out_dir = out_dir;
  l.corpus_dir = out_dir / "corpus";
  l.dataset = out_dir / "dataset.h5";
  l.model = out_dir / "model.h5";
  l.log = out_dir / "model.log.csv";
  l.evaluation_json = out_dir / "evaluation.json";
  l.report_dir = out_dir / "report";
  l.report_index = l.report_dir / "index.html";
  l.heldout_dir = out_dir / "heldout";
  l.heldout_capture = l.heldout_dir / synth::capture_file_name(heldout_class, heldout_index);
  l.classification = out_dir / "heldout-flows.csv";
  return l;
}

void prepare_output_dir(const DemoLayout& layout, bool force) {
  const fs::path& dir = layout.out_dir;
  std::error_code ec;
  if (fs::exists(dir, ec)) {
    if (!fs::is_directory(dir, ec)) throw Error(fmt::format("--out {}: exists and is not a directory", dir.string()));
    const bool empty = fs::is_empty(dir, ec);
    if (ec) throw Error(fmt::format("--out {}: cannot read the directory: {}", dir.string(), ec.message()));
    if (!empty) {
      const bool ours = fs::exists(dir / kMarkerFile, ec);
      if (!force)
        throw Error(fmt::format(
            "--out {}: the directory is not empty{}; use --force to replace its demo outputs, or another --out",
            dir.string(), ours ? " (it holds an earlier demo run)" : ""));
      if (!ours)
        throw Error(fmt::format(
            "--out {}: the directory is not empty and was not written by flowspike demo (no {} in it); "
            "--force only replaces an earlier demo's outputs: choose another --out",
            dir.string(), kMarkerFile));
      for (const fs::path& entry : layout.entries()) {
        fs::remove_all(entry, ec);
        if (ec) throw Error(fmt::format("--force: cannot remove {}: {}", entry.string(), ec.message()));
      }
    }
  }
  fs::create_directories(dir, ec);
  if (ec || !fs::is_directory(dir))
    throw Error(fmt::format("--out {}: cannot create the directory: {}", dir.string(),
                            ec ? ec.message() : "not a directory"));
  const fs::path marker = dir / kMarkerFile;
  std::ofstream out(marker);
  out << "This directory was written by `flowspike demo`; `flowspike demo --force` replaces its outputs.\n";
  out.close();
  if (!out) throw Error(fmt::format("--out {}: cannot write {}", dir.string(), marker.string()));
}

}  // namespace flowspike::demo
