// Reads packets from capture files: pcap (µs or ns, either byte order) and
// pcapng, whatever their extension, several files and directories in one run.
// Files are read one after another in the order of their first timestamps;
// every Packet carries its file's index, and flows never span two files (each
// file is its own capture, with its own label). libpcap is confined to the
// reader implementation. One PacketSource is used by one thread.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "flowspike/capture/packet.h"
#include "flowspike/capture/parse_report.h"

namespace flowspike::capture {

struct SourceOptions {
  std::vector<std::string> paths;  // files and directories (searched recursively, sorted)
  std::string bpf_filter;          // tcpdump filter expression; empty = all packets
  bool keep_going = false;         // skip unreadable files (recorded in CaptureInfo) instead of failing
};

// What the run learned about one capture file.
struct CaptureInfo {
  std::string path;
  std::string link_type;      // libpcap's name, e.g. "EN10MB"
  int link_type_code = -1;    // DLT value
  std::string format;         // "pcap", "pcap-ns" or "pcapng"
  uint64_t packets = 0;       // records read from this file
  int64_t first_ns = 0;       // first and last record timestamp (0 when empty)
  int64_t last_ns = 0;
  bool truncated = false;     // cut off mid-record; read up to the cut
  bool skipped = false;       // not read at all (--keep-going); see `problem`
  std::string problem;        // why it was truncated or skipped
  ParseReport report;         // this file's share of the run's report
};

class PacketSource {
 public:
  // Opens every file once to find its first timestamp. Throws flowspike::Error
  // naming the file for a missing path, a file that is not a capture, or a bad
  // filter, unless keep_going is set (then the file is marked skipped).
  explicit PacketSource(SourceOptions options);
  ~PacketSource();
  PacketSource(const PacketSource&) = delete;
  PacketSource& operator=(const PacketSource&) = delete;

  // Next usable IP packet in file order; false when all files are done. Packets
  // that cannot be used are counted in report() and skipped.
  bool next(Packet& packet);

  // The run's report so far (all files), and per file (index = Packet::capture).
  const ParseReport& report() const;
  const std::vector<CaptureInfo>& captures() const;

  // Fraction of the input bytes consumed, for progress bars.
  double progress() const;

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

// Expands files and directories into the sorted list of files a source would read.
std::vector<std::string> expand_capture_paths(const std::vector<std::string>& paths);

}  // namespace flowspike::capture
