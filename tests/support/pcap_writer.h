// A tiny writer of classic pcap files (Ethernet, IPv4, TCP or UDP) for tests
// and benchmarks that need captures with known packets. Frames carry zero
// payload up to the requested IP total length; with a small snaplen only the
// headers are stored, as in headers-only captures. Not for production use.
#pragma once

#include <array>
#include <cstdint>
#include <cstdio>
#include <stdexcept>
#include <string>
#include <vector>

namespace flowspike::testing {

class PcapWriter {
 public:
  using Ipv4 = std::array<uint8_t, 4>;

  explicit PcapWriter(const std::string& path, uint32_t snaplen = 65535, bool nanosecond = false)
      : snaplen_(snaplen), nanosecond_(nanosecond) {
    file_ = std::fopen(path.c_str(), "wb");
    if (!file_) throw std::runtime_error("cannot create " + path);
    std::setvbuf(file_, nullptr, _IOFBF, 1 << 20);
    uint32_t magic = nanosecond ? 0xa1b23c4d : 0xa1b2c3d4;
    put32(magic);
    put16(2);
    put16(4);
    put32(0);
    put32(0);
    put32(snaplen);
    put32(1);  // LINKTYPE_ETHERNET
  }
  ~PcapWriter() { close(); }
  PcapWriter(const PcapWriter&) = delete;
  PcapWriter& operator=(const PcapWriter&) = delete;

  // One Ethernet + IPv4 frame whose IP total length is ip_len (at least the
  // headers: 40 for TCP, 28 for UDP).
  void ipv4(int64_t ts_ns, Ipv4 src, Ipv4 dst, uint16_t sport, uint16_t dport, uint8_t proto, uint32_t ip_len,
            uint8_t tcp_flags = 0x10) {
    const uint32_t l4 = proto == 6 ? 20 : proto == 17 ? 8 : 0;
    if (ip_len < 20 + l4) ip_len = 20 + l4;
    frame_.assign(14 + ip_len, 0);
    uint8_t* f = frame_.data();
    f[12] = 0x08;  // EtherType IPv4
    uint8_t* ip = f + 14;
    ip[0] = 0x45;
    ip[2] = static_cast<uint8_t>(ip_len >> 8);
    ip[3] = static_cast<uint8_t>(ip_len);
    ip[8] = 64;
    ip[9] = proto;
    for (int i = 0; i < 4; ++i) {
      ip[12 + i] = src[static_cast<size_t>(i)];
      ip[16 + i] = dst[static_cast<size_t>(i)];
    }
    uint8_t* t = ip + 20;
    if (l4 > 0) {
      t[0] = static_cast<uint8_t>(sport >> 8);
      t[1] = static_cast<uint8_t>(sport);
      t[2] = static_cast<uint8_t>(dport >> 8);
      t[3] = static_cast<uint8_t>(dport);
    }
    if (proto == 6) {
      t[12] = 0x50;  // data offset 5 words
      t[13] = tcp_flags;
    } else if (proto == 17) {
      uint32_t udp_len = ip_len - 20;
      t[4] = static_cast<uint8_t>(udp_len >> 8);
      t[5] = static_cast<uint8_t>(udp_len);
    }
    const uint32_t wire = static_cast<uint32_t>(frame_.size());
    const uint32_t caplen = wire < snaplen_ ? wire : snaplen_;
    const int64_t sec = ts_ns / 1000000000;
    const int64_t frac = ts_ns % 1000000000;
    put32(static_cast<uint32_t>(sec));
    put32(static_cast<uint32_t>(nanosecond_ ? frac : frac / 1000));
    put32(caplen);
    put32(wire);
    std::fwrite(frame_.data(), 1, caplen, file_);
    ++packets_;
  }

  uint64_t packets() const { return packets_; }

  void close() {
    if (file_) {
      std::fclose(file_);
      file_ = nullptr;
    }
  }

 private:
  void put32(uint32_t v) { std::fwrite(&v, 4, 1, file_); }
  void put16(uint16_t v) { std::fwrite(&v, 2, 1, file_); }

  std::FILE* file_ = nullptr;
  uint32_t snaplen_;
  bool nanosecond_;
  std::vector<uint8_t> frame_;
  uint64_t packets_ = 0;
};

}  // namespace flowspike::testing
