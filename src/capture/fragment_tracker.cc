// FragmentTracker: datagram key -> the head fragment's ports, with byte
// accounting so an entry leaves as soon as its datagram is complete.
#include "flowspike/capture/fragment_tracker.h"

#include <algorithm>
#include <cstring>

#include "flowspike/common/error.h"

namespace flowspike::capture {

size_t FragmentTracker::KeyHash::operator()(const Key& k) const noexcept {
  // FNV-1a over the fields that vary; fragments are rare, so simplicity wins.
  uint64_t h = 1469598103934665603ull;
  auto mix = [&h](const uint8_t* p, size_t n) {
    for (size_t i = 0; i < n; ++i) h = (h ^ p[i]) * 1099511628211ull;
  };
  mix(k.src.bytes.data(), k.src.bytes.size());
  mix(k.dst.bytes.data(), k.dst.bytes.size());
  uint8_t tail[6];
  std::memcpy(tail, &k.id, 4);
  tail[4] = k.next_header;
  tail[5] = k.src.version;
  mix(tail, sizeof tail);
  return static_cast<size_t>(h);
}

FragmentTracker::FragmentTracker(FragmentTrackerOptions options) : options_(options) {
  FLOWSPIKE_ASSERT(options_.max_datagrams > 0);
}

std::optional<DropReason> FragmentTracker::resolve(Packet& pkt, const FragmentInfo& f) {
  if (!f.is_fragment) return std::nullopt;
  Key key{pkt.src, pkt.dst, f.id, f.next_header};
  const int64_t now = pkt.ts_ns;

  if (f.offset == 0) {
    make_room(now);
    Datagram& d = datagrams_[key];  // a repeated head (retransmission, new datagram reusing the id) starts over
    d = Datagram{pkt.proto, pkt.sport, pkt.dport, now, f.data_len, f.more ? 0 : uint64_t{f.data_len}};
    return std::nullopt;
  }

  auto it = datagrams_.find(key);
  if (it == datagrams_.end()) return DropReason::fragment_without_head;
  Datagram& d = it->second;
  if (now - d.last_ns > options_.timeout_ns) {
    datagrams_.erase(it);
    return DropReason::fragment_without_head;
  }
  pkt.proto = d.proto;
  pkt.sport = d.sport;
  pkt.dport = d.dport;
  d.last_ns = std::max(d.last_ns, now);
  d.seen_bytes += f.data_len;
  if (!f.more) d.total_bytes = uint64_t{f.offset} + f.data_len;
  if (d.total_bytes != 0 && d.seen_bytes >= d.total_bytes) datagrams_.erase(it);
  return std::nullopt;
}

void FragmentTracker::make_room(int64_t now_ns) {
  if (datagrams_.size() < options_.max_datagrams) return;
  std::erase_if(datagrams_, [&](const auto& entry) { return now_ns - entry.second.last_ns > options_.timeout_ns; });
  if (datagrams_.size() < options_.max_datagrams) return;
  auto oldest = std::min_element(datagrams_.begin(), datagrams_.end(),
                                 [](const auto& a, const auto& b) { return a.second.last_ns < b.second.last_ns; });
  datagrams_.erase(oldest);
}

}  // namespace flowspike::capture
