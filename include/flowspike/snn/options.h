// Shape and variant of the spiking network (DESIGN section 6). The defaults
// are the authors' released model: weight-normalised per-neuron thresholds,
// subtractive reset that is not detached, one trainable leak per layer, a
// leaky readout averaged over time. Plain value type.
#pragma once

#include <cstdint>
#include <string>

namespace flowspike::snn {

struct SnnOptions {
  // Shape.
  uint32_t inputs = 300;     // size bins
  uint32_t hidden = 100;     // LIF neurons
  uint32_t classes = 14;     // readout neurons
  uint32_t time_bins = 300;  // simulation steps, one per time bin

  // Variants (affect results).
  bool beta_per_neuron = false;  // one leak per neuron instead of one per layer
  bool beta_fixed_zero = false;  // leak fixed at 0 and not trained (stateless ablation)
  bool paper_text = false;       // fixed threshold 1 and plain reset, as the paper's text

  // Training of the network itself.
  float surrogate_sigma = 10.0f;  // slope of the sigmoid surrogate of Heaviside
  float spike_reg = 0.0f;         // coefficient of 0.5 * mean(s^2) added to the loss

  // Initialisation.
  float init_weight_scale = 0.15f;  // W ~ N(0, (scale / sqrt(fan_in))^2)
  float init_beta = 0.7f;
  float init_threshold = 1.0f;      // b1 and b2
};

// Throws flowspike::Error ("<what>: ...") if a field is out of range: a zero
// size, more than 65536 inputs or time bins (cells store them as uint16),
// fewer than 2 classes, sigma <= 0, a negative regularisation, initial beta
// outside [0, 1], a negative threshold or weight scale, a non-finite value.
void validate_options(const SnnOptions& options, const std::string& what = "network options");

// Sizes of the leak vectors: 1 per layer, or one per neuron.
inline uint32_t beta1_size(const SnnOptions& o) { return o.beta_per_neuron ? o.hidden : 1; }
inline uint32_t beta2_size(const SnnOptions& o) { return o.beta_per_neuron ? o.classes : 1; }


}  // namespace flowspike::snn
