// `flowspike flows`: placeholder until its module lands; see the issue list.
#include "commands.h"
#include "flowspike/common/error.h"

namespace flowspike::cli {

void add_flows(CLI::App& app) {
  auto* cmd = app.add_subcommand("flows", "(not available yet)");
  cmd->callback([] { throw Error("'flows' is not implemented yet"); });
}

}  // namespace flowspike::cli
