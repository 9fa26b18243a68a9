// The flowspike subcommands. Each adds itself to the CLI11 app; its file only
// parses arguments, calls the library and prints. No logic lives here.
#pragma once

#include <CLI/CLI.hpp>

namespace flowspike::cli {

void add_inspect(CLI::App& app);
void add_flows(CLI::App& app);
void add_extract(CLI::App& app);
void add_train(CLI::App& app);
void add_eval(CLI::App& app);
void add_classify(CLI::App& app);
void add_ablate(CLI::App& app);
void add_synth(CLI::App& app);
void add_demo(CLI::App& app);

}  // namespace flowspike::cli
