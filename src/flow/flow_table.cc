#include "flowspike/flow/flow_table.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <memory>
#include <vector>

#include <fmt/format.h>

#include "flowspike/common/error.h"

namespace flowspike::flow {

namespace {

using capture::Direction;

constexpr uint32_t kNone = 0xFFFFFFFF;

// Timeouts are clamped so that clock + timeout cannot overflow (31 years is "never").
int64_t timeout_ns(double seconds, const char* what, bool allow_zero) {
  if (!(seconds > 0) && !(allow_zero && seconds == 0))
    throw Error(fmt::format("flow table: {} must be {}, not {}", what,
                            allow_zero ? "zero or positive" : "positive", seconds));
  return std::llround(std::min(seconds, 1e9) * 1e9);
}

// The flow key: protocol and the two endpoints in a canonical order (the
// smaller (address, port) first), so both directions find the same flow.
// Five 64-bit words built in registers: two per address, one for ports,
// protocol and IP version; compared and hashed word by word.
struct FlowKey {
  uint64_t w[5];

  bool operator==(const FlowKey& o) const {
    return ((w[0] ^ o.w[0]) | (w[1] ^ o.w[1]) | (w[2] ^ o.w[2]) | (w[3] ^ o.w[3]) | (w[4] ^ o.w[4])) == 0;
  }
};

// Builds the key of `p`; a_is_src says whether the packet's source is endpoint a.
FlowKey make_key(const capture::Packet& p, bool& a_is_src) {
  uint64_t s0, s1, d0, d1;
  std::memcpy(&s0, p.src.bytes.data(), 8);
  std::memcpy(&s1, p.src.bytes.data() + 8, 8);
  std::memcpy(&d0, p.dst.bytes.data(), 8);
  std::memcpy(&d1, p.dst.bytes.data() + 8, 8);
  // Any total order of endpoints will do; this one needs no byte swapping.
  a_is_src = s0 != d0 ? s0 < d0 : s1 != d1 ? s1 < d1 : p.sport <= p.dport;
  FlowKey k;
  k.w[0] = a_is_src ? s0 : d0;
  k.w[1] = a_is_src ? s1 : d1;
  k.w[2] = a_is_src ? d0 : s0;
  k.w[3] = a_is_src ? d1 : s1;
  const uint64_t port_a = a_is_src ? p.sport : p.dport;
  const uint64_t port_b = a_is_src ? p.dport : p.sport;
  k.w[4] = port_a | port_b << 16 | uint64_t{p.proto} << 32 | uint64_t{p.src.version} << 40;
  return k;
}

uint32_t hash_key(const FlowKey& k) {
  uint64_t h = 0x9E3779B97F4A7C15ull;
  for (uint64_t w : k.w) {
    h = (h ^ w) * 0xBF58476D1CE4E5B9ull;
    h ^= h >> 31;
  }
  h *= 0x94D049BB133111EBull;
  return static_cast<uint32_t>(h >> 32);
}

enum class State : uint8_t { free, live, closing };

// A doubly linked list threaded through the entries by slot number.
struct Links {
  uint32_t prev = kNone;
  uint32_t next = kNone;
};

struct Entry {
  FlowKey key;
  FlowRecord record;
  uint32_t hash = 0;
  State state = State::free;
  bool a_is_src = true;   // the first packet came from endpoint a
  uint8_t fin_seen = 0;   // bit per direction
  FlowEnd close_reason = FlowEnd::tcp_fin;
  int64_t touch_clock = 0;  // clock at the last packet (idle list order)
  int64_t start_clock = 0;  // clock at the first packet (age list order)
  int64_t close_clock = 0;  // clock when the TCP close was seen (closing list order)
  Links timer;  // idle list while live, closing list while closing
  Links age;    // age list while live
};

// Open addressing with linear probing over (hash, slot + 1) cells; 0 = empty.
class FlowIndex {
 public:
  explicit FlowIndex(size_t expected) {
    size_t cap = 16;
    while (cap < expected * 2) cap *= 2;
    cells_.assign(cap, Cell{});
    mask_ = cap - 1;
  }

  template <typename Equal>
  uint32_t find(uint32_t hash, Equal&& equal) const {
    for (size_t i = hash & mask_;; i = (i + 1) & mask_) {
      const Cell& c = cells_[i];
      if (c.slot1 == 0) return kNone;
      if (c.hash == hash && equal(c.slot1 - 1)) return c.slot1 - 1;
    }
  }

  void insert(uint32_t hash, uint32_t slot) {
    if ((size_ + 1) * 2 > cells_.size()) grow();
    place(hash, slot);
    ++size_;
  }

  void erase(uint32_t hash, uint32_t slot) {
    size_t i = hash & mask_;
    while (cells_[i].slot1 != slot + 1) {
      FLOWSPIKE_ASSERT(cells_[i].slot1 != 0);
      i = (i + 1) & mask_;
    }
    // Backward-shift deletion keeps every probe chain unbroken without tombstones.
    for (size_t j = (i + 1) & mask_;; j = (j + 1) & mask_) {
      if (cells_[j].slot1 == 0) break;
      size_t home = cells_[j].hash & mask_;
      // Move cell j into the hole at i unless its home lies cyclically in (i, j].
      bool stays = (i <= j) ? (home > i && home <= j) : (home > i || home <= j);
      if (!stays) {
        cells_[i] = cells_[j];
        i = j;
      }
    }
    cells_[i] = Cell{};
    --size_;
  }

 private:
  struct Cell {
    uint32_t hash = 0;
    uint32_t slot1 = 0;
  };

  void place(uint32_t hash, uint32_t slot) {
    size_t i = hash & mask_;
    while (cells_[i].slot1 != 0) i = (i + 1) & mask_;
    cells_[i] = Cell{hash, slot + 1};
  }

  void grow() {
    std::vector<Cell> old = std::move(cells_);
    cells_.assign(old.size() * 2, Cell{});
    mask_ = cells_.size() - 1;
    for (const Cell& c : old)
      if (c.slot1 != 0) place(c.hash, c.slot1 - 1);
  }

  std::vector<Cell> cells_;
  size_t mask_ = 0;
  size_t size_ = 0;
};

// Entry storage that never moves an entry (the listener holds references to
// records) and indexes in two steps: chunks of 256 entries.
class EntryStore {
 public:
  Entry& operator[](uint32_t slot) { return chunks_[slot >> kShift][slot & kMask]; }
  const Entry& operator[](uint32_t slot) const { return chunks_[slot >> kShift][slot & kMask]; }
  size_t size() const { return size_; }
  void emplace_back() {
    if ((size_ & kMask) == 0) chunks_.push_back(std::make_unique<Entry[]>(kMask + 1));
    ++size_;
  }

 private:
  static constexpr uint32_t kShift = 8;
  static constexpr uint32_t kMask = (1u << kShift) - 1;
  std::vector<std::unique_ptr<Entry[]>> chunks_;
  size_t size_ = 0;
};

// Head and tail of one intrusive list; `member` picks which Links of an entry.
struct List {
  uint32_t head = kNone;
  uint32_t tail = kNone;
};

}  // namespace

class FlowTable::Impl {
 public:
  Impl(FlowTableOptions options, FlowListener& listener, int64_t first_id)
      : options_(options),
        listener_(listener),
        index_(options.expected_flows),
        next_id_(first_id),
        idle_ns_(timeout_ns(options.idle_timeout_s, "idle timeout", false)),
        active_ns_(timeout_ns(options.active_timeout_s, "active timeout", false)),
        linger_ns_(timeout_ns(options.tcp_close_linger_s, "TCP close linger", true)) {
  }

  void add(const capture::Packet& p) {
    if (p.capture != capture_) {
      if (has_clock_) flush();
      capture_ = p.capture;
    }
    if (!has_clock_ || p.ts_ns > clock_) clock_ = p.ts_ns;
    has_clock_ = true;
    ++stats_.packets;
    expire(clock_);

    bool a_is_src = true;
    FlowKey key = make_key(p, a_is_src);
    uint32_t hash = hash_key(key);
    uint32_t slot = index_.find(hash, [&](uint32_t s) { return entries_[s].key == key; });
    if (slot != kNone && entries_[slot].state == State::closing && is_syn(p)) {
      end(slot, entries_[slot].close_reason);  // a new connection on the same endpoints
      slot = kNone;
    }
    if (slot == kNone) slot = create(p, key, hash, a_is_src);

    Entry& e = entries_[slot];
    const Direction dir = a_is_src == e.a_is_src ? Direction::forward : Direction::backward;
    const auto d = static_cast<size_t>(dir);
    FlowRecord& r = e.record;
    ++r.packets[d];
    r.bytes[d] += p.ip_len;
    if (p.ts_ns > r.last_ns) r.last_ns = p.ts_ns;
    if (e.state == State::live) {
      e.touch_clock = clock_;
      move_to_back(idle_, slot, &Entry::timer);
    }
    listener_.on_packet(r, slot, p, dir);

    if (options_.tcp_close && p.proto == capture::kProtoTcp && e.state == State::live) {
      if (p.tcp_flags & capture::kTcpRst) {
        begin_close(slot, FlowEnd::tcp_rst);
      } else if (p.tcp_flags & capture::kTcpFin) {
        e.fin_seen |= static_cast<uint8_t>(1u << d);
        if (e.fin_seen == 3) begin_close(slot, FlowEnd::tcp_fin);
      }
    }
  }

  void advance(int64_t now_ns) {
    if (!has_clock_ || now_ns > clock_) clock_ = now_ns;
    has_clock_ = true;
    expire(clock_);
    listener_.on_advance(now_ns);
  }

  void flush() {
    std::vector<uint32_t> slots;
    for (uint32_t s = age_.head; s != kNone; s = entries_[s].age.next) slots.push_back(s);
    for (uint32_t s = closing_.head; s != kNone; s = entries_[s].timer.next) slots.push_back(s);
    std::sort(slots.begin(), slots.end(),
              [&](uint32_t a, uint32_t b) { return entries_[a].record.id < entries_[b].record.id; });
    for (uint32_t s : slots)
      end(s, entries_[s].state == State::closing ? entries_[s].close_reason : FlowEnd::end_of_capture);
    has_clock_ = false;
    clock_ = 0;
  }

  size_t live_flows() const { return live_; }
  uint32_t slot_limit() const { return static_cast<uint32_t>(entries_.size()); }
  int64_t clock_ns() const { return clock_; }
  const FlowTableStats& stats() const { return stats_; }

 private:
  static bool is_syn(const capture::Packet& p) {
    return p.proto == capture::kProtoTcp && (p.tcp_flags & capture::kTcpSyn) &&
           !(p.tcp_flags & capture::kTcpAck);
  }

  uint32_t create(const capture::Packet& p, const FlowKey& key, uint32_t hash, bool a_is_src) {
    uint32_t slot;
    if (!free_.empty()) {
      slot = free_.back();
      free_.pop_back();
    } else {
      slot = static_cast<uint32_t>(entries_.size());
      entries_.emplace_back();
    }
    Entry& e = entries_[slot];
    e.key = key;
    e.hash = hash;
    e.state = State::live;
    e.a_is_src = a_is_src;
    e.fin_seen = 0;
    e.touch_clock = e.start_clock = clock_;
    e.timer = e.age = Links{};
    FlowRecord& r = e.record;
    r = FlowRecord{};
    r.id = next_id_++;
    r.capture = p.capture;
    r.proto = p.proto;
    r.src = p.src;
    r.dst = p.dst;
    r.sport = p.sport;
    r.dport = p.dport;
    r.first_ns = r.last_ns = p.ts_ns;
    index_.insert(hash, slot);
    push_back(idle_, slot, &Entry::timer);
    push_back(age_, slot, &Entry::age);
    ++live_;
    ++stats_.flows_started;
    stats_.max_live_flows = std::max<uint64_t>(stats_.max_live_flows, live_);
    return slot;
  }

  void begin_close(uint32_t slot, FlowEnd reason) {
    Entry& e = entries_[slot];
    if (linger_ns_ == 0) {
      end(slot, reason);
      return;
    }
    unlink(idle_, slot, &Entry::timer);
    unlink(age_, slot, &Entry::age);
    e.state = State::closing;
    e.close_reason = reason;
    e.close_clock = clock_;
    push_back(closing_, slot, &Entry::timer);
  }

  // Ends every flow whose deadline is at or before `now`, earliest deadline first.
  void expire(int64_t now) {
    for (;;) {
      // On equal deadlines the later test wins: idle beats active for a flow
      // that is due both ways.
      int64_t best = now;
      int which = -1;
      if (age_.head != kNone && entries_[age_.head].start_clock + active_ns_ <= best) {
        best = entries_[age_.head].start_clock + active_ns_;
        which = 1;
      }
      if (idle_.head != kNone && entries_[idle_.head].touch_clock + idle_ns_ <= best) {
        best = entries_[idle_.head].touch_clock + idle_ns_;
        which = 0;
      }
      if (closing_.head != kNone && entries_[closing_.head].close_clock + linger_ns_ <= best) {
        which = 2;
      }
      if (which < 0) return;
      if (which == 0) end(idle_.head, FlowEnd::idle_timeout);
      else if (which == 1) end(age_.head, FlowEnd::active_timeout);
      else end(closing_.head, entries_[closing_.head].close_reason);
    }
  }

  void end(uint32_t slot, FlowEnd reason) {
    Entry& e = entries_[slot];
    FLOWSPIKE_ASSERT(e.state != State::free);
    if (e.state == State::live) {
      unlink(idle_, slot, &Entry::timer);
      unlink(age_, slot, &Entry::age);
    } else {
      unlink(closing_, slot, &Entry::timer);
    }
    index_.erase(e.hash, slot);
    e.state = State::free;
    e.record.end = reason;
    --live_;
    ++stats_.flows_ended[static_cast<size_t>(reason)];
    listener_.on_flow_end(e.record, slot);
    free_.push_back(slot);
  }

  void push_back(List& list, uint32_t slot, Links Entry::*member) {
    Links& l = entries_[slot].*member;
    l.prev = list.tail;
    l.next = kNone;
    if (list.tail != kNone) (entries_[list.tail].*member).next = slot;
    else list.head = slot;
    list.tail = slot;
  }

  void unlink(List& list, uint32_t slot, Links Entry::*member) {
    Links& l = entries_[slot].*member;
    if (l.prev != kNone) (entries_[l.prev].*member).next = l.next;
    else list.head = l.next;
    if (l.next != kNone) (entries_[l.next].*member).prev = l.prev;
    else list.tail = l.prev;
    l = Links{};
  }

  void move_to_back(List& list, uint32_t slot, Links Entry::*member) {
    if (list.tail == slot) return;
    unlink(list, slot, member);
    push_back(list, slot, member);
  }

  FlowTableOptions options_;
  FlowListener& listener_;
  EntryStore entries_;
  std::vector<uint32_t> free_;
  FlowIndex index_;
  List idle_, age_, closing_;
  int64_t next_id_;
  int64_t idle_ns_, active_ns_, linger_ns_;
  int64_t clock_ = 0;
  bool has_clock_ = false;
  int32_t capture_ = -1;
  size_t live_ = 0;
  FlowTableStats stats_;
};

FlowTable::FlowTable(FlowTableOptions options, FlowListener& listener, int64_t first_id)
    : impl_(std::make_unique<Impl>(options, listener, first_id)) {}
FlowTable::~FlowTable() = default;
void FlowTable::add(const capture::Packet& packet) { impl_->add(packet); }
void FlowTable::advance(int64_t now_ns) { impl_->advance(now_ns); }
void FlowTable::flush() { impl_->flush(); }
size_t FlowTable::live_flows() const { return impl_->live_flows(); }
uint32_t FlowTable::slot_limit() const { return impl_->slot_limit(); }
int64_t FlowTable::clock_ns() const { return impl_->clock_ns(); }
const FlowTableStats& FlowTable::stats() const { return impl_->stats(); }

}  // namespace flowspike::flow
