#include "flowspike/dataset/size_edges_file.h"

#include <charconv>
#include <cmath>
#include <fstream>
#include <vector>

#include <fmt/format.h>

#include "flowspike/common/error.h"

namespace flowspike::dataset {

features::SizeBinEdges load_size_edges(const std::string& name_or_path) {
  if (name_or_path == "authors") return features::SizeBinEdges::authors();
  if (name_or_path == "uniform") return features::SizeBinEdges::uniform();
  std::ifstream in(name_or_path);
  if (!in)
    throw Error(fmt::format("--size-edges '{}': not authors, uniform or a readable file of edges", name_or_path));
  std::vector<double> edges;
  std::string line;
  size_t line_no = 0;
  while (std::getline(in, line)) {
    ++line_no;
    std::string_view rest(line);
    if (size_t hash = rest.find('#'); hash != std::string_view::npos) rest = rest.substr(0, hash);
    while (!rest.empty()) {
      size_t start = rest.find_first_not_of(" \t\r,");
      if (start == std::string_view::npos) break;
      rest.remove_prefix(start);
      size_t end = rest.find_first_of(" \t\r,");
      std::string_view token = rest.substr(0, end);
      double v = 0;
      auto [ptr, ec] = std::from_chars(token.data(), token.data() + token.size(), v);
      if (ec != std::errc() || ptr != token.data() + token.size() || !std::isfinite(v))
        throw Error(fmt::format("{}:{}: '{}' is not a number", name_or_path, line_no, token));
      if (edges.empty() && v != 0)
        throw Error(fmt::format("{}:{}: the first edge must be 0, not {}", name_or_path, line_no, v));
      if (!edges.empty() && v <= edges.back())
        throw Error(fmt::format("{}:{}: edges must increase ({} after {})", name_or_path, line_no, v, edges.back()));
      edges.push_back(v);
      rest.remove_prefix(token.size());
    }
  }
  if (edges.size() < 2) throw Error(fmt::format("{}: needs at least two edges (one bin)", name_or_path));
  if (edges.size() - 1 > 32767)
    throw Error(fmt::format("{}: {} bins per direction is too many (at most 32767)", name_or_path, edges.size() - 1));
  const auto forward_bins = static_cast<uint32_t>(edges.size() - 1);
  const double shift = edges.back();
  for (uint32_t i = 1; i <= forward_bins; ++i) edges.push_back(edges[i] + shift);
  return features::SizeBinEdges(std::move(edges), forward_bins);
}

}  // namespace flowspike::dataset
