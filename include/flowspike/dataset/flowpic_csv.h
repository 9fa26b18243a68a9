// FlowPic's per-session CSV text (shared/reference/preprocessing.md c.1) as an
// input: one row per one-way session, "pcap,src,sport,dst,dport,TCP|UDP,
// start,N,t1..tN,,s1..sN". FlowPicReader indexes the rows of a set of files
// (keys and file offsets only), pairs each session with its reverse as the
// SNN authors' code does (a.3), and hands out the flows one at a time, reading
// their rows back from disk, so memory holds the index, not the packets.
//
// A session's capture is "<directory of its CSV file>/<pcap name>": the path
// the original capture would have beside the CSV, which label rules match and
// which groups `--split capture`. Not thread-safe; one reader per thread.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "flowspike/capture/packet.h"

namespace flowspike::dataset {

// One parsed row.
struct FlowPicSession {
  std::string pcap_name;         // field 1: the capture's file name up to its first dot
  capture::IpAddress src, dst;
  uint16_t sport = 0;
  uint16_t dport = 0;
  uint8_t proto = 0;             // capture::kProtoTcp or kProtoUdp
  // Times as written (decimal seconds), converted exactly to nanoseconds: a
  // double holds an epoch time only to ~100 ns, enough to move a packet that
  // lies exactly on a 200 ms bin edge into the bin before it.
  int64_t start_ns = 0;          // absolute time of the first packet, ns since the epoch
  std::vector<int64_t> times_ns; // ns since start_ns, one per packet
  std::vector<uint32_t> sizes;   // IP total length, one per packet
};

// Parses one row (its line end may still be attached). Accepts exponent
// notation, "\r\n" line ends and surrounding blanks; times are rounded to the
// nanosecond (half away from zero) only beyond the ninth decimal. The lists are
// split at the first empty field and must both hold N values. Throws
// flowspike::Error "<file>:<line>: <problem>".
FlowPicSession parse_flowpic_row(std::string_view row, const std::string& file, uint64_t line);

// A flow made of a session and, when one was found, its reverse.
struct FlowPicFlow {
  int32_t capture = -1;                   // index into FlowPicReader::captures()
  FlowPicSession forward;                 // the session read first (a.3: "direction 1")
  std::optional<FlowPicSession> backward;  // its reverse; none for a single
};

class FlowPicReader {
 public:
  // Reads every file once to index its rows and pairs them. Directories are
  // searched recursively for *.csv files (sorted). Throws flowspike::Error
  // naming the file (and line) for unreadable files and malformed rows.
  explicit FlowPicReader(const std::vector<std::string>& paths);
  ~FlowPicReader();
  FlowPicReader(const FlowPicReader&) = delete;
  FlowPicReader& operator=(const FlowPicReader&) = delete;

  // The next flow, in reading order of its first session; false at the end.
  bool next(FlowPicFlow& flow);

  const std::vector<std::string>& files() const;     // the CSV files, in reading order
  const std::vector<std::string>& captures() const;  // "<csv dir>/<pcap name>", first-seen order
  uint64_t sessions() const;                         // rows indexed
  uint64_t pairs() const;                            // flows with both directions
  uint64_t singles() const;                          // flows with one direction
  double progress() const;                           // fraction of flows handed out

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

// Decimal seconds ("1455555555.000049", "-0.5", "5e-05") to nanoseconds,
// exactly; nullopt for text that is not such a number or lies beyond ±292 years.
std::optional<int64_t> decimal_seconds_to_ns(std::string_view text);

// Expands files and directories into the sorted list of *.csv files beneath.
std::vector<std::string> expand_csv_paths(const std::vector<std::string>& paths);

}  // namespace flowspike::dataset
