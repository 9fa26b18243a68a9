// The figures published by Rasteh et al., "Encrypted Internet traffic
// classification using a supervised Spiking Neural Network" (Neurocomputing
// 2022, arXiv:2101.09818), that flowspike prints beside its own. Only figures
// with a source we could read are here; every other paper entry (the per-class
// and per-category cells of Tables 1-4, Fig. 7) is unknown and shown as "n/a".
// docs/evaluation.md lists what is included and why the rest is missing.
#pragma once

#include <optional>
#include <span>
#include <string_view>

namespace flowspike::eval {

struct PaperFigure {
  std::string_view key;     // stable name, used in JSON
  double value;             // a fraction for accuracies (0.959), a plain number otherwise
  bool approximate;         // published as "~x"
  std::string_view what;    // what the figure measures
  std::string_view source;  // where the figure comes from
};

// Keys of the figures below.
inline constexpr std::string_view kPaperAccuracy = "accuracy";
inline constexpr std::string_view kPaperWeightedPrecision = "weighted_precision";
inline constexpr std::string_view kPaperEncryptionAccuracy = "encryption_accuracy";
inline constexpr std::string_view kPaperShufflePerRow = "ablation_shuffle_per_row_accuracy";
inline constexpr std::string_view kPaperShuffleAllRows = "ablation_shuffle_all_rows_accuracy";
inline constexpr std::string_view kPaperLearnedBeta = "ablation_learned_beta";
inline constexpr std::string_view kPaperBetaZero = "ablation_beta_zero_accuracy";

// Every figure flowspike knows, in a fixed order.
std::span<const PaperFigure> paper_figures();

// The value of a figure, or nullopt when the paper's figure is not available.
std::optional<double> paper_figure(std::string_view key);

}  // namespace flowspike::eval
