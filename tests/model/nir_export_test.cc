#include "flowspike/model/nir_export.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "flowspike/common/error.h"
#include "flowspike/optim/rng.h"
#include "support/temp_dir.h"

namespace flowspike::model {
namespace {

// A small network on `paper` size bins whose hidden layer spikes on random pictures.
Model spiking_model(bool beta_per_neuron, bool paper_text) {
  Model m;
  m.preset = features::Preset::paper();
  m.preset.picture.time_bins = 60;  // 1 s bins: keeps the Python simulation quick
  m.snn.time_bins = 60;
  m.snn.hidden = 6;
  m.snn.classes = 3;
  m.snn.beta_per_neuron = beta_per_neuron;
  m.snn.paper_text = paper_text;
  m.params = snn::SnnParams::zeros(m.snn);
  optim::Rng rng(3);
  for (Eigen::Index i = 0; i < m.params.W1.size(); ++i) m.params.W1.data()[i] = static_cast<float>(optim::normal(rng));
  for (Eigen::Index i = 0; i < m.params.W2.size(); ++i) m.params.W2.data()[i] = static_cast<float>(optim::normal(rng));
  for (Eigen::Index i = 0; i < m.params.b1.size(); ++i)
    m.params.b1(i) = static_cast<float>((paper_text ? 2.0 : 0.004) * (1.0 + optim::uniform01(rng)));
  for (Eigen::Index i = 0; i < m.params.b2.size(); ++i) m.params.b2(i) = static_cast<float>(optim::normal(rng));
  for (Eigen::Index i = 0; i < m.params.beta1.size(); ++i) m.params.beta1(i) = static_cast<float>(0.5 + 0.4 * optim::uniform01(rng));
  for (Eigen::Index i = 0; i < m.params.beta2.size(); ++i) m.params.beta2(i) = static_cast<float>(0.5 + 0.4 * optim::uniform01(rng));
  m.classes = {"a", "b", "c"};
  return m;
}

TEST(NirExport, RejectsAnInconsistentModel) {
  testing::TempDir dir;
  Model m = spiking_model(false, false);
  m.classes.pop_back();
  EXPECT_THROW(export_nir(m, dir.file("m.nir")), Error);
  EXPECT_FALSE(std::filesystem::exists(dir.file("m.nir")));
}

// Checks the NIR layout with h5py, then runs both networks in numpy on random
// pictures: the flowspike model from its model file, and the NIR graph
// (forward Euler with dt, the subtractive reset and time-mean readout taken
// from the metadata, as a NIR consumer would have to add them). The logits
// must agree, so the parameter mapping is right.
TEST(NirExport, GraphStructureAndParametersReadWithH5py) {
  if (std::system("/usr/bin/python3 -c 'import h5py, numpy' >/dev/null 2>&1") != 0)
    GTEST_SKIP() << "/usr/bin/python3 with h5py and numpy not available";
  testing::TempDir dir;
  const std::string script = dir.file("check.py");
  {
    std::ofstream py(script);
    py << R"(import sys, h5py, numpy as np
m = h5py.File(sys.argv[1], "r")
n = h5py.File(sys.argv[2], "r")
s = lambda d: d[()].decode() if isinstance(d[()], bytes) else d[()]
assert s(n["version"]) == "1.0.0"
g = n["node"]
assert s(g["type"]) == "NIRGraph"
nodes = g["nodes"]
types = {k: s(nodes[k]["type"]) for k in nodes}
assert types == {"input": "Input", "fc1": "Linear", "lif1": "LIF", "fc2": "Linear", "li2": "LI", "output": "Output"}, types
edges = [tuple(e.decode() for e in row) for row in g["edges"][()]]
assert edges == [("input", "fc1"), ("fc1", "lif1"), ("lif1", "fc2"), ("fc2", "li2"), ("li2", "output")], edges
I, H = m["W1"].shape
C = m["W2"].shape[1]
assert list(nodes["input/shape"][()]) == [I] and list(nodes["output/shape"][()]) == [C]
assert nodes["fc1/weight"].shape == (H, I) and nodes["fc2/weight"].shape == (C, H)
for k in ["tau", "r", "v_leak", "v_threshold", "v_reset"]:
    assert nodes["lif1"][k].shape == (H,), k
for k in ["tau", "r", "v_leak"]:
    assert nodes["li2"][k].shape == (C,), k
meta = g["metadata"]
dt = float(meta["dt"][()][0])
T = int(meta["time_steps"][()][0])
assert [c.decode() for c in meta["classes"][()]] == ["a", "b", "c"]
assert np.array_equal(nodes["fc1/weight"][()], m["W1"][()].T)

def flowspike_logits(x):
    W1, b1, beta1, W2, b2, beta2 = (m[k][()].astype(np.float64) for k in ["W1", "b1", "beta1", "W2", "b2", "beta2"])
    paper_text = bool(m["network"].attrs["paper_text"])
    norm1, norm2 = (W1 ** 2).sum(0), (W2 ** 2).sum(0)
    v, sp, u, total, spikes = np.zeros(H), np.zeros(H), np.zeros(C), np.zeros(C), 0
    for t in range(T):
        h = x[t] @ W1
        if paper_text:
            v = beta1 * (v - sp * b1) + (1 - beta1) * h
            sp = (v - b1 > 0).astype(float)
        else:
            v = beta1 * (v - sp * b1 * norm1) + (1 - beta1) * h
            sp = (v / (norm1 + 1e-8) - b1 > 0).astype(float)
        spikes += sp.sum()
        u = beta2 * u + (1 - beta2) * (sp @ W2)
        total += u
    return total / T / (norm2 + 1e-8) - b2, spikes

def nir_logits(x):
    W1, W2 = nodes["fc1/weight"][()].astype(np.float64), nodes["fc2/weight"][()].astype(np.float64)
    lif, li = nodes["lif1"], nodes["li2"]
    a1 = dt / lif["tau"][()].astype(np.float64)
    a2 = dt / li["tau"][()].astype(np.float64)
    thr = lif["v_threshold"][()].astype(np.float64)
    v, sp, u, total = np.zeros(H), np.zeros(H), np.zeros(C), np.zeros(C)
    for t in range(T):
        i1 = W1 @ x[t]
        v = v - sp * thr                       # subtractive reset (metadata hidden_reset)
        v = v + a1 * (lif["v_leak"][()] - v + lif["r"][()] * i1)
        sp = (v > thr).astype(float)
        u = u + a2 * (li["v_leak"][()] - u + li["r"][()] * (W2 @ sp))
        total += u
    return total / T - meta["readout_offset"][()]

rng = np.random.default_rng(0)
spikes = 0
for trial in range(3):
    x = np.zeros((T, I))
    cells = rng.integers(0, T * I, size=300)
    x.flat[cells] = rng.integers(1, 4, size=300)
    a, k = flowspike_logits(x)
    spikes += k
    b = nir_logits(x)
    assert np.allclose(a, b, rtol=1e-4, atol=1e-4), (a, b)
assert spikes > 0
print("ok", int(spikes))
)";
  }
  // Both thresholds (normalised, paper text) and both leak layouts, in two runs.
  for (bool per_neuron : {false, true}) {
    const bool paper_text = per_neuron;
    Model m = spiking_model(per_neuron, paper_text);
    save_model(m, dir.file("m.h5"));
    export_nir(m, dir.file("m.nir"));
    const std::string out = dir.file("out.txt");
    const std::string cmd =
        "/usr/bin/python3 " + script + " " + dir.file("m.h5") + " " + dir.file("m.nir") + " > " + out + " 2>&1";
    int rc = std::system(cmd.c_str());
    std::ifstream in(out);
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    EXPECT_EQ(rc, 0) << "per_neuron=" << per_neuron << " paper_text=" << paper_text << "\n" << text;
    EXPECT_EQ(text.rfind("ok ", 0), 0u) << text;
  }
}

}  // namespace
}  // namespace flowspike::model
