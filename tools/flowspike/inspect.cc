// `flowspike inspect`: placeholder until its module lands; see the issue list.
#include "commands.h"
#include "flowspike/common/error.h"

namespace flowspike::cli {

void add_inspect(CLI::App& app) {
  auto* cmd = app.add_subcommand("inspect", "(not available yet)");
  cmd->callback([] { throw Error("'inspect' is not implemented yet"); });
}

}  // namespace flowspike::cli
