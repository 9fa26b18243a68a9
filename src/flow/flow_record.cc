#include "flowspike/flow/flow_record.h"

namespace flowspike::flow {

std::string_view flow_end_name(FlowEnd end) {
  switch (end) {
    case FlowEnd::idle_timeout: return "idle_timeout";
    case FlowEnd::active_timeout: return "active_timeout";
    case FlowEnd::tcp_fin: return "tcp_fin";
    case FlowEnd::tcp_rst: return "tcp_rst";
    case FlowEnd::end_of_capture: return "end_of_capture";
  }
  return "unknown";
}

}  // namespace flowspike::flow
