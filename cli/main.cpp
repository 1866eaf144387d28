// troupe: the command-line client, kubectl's verbs against troupe-server (cli/commands.hpp).
#include <cstdlib>
#include <iostream>
#include <string>
#include <vector>

#include "cli/commands.hpp"

int main(int argc, char** argv) {
  std::ios::sync_with_stdio(false);
  troupe::cli::cli_io io{std::cin, std::cout, std::cerr, [](const std::string& name) -> std::optional<std::string> {
                           const char* v = std::getenv(name.c_str());
                           return v ? std::optional<std::string>(v) : std::nullopt;
                         }};
  int rc = troupe::cli::run_cli(std::vector<std::string>(argv + 1, argv + argc), io);
  std::cout.flush();
  return rc;
}
