#include "flowspike/flow/flow_export.h"

#include <cmath>
#include <filesystem>
#include <ostream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "flowspike/common/error.h"

namespace flowspike::flow {

namespace {

// Seconds since the epoch with nanosecond digits, e.g. 1455555555.123456789.
std::string epoch_seconds(int64_t ns) {
  int64_t s = ns >= 0 ? ns / 1'000'000'000 : -((-ns + 999'999'999) / 1'000'000'000);
  int64_t frac = ns - s * 1'000'000'000;
  return fmt::format("{}.{:09d}", s, frac);
}

// The same rounded to microseconds, e.g. 1455555555.123457.
std::string epoch_seconds_us(int64_t ns) {
  int64_t us = ns >= 0 ? (ns + 500) / 1000 : -((-ns + 500) / 1000);
  int64_t s = us >= 0 ? us / 1'000'000 : -((-us + 999'999) / 1'000'000);
  return fmt::format("{}.{:06d}", s, us - s * 1'000'000);
}

// A CSV field, quoted only when it must be (RFC 4180).
std::string csv_field(const std::string& s) {
  if (s.find_first_of(",\"\r\n") == std::string::npos) return s;
  std::string q = "\"";
  for (char c : s) {
    if (c == '"') q += '"';
    q += c;
  }
  return q + '"';
}

// Seconds rounded to microseconds, printed as Python's repr() prints a float
// (shortest round-trip digits, "0.0", "5e-05"), as FlowPic's CSVs carry them.
void append_python_seconds(std::string& out, int64_t delta_ns) {
  int64_t us = delta_ns >= 0 ? (delta_ns + 500) / 1000 : -((-delta_ns + 500) / 1000);
  std::string text = fmt::format("{}", static_cast<double>(us) / 1e6);
  if (text.find_first_of(".e") == std::string::npos) text += ".0";
  out += text;
}

std::string proto_name(uint8_t proto) {
  if (proto == capture::kProtoTcp) return "TCP";
  if (proto == capture::kProtoUdp) return "UDP";
  return std::to_string(proto);
}

}  // namespace

FlowFormat flow_format_from_string(const std::string& name) {
  if (name == "csv") return FlowFormat::csv;
  if (name == "jsonl") return FlowFormat::jsonl;
  if (name == "flowpic") return FlowFormat::flowpic;
  throw Error(fmt::format("unknown flow format '{}' (choose one of: csv, jsonl, flowpic)", name));
}

FlowExporter::FlowExporter(std::ostream& out, FlowExportOptions options, std::vector<std::string> capture_paths)
    : out_(out), options_(options), capture_paths_(std::move(capture_paths)) {
  if (options_.format == FlowFormat::flowpic) options_.series = true;
  for (const auto& path : capture_paths_) {
    std::string name = std::filesystem::path(path).filename().string();
    flowpic_names_.push_back(name.substr(0, name.find('.')));
  }
  if (options_.format == FlowFormat::csv) {
    out_ << "flow_id,capture,proto,src,sport,dst,dport,first_s,last_s,duration_s,"
            "packets_fwd,packets_bwd,bytes_fwd,bytes_bwd,end";
    if (options_.series) out_ << ",times_s,sizes,dirs";
    out_ << '\n';
  }
}

void FlowExporter::on_packet(const FlowRecord& /*flow*/, uint32_t slot, const capture::Packet& packet,
                             capture::Direction dir) {
  if (!options_.series) return;
  if (slot >= series_.size()) series_.resize(slot + 1);
  series_[slot].push_back(SeriesPoint{packet.ts_ns, packet.ip_len, dir});
}

void FlowExporter::on_flow_end(const FlowRecord& flow, uint32_t slot) {
  std::vector<SeriesPoint>* series = options_.series && slot < series_.size() ? &series_[slot] : nullptr;
  static const std::vector<SeriesPoint> kNone;
  switch (options_.format) {
    case FlowFormat::csv: write_csv(flow, series); break;
    case FlowFormat::jsonl: write_jsonl(flow, series); break;
    case FlowFormat::flowpic: write_flowpic(flow, series ? *series : kNone); break;
  }
  if (series) {
    series->clear();
    if (series->capacity() > 65536) series->shrink_to_fit();
  }
}

const std::string& FlowExporter::capture_name(int32_t capture) const {
  static const std::string kUnknown;
  if (capture < 0 || static_cast<size_t>(capture) >= capture_paths_.size()) return kUnknown;
  return capture_paths_[static_cast<size_t>(capture)];
}

void FlowExporter::write_csv(const FlowRecord& f, const std::vector<SeriesPoint>* series) {
  line_.clear();
  fmt::format_to(std::back_inserter(line_), "{},{},{},{},{},{},{},{},{},{:.9f},{},{},{},{},{}", f.id,
                 csv_field(capture_name(f.capture)), f.proto, f.src.to_string(), f.sport, f.dst.to_string(),
                 f.dport, epoch_seconds(f.first_ns), epoch_seconds(f.last_ns), f.duration_s(), f.packets[0],
                 f.packets[1], f.bytes[0], f.bytes[1], flow_end_name(f.end));
  if (series) {
    // Space-separated lists: seconds since the flow's first packet, IP sizes, 0 = forward / 1 = backward.
    line_ += ',';
    for (size_t i = 0; i < series->size(); ++i) {
      if (i) line_ += ' ';
      fmt::format_to(std::back_inserter(line_), "{:.6f}", static_cast<double>((*series)[i].ts_ns - f.first_ns) * 1e-9);
    }
    line_ += ',';
    for (size_t i = 0; i < series->size(); ++i) {
      if (i) line_ += ' ';
      fmt::format_to(std::back_inserter(line_), "{}", (*series)[i].size);
    }
    line_ += ',';
    for (size_t i = 0; i < series->size(); ++i) {
      if (i) line_ += ' ';
      line_ += (*series)[i].dir == capture::Direction::forward ? '0' : '1';
    }
  }
  line_ += '\n';
  out_ << line_;
  ++written_;
}

void FlowExporter::write_jsonl(const FlowRecord& f, const std::vector<SeriesPoint>* series) {
  line_.clear();
  fmt::format_to(std::back_inserter(line_),
                 "{{\"flow_id\":{},\"capture\":{},\"proto\":{},\"src\":\"{}\",\"sport\":{},\"dst\":\"{}\","
                 "\"dport\":{},\"first_s\":{},\"last_s\":{},\"duration_s\":{:.9f},\"packets\":[{},{}],"
                 "\"bytes\":[{},{}],\"end\":\"{}\"",
                 f.id, nlohmann::json(capture_name(f.capture)).dump(), f.proto, f.src.to_string(), f.sport,
                 f.dst.to_string(), f.dport, epoch_seconds(f.first_ns), epoch_seconds(f.last_ns), f.duration_s(),
                 f.packets[0], f.packets[1], f.bytes[0], f.bytes[1], flow_end_name(f.end));
  if (series) {
    line_ += ",\"times_s\":[";
    for (size_t i = 0; i < series->size(); ++i)
      fmt::format_to(std::back_inserter(line_), "{}{:.6f}", i ? "," : "",
                     static_cast<double>((*series)[i].ts_ns - f.first_ns) * 1e-9);
    line_ += "],\"sizes\":[";
    for (size_t i = 0; i < series->size(); ++i)
      fmt::format_to(std::back_inserter(line_), "{}{}", i ? "," : "", (*series)[i].size);
    line_ += "],\"dirs\":[";
    for (size_t i = 0; i < series->size(); ++i)
      fmt::format_to(std::back_inserter(line_), "{}{}", i ? "," : "",
                     (*series)[i].dir == capture::Direction::forward ? 0 : 1);
    line_ += ']';
  }
  line_ += "}\n";
  out_ << line_;
  ++written_;
}

void FlowExporter::write_flowpic(const FlowRecord& f, const std::vector<SeriesPoint>& series) {
  if (f.proto != capture::kProtoTcp && f.proto != capture::kProtoUdp) {
    ++skipped_;
    return;
  }
  const std::string& pcap = f.capture >= 0 && static_cast<size_t>(f.capture) < flowpic_names_.size()
                                ? flowpic_names_[static_cast<size_t>(f.capture)]
                                : capture_name(f.capture);
  for (auto dir : {capture::Direction::forward, capture::Direction::backward}) {
    if (f.packets[static_cast<size_t>(dir)] == 0) continue;
    const bool fwd = dir == capture::Direction::forward;
    int64_t start = 0;
    uint64_t n = 0;
    for (const auto& p : series)
      if (p.dir == dir && n++ == 0) start = p.ts_ns;
    line_.clear();
    // Fields: pcap name, source, source port, destination, destination port,
    // protocol, start time, N, N relative times, an empty field, N sizes.
    fmt::format_to(std::back_inserter(line_), "{},{},{},{},{},{},{},{}", csv_field(pcap),
                   (fwd ? f.src : f.dst).to_string(), fwd ? f.sport : f.dport, (fwd ? f.dst : f.src).to_string(),
                   fwd ? f.dport : f.sport, proto_name(f.proto), epoch_seconds_us(start), n);
    for (const auto& p : series)
      if (p.dir == dir) {
        line_ += ',';
        append_python_seconds(line_, p.ts_ns - start);
      }
    line_ += ',';
    for (const auto& p : series)
      if (p.dir == dir) fmt::format_to(std::back_inserter(line_), ",{}", p.size);
    line_ += "\r\n";
    out_ << line_;
  }
  ++written_;
}

}  // namespace flowspike::flow
