// Recognises capture files by their first bytes, without libpcap, so a
// directory can be searched for captures and a non-capture file gets a clear
// message before libpcap sees it. Internal to the capture module.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>

namespace flowspike::capture::detail {

enum class CaptureFormat { unreadable, empty, too_short, unknown, pcap, pcap_ns, pcapng };

struct FileSniff {
  CaptureFormat format = CaptureFormat::unreadable;
  uint32_t magic = 0;    // the first 4 bytes, big-endian (0 if shorter)
  uint64_t size = 0;     // file size in bytes
  std::string problem;   // why the file is not a capture (without the path); empty for captures
};

bool is_capture(CaptureFormat format);

// Reads the magic number and explains what is wrong if it is not a capture's.
FileSniff sniff_capture_file(const std::string& path);

// Whether a file found in a directory is taken as a capture: a capture
// extension (.pcap, .pcapng, .cap, .ntar, .dmp) or a capture magic number.
bool looks_like_capture(const std::filesystem::path& p);

// "pcap", "pcap-ns", "pcapng" (CaptureInfo::format).
const char* format_name(CaptureFormat format);

}  // namespace flowspike::capture::detail
