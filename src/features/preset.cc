#include "flowspike/features/preset.h"

#include <fmt/format.h>

#include "flowspike/common/error.h"

namespace flowspike::features {

Preset Preset::paper() {
  Preset p;
  p.name = "paper";
  return p;  // the field defaults are the paper's settings
}

Preset Preset::authors() {
  Preset p;
  p.name = "authors";
  p.window.clock = flow::WindowClock::per_direction;
  p.window.closed_end = true;
  p.window.set = flow::WindowSet::covered;
  p.picture.size_edges = SizeBinEdges::authors();
  p.picture.overflow = SizeOverflow::drop;
  p.picture.time_axis = TimeAxis::sample_span;
  p.picture.authors_layout = true;
  return p;
}

Preset Preset::uniform() {
  Preset p;
  p.name = "uniform";
  p.picture.size_edges = SizeBinEdges::uniform(150, 10.0);
  return p;
}

std::vector<std::string> Preset::names() { return {"paper", "authors", "uniform"}; }

Preset Preset::named(const std::string& name) {
  if (name == "paper") return paper();
  if (name == "authors") return authors();
  if (name == "uniform") return uniform();
  std::string choices;
  for (const auto& n : names()) choices += (choices.empty() ? "" : ", ") + n;
  throw Error(fmt::format("unknown preset '{}' (choose one of: {})", name, choices));
}

}  // namespace flowspike::features
