// `flowspike classify`: placeholder until its module lands; see the issue list.
#include "commands.h"
#include "flowspike/common/error.h"

namespace flowspike::cli {

void add_classify(CLI::App& app) {
  auto* cmd = app.add_subcommand("classify", "(not available yet)");
  cmd->callback([] { throw Error("'classify' is not implemented yet"); });
}

}  // namespace flowspike::cli
