// What the pipeline commands print about their step, shared by the step's own
// command (synth, extract, train, eval, classify) and by `flowspike demo`,
// which runs them all and prints the same lines, and the checks whose message
// a bad option value prints. Plain functions writing to stdout unless they
// take a stream; call from the command's thread.
#pragma once

#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

#include "flowspike/capture/packet_source.h"
#include "flowspike/capture/parse_report.h"
#include "flowspike/classify/classifier.h"
#include "flowspike/dataset/dataset.h"
#include "flowspike/dataset/extractor.h"
#include "flowspike/eval/evaluation_result.h"
#include "flowspike/flow/flow_table.h"
#include "flowspike/synth/corpus.h"
#include "flowspike/train/trainer.h"

namespace flowspike::cli {

// A fraction as a percentage with one decimal and the sign: 0.959 -> "95.9%".
std::string percent(double fraction);

// --stats of the capture commands: packets read, filtered, used, dropped by
// reason; sizes clipped to the last bin or left out of pictures (per window
// picture, so apart from the packet counts); timestamps going backwards (stderr).
void print_parse_report(const capture::ParseReport& report);
// --stats: flows started, ended by reason, most live at once (stderr).
void print_flow_table_stats(const flow::FlowTableStats& stats);
// Warnings for captures that were skipped, cut off, or have another problem.
void warn_about_captures(const std::vector<capture::CaptureInfo>& captures);
// The warning every capture command gives when packets were dropped.
void warn_if_dropped(const capture::ParseReport& report, bool stats_shown);

// synth: the per-class table of files, flows, packets, megabytes and estimated
// windows, then where the corpus went and how long it took.
void print_corpus_summary(const synth::CorpusSummary& summary, double seconds);

// extract: what was written, windows per class, and why windows were skipped.
void print_extract_summary(const dataset::ExtractResult& result, const dataset::ExtractOptions& options,
                           const std::string& out);

// train: the split and the network of a run (two indented lines).
void print_training_setup(const train::Trainer& trainer, const dataset::Dataset& data);
// train: one line per finished epoch.
void print_epoch(const train::EpochStats& epoch, int32_t epochs);
// train: the progress bar's text within an epoch.
std::string batch_progress_text(const train::BatchProgress& progress);

// eval: the paper-style tables (report::evaluation_tables), each followed by a blank line.
void print_evaluation_tables(std::FILE* to, const eval::EvaluationResult& result);

// classify: packets, flows and windows classified, unknown flows by reason,
// and windows and flows per predicted class.
void print_classify_summary(std::FILE* to, const classify::Classifier& classifier, const capture::ParseReport& report,
                            double seconds);

}  // namespace flowspike::cli
