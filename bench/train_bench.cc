// Training at scale: builds a dataset of realistic synthetic windows in memory
// (CSR cells only, as a loaded dataset file holds them; 14 classes told apart
// by their favourite packet sizes, flows of 4 windows), trains on it with the
// Trainer and reports windows per second and peak resident memory: the peak is
// reset after building, so what training adds on top of the dataset is visible.
//
//   train_bench [--windows N] [--epochs N] [--epoch-windows N] [--threads N] [--save FILE] [--data FILE]
//
// --save writes the dataset file instead of training (for trying `flowspike train`).
// --data trains on a dataset written by `flowspike extract` instead: real
// pictures have long quiet stretches that synthetic ones lack, and so other
// membrane potentials (docs/snn.md, "Speed").
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <random>
#include <string>

#include "flowspike/dataset/dataset.h"
#include "flowspike/features/preset.h"
#include "flowspike/train/trainer.h"
#include "snn_windows.h"

namespace {

using namespace flowspike;

// A field of /proc/self/status in MiB (VmRSS: now, VmHWM: peak since start or reset).
double status_mib(const std::string& field) {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line))
    if (line.rfind(field + ":", 0) == 0) return std::stod(line.substr(field.size() + 1)) / 1024.0;  // kB
  return -1;
}

// Resets VmHWM to the current RSS (Linux >= 4.0), so the next peak is training's alone.
bool reset_peak() {
  std::ofstream out("/proc/self/clear_refs");
  out << "5";
  return static_cast<bool>(out.flush());
}

dataset::Dataset build(size_t windows) {
  dataset::Dataset d;
  d.preset = features::Preset::paper();
  for (int c = 0; c < 14; ++c) d.classes.push_back("class-" + std::to_string(c));
  d.capture_paths = {"synthetic.pcap"};
  d.offset.push_back(0);
  std::mt19937_64 rng(42);
  constexpr size_t kWindowsPerFlow = 4;
  for (size_t i = 0; i < windows; ++i) {
    const size_t flow = i / kWindowsPerFlow;
    const auto label = static_cast<int32_t>(flow % d.classes.size());
    const features::SparsePicture p = bench::realistic_picture(rng, label);
    d.time_bin.insert(d.time_bin.end(), p.time_bin.begin(), p.time_bin.end());
    d.size_bin.insert(d.size_bin.end(), p.size_bin.begin(), p.size_bin.end());
    d.count.insert(d.count.end(), p.count.begin(), p.count.end());
    d.offset.push_back(static_cast<int64_t>(d.count.size()));
    d.label.push_back(label);
    d.flow.push_back(static_cast<int64_t>(flow));
    d.start_s.push_back(1.5e9 + 15.0 * static_cast<double>(i % kWindowsPerFlow));
    if (i % kWindowsPerFlow == 0) {
      d.flow_capture.push_back(0);
      d.flow_proto.push_back(6);
      d.flow_src.push_back("10.0.0.1");
      d.flow_dst.push_back("10.0.0.2");
      d.flow_sport.push_back(static_cast<uint16_t>(1024 + flow % 60000));
      d.flow_dport.push_back(443);
      d.flow_packets.push_back(1000);
    }
  }
  d.time_bin.shrink_to_fit();
  d.size_bin.shrink_to_fit();
  d.count.shrink_to_fit();
  d.validate("synthetic dataset");
  return d;
}

}  // namespace

int main(int argc, char** argv) {
  size_t windows = 100000;
  train::TrainOptions options;
  options.epochs = 1;
  std::string save, data_file;
  const char* usage =
      "usage: train_bench [--windows N] [--epochs N] [--epoch-windows N] [--threads N] [--save FILE] [--data FILE]\n";
  for (int i = 1; i < argc; i += 2) {
    const std::string flag = argv[i];
    if (flag == "-h" || flag == "--help") {
      std::fputs(usage, stdout);
      return 0;
    }
    if (i + 1 >= argc) {
      std::fprintf(stderr, "%s needs a value\n%s", flag.c_str(), usage);
      return 2;
    }
    const std::string value = argv[i + 1];
    if (flag == "--windows") windows = std::stoul(value);
    else if (flag == "--data") data_file = value;
    else if (flag == "--epochs") options.epochs = std::stoi(value);
    else if (flag == "--epoch-windows") options.epoch_windows = std::stoul(value);
    else if (flag == "--threads") options.threads = static_cast<unsigned>(std::stoul(value));
    else if (flag == "--save") save = value;
    else {
      std::fprintf(stderr, "unknown flag %s\n%s", flag.c_str(), usage);
      return 2;
    }
  }

  const auto t0 = std::chrono::steady_clock::now();
  const dataset::Dataset data = data_file.empty() ? build(windows) : dataset::load_dataset(data_file);
  const double build_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  const double cells_mib = static_cast<double>(data.count.size()) * 8.0 / (1024.0 * 1024.0);
  std::printf("dataset: %zu windows, %zu cells (%.0f per window, %.2f%% of 300x300), cells %.0f MiB; built in %.1f s\n",
              data.size(), data.count.size(), static_cast<double>(data.count.size()) / static_cast<double>(data.size()),
              100.0 * static_cast<double>(data.count.size()) / static_cast<double>(data.size()) / 90000.0, cells_mib,
              build_s);
  std::printf("RSS after building: %.0f MiB (peak while building %.0f MiB)\n", status_mib("VmRSS"),
              status_mib("VmHWM"));
  if (!save.empty()) {
    dataset::save_dataset(data, save);
    std::printf("wrote %s\n", save.c_str());
    return 0;
  }

  const double before = status_mib("VmRSS");
  const bool reset = reset_peak();
  train::Trainer trainer(data, data_file.empty() ? "synthetic" : data_file, options);
  std::printf("training: %zu train / %zu val windows, %u threads\n", trainer.split().train.size(),
              trainer.split().val.size(), options.threads);
  while (!trainer.done()) {
    const train::EpochStats e = trainer.run_epoch();
    std::printf("epoch %d: %zu windows, %.0f windows/s (training), loss %.4f, val %.1f%%, %.1f s with validation\n",
                e.epoch, e.windows, e.windows_per_second, e.loss, 100 * e.val_accuracy, e.seconds);
  }
  std::printf("peak RSS during training: %.0f MiB%s = dataset %.0f MiB + %.0f MiB for training\n",
              status_mib("VmHWM"), reset ? "" : " (since start: could not reset the peak)", before,
              status_mib("VmHWM") - before);
  return 0;
}
