// `flowspike inspect FILE...`: what is in a set of captures. Per file and in
// total: format, link type, time span, the parse report (packets read, used,
// filtered, dropped by reason, timestamps going backwards) and the number of
// flows with the given timeouts. `--json` prints the same as one JSON document.
#include <ctime>
#include <limits>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "commands.h"
#include "flowspike/capture/packet_source.h"
#include "flowspike/common/error.h"
#include "flowspike/common/interrupt.h"
#include "flowspike/flow/flow_table.h"
#include "option_checks.h"
#include "print_summaries.h"
#include "terminal.h"

namespace flowspike::cli {
namespace {

using capture::CaptureInfo;
using capture::ParseReport;

struct InspectArgs {
  std::vector<std::string> paths;
  std::string filter;
  bool keep_going = false;
  bool json = false;
  flow::FlowTableOptions flows;
};

// Counts the flows that end, per capture file.
class FlowCounter : public flow::FlowListener {
 public:
  void on_packet(const flow::FlowRecord&, uint32_t, const capture::Packet&, capture::Direction) override {}
  void on_flow_end(const flow::FlowRecord& flow, uint32_t) override {
    auto index = static_cast<size_t>(flow.capture);
    if (index >= per_capture.size()) per_capture.resize(index + 1, 0);
    ++per_capture[index];
  }
  uint64_t flows_of(size_t capture) const { return capture < per_capture.size() ? per_capture[capture] : 0; }

  std::vector<uint64_t> per_capture;
};

// "2018-01-17 20:18:44.248485 UTC"
std::string utc_time(int64_t ns) {
  auto seconds = static_cast<std::time_t>(ns >= 0 ? ns / 1'000'000'000 : (ns - 999'999'999) / 1'000'000'000);
  int64_t micros = (ns - int64_t{seconds} * 1'000'000'000) / 1000;
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  return fmt::format("{:04}-{:02}-{:02} {:02}:{:02}:{:02}.{:06} UTC", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                     tm.tm_hour, tm.tm_min, tm.tm_sec, micros);
}

double span_s(int64_t first_ns, int64_t last_ns) { return static_cast<double>(last_ns - first_ns) * 1e-9; }

std::string dropped_text(const ParseReport& r) {
  std::string text;
  for (size_t i = 0; i < capture::kDropReasonCount; ++i) {
    if (r.dropped[i] == 0) continue;
    if (!text.empty()) text += ", ";
    text += fmt::format("{} {}", capture::drop_reason_name(static_cast<capture::DropReason>(i)), r.dropped[i]);
  }
  return text;
}

void print_counts(const ParseReport& r, uint64_t flows) {
  fmt::print("  packets   {} read, {} used, {} filtered, {} dropped\n", r.packets_read, r.packets_used,
             r.packets_filtered, r.total_dropped());
  if (r.total_dropped() > 0) fmt::print("  dropped   {}\n", dropped_text(r));
  if (r.timestamps_backwards > 0)
    fmt::print("  notice    {} timestamps going backwards (packets earlier than the one before them; kept)\n",
               r.timestamps_backwards);
  fmt::print("  flows     {}\n", flows);
}

void print_text(const std::vector<CaptureInfo>& captures, const FlowCounter& flows, const ParseReport& total) {
  int64_t first = std::numeric_limits<int64_t>::max(), last = std::numeric_limits<int64_t>::min();
  uint64_t total_flows = 0;
  size_t read = 0;
  for (size_t i = 0; i < captures.size(); ++i) {
    const CaptureInfo& c = captures[i];
    fmt::print("{}\n", c.path);
    if (c.skipped) {
      fmt::print("  skipped   {}\n\n", c.problem);
      continue;
    }
    ++read;
    fmt::print("  format    {}, link type {} ({})\n", c.format, c.link_type, c.link_type_code);
    if (c.packets > 0) {
      fmt::print("  time      {} .. {} ({:.3f} s)\n", utc_time(c.first_ns), utc_time(c.last_ns),
                 span_s(c.first_ns, c.last_ns));
      first = std::min(first, c.first_ns);
      last = std::max(last, c.last_ns);
    }
    print_counts(c.report, flows.flows_of(i));
    total_flows += flows.flows_of(i);
    if (!c.problem.empty()) fmt::print("  problem   {}\n", c.problem);
    fmt::print("\n");
  }
  fmt::print("total: {} capture{} read", read, read == 1 ? "" : "s");
  if (read != captures.size()) fmt::print(", {} skipped", captures.size() - read);
  fmt::print("\n");
  if (first <= last)
    fmt::print("  time      {} .. {} ({:.3f} s)\n", utc_time(first), utc_time(last), span_s(first, last));
  print_counts(total, total_flows);
}

nlohmann::ordered_json report_json(const ParseReport& r) {
  nlohmann::ordered_json dropped = nlohmann::ordered_json::object();
  for (size_t i = 0; i < capture::kDropReasonCount; ++i)
    dropped[std::string(capture::drop_reason_name(static_cast<capture::DropReason>(i)))] = r.dropped[i];
  return {{"packets_read", r.packets_read},
          {"packets_used", r.packets_used},
          {"packets_filtered", r.packets_filtered},
          {"packets_dropped", r.total_dropped()},
          {"dropped", dropped},
          {"timestamps_backwards", r.timestamps_backwards}};
}

void print_json(const std::vector<CaptureInfo>& captures, const FlowCounter& flows, const ParseReport& total) {
  nlohmann::ordered_json files = nlohmann::ordered_json::array();
  uint64_t total_flows = 0;
  for (size_t i = 0; i < captures.size(); ++i) {
    const CaptureInfo& c = captures[i];
    nlohmann::ordered_json j = {{"path", c.path},
                        {"format", c.format},
                        {"link_type", c.link_type},
                        {"link_type_code", c.link_type_code},
                        {"packets", c.packets},
                        {"first_ns", c.first_ns},
                        {"last_ns", c.last_ns},
                        {"duration_s", span_s(c.first_ns, c.last_ns)},
                        {"flows", flows.flows_of(i)},
                        {"truncated", c.truncated},
                        {"skipped", c.skipped},
                        {"problem", c.problem},
                        {"report", report_json(c.report)}};
    total_flows += flows.flows_of(i);
    files.push_back(std::move(j));
  }
  nlohmann::ordered_json doc = {{"captures", files},
                        {"total", {{"captures", captures.size()}, {"flows", total_flows}, {"report", report_json(total)}}}};
  fmt::print("{}\n", doc.dump(2));
}

void run_inspect(const InspectArgs& args) {
  capture::SourceOptions options;
  options.paths = args.paths;
  options.bpf_filter = args.filter;
  options.keep_going = args.keep_going;
  capture::PacketSource source(options);

  FlowCounter counter;
  flow::FlowTable table(args.flows, counter);
  ProgressBar progress("inspect");
  capture::Packet packet;
  uint64_t n = 0;
  while (source.next(packet)) {
    table.add(packet);
    if (++n % 65536 == 0) {
      throw_if_interrupted();
      progress.update(source.progress(), fmt::format("{} packets", n));
    }
  }
  table.flush();
  progress.finish();

  const std::vector<CaptureInfo>& captures = source.captures();
  warn_about_captures(captures);
  if (args.json)
    print_json(captures, counter, source.report());
  else
    print_text(captures, counter, source.report());
}

}  // namespace

void add_inspect(CLI::App& app) {
  auto args = std::make_shared<InspectArgs>();
  auto* cmd = app.add_subcommand("inspect",
                                 "Show what captures hold: format, link type, time span, packets read/used/dropped by "
                                 "reason, and flow counts, per file and in total");
  cmd->add_option("files,-r,--read", args->paths,
                  "Capture files (pcap, pcapng) or directories (searched recursively); -r as in the other commands")
      ->required();
  cmd->add_option("-f,--filter", args->filter, "Only packets matching this BPF filter (tcpdump syntax)");
  cmd->add_flag("-k,--keep-going", args->keep_going,
                "Skip files that cannot be read (with a warning) instead of stopping with an error");
  cmd->add_flag("--json", args->json, "Print one JSON document instead of text");
  cmd->add_option("--idle-timeout", args->flows.idle_timeout_s, "Flow idle timeout in seconds (for the flow count)")
      ->check(seconds_check(false))
      ->capture_default_str();
  cmd->add_option("--active-timeout", args->flows.active_timeout_s,
                  "Flow active timeout in seconds (for the flow count)")
      ->check(seconds_check(false))
      ->capture_default_str();
  cmd->callback([args] { run_inspect(*args); });
}

}  // namespace flowspike::cli
