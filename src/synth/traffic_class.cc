#include "flowspike/synth/traffic_class.h"

#include <algorithm>
#include <cctype>

#include <fmt/format.h>

#include "flowspike/common/error.h"

namespace flowspike::synth {

const char* category_name(Category c) {
  switch (c) {
    case Category::video: return "Video";
    case Category::voip: return "VoIP";
    case Category::file_transfer: return "FileTransfer";
    case Category::chat: return "Chat";
    case Category::browsing: return "Browsing";
  }
  return "?";
}

const char* encryption_name(Encryption e) {
  switch (e) {
    case Encryption::nonvpn: return "NonVPN";
    case Encryption::tor: return "Tor";
    case Encryption::vpn: return "VPN";
  }
  return "?";
}

std::string TrafficClass::name() const {
  return std::string(category_name(category)) + "-" + encryption_name(encryption);
}

int TrafficClass::label() const {
  const auto& all = all_classes();
  return static_cast<int>(std::find(all.begin(), all.end(), *this) - all.begin());
}

const std::vector<TrafficClass>& all_classes() {
  static const std::vector<TrafficClass> classes = {
      {Category::video, Encryption::nonvpn},         {Category::video, Encryption::tor},
      {Category::video, Encryption::vpn},            {Category::voip, Encryption::nonvpn},
      {Category::voip, Encryption::tor},             {Category::voip, Encryption::vpn},
      {Category::file_transfer, Encryption::nonvpn}, {Category::file_transfer, Encryption::tor},
      {Category::file_transfer, Encryption::vpn},    {Category::chat, Encryption::nonvpn},
      {Category::chat, Encryption::tor},             {Category::chat, Encryption::vpn},
      {Category::browsing, Encryption::nonvpn},      {Category::browsing, Encryption::tor},
  };
  return classes;
}

TrafficClass parse_traffic_class(const std::string& name) {
  auto lower = [](std::string s) {
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
    return s;
  };
  std::string names;
  for (const auto& c : all_classes()) {
    if (lower(c.name()) == lower(name)) return c;
    names += (names.empty() ? "" : ", ") + c.name();
  }
  throw Error(fmt::format("unknown traffic class '{}'; the classes are: {}", name, names));
}

}  // namespace flowspike::synth
