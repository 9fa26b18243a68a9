// How class names fold into categories and encryptions (DESIGN section 4). A
// class named "<category>-<encryption>" (for example "VoIP-VPN") is the pair
// (VoIP, VPN); the name is split at its last '-'. When every class name has
// that form and no pair repeats, the taxonomy is `structured` and the
// category and encryption tables can be computed; otherwise they are omitted
// and `reason` says why. Plain value type.
#pragma once

#include <string>
#include <vector>

namespace flowspike::eval {

struct Taxonomy {
  bool structured = false;
  std::string reason;                   // why not structured (empty when structured)
  std::vector<std::string> categories;  // in order of first appearance in the class list
  std::vector<std::string> encryptions; // likewise
  std::vector<int> class_category;      // per class: index into categories (structured only)
  std::vector<int> class_encryption;    // per class: index into encryptions (structured only)

  // The class of (category, encryption), or -1 when the class list has none.
  int class_of(int category, int encryption) const;
};

Taxonomy parse_taxonomy(const std::vector<std::string>& classes);

// True when `classes` are exactly the 14 ISCX classes in the paper's order
// (dataset::iscx_classes()), so the paper's published figures apply.
bool is_iscx14(const std::vector<std::string>& classes);

}  // namespace flowspike::eval
