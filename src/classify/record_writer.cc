#include "flowspike/classify/record_writer.h"

#include <iterator>
#include <ostream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "flowspike/common/error.h"
#include "flowspike/report/predictions_csv.h"

namespace flowspike::classify {

namespace {

// Seconds since the epoch rounded to microseconds, e.g. 1455555555.123457.
std::string epoch_seconds(int64_t ns) {
  const int64_t us = ns >= 0 ? (ns + 500) / 1000 : -((-ns + 500) / 1000);
  const int64_t s = us >= 0 ? us / 1'000'000 : -((-us + 999'999) / 1'000'000);
  return fmt::format("{}.{:06d}", s, us - s * 1'000'000);
}

std::string json_string(const std::string& s) { return nlohmann::json(s).dump(); }

}  // namespace

RecordFormat record_format_from_string(const std::string& name) {
  if (name == "csv") return RecordFormat::csv;
  if (name == "jsonl") return RecordFormat::jsonl;
  throw Error(fmt::format("unknown output format '{}' (choose csv or jsonl)", name));
}

RecordUnit record_unit_from_string(const std::string& name) {
  if (name == "window") return RecordUnit::window;
  if (name == "flow") return RecordUnit::flow;
  throw Error(fmt::format("unknown record unit '{}' (choose window or flow)", name));
}

RecordWriter::RecordWriter(std::ostream& out, RecordWriterOptions options, std::vector<std::string> classes,
                           eval::Taxonomy taxonomy, std::vector<std::string> capture_paths)
    : out_(out),
      options_(options),
      classes_(std::move(classes)),
      taxonomy_(std::move(taxonomy)),
      capture_paths_(std::move(capture_paths)),
      holding_(options.hold_until_window) {
  header();
}

void RecordWriter::header() {
  if (options_.format != RecordFormat::csv) return;
  line_ = "capture,flow_id,proto,src,sport,dst,dport,";
  line_ += options_.per == RecordUnit::window
               ? "window,start_s,"
               : "first_s,last_s,packets_fwd,packets_bwd,bytes_fwd,bytes_bwd,end,windows,votes,";
  line_ += "class,category,encryption,probability,reason_code,reason";
  for (const std::string& c : classes_) {
    line_ += ',';
    line_ += report::csv_field(fmt::format("prob:{}", c));
  }
  finish_line();
  records_ = 0;  // the header is not a record
}

void RecordWriter::on_window(const WindowPrediction& w) {
  if (holding_) {
    holding_ = false;
    out_ << held_;
    held_.clear();
    held_.shrink_to_fit();
  }
  if (options_.per != RecordUnit::window) return;
  line_.clear();
  endpoints(w.flow);
  if (options_.format == RecordFormat::csv) {
    fmt::format_to(std::back_inserter(line_), "{},{},", w.index, epoch_seconds(w.start_ns));
  } else {
    fmt::format_to(std::back_inserter(line_), ",\"window\":{},\"start_s\":{}", w.index, epoch_seconds(w.start_ns));
  }
  verdict(w.predicted, w.probabilities);
  finish_line();
}

void RecordWriter::on_flow(const FlowPrediction& f) {
  if (options_.per == RecordUnit::window && !f.unknown()) return;
  line_.clear();
  endpoints(f.flow);
  const flow::FlowRecord& r = f.flow;
  if (options_.per == RecordUnit::window) {
    // An unknown flow among window records: no window index, the flow's start.
    if (options_.format == RecordFormat::csv)
      fmt::format_to(std::back_inserter(line_), ",{},", epoch_seconds(r.first_ns));
    else
      fmt::format_to(std::back_inserter(line_), ",\"window\":null,\"start_s\":{}", epoch_seconds(r.first_ns));
  } else if (options_.format == RecordFormat::csv) {
    fmt::format_to(std::back_inserter(line_), "{},{},{},{},{},{},{},{},{},", epoch_seconds(r.first_ns),
                   epoch_seconds(r.last_ns), r.packets[0], r.packets[1], r.bytes[0], r.bytes[1],
                   flow::flow_end_name(r.end), f.windows, f.votes);
  } else {
    fmt::format_to(std::back_inserter(line_),
                   ",\"first_s\":{},\"last_s\":{},\"packets\":[{},{}],\"bytes\":[{},{}],\"end\":\"{}\","
                   "\"windows\":{},\"votes\":{}",
                   epoch_seconds(r.first_ns), epoch_seconds(r.last_ns), r.packets[0], r.packets[1], r.bytes[0],
                   r.bytes[1], flow::flow_end_name(r.end), f.windows, f.votes);
  }
  if (f.unknown()) unknown_verdict(f);
  else verdict(f.predicted, f.mean_probabilities);
  finish_line();
}

void RecordWriter::endpoints(const flow::FlowRecord& f) {
  if (options_.format == RecordFormat::csv) {
    fmt::format_to(std::back_inserter(line_), "{},{},{},{},{},{},{},", report::csv_field(capture_name(f.capture)),
                   f.id, f.proto, f.src.to_string(), f.sport, f.dst.to_string(), f.dport);
  } else {
    fmt::format_to(std::back_inserter(line_),
                   "{{\"capture\":{},\"flow_id\":{},\"proto\":{},\"src\":\"{}\",\"sport\":{},\"dst\":\"{}\",\"dport\":{}",
                   json_string(capture_name(f.capture)), f.id, f.proto, f.src.to_string(), f.sport,
                   f.dst.to_string(), f.dport);
  }
}

void RecordWriter::verdict(int32_t predicted, const std::vector<float>& probabilities) {
  const auto k = static_cast<size_t>(predicted);
  const std::string& name = classes_[k];
  const std::string category = taxonomy_.structured ? taxonomy_.categories[static_cast<size_t>(taxonomy_.class_category[k])] : "";
  const std::string encryption =
      taxonomy_.structured ? taxonomy_.encryptions[static_cast<size_t>(taxonomy_.class_encryption[k])] : "";
  if (options_.format == RecordFormat::csv) {
    fmt::format_to(std::back_inserter(line_), "{},{},{},{:.4f},,", report::csv_field(name),
                   report::csv_field(category), report::csv_field(encryption), probabilities[k]);
    for (float p : probabilities) fmt::format_to(std::back_inserter(line_), ",{:.4f}", p);
    return;
  }
  fmt::format_to(std::back_inserter(line_), ",\"class\":{},", json_string(name));
  if (taxonomy_.structured)
    fmt::format_to(std::back_inserter(line_), "\"category\":{},\"encryption\":{},", json_string(category),
                   json_string(encryption));
  fmt::format_to(std::back_inserter(line_), "\"probability\":{:.4f},\"probabilities\":{{", probabilities[k]);
  for (size_t c = 0; c < classes_.size(); ++c)
    fmt::format_to(std::back_inserter(line_), "{}{}:{:.4f}", c ? "," : "", json_string(classes_[c]), probabilities[c]);
  line_ += "}}";
}

void RecordWriter::unknown_verdict(const FlowPrediction& f) {
  if (options_.format == RecordFormat::csv) {
    fmt::format_to(std::back_inserter(line_), "{},,,,{},{}", kUnknownClass, unknown_reason_name(f.reason),
                   report::csv_field(f.reason_text));
    for (size_t c = 0; c < classes_.size(); ++c) line_ += ',';
    return;
  }
  fmt::format_to(std::back_inserter(line_), ",\"class\":\"{}\",\"reason_code\":\"{}\",\"reason\":{}}}", kUnknownClass,
                 unknown_reason_name(f.reason), json_string(f.reason_text));
}

void RecordWriter::finish_line() {
  line_ += '\n';
  if (holding_) held_ += line_;
  else out_ << line_;
  line_.clear();
  ++records_;
}

const std::string& RecordWriter::capture_name(int32_t capture) const {
  static const std::string kNone;
  if (capture < 0 || static_cast<size_t>(capture) >= capture_paths_.size()) return kNone;
  return capture_paths_[static_cast<size_t>(capture)];
}

}  // namespace flowspike::classify
