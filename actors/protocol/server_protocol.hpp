#pragma once
// troupe-server's protocol in one place (CONVENTIONS 11): the atoms, error codes and typed actor
// interfaces that the server's actors exchange. Includes CAF, so pure code must not include it;
// this folder is header-only because non-actor .cpp files here would build into the CAF-free
// troupe_api library.
//
// Add new actors' interfaces here, next to the ones they talk to.

#include <caf/atom.hpp>
#include <caf/error.hpp>
#include <caf/make_message.hpp>
#include <caf/replies_to.hpp>
#include <caf/typed_actor.hpp>

#include <cstdint>
#include <map>
#include <string>

namespace troupe::protocol {

// --- atoms (at most 10 characters)
using restarts_atom = caf::atom_constant<caf::atom("restarts")>;
using child_atom = caf::atom_constant<caf::atom("child")>;
using stop_timeout_atom = caf::atom_constant<caf::atom("stop_tmo")>;

// --- errors: caf::error values in the "troupe" category (render with render_error below)
enum class server_errc : uint8_t {
  child_failed_too_often = 1,  // a supervisor's restart window was exceeded: it escalates
  child_start_failed,          // a child factory returned no actor
  bad_child_list,              // duplicate/empty child ids or unusable restart limits
  no_such_child,               // lookup of a child id that is not running
};

constexpr caf::atom_value error_category = caf::atom("troupe");

inline const char* to_string(server_errc x) {
  switch (x) {
    case server_errc::child_failed_too_often: return "child_failed_too_often";
    case server_errc::child_start_failed: return "child_start_failed";
    case server_errc::bad_child_list: return "bad_child_list";
    case server_errc::no_such_child: return "no_such_child";
  }
  return "unknown";
}

/// Found by ADL, so `err == server_errc::x` works.
inline caf::error make_error(server_errc x, std::string context = {}) {
  return caf::error{static_cast<uint8_t>(x), error_category, caf::make_message(std::move(context))};
}

/// For actor_system_config::add_error_category(error_category, render_error): prints
/// "troupe_error(child_failed_too_often, store)".
inline std::string render_error(uint8_t code, caf::atom_value, const caf::message& context) {
  std::string out = "troupe_error(";
  out += to_string(static_cast<server_errc>(code));
  if (context.match_elements<std::string>() && !context.get_as<std::string>(0).empty()) {
    out += ", ";
    out += context.get_as<std::string>(0);
  }
  out += ')';
  return out;
}

// --- supervisors (actors/supervision/supervisor_actor.hpp)

/// The name under which troupe-server's root supervisor is in the actor registry
/// (sys.registry().get<supervisor_actor_type>(root_supervisor_name)); children look their
/// siblings up through it, since a sibling's handle changes when it restarts.
constexpr caf::atom_value root_supervisor_name = caf::atom("root_sup");

/// Restarts per child id since the supervisor started (children it restarted, not first starts).
using restart_counts = std::map<std::string, uint64_t>;

using supervisor_actor_type = caf::typed_actor<
  // restart counts for /metrics
  caf::replies_to<caf::get_atom, restarts_atom>::with<restart_counts>,
  // the current handle of a running child; handles change on restart, so look them up here
  caf::replies_to<caf::get_atom, child_atom, std::string>::with<caf::actor>,
  // internal: a child asked to stop did not stop in time (child id, stop generation)
  caf::reacts_to<stop_timeout_atom, std::string, uint64_t>>;

} // namespace troupe::protocol
