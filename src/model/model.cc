#include "flowspike/model/model.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <set>

#include <fmt/format.h>

#include "flowspike/common/atomic_file.h"
#include "flowspike/common/error.h"
#include "flowspike/dataset/preset_io.h"

namespace flowspike::model {
namespace {

// Group and attribute names of the layout in docs/model-file.md.
constexpr const char* kNetworkGroup = "network";
constexpr const char* kPresetGroup = "preset";
constexpr const char* kTrainingGroup = "training";
constexpr const char* kClasses = "classes";

[[noreturn]] void fail(const std::string& source, const std::string& problem) {
  throw Error(fmt::format("{}: {}", source, problem));
}

// Where a group is, for messages: the file, plus the group when it is not the root.
std::string where(const hdf5::Group& group) {
  if (group.path() == "/" || group.path().empty()) return group.file();
  return fmt::format("{} (group '{}')", group.file(), group.path());
}

void write_network(hdf5::Group& g, const snn::SnnOptions& o) {
  g.set_attr<uint32_t>("inputs", o.inputs);
  g.set_attr<uint32_t>("hidden", o.hidden);
  g.set_attr<uint32_t>("classes", o.classes);
  g.set_attr<uint32_t>("time_bins", o.time_bins);
  g.set_attr<uint8_t>("beta_per_neuron", o.beta_per_neuron ? 1 : 0);
  g.set_attr<uint8_t>("beta_fixed_zero", o.beta_fixed_zero ? 1 : 0);
  g.set_attr<uint8_t>("paper_text", o.paper_text ? 1 : 0);
  g.set_attr<float>("surrogate_sigma", o.surrogate_sigma);
  g.set_attr<float>("spike_reg", o.spike_reg);
  g.set_attr<float>("init_weight_scale", o.init_weight_scale);
  g.set_attr<float>("init_beta", o.init_beta);
  g.set_attr<float>("init_threshold", o.init_threshold);
}

snn::SnnOptions read_network(const hdf5::Group& g) {
  snn::SnnOptions o;
  o.inputs = g.attr<uint32_t>("inputs");
  o.hidden = g.attr<uint32_t>("hidden");
  o.classes = g.attr<uint32_t>("classes");
  o.time_bins = g.attr<uint32_t>("time_bins");
  o.beta_per_neuron = g.attr<uint8_t>("beta_per_neuron") != 0;
  o.beta_fixed_zero = g.attr<uint8_t>("beta_fixed_zero") != 0;
  o.paper_text = g.attr<uint8_t>("paper_text") != 0;
  o.surrogate_sigma = g.attr<float>("surrogate_sigma");
  o.spike_reg = g.attr<float>("spike_reg");
  o.init_weight_scale = g.attr<float>("init_weight_scale");
  o.init_beta = g.attr<float>("init_beta");
  o.init_threshold = g.attr<float>("init_threshold");
  return o;
}

void write_training(hdf5::Group& g, const TrainingRecord& t) {
  g.set_attr("dataset_path", std::string_view(t.dataset_path));
  if (t.dataset_fingerprint) g.set_attr<uint64_t>("dataset_fingerprint", *t.dataset_fingerprint);
  g.set_attr("split", std::string_view(t.split));
  g.set_attr<uint64_t>("seed", t.seed);
  g.set_attr<double>("split_train", t.split_train);
  g.set_attr<double>("split_val", t.split_val);
  g.set_attr<double>("split_test", t.split_test);
  g.set_attr<int32_t>("best_epoch", t.best_epoch);
  g.set_attr<int32_t>("epochs_run", t.epochs_run);
  g.set_attr<double>("best_val_accuracy", t.best_val_accuracy);
  g.set_attr("log_csv", std::string_view(t.log_csv));
  g.set_attr("hyperparameters_json", std::string_view(t.hyperparameters_json));
}

TrainingRecord read_training(const hdf5::Group& g) {
  TrainingRecord t;
  t.dataset_path = g.attr_string("dataset_path");
  // Optional within version 1: older files do not have it.
  if (g.has_attr("dataset_fingerprint")) t.dataset_fingerprint = g.attr<uint64_t>("dataset_fingerprint");
  t.split = g.attr_string("split");
  t.seed = g.attr<uint64_t>("seed");
  t.split_train = g.attr<double>("split_train");
  t.split_val = g.attr<double>("split_val");
  t.split_test = g.attr<double>("split_test");
  t.best_epoch = g.attr<int32_t>("best_epoch");
  t.epochs_run = g.attr<int32_t>("epochs_run");
  t.best_val_accuracy = g.attr<double>("best_val_accuracy");
  t.log_csv = g.attr_string("log_csv");
  t.hyperparameters_json = g.attr_string("hyperparameters_json");
  return t;
}

template <class M>
void write_matrix(hdf5::Group& g, const std::string& name, const M& m) {
  // Row-major storage, so the HDF5 shape (rows, cols) reads as numpy's W[i, j].
  g.write<float>(name, std::span<const float>(m.data(), static_cast<size_t>(m.size())),
                 {static_cast<hsize_t>(m.rows()), static_cast<hsize_t>(m.cols())});
}

template <class V>
void write_vector(hdf5::Group& g, const std::string& name, const V& v) {
  g.write<float>(name, std::span<const float>(v.data(), static_cast<size_t>(v.size())));
}

// Reads a weight of the expected rank; its shape is checked against the options later.
snn::RowMatrix<float> read_matrix(const hdf5::Group& g, const std::string& name) {
  if (!g.has(name)) fail(where(g), fmt::format("missing weight '{}'", name));
  std::vector<hsize_t> dims;
  std::vector<float> values = g.read<float>(name, &dims);
  if (dims.size() != 2)
    fail(where(g), fmt::format("weight '{}' has {} dimensions, expected 2", name, dims.size()));
  snn::RowMatrix<float> m(static_cast<Eigen::Index>(dims[0]), static_cast<Eigen::Index>(dims[1]));
  std::copy(values.begin(), values.end(), m.data());
  return m;
}

snn::Vector<float> read_vector(const hdf5::Group& g, const std::string& name) {
  if (!g.has(name)) fail(where(g), fmt::format("missing weight '{}'", name));
  std::vector<hsize_t> dims;
  std::vector<float> values = g.read<float>(name, &dims);
  if (dims.size() != 1)
    fail(where(g), fmt::format("weight '{}' has {} dimensions, expected 1", name, dims.size()));
  return Eigen::Map<const snn::Vector<float>>(values.data(), static_cast<Eigen::Index>(values.size()));
}

template <class M>
bool all_finite(const M& m) {
  return m.array().isFinite().all();
}

// "a, b, c" (fmt::join of strings trips a false -Wstringop-overflow in g++ 12 with fmt 9).
std::string joined(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& n : names) out += (out.empty() ? "" : ", ") + n;
  return out;
}

std::string describe(const features::Preset& p) { return fmt::format("preset '{}'", p.name); }

// Names as the dataset and model files spell them (dataset/preset_io.h).
std::string clock_name(flow::WindowClock c) { return c == flow::WindowClock::per_flow ? "per_flow" : "per_direction"; }
std::string time_axis_name(features::TimeAxis t) { return t == features::TimeAxis::fixed ? "fixed" : "sample_span"; }
std::string overflow_name(features::SizeOverflow o) {
  return o == features::SizeOverflow::last_bin ? "last_bin" : "drop";
}

// Whether the backward half is the forward edges shifted by the last forward
// edge, as a --size-edges file makes them (dataset/size_edges_file.h).
bool forward_edges_repeat(const features::SizeBinEdges& edges) {
  const std::vector<double>& e = edges.edges();
  const uint32_t forward = edges.forward_bins();
  if (e.size() != 2 * static_cast<size_t>(forward) + 1) return false;
  for (uint32_t i = 1; i <= forward; ++i)
    if (e[forward + i] != e[i] + e[forward]) return false;
  return true;
}

// How to make a dataset whose pictures are the model's with `flowspike extract`:
// its preset, plus the picture options (--window, --time-bins, --size-edges)
// whose values the model has from an override rather than from that preset.
std::string extraction_advice(const Model& model) {
  const features::Preset& m = model.preset;
  const std::vector<std::string> known = features::Preset::names();
  if (std::find(known.begin(), known.end(), m.name) == known.end())
    return fmt::format("make the pictures with the model's settings (its /preset group; preset '{}' is not one "
                       "flowspike extract knows)",
                       m.name);
  const features::Preset base = features::Preset::named(m.name);
  // Settings that only a preset chooses: if they differ, no extract options reproduce the model.
  if (m.window.clock != base.window.clock || m.window.closed_end != base.window.closed_end ||
      m.picture.time_axis != base.picture.time_axis || m.picture.overflow != base.picture.overflow ||
      m.picture.authors_layout != base.picture.authors_layout)
    return fmt::format("make the pictures with the model's settings (its /preset group): they are not preset "
                       "'{}' with other options of flowspike extract",
                       m.name);

  std::string with = fmt::format("--preset {}", m.name);
  std::vector<std::string> without;
  if (m.window.length_s != base.window.length_s)
    with += fmt::format(" --window {:g}", m.window.length_s);
  else
    without.push_back("--window");
  if (m.picture.time_bins != base.picture.time_bins)
    with += fmt::format(" --time-bins {}", m.picture.time_bins);
  else
    without.push_back("--time-bins");
  const features::SizeBinEdges& edges = m.picture.size_edges;
  if (edges == base.picture.size_edges)
    without.push_back("--size-edges");
  else if (edges == features::SizeBinEdges::authors())
    with += " --size-edges authors";
  else if (edges == features::SizeBinEdges::uniform())
    with += " --size-edges uniform";
  else if (!forward_edges_repeat(edges))
    return "make the pictures with the model's settings (its /preset group): its size-bin edges are not one "
           "direction's edges repeated, which is all --size-edges FILE can give";
  else
    with += fmt::format(" --size-edges FILE, FILE holding the model's {} forward edges (the first {} values of "
                        "/preset/size_edges in the model file)",
                        edges.forward_bins() + 1, edges.forward_bins() + 1);
  std::string advice = fmt::format("extract the dataset again with {}", with);
  if (!without.empty()) {
    std::string list;
    for (size_t i = 0; i < without.size(); ++i)
      list += (i == 0 ? "" : i + 1 == without.size() ? " or " : ", ") + without[i];
    advice += fmt::format("{}and no {} override", with.find(',') == std::string::npos ? " " : "; ", list);
  }
  return advice;
}

}  // namespace

void validate_model(const Model& model, const std::string& source) {
  snn::validate_options(model.snn, source);
  snn::check_shapes(model.snn, model.params, source);
  const auto& p = model.params;
  for (const auto& [name, ok] : {std::pair{"W1", all_finite(p.W1)}, std::pair{"b1", all_finite(p.b1)},
                                 std::pair{"beta1", all_finite(p.beta1)}, std::pair{"W2", all_finite(p.W2)},
                                 std::pair{"b2", all_finite(p.b2)}, std::pair{"beta2", all_finite(p.beta2)}})
    if (!ok) fail(source, fmt::format("weight '{}' holds a value that is not finite (NaN or infinity)", name));
  if (model.classes.size() != model.snn.classes)
    fail(source, fmt::format("the network has {} outputs but {} class names", model.snn.classes, model.classes.size()));
  std::set<std::string> names;
  for (const auto& c : model.classes) {
    if (c.empty()) fail(source, "a class name is empty");
    if (!names.insert(c).second) fail(source, fmt::format("class '{}' appears twice", c));
  }
  const auto& pic = model.preset.picture;
  if (pic.size_edges.size_bins() != model.snn.inputs)
    fail(source, fmt::format("the network has {} inputs but the {} has {} size bins", model.snn.inputs,
                             describe(model.preset), pic.size_edges.size_bins()));
  if (pic.time_bins != model.snn.time_bins)
    fail(source, fmt::format("the network runs {} time steps but the {} has {} time bins", model.snn.time_bins,
                             describe(model.preset), pic.time_bins));
}

void write_model(hdf5::Group& group, const Model& model) {
  validate_model(model, where(group));
  group.set_attr("format", kModelFormat);
  group.set_attr<int32_t>("version", kModelVersion);
  write_matrix(group, "W1", model.params.W1);
  write_vector(group, "b1", model.params.b1);
  write_vector(group, "beta1", model.params.beta1);
  write_matrix(group, "W2", model.params.W2);
  write_vector(group, "b2", model.params.b2);
  write_vector(group, "beta2", model.params.beta2);
  group.write_strings(kClasses, model.classes);
  auto network = group.create_group(kNetworkGroup);
  write_network(network, model.snn);
  auto preset = group.create_group(kPresetGroup);
  dataset::write_preset(preset, model.preset);
  auto training = group.create_group(kTrainingGroup);
  write_training(training, model.training);
}

Model read_model(const hdf5::Group& group) {
  const std::string source = where(group);
  if (!group.has_attr("format"))
    fail(source, "not a flowspike model (no 'format' attribute; was it written by flowspike train?)");
  std::string format;
  try {
    format = group.attr_string("format");
  } catch (const Error&) {
    fail(source, "not a flowspike model (its 'format' attribute is not a string)");
  }
  if (format != kModelFormat) {
    if (format == dataset::kDatasetFormat)
      fail(source, "is a flowspike dataset, not a model (give a model written by flowspike train)");
    fail(source, fmt::format("not a flowspike model (format '{}', expected '{}')", format, kModelFormat));
  }
  const auto version = group.attr<int32_t>("version");
  if (version > kModelVersion)
    fail(source, fmt::format("model file version {} is newer than this flowspike reads (up to {}); upgrade flowspike",
                             version, kModelVersion));
  if (version < 1) fail(source, fmt::format("invalid model file version {}", version));

  Model model;
  model.snn = read_network(group.open_group(kNetworkGroup));
  model.preset = dataset::read_preset(group.open_group(kPresetGroup));
  model.training = read_training(group.open_group(kTrainingGroup));
  if (!group.has(kClasses)) fail(source, "missing the class names ('classes')");
  model.classes = group.read_strings(kClasses);
  model.params.W1 = read_matrix(group, "W1");
  model.params.b1 = read_vector(group, "b1");
  model.params.beta1 = read_vector(group, "beta1");
  model.params.W2 = read_matrix(group, "W2");
  model.params.b2 = read_vector(group, "b2");
  model.params.beta2 = read_vector(group, "beta2");
  validate_model(model, source);
  return model;
}

void save_model(const Model& model, const std::string& path) {
  validate_model(model, path);
  AtomicFile out{std::filesystem::path(path)};
  {
    auto file = hdf5::File::create(out.temp_path().string());
    write_model(file, model);
    file.flush();
  }
  out.commit();
}

Model load_model(const std::string& path) {
  auto file = hdf5::File::open(path);
  return read_model(file);
}

void check_compatible(const Model& model, const features::Preset& preset, const std::string& what) {
  const auto& want = model.preset;
  // `option` is the flag of `flowspike extract` that sets the setting, or empty.
  auto mismatch = [&](const std::string& setting, const std::string& option, const std::string& model_value,
                      const std::string& given) {
    std::string presets;
    if (want.name != preset.name)
      presets = fmt::format("the model's preset is '{}', these are '{}'", want.name, preset.name);
    else if (!option.empty())
      presets = fmt::format("both are preset '{}', so one of them was extracted with {}", want.name, option);
    else
      presets = fmt::format("both are preset '{}'", want.name);
    throw Error(fmt::format("{}: the pictures differ from the model's in {}: the model's use {}, these use {} ({}); "
                            "{}",
                            what, setting, model_value, given, presets, extraction_advice(model)));
  };
  const auto& a = want.picture;
  const auto& b = preset.picture;
  if (a.time_bins != b.time_bins)
    mismatch("time bins", "--time-bins", std::to_string(a.time_bins), std::to_string(b.time_bins));
  if (a.size_edges.size_bins() != b.size_edges.size_bins())
    mismatch("size bins", "--size-edges", std::to_string(a.size_edges.size_bins()),
             std::to_string(b.size_edges.size_bins()));
  if (!(a.size_edges == b.size_edges)) {
    const auto& ea = a.size_edges.edges();
    const auto& eb = b.size_edges.edges();
    size_t i = 0;
    while (i < ea.size() && ea[i] == eb[i]) ++i;
    if (i < ea.size())
      mismatch("size-bin edges", "--size-edges", fmt::format("edge {} = {}", i, ea[i]),
               fmt::format("edge {} = {}", i, eb[i]));
    mismatch("size-bin halves", "--size-edges", fmt::format("{} forward bins", a.size_edges.forward_bins()),
             fmt::format("{} forward bins", b.size_edges.forward_bins()));
  }
  if (want.window.length_s != preset.window.length_s)
    mismatch("window length", "--window", fmt::format("{} s", want.window.length_s),
             fmt::format("{} s", preset.window.length_s));
  if (want.window.clock != preset.window.clock)
    mismatch("window clock", "", clock_name(want.window.clock), clock_name(preset.window.clock));
  if (want.window.closed_end != preset.window.closed_end)
    mismatch("window end", "", want.window.closed_end ? "closed" : "open",
             preset.window.closed_end ? "closed" : "open");
  if (a.time_axis != b.time_axis)
    mismatch("time axis", "", time_axis_name(a.time_axis), time_axis_name(b.time_axis));
  if (a.overflow != b.overflow)
    mismatch("handling of oversized packets", "", overflow_name(a.overflow), overflow_name(b.overflow));
  if (a.authors_layout != b.authors_layout)
    mismatch("size layout", "", a.authors_layout ? "the authors' shared axis" : "two halves",
             b.authors_layout ? "the authors' shared axis" : "two halves");
}

void check_compatible(const Model& model, const features::Preset& preset, const std::vector<std::string>& classes,
                      const std::string& what) {
  check_compatible(model, preset, what);
  if (classes == model.classes) return;
  if (classes.size() != model.classes.size())
    throw Error(fmt::format("{}: the model knows {} classes ({}), these data have {} ({})", what,
                            model.classes.size(), joined(model.classes), classes.size(), joined(classes)));
  for (size_t i = 0; i < classes.size(); ++i)
    if (classes[i] != model.classes[i])
      throw Error(fmt::format("{}: class {} is '{}' in the model but '{}' in these data (the class lists must be "
                              "the same, in the same order)",
                              what, i, model.classes[i], classes[i]));
}

void check_compatible(const Model& model, const dataset::Dataset& data, const std::string& what) {
  check_compatible(model, data.preset, data.classes, what);
}

}  // namespace flowspike::model
