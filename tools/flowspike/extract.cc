// `flowspike extract`: placeholder until its module lands; see the issue list.
#include "commands.h"
#include "flowspike/common/error.h"

namespace flowspike::cli {

void add_extract(CLI::App& app) {
  auto* cmd = app.add_subcommand("extract", "(not available yet)");
  cmd->callback([] { throw Error("'extract' is not implemented yet"); });
}

}  // namespace flowspike::cli
