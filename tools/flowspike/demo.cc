// `flowspike demo`: placeholder until its module lands; see the issue list.
#include "commands.h"
#include "flowspike/common/error.h"

namespace flowspike::cli {

void add_demo(CLI::App& app) {
  auto* cmd = app.add_subcommand("demo", "(not available yet)");
  cmd->callback([] { throw Error("'demo' is not implemented yet"); });
}

}  // namespace flowspike::cli
