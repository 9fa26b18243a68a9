#include "print_summaries.h"

#include <algorithm>
#include <map>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "flowspike/classify/prediction.h"
#include "flowspike/report/evaluation_tables.h"
#include "flowspike/report/table.h"
#include "terminal.h"

namespace flowspike::cli {

namespace {

std::string leaks(const train::EpochStats& e) { return fmt::format("{:.3f}/{:.3f}", e.beta1, e.beta2); }

// Right-aligned in `width` columns (fmt's alignment specs trip a g++ 12 warning).
std::string pad(const std::string& text, size_t width) {
  return text.size() >= width ? text : std::string(width - text.size(), ' ') + text;
}

}  // namespace

std::string percent(double fraction) { return fmt::format("{:.1f}%", 100 * fraction); }

void print_corpus_summary(const synth::CorpusSummary& summary, double seconds) {
  struct Row {
    int label = 0;
    size_t files = 0;
    uint64_t flows = 0, packets = 0, bytes = 0, windows = 0;
  };
  std::map<std::string, Row> rows;
  Row total;
  for (const auto& c : summary.captures) {
    Row& r = rows[c.class_name];
    r.label = c.label;
    ++r.files;
    r.flows += c.flows;
    r.packets += c.packets;
    r.bytes += c.bytes;
    r.windows += c.estimated_windows;
    ++total.files;
    total.flows += c.flows;
    total.packets += c.packets;
    total.bytes += c.bytes;
    total.windows += c.estimated_windows;
  }
  std::vector<std::pair<std::string, Row>> ordered(rows.begin(), rows.end());
  std::sort(ordered.begin(), ordered.end(), [](const auto& x, const auto& y) { return x.second.label < y.second.label; });
  fmt::print("{:<22} {:>5} {:>7} {:>10} {:>9} {:>8}\n", "class", "files", "flows", "packets", "IP MB", "windows");
  for (const auto& [name, r] : ordered)
    fmt::print("{:<22} {:>5} {:>7} {:>10} {:>9.1f} {:>8}\n", name, r.files, r.flows, r.packets, r.bytes / 1e6, r.windows);
  fmt::print("{:<22} {:>5} {:>7} {:>10} {:>9.1f} {:>8}\n", "total", total.files, total.flows, total.packets,
             total.bytes / 1e6, total.windows);
  fmt::print("windows: estimated for the paper preset (60 s every 15 s, >= 10 packets and >= 40 s each way)\n");
  fmt::print("wrote {} captures to {} in {:.1f} s; manifest: {}\n", total.files, summary.out_dir, seconds, summary.manifest);
}

void print_extract_summary(const dataset::ExtractResult& r, const dataset::ExtractOptions& o, const std::string& out) {
  const features::Preset& p = o.preset;
  fmt::print("wrote {}: {} windows of {} flows from {} {} ({} preset, {} time x {} size bins)\n", out,
             r.windows_written, r.flows_written, r.files,
             r.format == dataset::InputFormat::flowpic_csv ? "FlowPic CSV file(s)" : "capture(s)", p.name,
             p.picture.time_bins, p.picture.size_edges.size_bins());
  size_t width = 5;
  for (const auto& c : r.classes) width = std::max(width, c.size());
  fmt::print("  {:<{}}  {:>9}\n", "class", width, "windows");
  for (size_t i = 0; i < r.classes.size(); ++i)
    fmt::print("  {:<{}}  {:>9}\n", r.classes[i], width, r.windows_per_class[i]);
  fmt::print("windows: {} complete, {} kept, {} written; skipped: {} unlabelled, {} too few packets, {} span too short\n",
             r.windows_considered, r.windows_written + r.windows_unlabelled, r.windows_written, r.windows_unlabelled,
             r.windows_few_packets, r.windows_short_span);
  if (r.format == dataset::InputFormat::flowpic_csv)
    fmt::print("sessions: {} read, {} paired into flows, {} without a reverse session\n", r.sessions, r.session_pairs,
               r.session_singles);
}

void print_training_setup(const train::Trainer& t, const dataset::Dataset& data) {
  const train::TrainOptions& o = t.options();
  const snn::SnnParams& p = t.params();
  fmt::print("  {} windows: {} train, {} validation, {} test (split by {}, seed {}); {} classes\n", data.size(),
             t.split().train.size(), t.split().val.size(), t.split().test.size(), dataset::split_kind_name(o.split),
             o.seed, data.classes.size());
  fmt::print("  network {}x{} -> {} hidden -> {}, {} parameters{}{}{}; batch {}, lr {:g}, {} epoch{}\n",
             o.network.time_bins, o.network.inputs, o.network.hidden, o.network.classes, p.parameter_count(),
             o.network.beta_per_neuron ? ", leak per neuron" : "", o.network.beta_fixed_zero ? ", leak fixed at 0" : "",
             o.network.paper_text ? ", paper-text threshold" : "", o.batch, o.adam.lr, o.epochs,
             o.epochs == 1 ? "" : "s");
}

void print_epoch(const train::EpochStats& e, int32_t epochs) {
  fmt::print("epoch {}/{}  loss {:.4f}  train {}  val {} (loss {:.4f})  lr {:.2g}  beta {}  spikes {:.1f}  "
             "{:.0f} win/s  {:.1f} s{}\n",
             pad(std::to_string(e.epoch), std::to_string(epochs).size()), epochs, e.loss,
             pad(percent(e.train_accuracy), 6), pad(percent(e.val_accuracy), 6), e.val_loss, e.lr, leaks(e),
             e.spikes_per_window, e.windows_per_second, e.seconds, e.best ? "  *best*" : "");
  std::fflush(stdout);
}

std::string batch_progress_text(const train::BatchProgress& b) {
  return fmt::format("loss {:.4f}  acc {}  {:.0f} win/s", b.loss, percent(b.accuracy), b.windows_per_second);
}

void print_evaluation_tables(std::FILE* to, const eval::EvaluationResult& result) {
  for (const report::Table& t : report::evaluation_tables(result)) fmt::print(to, "{}\n", report::render_text(t));
}

void print_classify_summary(std::FILE* to, const classify::Classifier& classifier, const capture::ParseReport& report,
                            double seconds) {
  const classify::ClassifyCounts& c = classifier.counts();
  fmt::print(to, "classified {} packets: {} flows ({} with windows, {} unknown), {} windows in {:.2f} s\n",
             report.packets_used, c.flows, c.flows_classified, c.flows_unknown, c.windows, seconds);
  if (c.flows_unknown > 0) {
    std::string why;
    for (size_t r = 1; r < classify::kUnknownReasonCount; ++r)
      if (c.unknown_by_reason[r] > 0)
        why += fmt::format("{}{} {}", why.empty() ? "" : ", ", c.unknown_by_reason[r],
                           classify::unknown_reason_name(static_cast<classify::UnknownReason>(r)));
    fmt::print(to, "unknown flows: {}\n", why);
  }
  const auto& classes = classifier.classes();
  size_t width = 5;
  for (const auto& name : classes) width = std::max(width, name.size());
  fmt::print(to, "  {:<{}} {:>9} {:>7}\n", "class", width, "windows", "flows");
  for (size_t k = 0; k < classes.size(); ++k)
    if (c.windows_per_class[k] > 0 || c.flows_per_class[k] > 0)
      fmt::print(to, "  {:<{}} {:>9} {:>7}\n", classes[k], width, c.windows_per_class[k], c.flows_per_class[k]);
  fmt::print(to, "  {:<{}} {:>9} {:>7}\n", classify::kUnknownClass, width, "", c.flows_unknown);
}

void print_parse_report(const capture::ParseReport& r) {
  fmt::print(stderr, "packets read        {:>12}\n", r.packets_read);
  fmt::print(stderr, "  filtered out      {:>12}\n", r.packets_filtered);
  fmt::print(stderr, "  used              {:>12}\n", r.packets_used);
  fmt::print(stderr, "  dropped           {:>12}\n", r.total_dropped());
  for (size_t i = 0; i < capture::kDropReasonCount; ++i)
    if (r.dropped[i] > 0)
      fmt::print(stderr, "    {:<24}{:>10}\n", capture::drop_reason_name(static_cast<capture::DropReason>(i)),
                 r.dropped[i]);
  // Picture-stage counts, once per window picture a packet is in: not part of the packet sum above.
  if (r.sizes_clipped > 0)
    fmt::print(stderr, "sizes clipped       {:>12}  (above the last size edge, counted in the last bin; once per "
               "window picture)\n", r.sizes_clipped);
  if (r.sizes_dropped > 0)
    fmt::print(stderr, "sizes left out      {:>12}  (above the last size edge, left out of the window pictures by "
               "the authors preset; once per picture)\n", r.sizes_dropped);
  if (r.timestamps_backwards > 0)
    fmt::print(stderr, "time going back     {:>12}  (kept: earlier than the packet before them in their file)\n",
               r.timestamps_backwards);
}

void print_flow_table_stats(const flow::FlowTableStats& stats) {
  fmt::print(stderr, "flows               {:>12}\n", stats.flows_started);
  for (size_t i = 0; i < stats.flows_ended.size(); ++i)
    if (stats.flows_ended[i] > 0)
      fmt::print(stderr, "  {:<26}{:>10}\n", flow::flow_end_name(static_cast<flow::FlowEnd>(i)), stats.flows_ended[i]);
  fmt::print(stderr, "most live flows     {:>12}\n", stats.max_live_flows);
}

void warn_about_captures(const std::vector<capture::CaptureInfo>& captures) {
  for (const auto& c : captures) {
    if (c.skipped) warn(fmt::format("skipped {}: {}", c.path, c.problem));
    else if (!c.problem.empty()) warn(fmt::format("{}: {}", c.path, c.problem));  // truncated: says how far
  }
}

void warn_if_dropped(const capture::ParseReport& report, bool stats_shown) {
  if (report.total_dropped() > 0)
    warn(fmt::format("{} of {} packets were not used{}", report.total_dropped(), report.packets_read,
                     stats_shown ? "" : " (--stats shows why)"));
}

}  // namespace flowspike::cli
