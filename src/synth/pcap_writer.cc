#include "flowspike/synth/pcap_writer.h"

#include <cerrno>
#include <cstring>

#include <fmt/format.h>

#include "flowspike/common/error.h"

namespace flowspike::synth {
namespace {

void put_u16(uint8_t* p, uint16_t v) {
  p[0] = static_cast<uint8_t>(v);
  p[1] = static_cast<uint8_t>(v >> 8);
}
void put_u32(uint8_t* p, uint32_t v) {
  for (int i = 0; i < 4; ++i) p[i] = static_cast<uint8_t>(v >> (8 * i));
}

constexpr uint32_t kMagicMicro = 0xa1b2c3d4;
constexpr uint32_t kMagicNano = 0xa1b23c4d;
constexpr uint32_t kLinkTypeEthernet = 1;

}  // namespace

PcapWriter::PcapWriter(const std::string& path, PcapOptions options)
    : path_(path), nanosecond_(options.nanosecond), snaplen_(options.snaplen == 0 ? 65535 : options.snaplen) {
  if (snaplen_ < 64 && options.snaplen != 0)
    throw Error(fmt::format("snaplen {} is too small to hold Ethernet, IP and transport headers (use 64 or more)",
                            options.snaplen));
  file_ = std::fopen(path.c_str(), "wb");
  if (!file_) throw Error(fmt::format("cannot open '{}' for writing: {}", path, std::strerror(errno)));
  std::setvbuf(file_, nullptr, _IOFBF, 1 << 20);
  uint8_t header[24];
  put_u32(header, nanosecond_ ? kMagicNano : kMagicMicro);
  put_u16(header + 4, 2);  // version 2.4
  put_u16(header + 6, 4);
  put_u32(header + 8, 0);  // thiszone
  put_u32(header + 12, 0);  // sigfigs
  put_u32(header + 16, snaplen_);
  put_u32(header + 20, kLinkTypeEthernet);
  if (std::fwrite(header, 1, sizeof header, file_) != sizeof header) {
    std::fclose(file_);
    file_ = nullptr;
    throw Error(fmt::format("cannot write '{}': {}", path, std::strerror(errno)));
  }
}

PcapWriter::~PcapWriter() {
  if (file_) std::fclose(file_);
}

void PcapWriter::write(int64_t ts_ns, std::span<const uint8_t> frame, uint32_t wire_len) {
  FLOWSPIKE_ASSERT(file_ != nullptr);
  FLOWSPIKE_ASSERT(ts_ns >= 0);
  FLOWSPIKE_ASSERT(ts_ns >= last_ts_ns_);
  last_ts_ns_ = ts_ns;
  const uint32_t caplen = std::min<uint32_t>(wire_len, snaplen_);
  FLOWSPIKE_ASSERT(frame.size() >= caplen);
  uint8_t header[16];
  const int64_t seconds = ts_ns / 1'000'000'000;
  const int64_t fraction = ts_ns % 1'000'000'000;
  put_u32(header, static_cast<uint32_t>(seconds));
  put_u32(header + 4, static_cast<uint32_t>(nanosecond_ ? fraction : fraction / 1000));
  put_u32(header + 8, caplen);
  put_u32(header + 12, wire_len);
  if (std::fwrite(header, 1, sizeof header, file_) != sizeof header ||
      std::fwrite(frame.data(), 1, caplen, file_) != caplen)
    throw Error(fmt::format("cannot write '{}': {}", path_, std::strerror(errno)));
  ++records_;
}

void PcapWriter::close() {
  if (!file_) return;
  const bool flush_failed = std::fflush(file_) != 0 || std::ferror(file_);
  const bool close_failed = std::fclose(file_) != 0;
  file_ = nullptr;
  if (flush_failed || close_failed)
    throw Error(fmt::format("cannot write '{}': write failed (disk full?)", path_));
}

}  // namespace flowspike::synth
