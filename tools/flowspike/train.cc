// `flowspike train`: placeholder until its module lands; see the issue list.
#include "commands.h"
#include "flowspike/common/error.h"

namespace flowspike::cli {

void add_train(CLI::App& app) {
  auto* cmd = app.add_subcommand("train", "(not available yet)");
  cmd->callback([] { throw Error("'train' is not implemented yet"); });
}

}  // namespace flowspike::cli
