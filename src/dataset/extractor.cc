#include "flowspike/dataset/extractor.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <condition_variable>
#include <deque>
#include <exception>
#include <filesystem>
#include <mutex>
#include <thread>
#include <unordered_map>

#include <fmt/format.h>

#include "flowspike/common/error.h"
#include "flowspike/common/interrupt.h"
#include "flowspike/dataset/dataset_writer.h"
#include "flowspike/dataset/flowpic_csv.h"
#include "flowspike/dataset/labels.h"
#include "flowspike/features/picture_builder.h"
#include "flowspike/flow/window_cutter.h"

namespace flowspike::dataset {
namespace {

namespace fs = std::filesystem;

constexpr size_t kBatchPackets = 4096;  // packets handed from the reader thread at a time
constexpr size_t kMaxBatches = 8;       // batches read ahead: bounds the reader's memory
constexpr size_t kProgressEvery = 8;    // batches between progress reports and interrupt checks

// Runs a PacketSource on its own thread and hands its packets over in batches,
// so reading and parsing overlap with flows, windows and pictures. The source
// belongs to the reader thread until join(); only then may its report and
// captures be read.
class PacketReader {
 public:
  explicit PacketReader(capture::PacketSource& source) : source_(source), thread_([this] { run(); }) {}

  ~PacketReader() {
    {
      std::lock_guard lock(mutex_);
      stop_ = true;
    }
    changed_.notify_all();
    if (thread_.joinable()) thread_.join();
  }

  // Replaces `batch` with the next packets; false when the source is done.
  // Rethrows what the reader thread threw.
  bool next(std::vector<capture::Packet>& batch) {
    std::unique_lock lock(mutex_);
    changed_.wait(lock, [this] { return !full_.empty() || done_; });
    if (full_.empty()) {
      if (error_) std::rethrow_exception(error_);
      return false;
    }
    batch.swap(full_.front());
    spare_.push_back(std::move(full_.front()));  // the consumed batch goes back to the reader
    full_.pop_front();
    lock.unlock();
    changed_.notify_all();
    return true;
  }

  // Waits for the reader thread to end; the source is the caller's again.
  void join() {
    if (thread_.joinable()) thread_.join();
  }

  double progress() const { return progress_.load(std::memory_order_relaxed); }

 private:
  void run() {
    try {
      std::vector<capture::Packet> batch;
      capture::Packet packet;
      bool more = true;
      while (more) {
        batch.clear();
        batch.reserve(kBatchPackets);
        while (batch.size() < kBatchPackets && (more = source_.next(packet))) batch.push_back(packet);
        progress_.store(source_.progress(), std::memory_order_relaxed);
        std::unique_lock lock(mutex_);
        changed_.wait(lock, [this] { return full_.size() < kMaxBatches || stop_; });
        if (stop_) return;
        if (!batch.empty()) full_.push_back(std::move(batch));
        batch.clear();
        if (!spare_.empty()) {
          batch.swap(spare_.back());
          spare_.pop_back();
        }
        lock.unlock();
        changed_.notify_all();
      }
    } catch (...) {
      std::lock_guard lock(mutex_);
      error_ = std::current_exception();
    }
    {
      std::lock_guard lock(mutex_);
      done_ = true;
    }
    changed_.notify_all();
  }

  capture::PacketSource& source_;
  std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<std::vector<capture::Packet>> full_;
  std::vector<std::vector<capture::Packet>> spare_;  // consumed batches, for reuse
  bool done_ = false, stop_ = false;
  std::exception_ptr error_;
  std::atomic<double> progress_{0};
  std::thread thread_;  // last: starts after every other member is ready
};

// Receives the kept windows: labels them, builds their pictures and writes
// them. A flow gets its /flows row when its first window is written (windows
// refer to it at once), but the row itself needs the flow's final packet count,
// so rows wait in `pending_` until their flow ends and every earlier row is
// written. Rows therefore stay in memory only while a flow with windows is
// live (at most the active timeout), not for the whole run.
class DatasetSink final : public flow::WindowSink {
 public:
  DatasetSink(DatasetWriter& writer, features::PictureBuilder& builder, std::vector<int32_t> capture_labels,
              ExtractResult& result)
      : writer_(writer), builder_(builder), capture_labels_(std::move(capture_labels)), result_(result) {}

  void on_window(const flow::Window& window, const flow::FlowRecord& flow) override {
    FLOWSPIKE_ASSERT(window.capture >= 0 && static_cast<size_t>(window.capture) < capture_labels_.size());
    int32_t label = capture_labels_[static_cast<size_t>(window.capture)];
    if (label < 0) {
      ++result_.windows_unlabelled;
      return;
    }
    auto [it, inserted] = row_of_flow_.try_emplace(flow.id, next_row_);
    if (inserted) {
      FlowRow row{flow.capture, flow.proto, flow.src.to_string(), flow.dst.to_string(), flow.sport, flow.dport, 0};
      pending_.push_back({std::move(row), false});
      ++next_row_;
    }
    builder_.build(window, picture_, picture_report_);
    writer_.add_window(label, it->second, static_cast<double>(window.start_ns) * 1e-9, picture_.view());
    ++result_.windows_per_class[static_cast<size_t>(label)];
  }

  void on_flow_end(const flow::FlowRecord& flow) override {
    auto it = row_of_flow_.find(flow.id);
    if (it == row_of_flow_.end()) return;
    int64_t first_pending = next_row_ - static_cast<int64_t>(pending_.size());
    Pending& p = pending_[static_cast<size_t>(it->second - first_pending)];
    p.row.packets = static_cast<int64_t>(flow.total_packets());
    p.done = true;
    row_of_flow_.erase(it);
    while (!pending_.empty() && pending_.front().done) {
      int64_t row = writer_.add_flow(pending_.front().row);
      FLOWSPIKE_ASSERT(row == first_pending++);
      pending_.pop_front();
    }
  }

  // Every flow has ended: every row is written.
  void finish() const { FLOWSPIKE_ASSERT(pending_.empty() && row_of_flow_.empty()); }

  const capture::ParseReport& picture_report() const { return picture_report_; }

 private:
  struct Pending {
    FlowRow row;
    bool done = false;
  };

  DatasetWriter& writer_;
  features::PictureBuilder& builder_;
  std::vector<int32_t> capture_labels_;  // per capture index; -1 = unlabelled
  ExtractResult& result_;
  features::SparsePicture picture_;
  capture::ParseReport picture_report_;  // sizes clipped or dropped by the picture builder
  std::unordered_map<int64_t, int64_t> row_of_flow_;  // live flows that have a row
  std::deque<Pending> pending_;                        // rows not yet written, in row order
  int64_t next_row_ = 0;
};

bool is_csv_file(const std::string& path) {
  std::error_code ec;
  if (!fs::is_regular_file(path, ec)) return false;
  std::string ext = fs::path(path).extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(), [](char c) { return static_cast<char>(std::tolower(c)); });
  return ext == ".csv";
}

InputFormat detect_format(const ExtractOptions& options) {
  if (options.format != InputFormat::auto_detect) return options.format;
  bool all_csv = !options.inputs.empty() && std::all_of(options.inputs.begin(), options.inputs.end(), is_csv_file);
  return all_csv ? InputFormat::flowpic_csv : InputFormat::capture;
}

// Refuses an output path that names a file the run reads (an input file, one
// found in an input directory, or the label rules): the dataset would replace
// it. Missing inputs are left to the reader, which reports them.
void refuse_output_among_inputs(const ExtractOptions& options, InputFormat format, const std::string& out_path) {
  std::error_code ec;
  if (!fs::exists(out_path, ec)) return;
  auto refuse = [&](const std::string& file, const char* what) {
    throw Error(fmt::format("{}: the output file is also {}{}; writing the dataset would replace it, give another "
                            "output file",
                            out_path, what, file == out_path ? "" : fmt::format(" (as {})", file)));
  };
  std::vector<std::string> existing;
  for (const auto& path : options.inputs)
    if (fs::exists(path, ec)) existing.push_back(path);
  std::vector<std::string> files =
      format == InputFormat::flowpic_csv ? expand_csv_paths(existing) : capture::expand_capture_paths(existing);
  for (const auto& file : files)
    if (fs::equivalent(file, out_path, ec)) refuse(file, "an input");
  if (options.labels != "iscx" && options.labels != "dirs" && fs::equivalent(options.labels, out_path, ec))
    refuse(options.labels, "the label rules");
}

// Labels every capture; the class list goes to the result.
std::vector<int32_t> label_captures(const Labeler& labeler, const std::vector<std::string>& captures,
                                    ExtractResult& result) {
  std::vector<int32_t> labels;
  labels.reserve(captures.size());
  for (const auto& path : captures) {
    std::optional<int32_t> label = labeler.label(path);
    labels.push_back(label.value_or(-1));
    if (!label) result.unlabelled.push_back(path);
  }
  result.classes = labeler.classes();
  result.windows_per_class.assign(result.classes.size(), 0);
  return labels;
}

void finish_result(ExtractResult& result, const flow::WindowCutter& cutter, const DatasetSink& sink,
                   const DatasetWriter& writer) {
  sink.finish();
  const flow::WindowCutterStats& s = cutter.stats();
  result.windows_considered = s.windows_considered;
  result.windows_few_packets = s.rejected_packets;
  result.windows_short_span = s.rejected_span;
  result.windows_written = static_cast<uint64_t>(writer.windows());
  result.flows_written = static_cast<uint64_t>(writer.flows());
  result.cells = static_cast<uint64_t>(writer.cells());
  result.report.merge(sink.picture_report());
}

ExtractResult extract_captures(const ExtractOptions& options, const std::string& out_path,
                               const ProgressCallback& progress) {
  ExtractResult result;
  result.format = InputFormat::capture;
  capture::PacketSource source({options.inputs, options.bpf_filter, options.keep_going});
  std::vector<std::string> paths;
  for (const auto& c : source.captures()) paths.push_back(c.path);
  Labeler labeler = Labeler::from_spec(options.labels, options.inputs, paths);
  std::vector<int32_t> labels = label_captures(labeler, paths, result);

  DatasetWriter writer(out_path, options.preset, labeler.classes(), options.compression);
  features::PictureBuilder builder(options.preset);
  DatasetSink sink(writer, builder, std::move(labels), result);
  flow::WindowCutter cutter(options.preset.window, sink);
  flow::FlowTable table(options.flow_table, cutter);

  uint64_t packets = 0;
  auto report_progress = [&](double fraction, uint64_t files_done) {
    if (progress)
      progress({fraction, files_done, paths.size(), packets, static_cast<uint64_t>(writer.windows())});
  };
  {
    PacketReader reader(source);
    std::vector<capture::Packet> batch;
    for (size_t batches = 1; reader.next(batch); ++batches) {
      for (const capture::Packet& p : batch) table.add(p);
      packets += batch.size();
      if (batches % kProgressEvery == 0) {
        throw_if_interrupted();
        report_progress(reader.progress(), static_cast<uint64_t>(std::max(batch.back().capture, 0)));
      }
    }
    reader.join();
  }
  throw_if_interrupted();
  table.flush();
  report_progress(1.0, paths.size());

  result.files = paths.size();
  result.captures = source.captures();
  result.packets = packets;
  result.flows = table.stats().flows_started;
  result.report = source.report();
  finish_result(result, cutter, sink, writer);
  writer.commit(paths);
  return result;
}

struct DirectedPacket {
  capture::Packet packet;
  capture::Direction dir;
};

// One direction of a FlowPic session as packets on the absolute clock. Packets
// earlier than the one before them (a reordered capture) are kept and counted
// as a notice, like a capture's.
void append_session(const FlowPicSession& s, int32_t capture, capture::Direction dir,
                    std::vector<DirectedPacket>& out, capture::ParseReport& report) {
  int64_t last_ns = INT64_MIN;
  report.packets_read += s.sizes.size();
  for (size_t k = 0; k < s.sizes.size(); ++k) {
    int64_t ts = s.start_ns + s.times_ns[k];  // exact: parse_flowpic_row checked that the sum fits
    if (ts < last_ns)
      ++report.timestamps_backwards;
    else
      last_ns = ts;
    capture::Packet p;
    p.ts_ns = ts;
    p.ip_len = p.wire_len = s.sizes[k];
    p.src = s.src;
    p.dst = s.dst;
    p.sport = s.sport;
    p.dport = s.dport;
    p.proto = s.proto;
    p.capture = capture;
    out.push_back({p, dir});
  }
}

ExtractResult extract_flowpic(const ExtractOptions& options, const std::string& out_path,
                              const ProgressCallback& progress) {
  ExtractResult result;
  result.format = InputFormat::flowpic_csv;
  FlowPicReader reader(options.inputs);
  Labeler labeler = Labeler::from_spec(options.labels, options.inputs, reader.captures());
  std::vector<int32_t> labels = label_captures(labeler, reader.captures(), result);

  DatasetWriter writer(out_path, options.preset, labeler.classes(), options.compression);
  features::PictureBuilder builder(options.preset);
  DatasetSink sink(writer, builder, std::move(labels), result);
  flow::WindowCutter cutter(options.preset.window, sink);

  FlowPicFlow f;
  std::vector<DirectedPacket> merged;
  uint64_t packets = 0, flows = 0;
  while (reader.next(f)) {
    merged.clear();
    append_session(f.forward, f.capture, capture::Direction::forward, merged, result.report);
    if (f.backward) append_session(*f.backward, f.capture, capture::Direction::backward, merged, result.report);
    // The two directions interleaved by time; on equal times the forward packet
    // first (stable: it was appended first).
    std::stable_sort(merged.begin(), merged.end(),
                     [](const DirectedPacket& a, const DirectedPacket& b) { return a.packet.ts_ns < b.packet.ts_ns; });
    // A FlowPic flow is whole: no timeouts cut it, so it goes to the cutter directly.
    flow::FlowRecord rec;
    rec.id = static_cast<int64_t>(flows++);
    rec.capture = f.capture;
    rec.proto = f.forward.proto;
    rec.src = f.forward.src;
    rec.dst = f.forward.dst;
    rec.sport = f.forward.sport;
    rec.dport = f.forward.dport;
    for (const auto& [p, dir] : merged) {
      if (rec.total_packets() == 0) rec.first_ns = p.ts_ns;
      rec.last_ns = p.ts_ns;
      auto d = static_cast<size_t>(dir);
      ++rec.packets[d];
      rec.bytes[d] += p.ip_len;
      cutter.on_packet(rec, 0, p, dir);
    }
    rec.end = flow::FlowEnd::end_of_capture;
    cutter.on_flow_end(rec, 0);
    packets += merged.size();
    if (flows % 256 == 0) {
      throw_if_interrupted();
      if (progress)
        progress({reader.progress(), 0, reader.files().size(), packets, static_cast<uint64_t>(writer.windows())});
    }
  }
  throw_if_interrupted();
  if (progress)
    progress({1.0, reader.files().size(), reader.files().size(), packets, static_cast<uint64_t>(writer.windows())});

  result.files = reader.files().size();
  result.packets = packets;
  result.report.packets_used = packets;
  result.flows = flows;
  result.sessions = reader.sessions();
  result.session_pairs = reader.pairs();
  result.session_singles = reader.singles();
  finish_result(result, cutter, sink, writer);
  writer.commit(reader.captures());
  return result;
}

}  // namespace

std::string_view input_format_name(InputFormat format) {
  switch (format) {
    case InputFormat::auto_detect: return "auto";
    case InputFormat::capture: return "capture";
    case InputFormat::flowpic_csv: return "flowpic-csv";
  }
  return "?";
}

ExtractResult extract(const ExtractOptions& options, const std::string& out_path, const ProgressCallback& progress) {
  if (options.inputs.empty()) throw Error("extract: no input files");
  const InputFormat format = detect_format(options);
  refuse_output_among_inputs(options, format, out_path);
  if (format == InputFormat::flowpic_csv) {
    if (!options.bpf_filter.empty()) throw Error("a packet filter cannot be applied to FlowPic CSV input");
    return extract_flowpic(options, out_path, progress);
  }
  return extract_captures(options, out_path, progress);
}

}  // namespace flowspike::dataset
