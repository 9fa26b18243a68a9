// `flowspike ablate`: placeholder until its module lands; see the issue list.
#include "commands.h"
#include "flowspike/common/error.h"

namespace flowspike::cli {

void add_ablate(CLI::App& app) {
  auto* cmd = app.add_subcommand("ablate", "(not available yet)");
  cmd->callback([] { throw Error("'ablate' is not implemented yet"); });
}

}  // namespace flowspike::cli
