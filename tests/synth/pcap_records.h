// A minimal classic-pcap reader for the synth tests: the global header and
// the raw records, read independently of the writer under test.
#pragma once

#include <cstdint>
#include <fstream>
#include <string>
#include <vector>

namespace flowspike::synth::testing {

struct PcapRecord {
  int64_t ts_ns = 0;
  uint32_t caplen = 0;
  uint32_t wire_len = 0;
  std::vector<uint8_t> bytes;
};

struct PcapFile {
  uint32_t magic = 0;
  uint16_t version_major = 0, version_minor = 0;
  uint32_t snaplen = 0;
  uint32_t link_type = 0;
  std::vector<PcapRecord> records;
  bool ok = false;
};

inline uint32_t le32(const uint8_t* p) {
  return static_cast<uint32_t>(p[0]) | static_cast<uint32_t>(p[1]) << 8 | static_cast<uint32_t>(p[2]) << 16 |
         static_cast<uint32_t>(p[3]) << 24;
}

inline PcapFile read_pcap(const std::string& path) {
  PcapFile f;
  std::ifstream in(path, std::ios::binary);
  std::vector<uint8_t> data((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (data.size() < 24) return f;
  f.magic = le32(data.data());
  f.version_major = static_cast<uint16_t>(data[4] | data[5] << 8);
  f.version_minor = static_cast<uint16_t>(data[6] | data[7] << 8);
  f.snaplen = le32(data.data() + 16);
  f.link_type = le32(data.data() + 20);
  const bool nano = f.magic == 0xa1b23c4d;
  size_t off = 24;
  while (off + 16 <= data.size()) {
    PcapRecord r;
    const uint32_t sec = le32(data.data() + off);
    const uint32_t frac = le32(data.data() + off + 4);
    r.ts_ns = static_cast<int64_t>(sec) * 1'000'000'000 + static_cast<int64_t>(frac) * (nano ? 1 : 1000);
    r.caplen = le32(data.data() + off + 8);
    r.wire_len = le32(data.data() + off + 12);
    off += 16;
    if (off + r.caplen > data.size()) return f;
    r.bytes.assign(data.begin() + static_cast<long>(off), data.begin() + static_cast<long>(off + r.caplen));
    off += r.caplen;
    f.records.push_back(std::move(r));
  }
  f.ok = off == data.size();
  return f;
}

}  // namespace flowspike::synth::testing
