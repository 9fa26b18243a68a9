#include "flowspike/eval/taxonomy.h"

#include <algorithm>
#include <set>
#include <utility>

#include <fmt/format.h>

#include "flowspike/dataset/labels.h"

namespace flowspike::eval {
namespace {

int index_of(std::vector<std::string>& names, const std::string& name) {
  auto it = std::find(names.begin(), names.end(), name);
  if (it != names.end()) return static_cast<int>(it - names.begin());
  names.push_back(name);
  return static_cast<int>(names.size()) - 1;
}

}  // namespace

int Taxonomy::class_of(int category, int encryption) const {
  for (size_t k = 0; k < class_category.size(); ++k)
    if (class_category[k] == category && class_encryption[k] == encryption) return static_cast<int>(k);
  return -1;
}

Taxonomy parse_taxonomy(const std::vector<std::string>& classes) {
  Taxonomy t;
  std::set<std::pair<std::string, std::string>> seen;
  for (const std::string& name : classes) {
    const size_t dash = name.rfind('-');
    if (dash == std::string::npos || dash == 0 || dash + 1 == name.size()) {
      t = Taxonomy{};
      t.reason = fmt::format("class '{}' is not of the form <category>-<encryption>", name);
      return t;
    }
    std::string category = name.substr(0, dash);
    std::string encryption = name.substr(dash + 1);
    if (!seen.emplace(category, encryption).second) {
      t = Taxonomy{};
      t.reason = fmt::format("class '{}' repeats the pair ({}, {})", name, category, encryption);
      return t;
    }
    t.class_category.push_back(index_of(t.categories, category));
    t.class_encryption.push_back(index_of(t.encryptions, encryption));
  }
  if (classes.empty()) {
    t.reason = "there are no classes";
    return t;
  }
  t.structured = true;
  return t;
}

bool is_iscx14(const std::vector<std::string>& classes) { return classes == dataset::iscx_classes(); }

}  // namespace flowspike::eval
