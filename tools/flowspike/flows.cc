// `flowspike flows`: one record per bidirectional flow of the given captures,
// as CSV, JSON lines or FlowPic session rows, optionally with each flow's
// per-packet series. Trailing words form a tcpdump filter.
#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "commands.h"
#include "flowspike/capture/packet_source.h"
#include "flowspike/common/atomic_file.h"
#include "flowspike/common/error.h"
#include "flowspike/common/interrupt.h"
#include "flowspike/flow/flow_export.h"
#include "flowspike/flow/flow_table.h"
#include "option_checks.h"
#include "print_summaries.h"
#include "terminal.h"

namespace flowspike::cli {

namespace {

struct FlowsArgs {
  std::vector<std::string> read;    // -r values; trailing words that are not paths start the filter
  std::vector<std::string> filter;  // positional words after the options
  std::string output = "-";
  std::string format = "csv";
  bool series = false;
  double idle_timeout_s = flow::FlowTableOptions{}.idle_timeout_s;
  double active_timeout_s = flow::FlowTableOptions{}.active_timeout_s;
  bool no_tcp_close = false;
  bool stats = false;
  bool keep_going = false;
};

bool looks_like_path(const std::string& word) {
  if (std::filesystem::exists(word)) return true;
  for (const char* ext : {".pcap", ".pcapng", ".cap", ".dmp", ".gz"})
    if (word.size() > std::string(ext).size() && word.ends_with(ext)) return true;
  return word.find('/') != std::string::npos;
}

void run_flows(const FlowsArgs& args) {
  // tcpdump style: `-r a.pcap b.pcap tcp port 443` reads two files with filter "tcp port 443".
  std::vector<std::string> paths;
  std::vector<std::string> words;
  for (const auto& r : args.read) {
    if (words.empty() && looks_like_path(r)) paths.push_back(r);
    else words.push_back(r);
  }
  words.insert(words.end(), args.filter.begin(), args.filter.end());
  if (paths.empty()) throw Error("flows: no capture files given (-r FILE...)");
  std::string filter;
  for (const auto& w : words) filter += (filter.empty() ? "" : " ") + w;

  capture::SourceOptions source_options;
  source_options.paths = paths;
  source_options.bpf_filter = filter;
  source_options.keep_going = args.keep_going;
  capture::PacketSource source(source_options);

  std::vector<std::string> capture_paths;
  for (const auto& c : source.captures()) capture_paths.push_back(c.path);

  flow::FlowTableOptions table_options;
  table_options.idle_timeout_s = args.idle_timeout_s;
  table_options.active_timeout_s = args.active_timeout_s;
  table_options.tcp_close = !args.no_tcp_close;

  OutputStream out(args.output);
  flow::FlowExporter exporter(out.stream(), {flow::flow_format_from_string(args.format), args.series},
                              capture_paths);
  flow::FlowTable table(table_options, exporter);

  ProgressBar progress("flows");
  capture::Packet packet;
  uint64_t n = 0;
  while (source.next(packet)) {
    table.add(packet);
    if ((++n & 0xFFFF) == 0) {
      throw_if_interrupted();
      progress.update(source.progress(), fmt::format("{} packets, {} live flows", n, table.live_flows()));
    }
  }
  table.flush();
  progress.finish();
  out.commit();

  warn_about_captures(source.captures());
  if (exporter.flows_skipped() > 0)
    warn(fmt::format("{} flows that are neither TCP nor UDP are not in the FlowPic output",
                     exporter.flows_skipped()));
  if (args.stats) {
    print_parse_report(source.report());
    print_flow_table_stats(table.stats());
  }
  warn_if_dropped(source.report(), args.stats);
}

}  // namespace

void add_flows(CLI::App& app) {
  auto args = std::make_shared<FlowsArgs>();
  auto* cmd = app.add_subcommand(
      "flows",
      "List the bidirectional flows of captures: one record per flow (5-tuple, first/last time,\n"
      "packets and bytes each way, duration, why it ended), optionally with its per-packet series.\n"
      "Trailing words are a tcpdump filter, e.g. `flowspike flows -r a.pcap tcp port 443`.");
  cmd->add_option("-r,--read", args->read, "capture files or directories (pcap, pcapng)")
      ->required()
      ->expected(1, -1);
  cmd->add_option("-w,--write", args->output, "output file, or - for stdout (default)");
  cmd->add_option("--format", args->format, "csv (default), jsonl, or flowpic (FlowPic session CSV rows)")
      ->check(CLI::IsMember({"csv", "jsonl", "flowpic"}));
  cmd->add_flag("--series", args->series, "add each flow's per-packet times, sizes and directions");
  cmd->add_option("--idle-timeout", args->idle_timeout_s, "seconds without a packet that end a flow (120)")
      ->check(seconds_check(false));
  cmd->add_option("--active-timeout", args->active_timeout_s, "seconds after which a flow is cut (1800)")
      ->check(seconds_check(false));
  cmd->add_flag("--no-tcp-close", args->no_tcp_close,
                "do not end TCP flows at FIN both ways or RST (one record per conversation)");
  cmd->add_flag("--stats", args->stats, "print packet and flow counts, and why packets were dropped");
  cmd->add_flag("--keep-going", args->keep_going, "skip files that cannot be read instead of failing");
  cmd->add_option("filter", args->filter, "tcpdump filter expression");
  cmd->callback([args] { run_flows(*args); });
}

}  // namespace flowspike::cli
