// Writes small pcap and pcapng files byte by byte for reader tests, so every
// format variant (µs/ns, either byte order, pcapng with any time resolution)
// is produced without depending on the reader under test. Also builds the
// frames those files carry.
#pragma once

#include <cstdint>
#include <fstream>
#include <initializer_list>
#include <string>
#include <vector>

namespace flowspike::testing {

using Bytes = std::vector<uint8_t>;

// Concatenates byte arrays: cat({eth, ipv4, tcp}).
inline Bytes cat(std::initializer_list<Bytes> parts) {
  Bytes out;
  for (const Bytes& p : parts) out.insert(out.end(), p.begin(), p.end());
  return out;
}

struct TestRecord {
  int64_t ts_ns = 0;
  Bytes frame;            // the captured bytes
  uint32_t wire_len = 0;  // 0: the frame's size
};

struct PcapLayout {
  bool nanosecond = false;  // magic a1b23c4d instead of a1b2c3d4
  bool big_endian = false;  // written in the other byte order of this (little-endian) machine
  uint32_t snaplen = 65535;
};

namespace detail {
class ByteWriter {
 public:
  explicit ByteWriter(bool big_endian) : big_(big_endian) {}
  void u8(uint8_t v) { out.push_back(v); }
  void u16(uint16_t v) { put(v, 2); }
  void u32(uint32_t v) { put(v, 4); }
  void bytes(const Bytes& b) { out.insert(out.end(), b.begin(), b.end()); }
  void pad4() {
    while (out.size() % 4 != 0) out.push_back(0);
  }
  Bytes out;

 private:
  void put(uint64_t v, int n) {
    for (int i = 0; i < n; ++i) out.push_back(static_cast<uint8_t>(v >> (8 * (big_ ? n - 1 - i : i))));
  }
  bool big_;
};

inline void write_file(const std::string& path, const Bytes& bytes) {
  std::ofstream f(path, std::ios::binary | std::ios::trunc);
  f.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
}
}  // namespace detail

inline Bytes pcap_bytes(int link_type, const std::vector<TestRecord>& records, PcapLayout layout = {}) {
  detail::ByteWriter w(layout.big_endian);
  w.u32(layout.nanosecond ? 0xa1b23c4d : 0xa1b2c3d4);
  w.u16(2);
  w.u16(4);
  w.u32(0);  // thiszone
  w.u32(0);  // sigfigs
  w.u32(layout.snaplen);
  w.u32(static_cast<uint32_t>(link_type));
  for (const TestRecord& r : records) {
    int64_t sec = r.ts_ns / 1'000'000'000;
    int64_t frac = r.ts_ns % 1'000'000'000;
    w.u32(static_cast<uint32_t>(sec));
    w.u32(static_cast<uint32_t>(layout.nanosecond ? frac : frac / 1000));
    w.u32(static_cast<uint32_t>(r.frame.size()));
    w.u32(r.wire_len != 0 ? r.wire_len : static_cast<uint32_t>(r.frame.size()));
    w.bytes(r.frame);
  }
  return w.out;
}

inline void write_pcap(const std::string& path, int link_type, const std::vector<TestRecord>& records,
                       PcapLayout layout = {}) {
  detail::write_file(path, pcap_bytes(link_type, records, layout));
}

// A pcapng Enhanced Packet Block of `record` on `interface`, whose timestamps
// have ts_resolution_digits decimal digits.
inline Bytes pcapng_packet_block(uint32_t interface, const TestRecord& r, int ts_resolution_digits = 6) {
  detail::ByteWriter w(false);
  uint64_t units_per_s = 1;
  for (int i = 0; i < ts_resolution_digits; ++i) units_per_s *= 10;
  uint32_t padded = static_cast<uint32_t>((r.frame.size() + 3) / 4 * 4);
  uint32_t len = 32 + padded;
  uint64_t ts = static_cast<uint64_t>(r.ts_ns) / (1'000'000'000 / units_per_s);
  w.u32(6);
  w.u32(len);
  w.u32(interface);
  w.u32(static_cast<uint32_t>(ts >> 32));
  w.u32(static_cast<uint32_t>(ts));
  w.u32(static_cast<uint32_t>(r.frame.size()));
  w.u32(r.wire_len != 0 ? r.wire_len : static_cast<uint32_t>(r.frame.size()));
  w.bytes(r.frame);
  w.pad4();
  w.u32(len);
  return w.out;
}

// pcapng: a Section Header Block, one Interface Description Block (with an
// if_tsresol option when ts_resolution_digits != 6) and Enhanced Packet Blocks.
inline Bytes pcapng_bytes(int link_type, const std::vector<TestRecord>& records, int ts_resolution_digits = 6) {
  detail::ByteWriter w(false);
  // SHB: type, length, byte-order magic, version 1.0, section length unknown, length.
  w.u32(0x0a0d0d0a);
  w.u32(28);
  w.u32(0x1a2b3c4d);
  w.u16(1);
  w.u16(0);
  w.u32(0xffffffff);
  w.u32(0xffffffff);
  w.u32(28);
  // IDB
  bool resolution_option = ts_resolution_digits != 6;
  uint32_t idb_len = 20 + (resolution_option ? 12 : 0);
  w.u32(1);
  w.u32(idb_len);
  w.u16(static_cast<uint16_t>(link_type));
  w.u16(0);
  w.u32(0);  // snaplen: no limit
  if (resolution_option) {
    w.u16(9);  // if_tsresol
    w.u16(1);
    w.u8(static_cast<uint8_t>(ts_resolution_digits));
    w.pad4();
    w.u16(0);  // opt_endofopt
    w.u16(0);
  }
  w.u32(idb_len);
  for (const TestRecord& r : records) w.bytes(pcapng_packet_block(0, r, ts_resolution_digits));
  return w.out;
}

// A further pcapng Interface Description Block (µs timestamps), to append to
// pcapng_bytes(): its interface is number 1, 2, ... in order of appearance.
inline Bytes pcapng_interface_block(int link_type) {
  detail::ByteWriter w(false);
  w.u32(1);
  w.u32(20);
  w.u16(static_cast<uint16_t>(link_type));
  w.u16(0);
  w.u32(0);  // snaplen: no limit
  w.u32(20);
  return w.out;
}

inline void write_pcapng(const std::string& path, int link_type, const std::vector<TestRecord>& records,
                         int ts_resolution_digits = 6) {
  detail::write_file(path, pcapng_bytes(link_type, records, ts_resolution_digits));
}

// Frames for reader tests: Ethernet + IPv4 + TCP or UDP, `ip_len` bytes of IP datagram.
inline Bytes ipv4_frame(uint8_t proto, uint16_t sport, uint16_t dport, uint16_t ip_len = 60,
                        std::initializer_list<uint8_t> src = {10, 0, 0, 1}, std::initializer_list<uint8_t> dst = {10, 0, 0, 2}) {
  Bytes f = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 0x08, 0x00};
  Bytes ip = {0x45, 0, static_cast<uint8_t>(ip_len >> 8), static_cast<uint8_t>(ip_len), 0, 1, 0x40, 0, 64, proto, 0, 0};
  ip.insert(ip.end(), src);
  ip.insert(ip.end(), dst);
  f.insert(f.end(), ip.begin(), ip.end());
  Bytes l4(20, 0);
  l4[0] = static_cast<uint8_t>(sport >> 8);
  l4[1] = static_cast<uint8_t>(sport);
  l4[2] = static_cast<uint8_t>(dport >> 8);
  l4[3] = static_cast<uint8_t>(dport);
  if (proto == 6) {
    l4[12] = 0x50;
    l4[13] = 0x10;  // ACK
  } else {
    l4.resize(8);
    uint16_t udp_len = static_cast<uint16_t>(ip_len - 20);
    l4[4] = static_cast<uint8_t>(udp_len >> 8);
    l4[5] = static_cast<uint8_t>(udp_len);
  }
  f.insert(f.end(), l4.begin(), l4.end());
  size_t full = 14u + ip_len;
  if (f.size() < full) f.resize(full, 0xab);
  return f;
}

}  // namespace flowspike::testing
