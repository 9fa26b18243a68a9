// `flowspike extract`: captures (or FlowPic session CSVs) to a labelled HDF5
// dataset of sparse pictures. Trailing words form a tcpdump filter.
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "commands.h"
#include "flowspike/common/error.h"
#include "flowspike/dataset/extractor.h"
#include "flowspike/dataset/size_edges_file.h"
#include "option_checks.h"
#include "print_summaries.h"
#include "terminal.h"

namespace flowspike::cli {

namespace {

struct ExtractArgs {
  std::vector<std::string> read;          // -r values; words after the paths start the filter
  std::vector<std::string> flowpic_csv;   // --flowpic-csv values
  std::vector<std::string> filter;        // positional words
  std::string labels;
  std::string output;
  std::string preset = "paper";
  std::optional<double> window_s, step_s, min_span_s;
  std::optional<uint32_t> time_bins, min_packets;
  std::string size_edges;
  double idle_timeout_s = flow::FlowTableOptions{}.idle_timeout_s;
  double active_timeout_s = flow::FlowTableOptions{}.active_timeout_s;
  int compression = dataset::kDefaultCompression;
  bool keep_going = false;
  bool stats = false;
};

// A word of -r is an input if it names something on disk or looks like a path;
// the first word that does not starts the filter (`-r a.pcap tcp port 443`).
bool is_input_word(const std::string& word) {
  std::error_code ec;
  if (std::filesystem::exists(word, ec) || word.find('/') != std::string::npos) return true;
  for (const char* ext : {".pcap", ".pcapng", ".cap", ".csv"})
    if (word.ends_with(ext)) return true;
  return false;
}

dataset::ExtractOptions options_from(const ExtractArgs& args) {
  dataset::ExtractOptions o;
  std::vector<std::string> words;
  for (const auto& r : args.read) {
    if (words.empty() && is_input_word(r))
      o.inputs.push_back(r);
    else
      words.push_back(r);
  }
  words.insert(words.end(), args.filter.begin(), args.filter.end());
  for (const auto& w : words) o.bpf_filter += (o.bpf_filter.empty() ? "" : " ") + w;
  if (!args.flowpic_csv.empty()) {
    if (!o.inputs.empty()) throw Error("extract: give captures (-r) or FlowPic CSVs (--flowpic-csv), not both");
    o.inputs = args.flowpic_csv;
    o.format = dataset::InputFormat::flowpic_csv;
  }
  if (o.inputs.empty()) throw Error("extract: no inputs (-r CAPTURE... or --flowpic-csv FILE...)");
  o.labels = args.labels;

  o.preset = features::Preset::named(args.preset);
  if (args.window_s) o.preset.window.length_s = *args.window_s;
  if (args.step_s) o.preset.window.step_s = *args.step_s;
  if (args.min_span_s) o.preset.window.min_span_s = *args.min_span_s;
  if (args.min_packets) o.preset.window.min_packets = *args.min_packets;
  if (args.time_bins) o.preset.picture.time_bins = *args.time_bins;
  if (!args.size_edges.empty()) o.preset.picture.size_edges = dataset::load_size_edges(args.size_edges);
  o.flow_table.idle_timeout_s = args.idle_timeout_s;
  o.flow_table.active_timeout_s = args.active_timeout_s;
  o.compression = args.compression;
  o.keep_going = args.keep_going;
  return o;
}

void run_extract(const ExtractArgs& args) {
  // Other commands read "-" as stdout; an HDF5 file cannot go there, so say so rather than create a file "-".
  if (args.output == "-")
    throw Error("extract: -o -: a dataset cannot be written to stdout (HDF5 needs a file it can seek in); give a "
                "file name (./- if you mean a file called '-')");
  dataset::ExtractOptions options = options_from(args);
  ProgressBar bar("extract");
  dataset::ExtractResult result = dataset::extract(options, args.output, [&](const dataset::ExtractProgress& p) {
    bar.update(p.fraction, fmt::format("file {}/{}, {} packets, {} windows", std::min(p.files_done + 1, p.files_total),
                                       p.files_total, p.packets, p.windows));
  });
  bar.finish();

  print_extract_summary(result, options, args.output);
  warn_about_captures(result.captures);
  if (!result.unlabelled.empty()) {
    std::string names;
    for (size_t i = 0; i < result.unlabelled.size() && i < 5; ++i)
      names += (i ? ", " : "") + std::filesystem::path(result.unlabelled[i]).filename().string();
    if (result.unlabelled.size() > 5) names += ", ...";
    warn(fmt::format("{} of {} captures have no label from '{}' ({}); their {} windows were skipped",
                     result.unlabelled.size(), result.files, args.labels, names, result.windows_unlabelled));
  }
  if (args.stats) print_parse_report(result.report);
  warn_if_dropped(result.report, args.stats);
  if (result.windows_written == 0) warn("no windows were written: the dataset is empty");
}

}  // namespace

void add_extract(CLI::App& app) {
  auto args = std::make_shared<ExtractArgs>();
  auto* cmd = app.add_subcommand(
      "extract",
      "Turn captures into a labelled HDF5 dataset of flow pictures (60 s windows every 15 s,\n"
      "time x size histograms). Trailing words are a tcpdump filter, e.g.\n"
      "`flowspike extract -r iscx/ --labels iscx -o data.h5 tcp or udp`. See docs/dataset.md.");
  cmd->add_option("-r,--read", args->read, "capture files or directories (pcap, pcapng); all *.csv: FlowPic input")
      ->expected(1, -1);
  cmd->add_option("--flowpic-csv", args->flowpic_csv, "FlowPic per-session CSV files or directories")
      ->expected(1, -1);
  cmd->add_option("--labels", args->labels, "iscx (built-in file-name map), dirs (class = directory), or a CSV of rules")
      ->required();
  cmd->add_option("-o,--output", args->output, "the dataset file to write (HDF5)")->required();
  cmd->add_option("--preset", args->preset, "paper (default), authors or uniform")
      ->check(CLI::IsMember(features::Preset::names()));
  cmd->add_option("--window", args->window_s, "window length, seconds (60)")->check(seconds_check(false));
  cmd->add_option("--step", args->step_s, "distance between window starts, seconds (15)")->check(seconds_check(false));
  cmd->add_option("--time-bins", args->time_bins, "time bins per window (300)")->check(CLI::Range(1, 65535));
  cmd->add_option("--min-packets", args->min_packets, "keep windows with at least this many packets each way (10)");
  cmd->add_option("--min-span", args->min_span_s, "... whose packets span at least this long each way, seconds (40)")
      ->check(seconds_check(true));
  cmd->add_option("--size-edges", args->size_edges, "authors, uniform, or a file with one direction's edges");
  cmd->add_option("--idle-timeout", args->idle_timeout_s, "seconds without a packet that end a flow (120)")
      ->check(seconds_check(false));
  cmd->add_option("--active-timeout", args->active_timeout_s, "seconds after which a flow is cut (1800)")
      ->check(seconds_check(false));
  cmd->add_option("--compression", args->compression,
                  "deflate level of the file, 0 (none: larger file, faster) to 9 (default 1)")
      ->check(CLI::Range(0, 9));
  cmd->add_flag("--keep-going", args->keep_going, "skip files that cannot be read instead of failing");
  cmd->add_flag("--stats", args->stats, "print the parse report: packets read, used, dropped by reason");
  cmd->add_option("filter", args->filter, "tcpdump filter expression");
  cmd->callback([args] { run_extract(*args); });
}

}  // namespace flowspike::cli
