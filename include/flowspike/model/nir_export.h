// Export of a model to NIR, the Neuromorphic Intermediate Representation
// (neuromorphs/NIR), in its HDF5 graph layout so that nir.read() and the
// toolchains built on it can load the network. What maps exactly and what
// does not (the subtractive reset, the time-mean readout and its offset) is
// in docs/model-file.md; the parts without a NIR counterpart travel in the
// graph's metadata. Stateless functions.
#pragma once

#include <string>

#include "flowspike/model/model.h"

namespace flowspike::model {

// The NIR format version written in the file's `version` dataset.
inline constexpr const char* kNirVersion = "1.0.0";

// Writes the graph input -> fc1 (Linear) -> lif1 (LIF) -> fc2 (Linear) ->
// li2 (LI) -> output atomically to `path`. Time constants are in seconds for
// the preset's time-bin width dt: tau = dt / (1 - beta), r = 1, v_leak = 0.
// Throws flowspike::Error if the model is inconsistent or on I/O failure.
void export_nir(const Model& model, const std::string& path);

}  // namespace flowspike::model
