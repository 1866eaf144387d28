// troupe: the command-line client. Subcommands grow with the project; today `check` reads
// manifests offline and prints the defaulted objects or the validation errors.
#include <cstring>
#include <iostream>
#include <string>
#include <vector>

#include "cli/check_command.hpp"

namespace {

void usage(std::ostream& os) {
  os << "troupe controls a Troupe cluster.\n\n"
        "Commands:\n"
        "  check -f FILE...   read manifests offline; print the defaulted objects or the errors\n"
        "  version            print the client version\n\n"
        "Use \"troupe <command> --help\" for more about a command.\n";
}

} // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    usage(std::cerr);
    return 1;
  }
  std::string cmd = argv[1];
  std::vector<std::string> args(argv + 2, argv + argc);
  if (cmd == "check")
    return troupe::cli::check_command(args, std::cin, std::cout, std::cerr);
  if (cmd == "version") {
    std::cout << "Client Version: v1.32.0-troupe.0.1.0\n";
    return 0;
  }
  if (cmd == "-h" || cmd == "--help" || cmd == "help") {
    usage(std::cout);
    return 0;
  }
  std::cerr << "error: unknown command " << '"' << cmd << '"' << " for \"troupe\"\n";
  usage(std::cerr);
  return 1;
}
