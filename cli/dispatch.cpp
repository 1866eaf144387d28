#include "cli/commands.hpp"

#include <ostream>

#include "cli/check_command.hpp"

namespace troupe::cli {

namespace {

int run_check(session& s) {
  // `check` keeps its own parser; hand it the raw arguments back.
  std::vector<std::string> args;
  for (const auto& [name, values] : s.flags.values)
    for (const auto& v : values)
      args.push_back("--" + name + "=" + v);
  args.insert(args.end(), s.flags.positional.begin(), s.flags.positional.end());
  return check_command(args, s.io.in, s.io.out, s.io.err);
}

void print_help(std::ostream& os, const command_def& c) {
  os << c.summary << "\n\nUsage:\n  troupe " << c.usage << "\n\nOptions:\n";
  for (const auto& f : c.flags) {
    os << "    ";
    if (f.shorthand)
      os << "-" << f.shorthand << ", ";
    os << "--" << f.name << (f.takes_value ? "=" + (f.default_value.empty() ? "''" : f.default_value) : "")
       << "\n";
  }
  os << "\nUse \"troupe options\" for a list of global command-line options (applies to all "
        "commands).\n";
}

void print_usage(std::ostream& os) {
  os << "troupe controls a Troupe cluster (kubectl's verbs against troupe-server).\n\nCommands:\n";
  for (const auto& c : all_commands()) {
    std::string pad(c.name.size() < 16 ? 16 - c.name.size() : 1, ' ');
    os << "  " << c.name << pad << c.summary << "\n";
  }
  os << "\nUsage:\n  troupe [flags] [options]\n\nUse \"troupe <command> --help\" for more information "
        "about a given command.\n";
}

} // namespace

command_def check_command_def() {
  return {"check", "check -f FILE|DIR|- [-o yaml|json] [--validate=strict|warn|ignore]",
          "Read manifests offline; print the defaulted objects or the errors",
          {{"filename", 'f'}, {"output", 'o'}, {"validate"}}, run_check};
}

const std::vector<command_def>& all_commands() {
  static const std::vector<command_def> commands = {
    create_command_def(), expose_command_def(), run_command_def(), set_command_def(),
    get_command_def(), edit_command_def(), delete_command_def(), rollout_command_def(),
    scale_command_def(), describe_command_def(), logs_command_def(), top_command_def(),
    taint_command_def(), wait_command_def(), apply_command_def(), replace_command_def(),
    label_command_def(), annotate_command_def(), patch_command_def(), api_resources_command_def(),
    version_command_def(), check_command_def()};
  return commands;
}

namespace {

// kubectl takes global flags before the command too (`troupe --kubeconfig x get pods`): moves
// leading flags behind the command name. A global flag that takes a value takes the next word.
std::vector<std::string> command_first(const std::vector<std::string>& in) {
  std::vector<std::string> leading;
  size_t i = 0;
  auto globals = global_flags();
  for (; i < in.size() && in[i].size() > 1 && in[i][0] == '-' && in[i] != "-h" && in[i] != "--help"; ++i) {
    leading.push_back(in[i]);
    if (in[i].find('=') != std::string::npos)
      continue;
    for (const auto& g : globals) {
      bool named = in[i] == "--" + g.name || (g.shorthand && in[i] == std::string("-") + g.shorthand);
      if (named && g.takes_value && i + 1 < in.size()) {
        leading.push_back(in[++i]);
        break;
      }
    }
  }
  if (i >= in.size())
    return in;
  std::vector<std::string> out{in[i]};
  out.insert(out.end(), leading.begin(), leading.end());
  out.insert(out.end(), in.begin() + static_cast<long>(i) + 1, in.end());
  return out;
}

} // namespace

int run_cli(const std::vector<std::string>& raw_args, cli_io& io) {
  const std::vector<std::string> args = command_first(raw_args);
  if (args.empty() || args[0] == "-h" || args[0] == "--help" || args[0] == "help") {
    print_usage(args.empty() ? io.err : io.out);
    return args.empty() ? 1 : 0;
  }
  const command_def* cmd = nullptr;
  for (const auto& c : all_commands())
    if (c.name == args[0])
      cmd = &c;
  if (!cmd) {
    io.err << "error: unknown command \"" << args[0] << "\" for \"troupe\"\nRun 'troupe --help' for usage.\n";
    return 1;
  }
  auto specs = cmd->flags;
  if (cmd->name != "check")
    for (auto& g : global_flags())
      specs.push_back(g);
  auto flags = parse_flags({args.begin() + 1, args.end()}, specs);
  session s(io, cmd->name, flags);
  if (!flags.ok())
    return s.usage_error(flags.error);
  if (flags.is_set("help")) {
    print_help(io.out, *cmd);
    return 0;
  }
  return cmd->run(s);
}

} // namespace troupe::cli
