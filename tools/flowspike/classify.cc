// `flowspike classify`: runs a trained model over captures and writes one
// record per window or per flow (CSV or JSON lines), with a summary on
// stderr. Trailing words form a tcpdump filter.
#include <chrono>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "commands.h"
#include "flowspike/capture/packet_source.h"
#include "flowspike/classify/capture_run.h"
#include "flowspike/classify/classifier.h"
#include "flowspike/classify/record_writer.h"
#include "flowspike/common/atomic_file.h"
#include "flowspike/common/error.h"
#include "flowspike/model/model.h"
#include "option_checks.h"
#include "print_summaries.h"
#include "terminal.h"

namespace flowspike::cli {

namespace {

struct ClassifyArgs {
  std::string model;
  std::vector<std::string> read;    // -r values; the first word that is not a capture starts the filter
  std::vector<std::string> filter;  // positional words after the model
  std::string output = "-";
  std::string format = "csv";
  std::string per = "window";
  unsigned threads = 0;
  double idle_timeout_s = flow::FlowTableOptions{}.idle_timeout_s;
  double active_timeout_s = flow::FlowTableOptions{}.active_timeout_s;
  bool stats = false;
  bool keep_going = false;
};

bool is_capture_word(const std::string& word) {
  std::error_code ec;
  if (std::filesystem::exists(word, ec) || word.find('/') != std::string::npos) return true;
  for (const char* ext : {".pcap", ".pcapng", ".cap"})
    if (word.ends_with(ext)) return true;
  return false;
}

std::string join(const std::vector<std::string>& words, const char* sep) {
  std::string out;
  for (const auto& w : words) out += (out.empty() ? "" : sep) + w;
  return out;
}

void print_stats(const classify::Classifier& classifier, const capture::ParseReport& report, double seconds) {
  const classify::ClassifyCounts& c = classifier.counts();
  print_parse_report(report);
  print_flow_table_stats(c.table);
  fmt::print(stderr, "windows considered  {:>12}\n", c.cutter.windows_considered);
  fmt::print(stderr, "  kept              {:>12}\n", c.cutter.windows_kept);
  fmt::print(stderr, "  too few packets   {:>12}\n", c.cutter.rejected_packets);
  fmt::print(stderr, "  span too short    {:>12}\n", c.cutter.rejected_span);
  if (c.windows > 0)
    fmt::print(stderr, "per window          {:>12.1f} input events, {:.1f} hidden spikes\n",
               static_cast<double>(c.input_events) / static_cast<double>(c.windows),
               static_cast<double>(c.hidden_spikes) / static_cast<double>(c.windows));
  if (seconds > 0)
    fmt::print(stderr, "throughput          {:>12.0f} packets/s, {:.0f} windows/s\n",
               static_cast<double>(report.packets_read) / seconds, static_cast<double>(c.windows) / seconds);
}

void run_classify(const ClassifyArgs& args) {
  const auto started = std::chrono::steady_clock::now();
  std::vector<std::string> paths, words;
  for (const auto& r : args.read) {
    if (words.empty() && is_capture_word(r)) paths.push_back(r);
    else words.push_back(r);
  }
  words.insert(words.end(), args.filter.begin(), args.filter.end());
  if (paths.empty()) throw Error("classify: no capture files given (-r FILE...)");

  const model::Model model = model::load_model(args.model);
  const auto format = classify::record_format_from_string(args.format);
  const auto per = classify::record_unit_from_string(args.per);

  capture::SourceOptions source_options;
  source_options.paths = paths;
  source_options.bpf_filter = join(words, " ");
  source_options.keep_going = args.keep_going;
  capture::PacketSource source(source_options);
  std::vector<std::string> capture_paths;
  for (const auto& c : source.captures()) capture_paths.push_back(c.path);

  OutputStream out(args.output);
  classify::RecordWriterOptions writer_options;
  writer_options.format = format;
  writer_options.per = per;
  writer_options.hold_until_window = out.is_stdout();
  classify::RecordWriter writer(out.stream(), writer_options, model.classes,
                                eval::parse_taxonomy(model.classes), capture_paths);

  classify::ClassifierOptions options;
  options.threads = args.threads;
  options.flow_table.idle_timeout_s = args.idle_timeout_s;
  options.flow_table.active_timeout_s = args.active_timeout_s;
  classify::Classifier classifier(model, args.model, options, writer);

  ProgressBar progress("classify");
  classify::classify_source(source, classifier, [&](const classify::RunProgress& p) {
    progress.update(p.fraction, fmt::format("{} packets, {} windows, {} live flows", p.packets, p.windows,
                                            p.live_flows));
  });
  progress.finish();

  capture::ParseReport report = source.report();
  report.merge(classifier.counts().pictures);
  warn_about_captures(source.captures());
  classify::require_windows(classifier.counts(), report, classifier.preset(), join(paths, ", "));
  out.commit();

  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  print_classify_summary(stderr, classifier, report, seconds);
  if (args.stats) print_stats(classifier, report, seconds);
  warn_if_dropped(report, args.stats);
}

}  // namespace

void add_classify(CLI::App& app) {
  auto args = std::make_shared<ClassifyArgs>();
  auto* cmd = app.add_subcommand(
      "classify",
      "Classify the traffic of captures with a trained model: flows are cut into the model's windows,\n"
      "each window is classified, and each flow gets the majority of its windows. Flows too short for\n"
      "a window are reported as 'unknown' with the reason. Trailing words are a tcpdump filter, e.g.\n"
      "`flowspike classify model.h5 -r a.pcap tcp port 443`.");
  cmd->add_option("model", args->model, "model file written by `flowspike train`")->required();
  cmd->add_option("-r,--read", args->read, "capture files or directories (pcap, pcapng)")->required()->expected(1, -1);
  cmd->add_option("-w,--write", args->output, "output file (written when the run succeeds), or - for stdout (default)");
  cmd->add_option("--format", args->format, "csv (default) or jsonl")->check(CLI::IsMember({"csv", "jsonl"}));
  cmd->add_option("--per", args->per,
                  "window (default): one record per window, plus one per unknown flow; flow: one record per flow")
      ->check(CLI::IsMember({"window", "flow"}));
  cmd->add_option("--threads", args->threads, "inference threads (default: all cores)");
  cmd->add_option("--idle-timeout", args->idle_timeout_s,
                  "seconds without a packet that end a flow (120; use the value the training data was extracted with)")
      ->check(seconds_check(false));
  cmd->add_option("--active-timeout", args->active_timeout_s, "seconds after which a flow is cut (1800)")
      ->check(seconds_check(false));
  cmd->add_flag("--stats", args->stats, "print packet, flow and window counts, why packets were dropped, and speed");
  cmd->add_flag("--keep-going", args->keep_going, "skip captures that cannot be read instead of failing");
  cmd->add_option("filter", args->filter, "tcpdump filter expression");
  cmd->callback([args] { run_classify(*args); });
}

}  // namespace flowspike::cli
