#pragma once
// The troupe subcommands (kubectl's verbs). Each lives in its own <verb>_command.cpp with its
// flags and returns kubectl's exit code. run_cli() is the whole command line: it finds the
// command, parses its flags (printing `error: unknown flag: --foo` + `See 'troupe get --help' for
// usage.`), prints --help, and runs it.

#include <string>
#include <vector>

#include "cli/flags.hpp"
#include "cli/session.hpp"

namespace troupe::cli {

struct command_def {
  std::string name;
  std::string usage;   // "get [(-o|--output=)...] (TYPE[.VERSION][.GROUP] [NAME | -l label] | TYPE/NAME ...)"
  std::string summary; // one line
  std::vector<flag_spec> flags;
  int (*run)(session&);
};

const std::vector<command_def>& all_commands();

/// args[0] is the command name.
int run_cli(const std::vector<std::string>& args, cli_io& io);

// The verbs; each file defines its own command_def.
command_def get_command_def();
command_def create_command_def();
command_def apply_command_def();
command_def replace_command_def();
command_def delete_command_def();
command_def label_command_def();
command_def annotate_command_def();
command_def scale_command_def();
command_def set_command_def();
command_def edit_command_def();
command_def rollout_command_def();
command_def describe_command_def();
command_def run_command_def();
command_def expose_command_def();
command_def taint_command_def();
command_def version_command_def();
command_def api_resources_command_def();
command_def wait_command_def();
command_def top_command_def();
command_def logs_command_def();
command_def patch_command_def();
command_def check_command_def();

} // namespace troupe::cli
