#pragma once
// `troupe check -f FILE|DIR|- [-o yaml|json] [--validate=strict|warn|ignore]`: decodes manifests
// exactly as the API server will (strict decoding, defaults, validation) without a cluster. Prints
// the defaulted objects, or every error with its field path and exits 1.

#include <iosfwd>
#include <string>
#include <vector>

namespace troupe::cli {

int check_command(const std::vector<std::string>& args, std::istream& in, std::ostream& out,
                  std::ostream& err);

} // namespace troupe::cli
