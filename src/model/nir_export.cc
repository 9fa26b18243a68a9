#include "flowspike/model/nir_export.h"

#include <cmath>
#include <filesystem>
#include <limits>
#include <vector>

#include <fmt/format.h>

#include "flowspike/common/atomic_file.h"
#include "flowspike/common/error.h"

namespace flowspike::model {
namespace {

// NIR (nir/serialization.py) stores every field as a dataset: strings as
// scalar variable-length strings, arrays as numpy arrays, edges as an n x 2
// array of strings. The hdf5 wrapper has 1-D string arrays only, so the
// scalar and 2-D string datasets are written here with the C API.
hdf5::Handle utf8_string_type() {
  hid_t t = H5Tcopy(H5T_C_S1);
  H5Tset_size(t, H5T_VARIABLE);
  H5Tset_cset(t, H5T_CSET_UTF8);
  return hdf5::Handle(t, H5Tclose);
}

void write_string_array(hdf5::Group& group, const std::string& name, const std::vector<std::string>& values,
                        std::vector<hsize_t> dims) {
  hdf5::Handle space(dims.empty() ? H5Screate(H5S_SCALAR)
                                  : H5Screate_simple(static_cast<int>(dims.size()), dims.data(), nullptr),
                     H5Sclose);
  hdf5::Handle type = utf8_string_type();
  hdf5::Handle lcpl(H5Pcreate(H5P_LINK_CREATE), H5Pclose);
  H5Pset_create_intermediate_group(lcpl.get(), 1);
  hdf5::Handle ds(H5Dcreate2(group.id(), name.c_str(), type.get(), space.get(), lcpl.get(), H5P_DEFAULT, H5P_DEFAULT),
                  H5Dclose);
  std::vector<const char*> ptrs;
  for (const auto& v : values) ptrs.push_back(v.c_str());
  if (!ds.valid() || H5Dwrite(ds.get(), type.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, ptrs.data()) < 0)
    throw Error(fmt::format("{}: cannot write dataset '{}'", group.file(), group.qualified(name)));
}

void write_string(hdf5::Group& group, const std::string& name, const std::string& value) {
  write_string_array(group, name, {value}, {});
}

template <class V>
std::vector<float> to_floats(const V& v) {
  std::vector<float> out(static_cast<size_t>(v.size()));
  for (Eigen::Index i = 0; i < v.size(); ++i) out[static_cast<size_t>(i)] = static_cast<float>(v(i));
  return out;
}

// A leak per neuron: the layer's one beta repeated, or the per-neuron betas.
std::vector<double> leaks(const snn::Vector<float>& beta, uint32_t neurons) {
  std::vector<double> out(neurons);
  for (uint32_t j = 0; j < neurons; ++j) out[j] = beta.size() == 1 ? beta(0) : beta(j);
  return out;
}

// beta = 1 - dt / tau (forward Euler of tau dv/dt = -v + r I with r = 1 and
// input weight 1 - beta): tau = dt / (1 - beta); beta = 1 never leaks.
std::vector<float> time_constants(const std::vector<double>& beta, double dt) {
  std::vector<float> tau;
  for (double b : beta)
    tau.push_back(b >= 1.0 ? std::numeric_limits<float>::infinity() : static_cast<float>(dt / (1.0 - b)));
  return tau;
}

void write_node_type(hdf5::Group& node, const char* type) { write_string(node, "type", type); }

void write_linear(hdf5::Group& nodes, const std::string& name, const snn::RowMatrix<float>& w_out_by_in) {
  auto node = nodes.create_group(name);
  write_node_type(node, "Linear");
  // NIR's Linear is y = W x with W of shape (out, in), as torch.nn.Linear.
  node.write<float>("weight", std::span<const float>(w_out_by_in.data(), static_cast<size_t>(w_out_by_in.size())),
                    {static_cast<hsize_t>(w_out_by_in.rows()), static_cast<hsize_t>(w_out_by_in.cols())});
}

}  // namespace

void export_nir(const Model& model, const std::string& path) {
  validate_model(model, path);
  const auto& o = model.snn;
  const auto& p = model.params;
  const double dt = model.preset.time_bin_s();
  constexpr double kNormEps = 1e-8;  // as the network adds to the weight norms

  // Hidden layer: spike when v / (norm1 + eps) > b1, i.e. v > b1 (norm1 + eps);
  // the paper-text variant compares v with b1 directly.
  std::vector<float> threshold(o.hidden);
  for (uint32_t j = 0; j < o.hidden; ++j) {
    const double norm = p.W1.col(j).cast<double>().squaredNorm();
    threshold[j] = static_cast<float>(o.paper_text ? p.b1(j) : p.b1(j) * (norm + kNormEps));
  }
  // Readout: logit_k = mean_t u_k[t] / (norm2_k + eps) - b2_k. The division is
  // linear and folds into W2; the mean over time and -b2 have no NIR node.
  snn::RowMatrix<float> w2(o.classes, o.hidden);
  for (uint32_t k = 0; k < o.classes; ++k) {
    const double norm = p.W2.col(k).cast<double>().squaredNorm();
    for (uint32_t j = 0; j < o.hidden; ++j) w2(k, j) = static_cast<float>(p.W2(j, k) / (norm + kNormEps));
  }
  const snn::RowMatrix<float> w1 = p.W1.transpose();

  AtomicFile out{std::filesystem::path(path)};
  {
    auto file = hdf5::File::create(out.temp_path().string());
    write_string(file, "version", kNirVersion);
    auto graph = file.create_group("node");
    write_node_type(graph, "NIRGraph");
    auto nodes = graph.create_group("nodes");

    auto input = nodes.create_group("input");
    write_node_type(input, "Input");
    input.write<int64_t>("shape", std::vector<int64_t>{o.inputs});

    write_linear(nodes, "fc1", w1);

    auto lif = nodes.create_group("lif1");
    write_node_type(lif, "LIF");
    lif.write<float>("tau", time_constants(leaks(p.beta1, o.hidden), dt));
    lif.write<float>("r", std::vector<float>(o.hidden, 1.0f));
    lif.write<float>("v_leak", std::vector<float>(o.hidden, 0.0f));
    lif.write<float>("v_threshold", threshold);
    lif.write<float>("v_reset", std::vector<float>(o.hidden, 0.0f));

    write_linear(nodes, "fc2", w2);

    auto li = nodes.create_group("li2");
    write_node_type(li, "LI");
    li.write<float>("tau", time_constants(leaks(p.beta2, o.classes), dt));
    li.write<float>("r", std::vector<float>(o.classes, 1.0f));
    li.write<float>("v_leak", std::vector<float>(o.classes, 0.0f));

    auto output = nodes.create_group("output");
    write_node_type(output, "Output");
    output.write<int64_t>("shape", std::vector<int64_t>{o.classes});

    const std::vector<std::string> chain = {"input", "fc1", "lif1", "fc2", "li2", "output"};
    std::vector<std::string> edges;
    for (size_t i = 0; i + 1 < chain.size(); ++i) {
      edges.push_back(chain[i]);
      edges.push_back(chain[i + 1]);
    }
    write_string_array(graph, "edges", edges, {chain.size() - 1, 2});

    // What NIR cannot say, for a reader that wants the exact flowspike network.
    auto meta = graph.create_group("metadata");
    write_string(meta, "source", "flowspike");
    write_string(meta, "dt_unit", "s");
    meta.write<double>("dt", std::vector<double>{dt});
    meta.write<int64_t>("time_steps", std::vector<int64_t>{o.time_bins});
    write_string_array(meta, "classes", model.classes, {model.classes.size()});
    write_string(meta, "hidden_reset",
                 o.paper_text ? "subtract: v[t] = beta * (v[t-1] - s[t-1] * b1) + (1 - beta) * I[t]"
                              : "subtract: v[t] = beta * (v[t-1] - s[t-1] * b1 * norm1) + (1 - beta) * I[t]");
    write_string(meta, "readout", "logit = mean over the time steps of li2's state, minus readout_offset");
    meta.write<float>("readout_offset", to_floats(p.b2));
    file.flush();
  }
  out.commit();
}

}  // namespace flowspike::model
