// Labels: which class a capture file belongs to. A Labeler is built from one of
// three sources and then answers per capture path:
//   iscx       the built-in table of the ISCX VPN-nonVPN 2016 / Tor-nonTor 2017
//              file names (case-insensitive, with or without .pcap / .pcapng);
//   FILE.csv   rules "glob-or-file-name,class", first match wins;
//   dirs       the directory a capture sits in below the input root.
// The class list comes from the source (see docs/dataset.md). Immutable after
// construction; safe to share between threads.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace flowspike::dataset {

// The 14 classes of DESIGN section 4; index = label id.
const std::vector<std::string>& iscx_classes();

// One capture file of the built-in ISCX table.
struct IscxFile {
  const char* dataset;    // "vpn-nonvpn" (ISCX VPN-nonVPN 2016) or "tor-nontor" (ISCX Tor-nonTor 2017)
  const char* file_name;  // as distributed, with its .pcap / .pcapng extension
  int class_id;           // 0..13, or -1 for files in none of the 14 classes (Email, P2P, Spotify)
};
std::span<const IscxFile> iscx_files();

// One of the 14 ISCX names if `name` equals it ignoring case, with '_' or ' '
// accepted for '-' (so "VOIP_Tor" -> "VoIP-Tor"); otherwise `name` trimmed.
std::string canonical_class_name(std::string_view name);

// The class list for a set of names: the 14 ISCX classes in DESIGN order when
// every name is one of them (ids then match the paper's), else the names sorted.
std::vector<std::string> order_classes(const std::set<std::string>& names);

class Labeler {
 public:
  enum class Kind : uint8_t { iscx, csv, dirs };

  // `spec` is "iscx", "dirs" or the path of a CSV file of rules. `roots` are the
  // input paths as given (files and directories); `files` are the capture files
  // they expand to (dirs takes its class list from them). Throws flowspike::Error.
  static Labeler from_spec(const std::string& spec, const std::vector<std::string>& roots,
                           const std::vector<std::string>& files);
  static Labeler iscx();
  // Throws flowspike::Error naming the file and line of a malformed row.
  static Labeler from_csv(const std::string& path);
  static Labeler from_dirs(const std::vector<std::string>& roots, const std::vector<std::string>& files);

  Kind kind() const { return kind_; }
  const std::vector<std::string>& classes() const { return classes_; }
  // Label id of the capture at `path`, or nullopt when the source gives it no class.
  std::optional<int32_t> label(const std::string& path) const;
  // For `dirs`: the class name the directory layout gives `path` (empty if none).
  std::string directory_class(const std::string& path) const;

 private:
  struct Rule {
    std::string pattern;
    int32_t label = -1;  // -1: the rule marks matching files as unlabelled
  };

  Kind kind_ = Kind::iscx;
  std::vector<std::string> classes_;
  std::map<std::string, int32_t> by_name_;  // iscx: lower-case stem -> id; dirs: class name -> id
  std::vector<Rule> rules_;                 // csv
  std::vector<std::string> roots_;          // dirs: absolute, normalised input paths
};

}  // namespace flowspike::dataset
