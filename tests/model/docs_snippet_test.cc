// The Python snippet of docs/model-file.md, run as written on a model file and
// a dataset file, must give the logits of flowspike's own network.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "flowspike/model/model.h"
#include "flowspike/optim/rng.h"
#include "flowspike/snn/network.h"
#include "support/temp_dir.h"

namespace flowspike::model {
namespace {

namespace fs = std::filesystem;

std::string read_text(const fs::path& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// The first ```python block of the model-file documentation.
std::string docs_snippet() {
  const fs::path docs = fs::path(__FILE__).parent_path().parent_path().parent_path() / "docs" / "model-file.md";
  const std::string text = read_text(docs);
  const auto start = text.find("```python\n");
  if (start == std::string::npos) return {};
  const auto body = start + 10;
  const auto end = text.find("```", body);
  return text.substr(body, end - body);
}

TEST(ModelFileDocs, PythonSnippetReproducesTheLogits) {
  if (std::system("/usr/bin/python3 -c 'import h5py, numpy' >/dev/null 2>&1") != 0)
    GTEST_SKIP() << "/usr/bin/python3 with h5py and numpy not available";
  const std::string snippet = docs_snippet();
  ASSERT_FALSE(snippet.empty()) << "no python block in docs/model-file.md";

  for (bool paper_text : {false, true}) {
    testing::TempDir dir;
    Model m;
    m.preset = features::Preset::paper();
    m.preset.picture.time_bins = 60;  // short windows keep the Python loop quick
    m.snn.time_bins = 60;
    m.snn.hidden = 12;
    m.snn.classes = 4;
    m.snn.paper_text = paper_text;
    m.classes = {"w", "x", "y", "z"};
    optim::Rng rng(paper_text ? 21 : 20);
    m.params = snn::SnnParams::initial(m.snn, rng);
    m.params.b1.setConstant(paper_text ? 0.01f : 0.02f);  // low thresholds: the hidden layer spikes
    for (Eigen::Index k = 0; k < m.params.b2.size(); ++k) m.params.b2(k) = static_cast<float>(0.1 * k);
    save_model(m, dir.file("model.h5"));

    // One window of random cells, sorted by (time bin, size bin), as a dataset stores it.
    features::SparsePicture pic;
    for (uint16_t t = 0; t < 60; ++t)
      for (uint16_t s = 0; s < 300; ++s)
        if (optim::uniform01(rng) < 0.03) {
          pic.time_bin.push_back(t);
          pic.size_bin.push_back(s);
          pic.count.push_back(static_cast<float>(1 + optim::uniform_index(rng, 5)));
        }
    {
      auto file = hdf5::File::create(dir.file("data.h5"));
      file.write<int64_t>("windows/offset", std::vector<int64_t>{0, static_cast<int64_t>(pic.nnz())});
      file.write<uint16_t>("cells/time_bin", pic.time_bin);
      file.write<uint16_t>("cells/size_bin", pic.size_bin);
      file.write<float>("cells/count", pic.count);
    }
    snn::Network net(m.snn, m.params, 1);
    std::vector<float> logits(m.snn.classes);
    const auto activity = net.infer_one(pic.view(), logits);
    EXPECT_GT(activity.hidden_spikes, 0u) << "the test network should spike (paper_text=" << paper_text << ")";

    {
      std::ofstream py(dir.file("run.py"));
      py << snippet << "\nprint(' '.join('%.9g' % v for v in logits(x)))\n";
    }
    const std::string cmd =
        "cd " + dir.path().string() + " && /usr/bin/python3 run.py > out.txt 2>&1";
    const int rc = std::system(cmd.c_str());
    const std::string out = read_text(dir.path() / "out.txt");
    ASSERT_EQ(rc, 0) << out;
    std::istringstream lines(out);
    std::string predicted;
    std::getline(lines, predicted);
    const auto best = std::max_element(logits.begin(), logits.end()) - logits.begin();
    EXPECT_EQ(predicted, m.classes[static_cast<size_t>(best)]) << out;
    for (float expected : logits) {
      double got = 0;
      ASSERT_TRUE(lines >> got) << out;
      EXPECT_NEAR(got, expected, 1e-4 * std::max(1.0, std::abs(static_cast<double>(expected)))) << out;
    }
  }
}

}  // namespace
}  // namespace flowspike::model
