#include "flowspike/dataset/labels.h"

#include <fnmatch.h>

#include <algorithm>
#include <filesystem>
#include <fstream>

#include <fmt/format.h>

#include "flowspike/common/error.h"

namespace flowspike::dataset {
namespace {

namespace fs = std::filesystem;

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

// Lower-case file name without a .pcap / .pcapng extension: the ISCX table key.
std::string iscx_key(std::string_view file_name) {
  std::string key = lower(file_name);
  for (std::string_view ext : {".pcapng", ".pcap"}) {
    if (key.size() > ext.size() && key.ends_with(ext)) {
      key.resize(key.size() - ext.size());
      break;
    }
  }
  return key;
}

bool glob_match(const std::string& pattern, const std::string& text) {
  return ::fnmatch(pattern.c_str(), text.c_str(), FNM_CASEFOLD) == 0;
}

// A rule pattern without '/' matches the file name, with or without its last
// extension; one with '/' matches the path, anywhere from a directory boundary.
bool rule_matches(const std::string& pattern, const std::string& path) {
  if (pattern.find('/') != std::string::npos) {
    if (glob_match(pattern, path)) return true;
    return pattern.front() != '/' && pattern.front() != '*' && glob_match("*/" + pattern, path);
  }
  fs::path p(path);
  return glob_match(pattern, p.filename().string()) || glob_match(pattern, p.stem().string());
}

// Splits one CSV line into fields; double quotes protect commas ("" is a quote).
std::vector<std::string> split_csv_line(std::string_view line, const std::string& file, size_t line_no) {
  std::vector<std::string> fields(1);
  bool quoted = false;
  for (size_t i = 0; i < line.size(); ++i) {
    char c = line[i];
    if (quoted) {
      if (c == '"' && i + 1 < line.size() && line[i + 1] == '"') {
        fields.back() += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        fields.back() += c;
      }
    } else if (c == '"' && trim(fields.back()).empty()) {
      fields.back().clear();
      quoted = true;
    } else if (c == ',') {
      fields.emplace_back();
    } else {
      fields.back() += c;
    }
  }
  if (quoted) throw Error(fmt::format("{}:{}: unterminated quote", file, line_no));
  for (auto& f : fields) f = std::string(trim(f));
  return fields;
}

// Absolute, normalised, without a trailing separator.
fs::path normal_path(const std::string& path) {
  fs::path p = fs::absolute(fs::path(path)).lexically_normal();
  if (p.has_parent_path() && p.filename().empty()) p = p.parent_path();
  return p;
}

}  // namespace

const std::vector<std::string>& iscx_classes() {
  static const std::vector<std::string> kClasses = {
      "Video-NonVPN",        "Video-Tor",        "Video-VPN",        "VoIP-NonVPN",     "VoIP-Tor",
      "VoIP-VPN",            "FileTransfer-NonVPN", "FileTransfer-Tor", "FileTransfer-VPN", "Chat-NonVPN",
      "Chat-Tor",            "Chat-VPN",         "Browsing-NonVPN",  "Browsing-Tor"};
  return kClasses;
}

std::string canonical_class_name(std::string_view name) {
  name = trim(name);
  std::string key = lower(name);
  std::replace(key.begin(), key.end(), '_', '-');
  std::replace(key.begin(), key.end(), ' ', '-');
  for (const auto& c : iscx_classes())
    if (lower(c) == key) return c;
  return std::string(name);
}

std::vector<std::string> order_classes(const std::set<std::string>& names) {
  const auto& iscx = iscx_classes();
  bool all_iscx = !names.empty() && std::all_of(names.begin(), names.end(), [&](const std::string& n) {
    return std::find(iscx.begin(), iscx.end(), n) != iscx.end();
  });
  if (all_iscx) return iscx;
  return {names.begin(), names.end()};  // std::set iterates in sorted (byte) order
}

Labeler Labeler::from_spec(const std::string& spec, const std::vector<std::string>& roots,
                           const std::vector<std::string>& files) {
  if (spec == "iscx") return iscx();
  if (spec == "dirs") return from_dirs(roots, files);
  if (!fs::exists(spec))
    throw Error(fmt::format("--labels '{}': no such file (use iscx, dirs or the path of a CSV file)", spec));
  return from_csv(spec);
}

Labeler Labeler::iscx() {
  Labeler l;
  l.kind_ = Kind::iscx;
  l.classes_ = iscx_classes();
  for (const IscxFile& f : iscx_files()) l.by_name_.emplace(iscx_key(f.file_name), f.class_id);
  return l;
}

Labeler Labeler::from_csv(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error(fmt::format("{}: cannot open label file", path));
  struct PendingRule {
    std::string pattern, class_name;
  };
  std::vector<PendingRule> pending;
  std::set<std::string> names;
  std::string line;
  size_t line_no = 0;
  bool seen_row = false;
  while (std::getline(in, line)) {
    ++line_no;
    std::string_view view = trim(line);
    if (view.empty() || view.front() == '#') continue;
    std::vector<std::string> fields = split_csv_line(view, path, line_no);
    if (fields.size() != 2)
      throw Error(fmt::format("{}:{}: expected 2 fields 'pattern,class', found {}", path, line_no, fields.size()));
    if (!seen_row && lower(fields[1]) == "class") {  // optional header
      seen_row = true;
      continue;
    }
    seen_row = true;
    if (fields[0].empty()) throw Error(fmt::format("{}:{}: empty pattern", path, line_no));
    std::string class_name = canonical_class_name(fields[1]);
    if (!class_name.empty()) names.insert(class_name);
    pending.push_back({fields[0], class_name});
  }
  if (in.bad()) throw Error(fmt::format("{}: read error", path));
  if (names.empty()) throw Error(fmt::format("{}: no class names (rows are 'pattern,class')", path));
  Labeler l;
  l.kind_ = Kind::csv;
  l.classes_ = order_classes(names);
  for (size_t i = 0; i < l.classes_.size(); ++i) l.by_name_.emplace(l.classes_[i], static_cast<int32_t>(i));
  for (auto& r : pending)
    l.rules_.push_back({std::move(r.pattern), r.class_name.empty() ? -1 : l.by_name_.at(r.class_name)});
  return l;
}

Labeler Labeler::from_dirs(const std::vector<std::string>& roots, const std::vector<std::string>& files) {
  Labeler l;
  l.kind_ = Kind::dirs;
  for (const auto& r : roots) l.roots_.push_back(normal_path(r).string());
  std::set<std::string> names;
  for (const auto& f : files) {
    std::string name = l.directory_class(f);
    if (!name.empty()) names.insert(name);
  }
  if (names.empty()) throw Error("--labels dirs: the inputs are not inside any directory to take a class name from");
  l.classes_ = order_classes(names);
  for (size_t i = 0; i < l.classes_.size(); ++i) l.by_name_.emplace(l.classes_[i], static_cast<int32_t>(i));
  return l;
}

std::string Labeler::directory_class(const std::string& path) const {
  fs::path p = normal_path(path);
  // The deepest root that contains the file.
  fs::path best_rel;
  size_t best_len = 0;
  for (const auto& root : roots_) {
    fs::path rel = p.lexically_relative(root);
    if (rel.empty() || *rel.begin() == "..") continue;
    if (root.size() >= best_len) {
      best_len = root.size();
      best_rel = rel;
    }
  }
  std::string name;
  if (best_len > 0 && best_rel.has_parent_path()) {
    for (const auto& part : best_rel.parent_path()) {
      if (!name.empty()) name += '-';
      name += part.string();
    }
  } else {
    name = p.parent_path().filename().string();  // directly in a root, or given as a file
  }
  return canonical_class_name(name);
}

std::optional<int32_t> Labeler::label(const std::string& path) const {
  switch (kind_) {
    case Kind::iscx: {
      auto it = by_name_.find(iscx_key(fs::path(path).filename().string()));
      if (it == by_name_.end() || it->second < 0) return std::nullopt;
      return it->second;
    }
    case Kind::csv:
      for (const Rule& r : rules_) {
        if (!rule_matches(r.pattern, path)) continue;
        if (r.label < 0) return std::nullopt;
        return r.label;
      }
      return std::nullopt;
    case Kind::dirs: {
      auto it = by_name_.find(directory_class(path));
      if (it == by_name_.end()) return std::nullopt;
      return it->second;
    }
  }
  return std::nullopt;
}

}  // namespace flowspike::dataset
