#include "flowspike/model/model.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include <fmt/format.h>

#include "flowspike/common/error.h"
#include "flowspike/optim/rng.h"
#include "support/temp_dir.h"

namespace flowspike::model {
namespace {

namespace fs = std::filesystem;

// A small network on the `paper` preset (300 size bins, 300 time bins) with
// random weights, three classes and a full training record.
Model make_model(bool beta_per_neuron = false) {
  Model m;
  m.preset = features::Preset::paper();
  m.snn.inputs = m.preset.picture.size_edges.size_bins();
  m.snn.time_bins = m.preset.picture.time_bins;
  m.snn.hidden = 8;
  m.snn.classes = 3;
  m.snn.beta_per_neuron = beta_per_neuron;
  m.snn.surrogate_sigma = 7.5f;
  m.snn.spike_reg = 0.25f;
  m.snn.init_weight_scale = 0.2f;
  m.snn.init_beta = 0.6f;
  m.snn.init_threshold = 0.9f;
  m.params = snn::SnnParams::zeros(m.snn);
  optim::Rng rng(1);
  auto fill = [&](auto& t) {
    for (Eigen::Index i = 0; i < t.size(); ++i) t.data()[i] = static_cast<float>(optim::normal(rng));
  };
  fill(m.params.W1);
  fill(m.params.b1);
  fill(m.params.beta1);
  fill(m.params.W2);
  fill(m.params.b2);
  fill(m.params.beta2);
  m.classes = {"Video-NonVPN", "Chat-Tor", "Browsing-VPN"};
  m.training.dataset_path = "data/iscx.h5";
  m.training.dataset_fingerprint = 0xC0FFEE0123456789ULL;
  m.training.split = "capture";
  m.training.seed = 0xFFFFFFFFFFFFFFF1ULL;
  m.training.split_train = 0.7;
  m.training.split_val = 0.1;
  m.training.split_test = 0.2;
  m.training.best_epoch = 17;
  m.training.epochs_run = 30;
  m.training.best_val_accuracy = 0.9591;
  m.training.log_csv = "model.log.csv";
  m.training.hyperparameters_json = R"({"lr": 0.0005, "batch": 128})";
  return m;
}

void expect_same(const Model& a, const Model& b) {
  EXPECT_EQ(a.params.W1, b.params.W1);  // Eigen ==: every element bit-equal (no NaN here)
  EXPECT_EQ(a.params.b1, b.params.b1);
  EXPECT_EQ(a.params.beta1, b.params.beta1);
  EXPECT_EQ(a.params.W2, b.params.W2);
  EXPECT_EQ(a.params.b2, b.params.b2);
  EXPECT_EQ(a.params.beta2, b.params.beta2);
  EXPECT_EQ(a.snn.inputs, b.snn.inputs);
  EXPECT_EQ(a.snn.hidden, b.snn.hidden);
  EXPECT_EQ(a.snn.classes, b.snn.classes);
  EXPECT_EQ(a.snn.time_bins, b.snn.time_bins);
  EXPECT_EQ(a.snn.beta_per_neuron, b.snn.beta_per_neuron);
  EXPECT_EQ(a.snn.beta_fixed_zero, b.snn.beta_fixed_zero);
  EXPECT_EQ(a.snn.paper_text, b.snn.paper_text);
  EXPECT_EQ(a.snn.surrogate_sigma, b.snn.surrogate_sigma);
  EXPECT_EQ(a.snn.spike_reg, b.snn.spike_reg);
  EXPECT_EQ(a.snn.init_weight_scale, b.snn.init_weight_scale);
  EXPECT_EQ(a.snn.init_beta, b.snn.init_beta);
  EXPECT_EQ(a.snn.init_threshold, b.snn.init_threshold);
  EXPECT_EQ(a.preset.name, b.preset.name);
  EXPECT_EQ(a.preset.picture.size_edges, b.preset.picture.size_edges);
  EXPECT_EQ(a.preset.picture.time_bins, b.preset.picture.time_bins);
  EXPECT_EQ(a.preset.window.length_s, b.preset.window.length_s);
  EXPECT_EQ(a.preset.window.min_packets, b.preset.window.min_packets);
  EXPECT_EQ(a.classes, b.classes);
  EXPECT_EQ(a.training.dataset_path, b.training.dataset_path);
  EXPECT_EQ(a.training.dataset_fingerprint, b.training.dataset_fingerprint);
  EXPECT_EQ(a.training.split, b.training.split);
  EXPECT_EQ(a.training.seed, b.training.seed);
  EXPECT_EQ(a.training.split_train, b.training.split_train);
  EXPECT_EQ(a.training.split_val, b.training.split_val);
  EXPECT_EQ(a.training.split_test, b.training.split_test);
  EXPECT_EQ(a.training.best_epoch, b.training.best_epoch);
  EXPECT_EQ(a.training.epochs_run, b.training.epochs_run);
  EXPECT_EQ(a.training.best_val_accuracy, b.training.best_val_accuracy);
  EXPECT_EQ(a.training.log_csv, b.training.log_csv);
  EXPECT_EQ(a.training.hyperparameters_json, b.training.hyperparameters_json);
}

// The message of the flowspike::Error that `f` throws, or a failure.
template <class F>
std::string error_of(F&& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.what();
  }
  ADD_FAILURE() << "expected a flowspike::Error";
  return {};
}

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

TEST(ModelFile, RoundTripIsBitExact) {
  testing::TempDir dir;
  for (bool per_neuron : {false, true}) {
    Model m = make_model(per_neuron);
    save_model(m, dir.file("model.h5"));
    expect_same(m, load_model(dir.file("model.h5")));
  }
}

TEST(ModelFile, OlderFilesWithoutADatasetFingerprintStillLoad) {
  testing::TempDir dir;
  save_model(make_model(), dir.file("model.h5"));
  {
    // As flowspike wrote model files before it recorded the fingerprint.
    auto file = hdf5::File::open_rw(dir.file("model.h5"));
    auto training = file.open_group("training");
    ASSERT_TRUE(training.has_attr("dataset_fingerprint"));
    ASSERT_GE(H5Adelete(training.id(), "dataset_fingerprint"), 0);
  }
  const Model back = load_model(dir.file("model.h5"));
  EXPECT_FALSE(back.training.dataset_fingerprint.has_value());
  EXPECT_EQ(back.training.dataset_path, "data/iscx.h5");

  // And a model without one is written without the attribute.
  Model none = make_model();
  none.training.dataset_fingerprint.reset();
  save_model(none, dir.file("none.h5"));
  EXPECT_FALSE(hdf5::File::open(dir.file("none.h5")).open_group("training").has_attr("dataset_fingerprint"));
  EXPECT_FALSE(load_model(dir.file("none.h5")).training.dataset_fingerprint.has_value());
}

TEST(ModelFile, OtherPresetsRoundTrip) {
  testing::TempDir dir;
  Model m = make_model();
  m.preset = features::Preset::uniform();
  m.preset.picture.time_bins = 120;
  m.snn.inputs = m.preset.picture.size_edges.size_bins();
  m.snn.time_bins = 120;
  m.params = snn::SnnParams::zeros(m.snn);
  m.params.W1(3, 4) = 1.5f;
  save_model(m, dir.file("u.h5"));
  Model back = load_model(dir.file("u.h5"));
  expect_same(m, back);
  EXPECT_EQ(back.preset.picture.overflow, m.preset.picture.overflow);
  EXPECT_EQ(back.preset.picture.time_axis, m.preset.picture.time_axis);
}

TEST(ModelFile, SaveReplacesTheFileAndLeavesNoTemporaries) {
  testing::TempDir dir;
  {
    std::ofstream old(dir.file("model.h5"));
    old << "an older file";
  }
  save_model(make_model(), dir.file("model.h5"));
  EXPECT_NO_THROW(load_model(dir.file("model.h5")));
  size_t files = 0;
  for (const auto& entry : fs::directory_iterator(dir.path())) {
    (void)entry;
    ++files;
  }
  EXPECT_EQ(files, 1u);
}

TEST(ModelFile, InconsistentModelIsNotWritten) {
  testing::TempDir dir;
  Model m = make_model();
  m.classes.pop_back();
  auto msg = error_of([&] { save_model(m, dir.file("bad.h5")); });
  EXPECT_TRUE(contains(msg, "class names")) << msg;
  EXPECT_FALSE(fs::exists(dir.file("bad.h5")));
  Model nan = make_model();
  nan.params.b2(1) = std::nanf("");
  msg = error_of([&] { save_model(nan, dir.file("bad.h5")); });
  EXPECT_TRUE(contains(msg, "b2")) << msg;
  EXPECT_FALSE(fs::exists(dir.file("bad.h5")));
}

TEST(ModelFile, EmbedsInACheckpointGroup) {
  testing::TempDir dir;
  Model m = make_model(true);
  {
    auto file = hdf5::File::create(dir.file("checkpoint.h5"));
    file.set_attr("format", "some-checkpoint");
    auto group = file.create_group("best_model");
    write_model(group, m);
  }
  auto file = hdf5::File::open(dir.file("checkpoint.h5"));
  expect_same(m, read_model(file.open_group("best_model")));
  // The checkpoint's root is not a model.
  auto msg = error_of([&] { read_model(file); });
  EXPECT_TRUE(contains(msg, "checkpoint.h5")) << msg;
  EXPECT_TRUE(contains(msg, "not a flowspike model")) << msg;
}

TEST(ModelFile, RejectsMissingAndNonHdf5Files) {
  testing::TempDir dir;
  auto msg = error_of([&] { load_model(dir.file("nothing.h5")); });
  EXPECT_TRUE(contains(msg, "nothing.h5")) << msg;
  {
    std::ofstream text(dir.file("notes.txt"));
    text << "W1,b1\n1,2\n";
  }
  msg = error_of([&] { load_model(dir.file("notes.txt")); });
  EXPECT_TRUE(contains(msg, "notes.txt")) << msg;
  EXPECT_TRUE(contains(msg, "not an HDF5 file")) << msg;
}

TEST(ModelFile, RejectsTruncatedFile) {
  testing::TempDir dir;
  save_model(make_model(), dir.file("model.h5"));
  auto size = fs::file_size(dir.file("model.h5"));
  fs::copy_file(dir.file("model.h5"), dir.file("cut.h5"));
  fs::resize_file(dir.file("cut.h5"), size / 2);
  auto msg = error_of([&] { load_model(dir.file("cut.h5")); });
  EXPECT_TRUE(contains(msg, "cut.h5")) << msg;
}

TEST(ModelFile, RejectsADatasetFile) {
  testing::TempDir dir;
  {
    auto file = hdf5::File::create(dir.file("data.h5"));
    file.set_attr("format", dataset::kDatasetFormat);
    file.set_attr<int32_t>("version", 1);
    file.write<int32_t>("windows/label", std::vector<int32_t>{0, 1});
  }
  auto msg = error_of([&] { load_model(dir.file("data.h5")); });
  EXPECT_TRUE(contains(msg, "data.h5")) << msg;
  EXPECT_TRUE(contains(msg, "dataset, not a model")) << msg;
}

TEST(ModelFile, RejectsForeignHdf5) {
  testing::TempDir dir;
  {
    auto file = hdf5::File::create(dir.file("other.h5"));
    file.write<float>("W1", std::vector<float>(6, 1.0f), {2, 3});
  }
  auto msg = error_of([&] { load_model(dir.file("other.h5")); });
  EXPECT_TRUE(contains(msg, "other.h5")) << msg;
  EXPECT_TRUE(contains(msg, "not a flowspike model")) << msg;
  {
    auto file = hdf5::File::create(dir.file("other2.h5"));
    file.set_attr("format", "keras");
  }
  msg = error_of([&] { load_model(dir.file("other2.h5")); });
  EXPECT_TRUE(contains(msg, "format 'keras'")) << msg;
}

TEST(ModelFile, RejectsFilesWrittenByH5py) {
  if (std::system("/usr/bin/python3 -c 'import h5py, numpy' >/dev/null 2>&1") != 0)
    GTEST_SKIP() << "/usr/bin/python3 with h5py and numpy not available";
  testing::TempDir dir;
  const std::string cmd = "/usr/bin/python3 -c '\n"
                          "import h5py, numpy as np, sys\n"
                          "with h5py.File(sys.argv[1], \"w\") as f:\n"
                          "    f[\"W1\"] = np.zeros((3, 2), np.float32)\n"
                          "with h5py.File(sys.argv[2], \"w\") as f:\n"
                          "    f.attrs[\"format\"] = \"flowspike-model\"\n"
                          "    f.attrs[\"version\"] = 1\n"
                          "    f[\"W1\"] = np.zeros((300, 8), np.float32)\n"
                          "' " + dir.file("plain.h5") + " " + dir.file("bare.h5");
  ASSERT_EQ(std::system(cmd.c_str()), 0);
  auto msg = error_of([&] { load_model(dir.file("plain.h5")); });
  EXPECT_TRUE(contains(msg, "plain.h5")) << msg;
  EXPECT_TRUE(contains(msg, "not a flowspike model")) << msg;
  // Claims to be a model but lacks everything else.
  msg = error_of([&] { load_model(dir.file("bare.h5")); });
  EXPECT_TRUE(contains(msg, "bare.h5")) << msg;
  EXPECT_TRUE(contains(msg, "network")) << msg;
}

TEST(ModelFile, RejectsNewerVersion) {
  testing::TempDir dir;
  save_model(make_model(), dir.file("model.h5"));
  {
    auto file = hdf5::File::open_rw(dir.file("model.h5"));
    file.set_attr<int32_t>("version", kModelVersion + 1);
  }
  auto msg = error_of([&] { load_model(dir.file("model.h5")); });
  EXPECT_TRUE(contains(msg, "model.h5")) << msg;
  EXPECT_TRUE(contains(msg, "newer")) << msg;
}

TEST(ModelFile, RejectsMissingWeights) {
  testing::TempDir dir;
  for (const char* name : {"W1", "b1", "beta1", "W2", "b2", "beta2", "classes"}) {
    save_model(make_model(), dir.file("model.h5"));
    {
      auto file = hdf5::File::open_rw(dir.file("model.h5"));
      ASSERT_GE(H5Ldelete(file.id(), name, H5P_DEFAULT), 0);
    }
    auto msg = error_of([&] { load_model(dir.file("model.h5")); });
    EXPECT_TRUE(contains(msg, "model.h5")) << msg;
    EXPECT_TRUE(contains(msg, name)) << msg;
  }
}

TEST(ModelFile, RejectsWeightsThatDisagreeWithTheOptions) {
  testing::TempDir dir;
  struct Case {
    const char* name;
    std::vector<hsize_t> dims;
  };
  // hidden = 8, classes = 3, inputs = 300, one beta per layer.
  for (const Case& c : {Case{"W1", {300, 7}}, Case{"W1", {8, 300}}, Case{"W1", {2400}}, Case{"b1", {9}},
                        Case{"beta1", {8}}, Case{"W2", {8, 4}}, Case{"b2", {3, 1}}, Case{"beta2", {2}}}) {
    save_model(make_model(), dir.file("model.h5"));
    {
      auto file = hdf5::File::open_rw(dir.file("model.h5"));
      ASSERT_GE(H5Ldelete(file.id(), c.name, H5P_DEFAULT), 0);
      hsize_t n = 1;
      for (auto d : c.dims) n *= d;
      file.write<float>(c.name, std::vector<float>(n, 0.5f), c.dims);
    }
    auto msg = error_of([&] { load_model(dir.file("model.h5")); });
    EXPECT_TRUE(contains(msg, "model.h5")) << msg;
    EXPECT_TRUE(contains(msg, c.name)) << msg;
  }
}

TEST(ModelFile, RejectsOptionsThatDisagreeWithThePreset) {
  testing::TempDir dir;
  save_model(make_model(), dir.file("model.h5"));
  {
    auto file = hdf5::File::open_rw(dir.file("model.h5"));
    file.open_group("network").set_attr<uint32_t>("time_bins", 150);
  }
  auto msg = error_of([&] { load_model(dir.file("model.h5")); });
  EXPECT_TRUE(contains(msg, "model.h5")) << msg;
  EXPECT_TRUE(contains(msg, "time")) << msg;
}

TEST(ModelCompatibility, SamePictureSettingsUnderAnotherNameAreFine) {
  Model m = make_model();
  features::Preset p = m.preset;
  p.name = "custom";
  p.window.min_packets = 3;  // keep-rules choose windows; pictures mean the same
  p.window.step_s = 30.0;
  EXPECT_NO_THROW(check_compatible(m, p, "capture.pcap"));
  EXPECT_NO_THROW(check_compatible(m, p, m.classes, "data.h5"));
}

TEST(ModelCompatibility, OtherPicturesAreRejected) {
  Model m = make_model();
  // uniform: 300 size bins too, but 10-byte bins.
  auto msg = error_of([&] { check_compatible(m, features::Preset::uniform(), "data.h5"); });
  EXPECT_TRUE(contains(msg, "data.h5")) << msg;
  EXPECT_TRUE(contains(msg, "size-bin edges")) << msg;

  features::Preset fewer = m.preset;
  fewer.picture.time_bins = 150;
  msg = error_of([&] { check_compatible(m, fewer, "data.h5"); });
  EXPECT_TRUE(contains(msg, "time bins")) << msg;

  features::Preset longer = m.preset;
  longer.window.length_s = 120;
  msg = error_of([&] { check_compatible(m, longer, "data.h5"); });
  EXPECT_TRUE(contains(msg, "window length")) << msg;

  features::Preset authors = features::Preset::authors();
  EXPECT_THROW(check_compatible(m, authors, "data.h5"), Error);
}

TEST(ModelCompatibility, SameNamedPresetsWithOtherEdgesSayWhichOptionToDrop) {
  // The data were extracted with --preset paper --size-edges uniform; the model with plain --preset paper.
  Model m = make_model();
  features::Preset data = features::Preset::paper();
  data.picture.size_edges = features::SizeBinEdges::uniform();
  const std::string msg = error_of([&] { check_compatible(m, data, "data.h5"); });
  EXPECT_TRUE(contains(msg, "data.h5: the pictures differ from the model's in size-bin edges")) << msg;
  EXPECT_TRUE(contains(msg, "edge 1 = 40")) << msg;
  EXPECT_TRUE(contains(msg, "edge 1 = 10")) << msg;
  EXPECT_TRUE(contains(msg, "both are preset 'paper', so one of them was extracted with --size-edges")) << msg;
  EXPECT_TRUE(contains(msg, "extract the dataset again with --preset paper and no --window, --time-bins or "
                            "--size-edges override"))
      << msg;
  EXPECT_FALSE(contains(msg, "make them with the model's preset")) << msg;
}

TEST(ModelCompatibility, AModelWithOverridesGetsThemInTheAdvice) {
  Model m = make_model();
  m.preset.picture.time_bins = 150;
  m.snn.time_bins = 150;
  const std::string msg = error_of([&] { check_compatible(m, features::Preset::paper(), "data.h5"); });
  EXPECT_TRUE(contains(msg, "time bins: the model's use 150, these use 300")) << msg;
  EXPECT_TRUE(contains(msg, "--time-bins")) << msg;
  EXPECT_TRUE(contains(msg, "extract the dataset again with --preset paper --time-bins 150 and no --window or "
                            "--size-edges override"))
      << msg;

  // Edges from a file: the advice says where the model keeps them.
  Model custom = make_model();
  custom.preset.picture.size_edges = features::SizeBinEdges::uniform(150, 8.0);
  const std::string edges = error_of([&] { check_compatible(custom, features::Preset::paper(), "data.h5"); });
  EXPECT_TRUE(contains(edges, "--preset paper --size-edges FILE, FILE holding the model's 151 forward edges "
                              "(the first 151 values of /preset/size_edges in the model file)"))
      << edges;
  EXPECT_TRUE(contains(edges, "no --window or --time-bins override")) << edges;

  // Another preset's name: said as such.
  const std::string other = error_of([&] { check_compatible(m, features::Preset::uniform(), "data.h5"); });
  EXPECT_TRUE(contains(other, "the model's preset is 'paper', these are 'uniform'")) << other;
}

TEST(ModelCompatibility, ClassListsMustMatchInOrder) {
  Model m = make_model();
  auto msg = error_of([&] { check_compatible(m, m.preset, {"Video-NonVPN", "Chat-Tor"}, "data.h5"); });
  EXPECT_TRUE(contains(msg, "data.h5")) << msg;
  EXPECT_TRUE(contains(msg, "3 classes")) << msg;
  msg = error_of([&] { check_compatible(m, m.preset, {"Video-NonVPN", "Browsing-VPN", "Chat-Tor"}, "data.h5"); });
  EXPECT_TRUE(contains(msg, "class 1")) << msg;

  dataset::Dataset data;
  data.preset = m.preset;
  data.classes = m.classes;
  EXPECT_NO_THROW(check_compatible(m, data, "data.h5"));
  data.classes[2] = "Browsing-NonVPN";
  EXPECT_THROW(check_compatible(m, data, "data.h5"), Error);
}

// Reads the file with h5py, as a Python user would, and prints what it sees.
TEST(ModelFile, ReadableWithH5py) {
  if (std::system("/usr/bin/python3 -c 'import h5py, numpy' >/dev/null 2>&1") != 0)
    GTEST_SKIP() << "/usr/bin/python3 with h5py and numpy not available";
  testing::TempDir dir;
  Model m = make_model();
  save_model(m, dir.file("model.h5"));
  const std::string script = dir.file("check.py");
  {
    std::ofstream py(script);
    py << R"(import sys, h5py, numpy as np
f = h5py.File(sys.argv[1], "r")
assert f.attrs["format"] == "flowspike-model", f.attrs["format"]
assert int(f.attrs["version"]) == 1
shapes = {k: f[k].shape for k in ["W1", "b1", "beta1", "W2", "b2", "beta2"]}
assert shapes == {"W1": (300, 8), "b1": (8,), "beta1": (1,), "W2": (8, 3), "b2": (3,), "beta2": (1,)}, shapes
assert all(f[k].dtype == np.float32 for k in shapes)
classes = [c.decode() if isinstance(c, bytes) else c for c in f["classes"][()]]
assert classes == ["Video-NonVPN", "Chat-Tor", "Browsing-VPN"], classes
net = f["network"].attrs
assert int(net["inputs"]) == 300 and int(net["hidden"]) == 8 and int(net["classes"]) == 3
assert f["preset"].attrs["preset"] == "paper"
assert f["preset/size_edges"].shape == (301,)
assert int(f["training"].attrs["best_epoch"]) == 17
W1 = f["W1"][()]
print("%.9g %.9g" % (W1[0, 0], W1[299, 7]))
)";
  }
  const std::string out = dir.file("out.txt");
  const std::string cmd = "/usr/bin/python3 " + script + " " + dir.file("model.h5") + " > " + out + " 2>&1";
  int rc = std::system(cmd.c_str());
  std::ifstream in(out);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  ASSERT_EQ(rc, 0) << text;
  // W1[i, j] in numpy is params.W1(i, j): x W1 with inputs as rows.
  EXPECT_EQ(text, fmt::format("{:.9g} {:.9g}\n", m.params.W1(0, 0), m.params.W1(299, 7)));
}

}  // namespace
}  // namespace flowspike::model
