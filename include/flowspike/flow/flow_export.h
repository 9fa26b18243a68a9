// Writes flow records as text while a FlowTable runs: one record per flow in
// the order the flows end (CSV with a header, or JSON lines), optionally with
// each flow's per-packet (time, size, direction) series; or FlowPic's
// unidirectional session CSV (shared/reference/preprocessing.md c.1), the
// input format of the SNN authors' pipeline. A FlowListener; holds a flow's
// series only while the flow is live. Writes to a caller-owned stream; not
// thread-safe.
#pragma once

#include <cstdint>
#include <iosfwd>
#include <string>
#include <vector>

#include "flowspike/flow/flow_table.h"

namespace flowspike::flow {

enum class FlowFormat : uint8_t {
  csv,      // header line, then one row per flow
  jsonl,    // one JSON object per line
  flowpic,  // FlowPic session rows: one per direction with packets, TCP and UDP flows only
};
// "csv", "jsonl" or "flowpic"; throws flowspike::Error naming the choices.
FlowFormat flow_format_from_string(const std::string& name);

struct FlowExportOptions {
  FlowFormat format = FlowFormat::csv;
  bool series = false;  // add the per-packet series (always on for flowpic)
};

class FlowExporter final : public FlowListener {
 public:
  // capture_paths[i] names capture i (Packet::capture) in the output.
  FlowExporter(std::ostream& out, FlowExportOptions options, std::vector<std::string> capture_paths);

  void on_packet(const FlowRecord& flow, uint32_t slot, const capture::Packet& packet,
                 capture::Direction dir) override;
  void on_flow_end(const FlowRecord& flow, uint32_t slot) override;

  uint64_t flows_written() const { return written_; }
  uint64_t flows_skipped() const { return skipped_; }  // flowpic: flows neither TCP nor UDP

 private:
  struct SeriesPoint {
    int64_t ts_ns;
    uint32_t size;
    capture::Direction dir;
  };
  void write_csv(const FlowRecord& flow, const std::vector<SeriesPoint>* series);
  void write_jsonl(const FlowRecord& flow, const std::vector<SeriesPoint>* series);
  void write_flowpic(const FlowRecord& flow, const std::vector<SeriesPoint>& series);
  const std::string& capture_name(int32_t capture) const;

  std::ostream& out_;
  FlowExportOptions options_;
  std::vector<std::string> capture_paths_;
  std::vector<std::string> flowpic_names_;  // file name up to its first dot, per capture
  std::vector<std::vector<SeriesPoint>> series_;  // by flow table slot
  std::string line_;  // reused output buffer
  uint64_t written_ = 0;
  uint64_t skipped_ = 0;
};

}  // namespace flowspike::flow
