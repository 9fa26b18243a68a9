// ParseReport: reason names and totals.
#include "flowspike/capture/parse_report.h"

#include "flowspike/common/error.h"

namespace flowspike::capture {

std::string_view drop_reason_name(DropReason reason) {
  switch (reason) {
    case DropReason::not_ip: return "not_ip";
    case DropReason::unknown_link_type: return "unknown_link_type";
    case DropReason::truncated_header: return "truncated_header";
    case DropReason::malformed_header: return "malformed_header";
    case DropReason::fragment_without_head: return "fragment_without_head";
  }
  FLOWSPIKE_ASSERT(!"DropReason out of range");
  return "";
}

uint64_t ParseReport::total_dropped() const {
  uint64_t total = 0;
  for (uint64_t n : dropped) total += n;
  return total;
}

void ParseReport::merge(const ParseReport& other) {
  packets_read += other.packets_read;
  packets_filtered += other.packets_filtered;
  packets_used += other.packets_used;
  sizes_clipped += other.sizes_clipped;
  sizes_dropped += other.sizes_dropped;
  timestamps_backwards += other.timestamps_backwards;
  for (size_t i = 0; i < kDropReasonCount; ++i) dropped[i] += other.dropped[i];
}

}  // namespace flowspike::capture
