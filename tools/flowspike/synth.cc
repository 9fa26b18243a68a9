// `flowspike synth`: placeholder until its module lands; see the issue list.
#include "commands.h"
#include "flowspike/common/error.h"

namespace flowspike::cli {

void add_synth(CLI::App& app) {
  auto* cmd = app.add_subcommand("synth", "(not available yet)");
  cmd->callback([] { throw Error("'synth' is not implemented yet"); });
}

}  // namespace flowspike::cli
