// Extraction: captures (or FlowPic session CSVs) in, a labelled dataset file
// out. The pipeline is PacketSource -> FlowTable -> WindowCutter ->
// PictureBuilder -> DatasetWriter, streaming: memory is bounded by the live
// flows and their open windows, never by the size of the input. The output
// appears atomically; a failed or interrupted run leaves no file.
// extract() returns counts; printing them is the caller's business.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "flowspike/capture/packet_source.h"
#include "flowspike/capture/parse_report.h"
#include "flowspike/dataset/dataset_writer.h"
#include "flowspike/features/preset.h"
#include "flowspike/flow/flow_table.h"

namespace flowspike::dataset {

enum class InputFormat : uint8_t {
  auto_detect,  // flowpic_csv when every input is a file named *.csv, else capture
  capture,      // pcap / pcapng files and directories of them
  flowpic_csv,  // FlowPic per-session CSV files and directories of them (flowpic_csv.h)
};

struct ExtractOptions {
  // Affects results.
  std::vector<std::string> inputs;           // files and directories
  InputFormat format = InputFormat::auto_detect;
  std::string labels = "iscx";               // "iscx", "dirs" or the path of a CSV of rules (labels.h)
  features::Preset preset = features::Preset::paper();
  flow::FlowTableOptions flow_table;         // idle / active timeouts (captures only: FlowPic
                                             // sessions are whole, as FlowPic cut them)
  std::string bpf_filter;                    // tcpdump filter expression (captures only)

  // Affects speed and file size only.
  int compression = kDefaultCompression;     // deflate level 0..9 of the file's columns; 0 = none

  // Affects error handling.
  bool keep_going = false;                   // skip unreadable captures instead of failing
};

struct ExtractProgress {
  double fraction = 0;        // of the input consumed, 0..1
  uint64_t files_done = 0;
  uint64_t files_total = 0;
  uint64_t packets = 0;       // packets used so far
  uint64_t windows = 0;       // windows written so far
};
// Called from the extracting thread every few ten thousand packets.
using ProgressCallback = std::function<void(const ExtractProgress&)>;

struct ExtractResult {
  InputFormat format = InputFormat::capture;   // what the inputs were read as
  std::vector<std::string> classes;            // the dataset's class list
  std::vector<uint64_t> windows_per_class;     // windows written, per class

  uint64_t files = 0;                          // input files (captures or CSV files)
  std::vector<std::string> unlabelled;         // captures the label source gives no class
  std::vector<capture::CaptureInfo> captures;  // per capture: link type, truncation, skipping

  uint64_t packets = 0;                // packets that reached a flow
  uint64_t flows = 0;                  // flows seen
  uint64_t flows_written = 0;          // flows with at least one window in the file
  uint64_t windows_considered = 0;     // complete windows, before the keep-rules
  uint64_t windows_written = 0;        // kept, labelled, in the file
  uint64_t windows_unlabelled = 0;     // kept, but their capture has no class: skipped
  uint64_t windows_few_packets = 0;    // rejected: too few packets in a direction
  uint64_t windows_short_span = 0;     // rejected: a direction spans less than min_span_s
  uint64_t cells = 0;                  // non-zero picture cells written

  uint64_t sessions = 0;               // FlowPic input: session rows read
  uint64_t session_pairs = 0;          // ... paired with their reverse
  uint64_t session_singles = 0;        // ... without one

  capture::ParseReport report;         // packets read, used, dropped by reason, sizes clipped
};

// Runs the pipeline over options.inputs and writes the dataset to out_path.
// Throws flowspike::Error for bad inputs, labels or output paths, and
// flowspike::Interrupted when interrupt_requested() turns true.
ExtractResult extract(const ExtractOptions& options, const std::string& out_path,
                      const ProgressCallback& progress = {});

std::string_view input_format_name(InputFormat format);

}  // namespace flowspike::dataset
