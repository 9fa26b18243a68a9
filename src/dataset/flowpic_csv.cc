#include "flowspike/dataset/flowpic_csv.h"

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <list>
#include <unordered_map>

#include <fmt/format.h>

#include "flowspike/common/error.h"

namespace flowspike::dataset {
namespace {

namespace fs = std::filesystem;

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r' || s.back() == '\n'))
    s.remove_suffix(1);
  return s;
}

// Calls fn(index, field) for each comma-separated field until fn returns false.
template <class Fn>
void for_each_field(std::string_view row, Fn&& fn) {
  size_t index = 0;
  while (true) {
    size_t comma = row.find(',');
    std::string_view field = trim(row.substr(0, comma));
    if (!fn(index++, field) || comma == std::string_view::npos) return;
    row.remove_prefix(comma + 1);
  }
}

// Field names for messages, 1-based as in preprocessing.md c.1.
constexpr const char* kFieldNames[] = {"pcap name", "source IP", "source port", "destination IP",
                                       "destination port", "protocol", "start time", "packet count"};

class RowParser {
 public:
  RowParser(const std::string& file, uint64_t line) : file_(file), line_(line) {}

  [[noreturn]] void fail(const std::string& what) const { throw Error(fmt::format("{}:{}: {}", file_, line_, what)); }

  [[noreturn]] void bad_field(size_t index, std::string_view text, const char* expected) const {
    fail(fmt::format("field {} ({}) '{}' is not {}", index + 1, index < 8 ? kFieldNames[index] : "value",
                     text.substr(0, 40), expected));
  }

  template <class T>
  T integer(size_t index, std::string_view text, T max, const char* expected) const {
    uint64_t v = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    if (ec != std::errc() || end != text.data() + text.size() || text.empty() || v > static_cast<uint64_t>(max))
      bad_field(index, text, expected);
    return static_cast<T>(v);
  }

  int64_t seconds_ns(size_t index, std::string_view text) const {
    std::optional<int64_t> ns = decimal_seconds_to_ns(text);
    if (!ns) bad_field(index, text, "a time in seconds");
    return *ns;
  }

  capture::IpAddress address(size_t index, std::string_view text) const {
    try {
      return capture::IpAddress::parse(std::string(text));
    } catch (const Error&) {
      bad_field(index, text, "an IP address");
    }
  }

  uint8_t protocol(size_t index, std::string_view text) const {
    if (text.size() == 3) {
      std::string up(text);
      for (char& c : up) c = static_cast<char>(c & ~0x20);
      if (up == "TCP") return capture::kProtoTcp;
      if (up == "UDP") return capture::kProtoUdp;
    }
    bad_field(index, text, "TCP or UDP");
  }

  // Fields 1-6: what identifies the session.
  void header(size_t index, std::string_view field, FlowPicSession& s) const {
    switch (index) {
      case 0:
        if (field.empty()) fail("field 1 (pcap name) is empty");
        s.pcap_name = std::string(field);
        break;
      case 1: s.src = address(index, field); break;
      case 2: s.sport = integer<uint16_t>(index, field, 65535, "a port number"); break;
      case 3: s.dst = address(index, field); break;
      case 4: s.dport = integer<uint16_t>(index, field, 65535, "a port number"); break;
      case 5: s.proto = protocol(index, field); break;
      default: break;
    }
  }

 private:
  const std::string& file_;
  uint64_t line_;
};

// The identity of a one-way session within a capture.
struct SessionKey {
  int32_t capture = -1;
  uint8_t proto = 0;
  capture::IpAddress src, dst;
  uint16_t sport = 0, dport = 0;

  bool operator==(const SessionKey&) const = default;
  SessionKey reversed() const { return {capture, proto, dst, src, dport, sport}; }
};

struct SessionKeyHash {
  size_t operator()(const SessionKey& k) const {
    uint64_t h = 1469598103934665603ULL;
    auto mix = [&](const uint8_t* p, size_t n) {
      for (size_t i = 0; i < n; ++i) h = (h ^ p[i]) * 1099511628211ULL;
    };
    mix(k.src.bytes.data(), 16);
    mix(k.dst.bytes.data(), 16);
    uint64_t rest = (static_cast<uint64_t>(static_cast<uint32_t>(k.capture)) << 40) ^
                    (static_cast<uint64_t>(k.sport) << 24) ^ (static_cast<uint64_t>(k.dport) << 8) ^ k.proto;
    mix(reinterpret_cast<const uint8_t*>(&rest), sizeof(rest));
    return static_cast<size_t>(h);
  }
};

// Where a row lives, for reading it back.
struct RowRef {
  uint32_t file = 0;
  int32_t capture = -1;
  uint64_t offset = 0;  // byte offset of the row in its file
  uint64_t line = 0;    // 1-based line number
};

constexpr int64_t kSingle = -1;    // partner[i]: no reverse session
constexpr int64_t kConsumed = -2;  // partner[i]: this row is the backward half of an earlier row's flow

}  // namespace

FlowPicSession parse_flowpic_row(std::string_view row, const std::string& file, uint64_t line) {
  RowParser p(file, line);
  FlowPicSession s;
  size_t n = 0;
  size_t fields = 0;
  bool in_sizes = false;
  for_each_field(row, [&](size_t index, std::string_view field) {
    fields = index + 1;
    if (index < 6) {
      p.header(index, field, s);
    } else if (index == 6) {
      s.start_ns = p.seconds_ns(index, field);
    } else if (index == 7) {
      n = p.integer<size_t>(index, field, size_t{1} << 32, "a packet count");
      if (n == 0) p.fail("field 8 (packet count) is 0");
      s.times_ns.reserve(n);
      s.sizes.reserve(n);
    } else if (!in_sizes && field.empty()) {
      in_sizes = true;
    } else if (!in_sizes) {
      s.times_ns.push_back(p.seconds_ns(index, field));
    } else {
      s.sizes.push_back(p.integer<uint32_t>(index, field, UINT32_MAX, "a packet size"));
    }
    return true;
  });
  if (fields < 8) p.fail(fmt::format("only {} fields; a session row has at least 10", fields));
  if (!in_sizes) p.fail("no empty field separating the timestamps from the sizes");
  if (s.times_ns.size() != n || s.sizes.size() != n)
    p.fail(fmt::format("field 8 says {} packets but the row has {} timestamps and {} sizes", n, s.times_ns.size(),
                       s.sizes.size()));
  for (int64_t t : s.times_ns) {
    int64_t absolute = 0;
    if (__builtin_add_overflow(s.start_ns, t, &absolute))
      p.fail("start time + packet time lies beyond ±292 years from the epoch");
  }
  return s;
}

std::optional<int64_t> decimal_seconds_to_ns(std::string_view text) {
  // The number is 0.d1d2d3... x 10^point, its digits without leading zeros.
  size_t i = 0;
  bool negative = false;
  if (i < text.size() && (text[i] == '+' || text[i] == '-')) negative = text[i++] == '-';
  std::string digits;
  int64_t point = 0;
  bool any_digit = false, after_dot = false;
  for (; i < text.size(); ++i) {
    char c = text[i];
    if (c == '.' && !after_dot) {
      after_dot = true;
    } else if (c >= '0' && c <= '9') {
      any_digit = true;
      if (digits.empty() && c == '0') {
        if (after_dot) --point;
      } else {
        digits.push_back(c);
        if (!after_dot) ++point;
      }
    } else {
      break;
    }
  }
  if (!any_digit) return std::nullopt;
  if (i < text.size() && (text[i] == 'e' || text[i] == 'E')) {
    ++i;
    if (i < text.size() && text[i] == '+') ++i;  // from_chars takes '-' but not '+'
    int exponent = 0;
    auto [end, ec] = std::from_chars(text.data() + i, text.data() + text.size(), exponent);
    if (ec != std::errc() || end == text.data() + i || exponent < -400 || exponent > 400) return std::nullopt;
    point += exponent;
    i = static_cast<size_t>(end - text.data());
  }
  if (i != text.size()) return std::nullopt;
  // Nanoseconds are the first point + 9 digits; the next one rounds.
  const int64_t whole = point + 9;
  if (digits.empty() || whole < 0) return 0;
  if (whole > 19) return std::nullopt;
  uint64_t ns = 0;
  const auto n = static_cast<size_t>(whole);
  for (size_t k = 0; k < n; ++k) ns = ns * 10 + (k < digits.size() ? static_cast<uint64_t>(digits[k] - '0') : 0);
  if (n < digits.size() && digits[n] >= '5') ++ns;
  if (ns > static_cast<uint64_t>(INT64_MAX)) return std::nullopt;
  return negative ? -static_cast<int64_t>(ns) : static_cast<int64_t>(ns);
}

std::vector<std::string> expand_csv_paths(const std::vector<std::string>& paths) {
  std::vector<std::string> out;
  for (const auto& p : paths) {
    std::error_code ec;
    if (fs::is_directory(p, ec)) {
      std::vector<std::string> found;
      for (auto it = fs::recursive_directory_iterator(p, fs::directory_options::follow_directory_symlink, ec);
           it != fs::recursive_directory_iterator(); it.increment(ec)) {
        if (ec) break;
        if (it->path().filename().string().starts_with('.')) {  // hidden files and directories
          if (it->is_directory(ec)) it.disable_recursion_pending();
          continue;
        }
        std::string ext = it->path().extension().string();
        std::transform(ext.begin(), ext.end(), ext.begin(), [](char c) { return static_cast<char>(std::tolower(c)); });
        if (ext == ".csv" && it->is_regular_file(ec)) found.push_back(it->path().string());
      }
      if (ec) throw Error(fmt::format("{}: cannot list directory: {}", p, ec.message()));
      std::sort(found.begin(), found.end());
      out.insert(out.end(), found.begin(), found.end());
    } else if (fs::exists(p, ec)) {
      out.push_back(p);
    } else {
      throw Error(fmt::format("{}: no such file or directory", p));
    }
  }
  return out;
}

class FlowPicReader::Impl {
 public:
  explicit Impl(const std::vector<std::string>& paths) : files_(expand_csv_paths(paths)) {
    if (files_.empty()) throw Error("no FlowPic CSV files found in the inputs");
    std::unordered_map<std::string, int32_t> capture_index;
    std::vector<SessionKey> keys;
    for (uint32_t f = 0; f < files_.size(); ++f) index_file(f, capture_index, keys);
    pair_sessions(keys);
  }

  bool next(FlowPicFlow& flow) {
    while (cursor_ < rows_.size() && partner_[cursor_] == kConsumed) ++cursor_;
    if (cursor_ >= rows_.size()) return false;
    size_t i = cursor_++;
    flow.capture = rows_[i].capture;
    flow.forward = read_row(rows_[i]);
    if (partner_[i] >= 0)
      flow.backward = read_row(rows_[static_cast<size_t>(partner_[i])]);
    else
      flow.backward.reset();
    ++handed_out_;
    return true;
  }

  std::vector<std::string> files_;
  std::vector<std::string> captures_;
  uint64_t pairs_ = 0, singles_ = 0, handed_out_ = 0;

 private:
  void index_file(uint32_t f, std::unordered_map<std::string, int32_t>& capture_index, std::vector<SessionKey>& keys) {
    const std::string& file = files_[f];
    std::ifstream in(file, std::ios::binary);
    if (!in) throw Error(fmt::format("{}: cannot open", file));
    const fs::path dir = fs::path(file).parent_path();
    std::string line;
    uint64_t offset = 0, line_no = 0;
    while (std::getline(in, line)) {
      ++line_no;
      uint64_t row_offset = offset;
      offset += line.size() + 1;
      if (trim(line).empty()) continue;
      RowParser p(file, line_no);
      FlowPicSession s;
      size_t fields = 0;
      for_each_field(line, [&](size_t index, std::string_view field) {
        fields = index + 1;
        p.header(index, field, s);
        return index < 5;
      });
      if (fields < 6) p.fail(fmt::format("only {} fields; a session row has at least 10", fields));
      std::string capture_path = (dir / s.pcap_name).string();
      auto [it, inserted] = capture_index.try_emplace(capture_path, static_cast<int32_t>(captures_.size()));
      if (inserted) captures_.push_back(capture_path);
      rows_.push_back({f, it->second, row_offset, line_no});
      keys.push_back({it->second, s.proto, s.src, s.dst, s.sport, s.dport});
    }
    if (in.bad()) throw Error(fmt::format("{}: read error", file));
  }

  // Preprocessing a.3: in reading order, each session not yet taken pairs with
  // the first later session of the same capture whose endpoints are its own
  // swapped. (Unlike the authors' code, the protocol must match too.)
  void pair_sessions(const std::vector<SessionKey>& keys) {
    std::unordered_map<SessionKey, std::vector<uint32_t>, SessionKeyHash> by_key;
    for (uint32_t i = 0; i < keys.size(); ++i) by_key[keys[i]].push_back(i);
    std::unordered_map<SessionKey, size_t, SessionKeyHash> next_candidate;
    partner_.assign(keys.size(), kSingle);
    for (uint32_t i = 0; i < keys.size(); ++i) {
      if (partner_[i] == kConsumed) continue;
      SessionKey rev = keys[i].reversed();
      auto it = by_key.find(rev);
      if (it != by_key.end()) {
        const std::vector<uint32_t>& candidates = it->second;
        size_t& pos = next_candidate[rev];
        // Earlier candidates are all taken already; later ones may have been taken too.
        while (pos < candidates.size() && (candidates[pos] <= i || partner_[candidates[pos]] == kConsumed)) ++pos;
        if (pos < candidates.size()) {
          partner_[i] = candidates[pos];
          partner_[candidates[pos]] = kConsumed;
          ++pos;
          ++pairs_;
          continue;
        }
      }
      ++singles_;
    }
  }

  FlowPicSession read_row(const RowRef& ref) {
    std::ifstream& in = stream(ref.file);
    in.clear();
    in.seekg(static_cast<std::streamoff>(ref.offset));
    std::string line;
    if (!std::getline(in, line)) throw Error(fmt::format("{}:{}: cannot read the row again (file changed?)",
                                                         files_[ref.file], ref.line));
    return parse_flowpic_row(line, files_[ref.file], ref.line);
  }

  // A few files stay open: a flow's reverse row is usually in the same file.
  std::ifstream& stream(uint32_t file) {
    for (auto it = open_.begin(); it != open_.end(); ++it) {
      if (it->first == file) {
        open_.splice(open_.begin(), open_, it);
        return open_.front().second;
      }
    }
    if (open_.size() >= kOpenFiles) open_.pop_back();
    open_.emplace_front(file, std::ifstream(files_[file], std::ios::binary));
    if (!open_.front().second) throw Error(fmt::format("{}: cannot open", files_[file]));
    return open_.front().second;
  }

  static constexpr size_t kOpenFiles = 8;
  std::vector<RowRef> rows_;
  std::vector<int64_t> partner_;  // row index of the reverse session, kSingle or kConsumed
  size_t cursor_ = 0;
  std::list<std::pair<uint32_t, std::ifstream>> open_;
};

FlowPicReader::FlowPicReader(const std::vector<std::string>& paths) : impl_(std::make_unique<Impl>(paths)) {}
FlowPicReader::~FlowPicReader() = default;
bool FlowPicReader::next(FlowPicFlow& flow) { return impl_->next(flow); }
const std::vector<std::string>& FlowPicReader::files() const { return impl_->files_; }
const std::vector<std::string>& FlowPicReader::captures() const { return impl_->captures_; }
uint64_t FlowPicReader::sessions() const { return impl_->pairs_ * 2 + impl_->singles_; }
uint64_t FlowPicReader::pairs() const { return impl_->pairs_; }
uint64_t FlowPicReader::singles() const { return impl_->singles_; }
double FlowPicReader::progress() const {
  uint64_t flows = impl_->pairs_ + impl_->singles_;
  return flows == 0 ? 1.0 : static_cast<double>(impl_->handed_out_) / static_cast<double>(flows);
}

}  // namespace flowspike::dataset
