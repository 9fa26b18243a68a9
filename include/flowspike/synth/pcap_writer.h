// Writes classic pcap files (the libpcap format that tcpdump -w writes):
// a global header, then one record per frame with its timestamp, captured
// length and original length. Microsecond or nanosecond timestamps, link type
// Ethernet, little-endian. No libpcap needed. Frames longer than the snaplen
// are cut, as tcpdump -s does. One writer per file; not thread-safe.
#pragma once

#include <cstdint>
#include <cstdio>
#include <span>
#include <string>

namespace flowspike::synth {

struct PcapOptions {
  bool nanosecond = false;  // pcap-ns magic (0xa1b23c4d) instead of microseconds
  uint32_t snaplen = 96;    // bytes kept of each frame; 0 = whole frames (65535)
};

class PcapWriter {
 public:
  // Creates (truncates) `path` and writes the global header. Throws
  // flowspike::Error naming the file if it cannot be opened.
  PcapWriter(const std::string& path, PcapOptions options);
  ~PcapWriter();
  PcapWriter(const PcapWriter&) = delete;
  PcapWriter& operator=(const PcapWriter&) = delete;

  // The snaplen written in the header (65535 when options.snaplen is 0).
  uint32_t snaplen() const { return snaplen_; }
  // Appends one record; `frame` holds at least min(wire_len, snaplen) bytes.
  // Timestamps must not go backwards (checked).
  void write(int64_t ts_ns, std::span<const uint8_t> frame, uint32_t wire_len);
  // Flushes and closes; throws flowspike::Error naming the file on a write error.
  void close();

  uint64_t records() const { return records_; }

 private:
  std::string path_;
  std::FILE* file_ = nullptr;
  bool nanosecond_;
  uint32_t snaplen_;
  int64_t last_ts_ns_ = INT64_MIN;
  uint64_t records_ = 0;
};

}  // namespace flowspike::synth
