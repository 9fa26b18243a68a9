#include "flowspike/classify/classifier.h"

#include <algorithm>
#include <future>
#include <span>
#include <unordered_map>

#include <fmt/format.h>

#include "flowspike/common/error.h"
#include "flowspike/eval/evaluation_result.h"
#include "flowspike/features/picture_builder.h"
#include "flowspike/snn/network.h"

namespace flowspike::classify {

std::string_view unknown_reason_name(UnknownReason reason) {
  switch (reason) {
    case UnknownReason::none: return "none";
    case UnknownReason::short_flow: return "short_flow";
    case UnknownReason::few_packets: return "few_packets";
    case UnknownReason::short_span: return "short_span";
    case UnknownReason::few_packets_or_short_span: return "few_packets_or_short_span";
    case UnknownReason::not_kept: return "not_kept";
  }
  return "?";
}

std::string describe_preset(const features::Preset& p) {
  const flow::WindowOptions& w = p.window;
  return fmt::format(
      "preset {}: {:g} s windows every {:g} s, kept with >= {} packets and a span >= {:g} s in each direction; "
      "{} time bins of {:g} ms, {} size bins",
      p.name, w.length_s, w.step_s, w.min_packets, w.min_span_s, p.picture.time_bins, 1000 * p.time_bin_s(),
      p.picture.size_edges.size_bins());
}

namespace {

// What the keep-rules did with one live flow's windows, by flow-table slot.
struct FlowCounters {
  int64_t flow_id = -1;
  uint32_t considered = 0;
  uint32_t kept = 0;
  uint32_t few_packets = 0;
  uint32_t short_span = 0;
};

// Votes and summed probabilities of a flow's classified windows.
struct Tally {
  uint32_t windows = 0;
  std::vector<uint32_t> votes;
  std::vector<double> probability_sum;
};

// A kept window waiting for the batch to be classified.
struct PendingWindow {
  flow::FlowRecord flow;
  int32_t index = 0;
  int64_t start_ns = 0;
};

// An ended flow waiting for its windows in the batch.
struct EndedFlow {
  flow::FlowRecord flow;
  FlowCounters counters;
};

// Delivery order: windows and flow ends as they happened.
struct Event {
  bool is_flow = false;
  size_t index = 0;  // into the batch's windows or ended flows
};

// Windows waiting to be classified, and the flow ends that wait for them.
struct Batch {
  std::vector<features::SparsePicture> pictures;  // storage reused; the first windows.size() are live
  std::vector<PendingWindow> windows;
  std::vector<EndedFlow> ended;
  std::vector<Event> events;
  std::vector<features::PictureView> views;

  std::span<const features::PictureView> view_all() {
    views.clear();
    for (size_t i = 0; i < windows.size(); ++i) views.push_back(pictures[i].view());
    return views;
  }
  void clear() {
    windows.clear();
    ended.clear();
    events.clear();
  }
};

}  // namespace

class Classifier::Impl {
 public:
  Impl(const model::Model& model, const std::string& model_name, ClassifierOptions options, PredictionSink& sink)
      : preset_(checked(model, model_name).preset),
        classes_(model.classes),
        taxonomy_(eval::parse_taxonomy(model.classes)),
        options_(options),
        sink_(sink),
        network_(model.snn, model.params, options.threads),
        builder_(model.preset),
        collector_(*this),
        cutter_(model.preset.window, collector_),
        listener_(*this),
        table_(options.flow_table, listener_) {
    options_.batch_windows = std::max<size_t>(options_.batch_windows, 1);
    counts_.windows_per_class.assign(classes_.size(), 0);
    counts_.flows_per_class.assign(classes_.size(), 0);
  }

  void add(const capture::Packet& packet) {
    ++counts_.packets;
    table_.add(packet);
  }

  void advance(int64_t now_ns) {
    advanced_ = true;
    table_.advance(now_ns);
    drain();
  }

  void finish() {
    table_.flush();
    drain();
  }

  // Waits for the batch in flight, classifies the filling one, and delivers
  // every event in order.
  void drain() {
    land();
    if (!filling_.events.empty()) {
      snn::InferenceResult result;
      if (!filling_.windows.empty()) result = network_.infer(filling_.view_all());
      deliver(filling_, result);
    }
    counts_.table = table_.stats();
    counts_.cutter = cutter_.stats();
  }

  const std::vector<std::string>& classes() const { return classes_; }
  const eval::Taxonomy& taxonomy() const { return taxonomy_; }
  const features::Preset& preset() const { return preset_; }
  const ClassifyCounts& counts() const { return counts_; }
  size_t live_flows() const { return table_.live_flows(); }

 private:
  // Receives the cutter's kept windows and builds their pictures into the batch.
  class Collector final : public flow::WindowSink {
   public:
    explicit Collector(Impl& impl) : impl_(impl) {}
    void on_window(const flow::Window& window, const flow::FlowRecord& flow) override {
      impl_.collect(window, flow);
    }

   private:
    Impl& impl_;
  };

  // Sits between the flow table and the cutter to learn, per flow, what the
  // keep-rules did (the cutter only counts for the whole run).
  class Listener final : public flow::FlowListener {
   public:
    explicit Listener(Impl& impl) : impl_(impl) {}
    void on_packet(const flow::FlowRecord& flow, uint32_t slot, const capture::Packet& packet,
                   capture::Direction dir) override {
      FlowCounters& c = impl_.counters_of(flow, slot);
      const flow::WindowCutterStats before = impl_.cutter_.stats();
      impl_.cutter_.on_packet(flow, slot, packet, dir);
      impl_.attribute(c, before);
    }
    void on_flow_end(const flow::FlowRecord& flow, uint32_t slot) override {
      FlowCounters& c = impl_.counters_of(flow, slot);
      const flow::WindowCutterStats before = impl_.cutter_.stats();
      impl_.cutter_.on_flow_end(flow, slot);
      impl_.attribute(c, before);
      impl_.flow_ended(flow, c);
      c = FlowCounters{};
    }
    // Windows decided here belong to many flows; kept ones are still counted
    // per flow through on_window, rejected ones cannot be attributed.
    void on_advance(int64_t now_ns) override { impl_.cutter_.on_advance(now_ns); }

   private:
    Impl& impl_;
  };

  static const model::Model& checked(const model::Model& model, const std::string& model_name) {
    model::validate_model(model, model_name);
    return model;
  }

  FlowCounters& counters_of(const flow::FlowRecord& flow, uint32_t slot) {
    if (slot >= counters_.size()) counters_.resize(slot + 1);
    FlowCounters& c = counters_[slot];
    if (c.flow_id != flow.id) c = FlowCounters{flow.id, 0, 0, 0, 0};
    return c;
  }

  void attribute(FlowCounters& c, const flow::WindowCutterStats& before) const {
    const flow::WindowCutterStats& after = cutter_.stats();
    c.considered += static_cast<uint32_t>(after.windows_considered - before.windows_considered);
    c.few_packets += static_cast<uint32_t>(after.rejected_packets - before.rejected_packets);
    c.short_span += static_cast<uint32_t>(after.rejected_span - before.rejected_span);
  }

  void collect(const flow::Window& window, const flow::FlowRecord& flow) {
    const size_t i = filling_.windows.size();
    if (filling_.pictures.size() <= i) filling_.pictures.resize(i + 1);
    builder_.build(window, filling_.pictures[i], counts_.pictures);
    filling_.windows.push_back({flow, window.index, window.start_ns});
    filling_.events.push_back({false, i});
    if (filling_.windows.size() >= options_.batch_windows) launch();
  }

  void flow_ended(const flow::FlowRecord& flow, const FlowCounters& counters) {
    filling_.ended.push_back({flow, counters});
    filling_.events.push_back({true, filling_.ended.size() - 1});
    // Nothing to wait for: deliver at once, so flows without windows cost no batch space.
    if (!in_flight_.valid() && filling_.windows.empty()) deliver(filling_, {});
  }

  // Classifies the full batch on another thread while packets keep coming:
  // the batch before it is delivered first, so the order never changes.
  void launch() {
    land();
    std::swap(filling_, flying_);
    in_flight_ = std::async(std::launch::async, [this] { return network_.infer(flying_.view_all()); });
  }

  // Waits for the batch in flight, if any, and delivers it.
  void land() {
    if (!in_flight_.valid()) return;
    const snn::InferenceResult result = in_flight_.get();
    deliver(flying_, result);
  }

  void deliver(Batch& batch, const snn::InferenceResult& result) {
    for (const Event& e : batch.events) {
      if (e.is_flow) deliver_flow(batch.ended[e.index]);
      else deliver_window(batch.windows[e.index], result, e.index);
    }
    batch.clear();
  }

  void deliver_window(const PendingWindow& p, const snn::InferenceResult& result, size_t row) {
    const size_t classes = classes_.size();
    window_.flow = p.flow;
    window_.index = p.index;
    window_.start_ns = p.start_ns;
    window_.probabilities.resize(classes);
    const float* logits = result.logits.row(static_cast<Eigen::Index>(row)).data();
    eval::softmax(std::span<const float>(logits, classes), window_.probabilities);
    window_.predicted = result.predicted[row];
    window_.input_events = result.input_events[row];
    window_.hidden_spikes = result.hidden_spikes[row];

    Tally& t = tallies_[p.flow.id];
    if (t.windows == 0) {
      t.votes.assign(classes, 0);
      t.probability_sum.assign(classes, 0.0);
    }
    ++t.windows;
    ++t.votes[static_cast<size_t>(window_.predicted)];
    for (size_t k = 0; k < classes; ++k) t.probability_sum[k] += window_.probabilities[k];

    ++counts_.windows;
    ++counts_.windows_per_class[static_cast<size_t>(window_.predicted)];
    counts_.input_events += window_.input_events;
    counts_.hidden_spikes += window_.hidden_spikes;
    sink_.on_window(window_);
  }

  void deliver_flow(const EndedFlow& e) {
    flow_.flow = e.flow;
    flow_.rejected_few_packets = e.counters.few_packets;
    flow_.rejected_short_span = e.counters.short_span;
    auto it = tallies_.find(e.flow.id);
    if (it != tallies_.end()) {
      const Tally& t = it->second;
      // Majority of the windows' votes; ties go to the higher mean
      // probability, then to the lower class index.
      size_t best = 0;
      for (size_t k = 1; k < t.votes.size(); ++k) {
        if (t.votes[k] > t.votes[best] || (t.votes[k] == t.votes[best] && t.probability_sum[k] > t.probability_sum[best]))
          best = k;
      }
      flow_.predicted = static_cast<int32_t>(best);
      flow_.windows = t.windows;
      flow_.votes = t.votes[best];
      flow_.mean_probabilities.resize(t.votes.size());
      for (size_t k = 0; k < t.votes.size(); ++k)
        flow_.mean_probabilities[k] = static_cast<float>(t.probability_sum[k] / t.windows);
      flow_.reason = UnknownReason::none;
      flow_.reason_text.clear();
      tallies_.erase(it);
      ++counts_.flows_classified;
      ++counts_.flows_per_class[best];
    } else {
      flow_.predicted = -1;
      flow_.windows = 0;
      flow_.votes = 0;
      flow_.mean_probabilities.clear();
      explain_unknown(e);
      ++counts_.flows_unknown;
      ++counts_.unknown_by_reason[static_cast<size_t>(flow_.reason)];
    }
    ++counts_.flows;
    sink_.on_flow(flow_);
  }

  void explain_unknown(const EndedFlow& e) {
    const flow::WindowOptions& w = preset_.window;
    const FlowCounters& c = e.counters;
    const uint32_t rejected = c.few_packets + c.short_span;
    const std::string in_windows =
        rejected == 1 ? "in its only window" : fmt::format("in each of its {} windows", rejected);
    if (c.considered == 0 && (!advanced_ || e.flow.duration_s() <= w.length_s - w.step_s)) {
      flow_.reason = UnknownReason::short_flow;
      flow_.reason_text = fmt::format("shorter than one window (lasted {:.1f} s; windows are {:g} s every {:g} s)",
                                      e.flow.duration_s(), w.length_s, w.step_s);
    } else if (rejected == 0) {
      // Only after advance(): its rejections are not attributed to flows.
      flow_.reason = UnknownReason::not_kept;
      flow_.reason_text = "no window passed the keep-rules";
    } else if (c.short_span == 0) {
      flow_.reason = UnknownReason::few_packets;
      flow_.reason_text = fmt::format("fewer than {} packets in a direction {}", w.min_packets, in_windows);
    } else if (c.few_packets == 0) {
      flow_.reason = UnknownReason::short_span;
      flow_.reason_text = fmt::format("span < {:g} s in a direction {}", w.min_span_s, in_windows);
    } else {
      flow_.reason = UnknownReason::few_packets_or_short_span;
      flow_.reason_text = fmt::format("of its {} windows, {} had fewer than {} packets in a direction and {} a span < {:g} s",
                                      rejected, c.few_packets, w.min_packets, c.short_span, w.min_span_s);
    }
  }

  features::Preset preset_;
  std::vector<std::string> classes_;
  eval::Taxonomy taxonomy_;
  ClassifierOptions options_;
  PredictionSink& sink_;
  snn::Network network_;
  features::PictureBuilder builder_;
  Collector collector_;
  flow::WindowCutter cutter_;
  Listener listener_;
  flow::FlowTable table_;

  std::vector<FlowCounters> counters_;             // by flow-table slot
  std::unordered_map<int64_t, Tally> tallies_;     // by flow id, flows with classified windows
  Batch filling_;  // windows and flow ends collected since the last launch
  Batch flying_;   // the batch being classified by in_flight_
  WindowPrediction window_;  // reused for every delivery
  FlowPrediction flow_;
  ClassifyCounts counts_;
  bool advanced_ = false;  // advance() was used: the cutter decided windows unattributed
  // Last member: destroyed first, so a running inference finishes before the batches go.
  std::future<snn::InferenceResult> in_flight_;
};

Classifier::Classifier(const model::Model& model, const std::string& model_name, ClassifierOptions options,
                       PredictionSink& sink)
    : impl_(std::make_unique<Impl>(model, model_name, options, sink)) {}
Classifier::~Classifier() = default;
void Classifier::add(const capture::Packet& packet) { impl_->add(packet); }
void Classifier::advance(int64_t now_ns) { impl_->advance(now_ns); }
void Classifier::drain() { impl_->drain(); }
void Classifier::finish() { impl_->finish(); }
const std::vector<std::string>& Classifier::classes() const { return impl_->classes(); }
const eval::Taxonomy& Classifier::taxonomy() const { return impl_->taxonomy(); }
const features::Preset& Classifier::preset() const { return impl_->preset(); }
const ClassifyCounts& Classifier::counts() const { return impl_->counts(); }
size_t Classifier::live_flows() const { return impl_->live_flows(); }

}  // namespace flowspike::classify
