// `flowspike eval`: placeholder until its module lands; see the issue list.
#include "commands.h"
#include "flowspike/common/error.h"

namespace flowspike::cli {

void add_eval(CLI::App& app) {
  auto* cmd = app.add_subcommand("eval", "(not available yet)");
  cmd->callback([] { throw Error("'eval' is not implemented yet"); });
}

}  // namespace flowspike::cli
