// PacketSource: the only file of flowspike that talks to libpcap. Opens each
// capture once up front (format, link type, first timestamp, filter check),
// then reads the files one at a time in time order and hands out parsed packets.
#include "flowspike/capture/packet_source.h"

#include <pcap/pcap.h>

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <filesystem>
#include <limits>
#include <set>

#include <fmt/format.h>

#include "capture_file.h"
#include "flowspike/capture/fragment_tracker.h"
#include "flowspike/capture/frame_parser.h"
#include "flowspike/common/error.h"

namespace flowspike::capture {
namespace {

struct PcapCloser {
  void operator()(pcap_t* p) const { pcap_close(p); }
};
using PcapHandle = std::unique_ptr<pcap_t, PcapCloser>;

// A problem with one file; the caller adds the path (Error) or records it (keep_going).
struct FileProblem {
  std::string what;
};

PcapHandle open_pcap(const std::string& path) {
  char errbuf[PCAP_ERRBUF_SIZE] = {};
  // Nanosecond precision: libpcap scales µs captures up, so ts.tv_usec holds nanoseconds for every file.
  pcap_t* p = pcap_open_offline_with_tstamp_precision(path.c_str(), PCAP_TSTAMP_PRECISION_NANO, errbuf);
  if (p == nullptr) throw FileProblem{fmt::format("not a readable capture: {}", errbuf)};
  return PcapHandle(p);
}

// A compiled BPF program, freed with the object.
class BpfProgram {
 public:
  BpfProgram() = default;
  BpfProgram(const BpfProgram&) = delete;
  BpfProgram& operator=(const BpfProgram&) = delete;
  ~BpfProgram() { reset(); }

  // Compiles `expression` for the link type of `pcap`.
  void compile(pcap_t* pcap, const std::string& expression) {
    reset();
    if (pcap_compile(pcap, &program_, expression.c_str(), 1, PCAP_NETMASK_UNKNOWN) != 0)
      throw FileProblem{fmt::format("filter '{}' does not compile for this capture: {}", expression, pcap_geterr(pcap))};
    compiled_ = true;
  }
  void reset() {
    if (compiled_) pcap_freecode(&program_);
    compiled_ = false;
  }
  bool compiled() const { return compiled_; }
  bool matches(const pcap_pkthdr* header, const u_char* data) const {
    return pcap_offline_filter(&program_, header, data) != 0;
  }

 private:
  bpf_program program_{};
  bool compiled_ = false;
};

std::string link_type_name(int dlt) {
  const char* name = pcap_datalink_val_to_name(dlt);
  return name != nullptr ? name : fmt::format("DLT_{}", dlt);
}

int64_t timestamp_ns(const pcap_pkthdr& header) {
  return int64_t{header.ts.tv_sec} * 1'000'000'000 + int64_t{header.ts.tv_usec};
}

constexpr const char* kSupportedLinkTypes =
    "Ethernet (EN10MB), Linux SLL and SLL2, raw IPv4/IPv6 (RAW, IPV4, IPV6), BSD NULL and LOOP";

// libpcap gives one link type per file, so it stops at a pcapng interface
// whose link type differs from the first one's, with this error text
// (sf-pcapng.c, "an interface has a type %u different from the type of the
// first interface"). Matched so the message can say what is wrong.
constexpr const char* kMixedLinkTypesText = "different from the type of the first interface";

// editcap's -T name for a link type flowspike reads, or "" when unknown.
std::string_view editcap_encapsulation(int dlt) {
  switch (dlt) {
    case 0: return "null";
    case 1: return "ether";
    case 12: case 14: case 101: return "rawip";
    case 108: return "loop";
    case 113: return "linux-sll";
    case 228: return "rawip4";
    case 229: return "rawip6";
    case 276: return "linux-sll2";
    default: return "";
  }
}

// "-T ether (interfaces of link type EN10MB, 1)", for the split advice.
std::string split_step(int dlt) {
  const std::string_view name = editcap_encapsulation(dlt);
  return fmt::format("-T {} for the interfaces of link type {} ({})",
                     name.empty() ? std::string("<its encapsulation: editcap -T lists them>") : std::string(name),
                     link_type_name(dlt), dlt);
}

// Why reading `pcap` failed after `packets` records, for CaptureInfo::problem
// (the caller puts the path in front).
std::string read_failure(pcap_t* pcap, const CaptureInfo& info, uint64_t packets) {
  std::string why = pcap_geterr(pcap);
  if (why.find(kMixedLinkTypesText) != std::string::npos) {
    // libpcap names the other interface's type: "an interface has a type 101 different from ...".
    int other = -1;
    if (const size_t at = why.find("has a type "); at != std::string::npos)
      std::from_chars(why.data() + at + 11, why.data() + why.size(), other);
    return fmt::format(
        "pcapng file whose interfaces have different link types, which libpcap cannot read ({}; the first interface "
        "is {} ({})){}. Split it into one file per interface, `tshark -r {} -Y 'frame.interface_id == N' -w ifN.pcapng` "
        "for each interface N (capinfos lists them), then `editcap -F pcap -T TYPE ifN.pcapng ifN.pcap` with {}{} "
        "(docs/captures.md)",
        why, info.link_type, info.link_type_code,
        packets == 0 ? "" : fmt::format("; read the {} packets before", packets), info.path,
        split_step(info.link_type_code), other >= 0 && other != info.link_type_code ? ", " + split_step(other) : "");
  }
  if (packets == 0) return fmt::format("damaged before its first packet ({})", why);
  return fmt::format("cut off or damaged after {} packets ({}); read up to there", packets, why);
}

}  // namespace

class PacketSource::Impl {
 public:
  explicit Impl(SourceOptions options) : options_(std::move(options)) {
    std::vector<std::string> files = find_files();
    for (const std::string& path : files) {
      CaptureInfo info;
      info.path = path;
      uint64_t bytes = 0;
      try {
        bytes = probe(info);
      } catch (const FileProblem& problem) {
        if (!options_.keep_going) throw Error(fmt::format("{}: {}", path, problem.what));
        info.skipped = true;
        info.problem = problem.what;
      }
      captures_.push_back(std::move(info));
      file_bytes_.push_back(bytes);
    }
    order_by_first_timestamp();
    bool any_readable = std::any_of(captures_.begin(), captures_.end(), [](const CaptureInfo& c) { return !c.skipped; });
    if (!any_readable) {
      if (captures_.empty()) {
        std::string paths;
        for (const std::string& p : options_.paths) paths += (paths.empty() ? "" : ", ") + p;
        throw Error(fmt::format("no capture files found in {}", paths.empty() ? "(no paths given)" : paths));
      }
      throw Error(fmt::format("none of the {} input file(s) could be read; {}: {}", captures_.size(),
                              captures_.front().path, captures_.front().problem));
    }
    for (uint64_t b : file_bytes_) total_bytes_ += b;
  }

  bool next(Packet& packet) {
    for (;;) {
      if (!pcap_ && !open_next_file()) return false;
      pcap_pkthdr* header = nullptr;
      const u_char* data = nullptr;
      int rc = pcap_next_ex(pcap_.get(), &header, &data);
      if (rc != 1) {
        close_file(rc);
        continue;
      }
      CaptureInfo& info = *current_;
      ParseReport& report = info.report;
      ++report.packets_read;
      ++info.packets;
      const int64_t ts = timestamp_ns(*header);
      if (info.packets == 1) {
        info.first_ns = ts;
        info.last_ns = ts;
      }
      info.last_ns = std::max(info.last_ns, ts);

      if (filter_.compiled() && !filter_.matches(header, data)) {
        ++report.packets_filtered;
        continue;
      }
      if (ts < latest_ns_)
        ++report.timestamps_backwards;
      else
        latest_ns_ = ts;
      if (auto reason = parse_frame(link_type_, {data, header->caplen}, header->len, ts, packet, fragment_,
                                    length_from_frame_)) {
        report.drop(*reason);
        continue;
      }
      if (fragment_.is_fragment) {
        if (auto reason = fragments_.resolve(packet, fragment_)) {
          report.drop(*reason);
          continue;
        }
      }
      ++report.packets_used;
      packet.capture = current_index_;
      return true;
    }
  }

  const ParseReport& report() const {
    total_ = ParseReport{};
    for (const CaptureInfo& info : captures_) total_.merge(info.report);
    return total_;
  }

  const std::vector<CaptureInfo>& captures() const { return captures_; }

  double progress() const {
    if (total_bytes_ == 0) return next_file_ >= captures_.size() && !pcap_ ? 1.0 : 0.0;
    uint64_t done = done_bytes_;
    if (pcap_) {
      long pos = std::ftell(pcap_file(pcap_.get()));
      if (pos > 0) done += std::min<uint64_t>(static_cast<uint64_t>(pos), file_bytes_[current_index_]);
    }
    return std::min(1.0, static_cast<double>(done) / static_cast<double>(total_bytes_));
  }

 private:
  // The input paths expanded into files; with keep_going a missing path becomes a skipped entry.
  std::vector<std::string> find_files() {
    std::vector<std::string> existing;
    for (const std::string& path : options_.paths) {
      std::error_code ec;
      if (options_.keep_going && !std::filesystem::exists(path, ec)) {
        CaptureInfo info;
        info.path = path;
        info.skipped = true;
        info.problem = "no such file or directory";
        captures_.push_back(std::move(info));
        file_bytes_.push_back(0);
      } else {
        existing.push_back(path);
      }
    }
    return expand_capture_paths(existing);
  }

  // Learns a file's format, link type and first timestamp and checks the
  // filter against its link type. Returns the file size.
  uint64_t probe(CaptureInfo& info) {
    detail::FileSniff sniff = detail::sniff_capture_file(info.path);
    if (!detail::is_capture(sniff.format)) throw FileProblem{sniff.problem};
    info.format = detail::format_name(sniff.format);
    PcapHandle pcap = open_pcap(info.path);
    info.link_type_code = pcap_datalink(pcap.get());
    info.link_type = link_type_name(info.link_type_code);
    if (!options_.bpf_filter.empty()) BpfProgram().compile(pcap.get(), options_.bpf_filter);
    if (!link_type_supported(info.link_type_code)) {
      std::string problem = fmt::format("link type {} ({}) is not one flowspike decodes; supported: {}", info.link_type,
                                        info.link_type_code, kSupportedLinkTypes);
      if (!options_.keep_going) throw FileProblem{problem};
      info.problem = problem + "; its packets are counted as unknown_link_type";
    }
    pcap_pkthdr* header = nullptr;
    const u_char* data = nullptr;
    int rc = pcap_next_ex(pcap.get(), &header, &data);
    if (rc == 1) info.first_ns = timestamp_ns(*header);
    // Nothing at all can be read from it: a bad file, not a cut-off one.
    if (rc == PCAP_ERROR) throw FileProblem{read_failure(pcap.get(), info, 0)};
    return sniff.size;
  }

  // Stable: files with equal first timestamps keep their path order. Skipped files go last.
  void order_by_first_timestamp() {
    std::vector<size_t> order(captures_.size());
    for (size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::stable_sort(order.begin(), order.end(), [this](size_t a, size_t b) {
      const CaptureInfo& x = captures_[a];
      const CaptureInfo& y = captures_[b];
      if (x.skipped != y.skipped) return y.skipped;
      return x.first_ns < y.first_ns;
    });
    std::vector<CaptureInfo> captures;
    std::vector<uint64_t> bytes;
    for (size_t i : order) {
      captures.push_back(std::move(captures_[i]));
      bytes.push_back(file_bytes_[i]);
    }
    captures_ = std::move(captures);
    file_bytes_ = std::move(bytes);
  }

  bool open_next_file() {
    while (next_file_ < captures_.size()) {
      size_t index = next_file_++;
      CaptureInfo& info = captures_[index];
      if (info.skipped) continue;
      try {
        PcapHandle pcap = open_pcap(info.path);
        if (!options_.bpf_filter.empty()) filter_.compile(pcap.get(), options_.bpf_filter);
        pcap_ = std::move(pcap);
      } catch (const FileProblem& problem) {  // the file changed since the constructor looked at it
        if (!options_.keep_going) throw Error(fmt::format("{}: {}", info.path, problem.what));
        info.skipped = true;
        info.problem = problem.what;
        done_bytes_ += file_bytes_[index];
        continue;
      }
      current_ = &info;
      current_index_ = static_cast<int32_t>(index);
      link_type_ = info.link_type_code;
      info.packets = 0;
      info.report = ParseReport{};
      info.last_ns = 0;
      latest_ns_ = std::numeric_limits<int64_t>::min();
      fragments_.clear();
      return true;
    }
    return false;
  }

  void close_file(int rc) {
    if (rc == PCAP_ERROR) {
      // A record cut off (killed tcpdump), damaged, or on an interface of
      // another link type: keep what came before it.
      current_->truncated = true;
      std::string problem = read_failure(pcap_.get(), *current_, current_->packets);
      current_->problem = current_->problem.empty() ? problem : current_->problem + "; " + problem;
    }
    pcap_.reset();
    filter_.reset();
    done_bytes_ += file_bytes_[static_cast<size_t>(current_index_)];
    current_ = nullptr;
  }

  SourceOptions options_;
  std::vector<CaptureInfo> captures_;
  std::vector<uint64_t> file_bytes_;  // parallel to captures_
  uint64_t total_bytes_ = 0;
  uint64_t done_bytes_ = 0;           // bytes of the files already finished
  size_t next_file_ = 0;              // next index of captures_ to open

  // The file being read.
  PcapHandle pcap_;
  BpfProgram filter_;
  CaptureInfo* current_ = nullptr;
  int32_t current_index_ = -1;
  int link_type_ = -1;
  int64_t latest_ns_ = 0;             // latest timestamp handed on in this file
  FragmentInfo fragment_;             // of the packet being parsed
  bool length_from_frame_ = false;
  FragmentTracker fragments_;

  mutable ParseReport total_;
};

PacketSource::PacketSource(SourceOptions options) : impl_(std::make_unique<Impl>(std::move(options))) {}
PacketSource::~PacketSource() = default;
bool PacketSource::next(Packet& packet) { return impl_->next(packet); }
const ParseReport& PacketSource::report() const { return impl_->report(); }
const std::vector<CaptureInfo>& PacketSource::captures() const { return impl_->captures(); }
double PacketSource::progress() const { return impl_->progress(); }

}  // namespace flowspike::capture
