// Capture-file recognition and path expansion (files, directories).
#include "capture_file.h"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <set>
#include <system_error>

#include <fmt/format.h>

#include "flowspike/capture/packet_source.h"
#include "flowspike/common/error.h"

namespace flowspike::capture {
namespace detail {
namespace {

constexpr uint32_t kPcapMagic = 0xa1b2c3d4;          // µs timestamps
constexpr uint32_t kPcapMagicSwapped = 0xd4c3b2a1;
constexpr uint32_t kPcapNsMagic = 0xa1b23c4d;        // ns timestamps
constexpr uint32_t kPcapNsMagicSwapped = 0x4d3cb2a1;
constexpr uint32_t kPcapKuznetzovMagic = 0xa1b2cd34; // patched Linux tcpdump (libpcap reads it)
constexpr uint32_t kPcapKuznetzovMagicSwapped = 0x34cdb2a1;
constexpr uint32_t kPcapngMagic = 0x0a0d0d0a;        // Section Header Block type, palindromic

CaptureFormat format_of_magic(uint32_t magic) {
  switch (magic) {
    case kPcapMagic:
    case kPcapMagicSwapped:
    case kPcapKuznetzovMagic:
    case kPcapKuznetzovMagicSwapped: return CaptureFormat::pcap;
    case kPcapNsMagic:
    case kPcapNsMagicSwapped: return CaptureFormat::pcap_ns;
    case kPcapngMagic: return CaptureFormat::pcapng;
    default: return CaptureFormat::unknown;
  }
}

// Files in a directory that are taken without looking inside.
bool has_capture_extension(const std::filesystem::path& p) {
  std::string ext = p.extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return ext == ".pcap" || ext == ".pcapng" || ext == ".cap" || ext == ".ntar" || ext == ".dmp";
}

}  // namespace

bool looks_like_capture(const std::filesystem::path& p) {
  if (has_capture_extension(p)) return true;
  std::ifstream in(p, std::ios::binary);
  uint8_t b[4];
  if (!in.read(reinterpret_cast<char*>(b), 4)) return false;
  return format_of_magic(uint32_t{b[0]} << 24 | uint32_t{b[1]} << 16 | uint32_t{b[2]} << 8 | b[3]) !=
         CaptureFormat::unknown;
}

bool is_capture(CaptureFormat format) {
  return format == CaptureFormat::pcap || format == CaptureFormat::pcap_ns || format == CaptureFormat::pcapng;
}

FileSniff sniff_capture_file(const std::string& path) {
  std::error_code ec;
  FileSniff sniff;
  if (std::filesystem::is_directory(path, ec)) {
    sniff.problem = "is a directory, not a capture file";
    return sniff;
  }
  sniff.size = std::filesystem::file_size(path, ec);
  if (ec) {
    sniff.problem = fmt::format("cannot read: {}", ec.message());
    return sniff;
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    sniff.problem = fmt::format("cannot open: {}", std::strerror(errno));
    return sniff;
  }
  if (sniff.size == 0) {
    sniff.format = CaptureFormat::empty;
    sniff.problem = "empty file (0 bytes), not a capture";
    return sniff;
  }
  uint8_t b[4] = {};
  in.read(reinterpret_cast<char*>(b), 4);
  if (in.gcount() < 4) {
    sniff.format = CaptureFormat::too_short;
    sniff.problem = fmt::format("only {} bytes long, not a capture", in.gcount());
    return sniff;
  }
  sniff.magic = uint32_t{b[0]} << 24 | uint32_t{b[1]} << 16 | uint32_t{b[2]} << 8 | b[3];
  sniff.format = format_of_magic(sniff.magic);
  if (sniff.format == CaptureFormat::unknown) {
    if (sniff.magic >> 16 == 0x1f8b)
      sniff.problem = "gzip-compressed, not a pcap or pcapng capture; decompress it first (gunzip)";
    else if (sniff.magic == 0x28b52ffd)
      sniff.problem = "zstd-compressed, not a pcap or pcapng capture; decompress it first (unzstd)";
    else
      sniff.problem = fmt::format("not a pcap or pcapng capture (it starts with bytes {:08x})", sniff.magic);
  }
  return sniff;
}

const char* format_name(CaptureFormat format) {
  switch (format) {
    case CaptureFormat::pcap: return "pcap";
    case CaptureFormat::pcap_ns: return "pcap-ns";
    case CaptureFormat::pcapng: return "pcapng";
    case CaptureFormat::unreadable: return "unreadable";
    case CaptureFormat::empty: return "empty";
    case CaptureFormat::too_short: return "too short";
    case CaptureFormat::unknown: return "unknown";
  }
  return "unknown";
}

}  // namespace detail

std::vector<std::string> expand_capture_paths(const std::vector<std::string>& paths) {
  namespace fs = std::filesystem;
  std::vector<std::string> files;
  std::set<fs::path> seen;  // the same file named twice is read once
  auto add = [&](const fs::path& p) {
    std::error_code ec;
    fs::path canonical = fs::weakly_canonical(p, ec);
    if (ec) canonical = p;
    if (seen.insert(canonical).second) files.push_back(p.string());
  };
  for (const std::string& path : paths) {
    std::error_code ec;
    fs::file_status status = fs::status(path, ec);
    if (!fs::exists(status)) throw Error(fmt::format("{}: no such file or directory", path));
    if (!fs::is_directory(status)) {
      add(path);
      continue;
    }
    std::vector<fs::path> found;
    auto options = fs::directory_options::skip_permission_denied;
    for (auto it = fs::recursive_directory_iterator(path, options, ec); !ec && it != fs::recursive_directory_iterator();
         it.increment(ec)) {
      const fs::path& p = it->path();
      bool hidden = p.filename().string().starts_with('.');
      if (hidden) {
        if (it->is_directory()) it.disable_recursion_pending();
        continue;
      }
      if (it->is_regular_file() && detail::looks_like_capture(p)) found.push_back(p);
    }
    if (ec) throw Error(fmt::format("{}: cannot list directory: {}", path, ec.message()));
    std::sort(found.begin(), found.end());
    for (const fs::path& p : found) add(p);
  }
  return files;
}

}  // namespace flowspike::capture
