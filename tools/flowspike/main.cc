// flowspike: classify encrypted traffic from packet sizes and times with a
// spiking neural network. Exit codes: 0 success, 1 a user error (bad input,
// bad flag value), 2 bad command line, 130 interrupted, 70 internal error.
#include <cstdio>
#include <exception>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "commands.h"
#include "flowspike/common/error.h"
#include "flowspike/common/interrupt.h"

int main(int argc, char** argv) {
  CLI::App app{
      "flowspike: encrypted-traffic classification from packet sizes and arrival times\n"
      "with a spiking neural network (Rasteh et al.). Run `flowspike demo` to see the\n"
      "whole pipeline, or `flowspike <command> --help`."};
  app.require_subcommand(1);
  app.set_version_flag("--version", "flowspike 0.1.0");
  flowspike::cli::add_inspect(app);
  flowspike::cli::add_flows(app);
  flowspike::cli::add_extract(app);
  flowspike::cli::add_train(app);
  flowspike::cli::add_eval(app);
  flowspike::cli::add_classify(app);
  flowspike::cli::add_ablate(app);
  flowspike::cli::add_synth(app);
  flowspike::cli::add_demo(app);

  flowspike::install_interrupt_handlers();
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int code = app.exit(e);
    return code == 0 ? 0 : 2;
  } catch (const flowspike::Interrupted&) {
    // Each command says what it kept (training keeps its best model); outputs
    // that were not complete have been removed while unwinding.
    fmt::print(stderr, "flowspike: interrupted\n");
    return 130;
  } catch (const flowspike::Error& e) {
    fmt::print(stderr, "flowspike: error: {}\n", e.what());
    return 1;
  } catch (const std::exception& e) {
    fmt::print(stderr, "flowspike: internal error: {}\n", e.what());
    return 70;
  }
  return 0;
}
