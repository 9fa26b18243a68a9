// The 14 traffic classes of DESIGN section 4 as the generator knows them: an
// application category and how it is carried. Names are exactly the class
// names of the dataset ("Video-NonVPN", ...), which are also the directory
// names `flowspike synth` writes, so `flowspike extract --labels dirs` labels
// the files. Plain values.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace flowspike::synth {

enum class Category : uint8_t { video, voip, file_transfer, chat, browsing };
enum class Encryption : uint8_t { nonvpn, tor, vpn };

struct TrafficClass {
  Category category = Category::video;
  Encryption encryption = Encryption::nonvpn;

  std::string name() const;  // "Video-NonVPN", "FileTransfer-Tor", ...
  int label() const;         // 0..13, DESIGN section 4
  bool operator==(const TrafficClass&) const = default;
};

const char* category_name(Category c);      // "Video", "VoIP", "FileTransfer", "Chat", "Browsing"
const char* encryption_name(Encryption e);  // "NonVPN", "Tor", "VPN"

// The 14 classes in label order (Browsing-VPN does not exist).
const std::vector<TrafficClass>& all_classes();
// Parses a class name, case-insensitively; throws flowspike::Error listing the valid names.
TrafficClass parse_traffic_class(const std::string& name);

}  // namespace flowspike::synth
