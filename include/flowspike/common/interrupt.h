// Cooperative interruption. The CLI turns SIGINT/SIGTERM into a request; long
// loops in the library poll interrupt_requested() and either stop cleanly
// (training keeps its best model) or throw Interrupted, so atomic outputs are
// removed by unwinding instead of being left half-written. Thread-safe.
#pragma once

#include "flowspike/common/error.h"

namespace flowspike {

// Thrown by loops that cannot finish meaningfully once interrupted.
class Interrupted : public Error {
 public:
  Interrupted() : Error("interrupted") {}
};

bool interrupt_requested();
void request_interrupt();   // async-signal-safe
void clear_interrupt();     // for tests
// Throws Interrupted if an interrupt was requested.
void throw_if_interrupted();

// Installs handlers: the first SIGINT/SIGTERM requests an interrupt, a second one
// kills the process with the default action.
void install_interrupt_handlers();

}  // namespace flowspike
