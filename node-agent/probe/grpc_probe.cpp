#include "node-agent/probe/grpc_probe.hpp"

#include <poll.h>

#include <grpcpp/create_channel.h>
#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/grpcpp.h>
#include <grpcpp/impl/client_unary_call.h>
#include <grpcpp/support/byte_buffer.h>

namespace troupe::node_agent::probe {

namespace {

using kind = probe_verdict::kind;
constexpr const char* health_check_method = "/grpc.health.v1.Health/Check";

// HealthCheckRequest{service = 1}.
std::string encode_request(const std::string& service) {
  std::string out;
  if (service.empty())
    return out;
  out += '\x0a';
  for (size_t n = service.size(); ; n >>= 7) {  // varint length
    unsigned char b = n & 0x7f;
    if (n >> 7) {
      out += static_cast<char>(b | 0x80);
    } else {
      out += static_cast<char>(b);
      break;
    }
  }
  return out + service;
}

// HealthCheckResponse{status = 1 (enum)}; 0 (UNKNOWN) when absent.
int decode_status(const std::string& bytes) {
  size_t i = 0;
  auto varint = [&](uint64_t& v) {
    v = 0;
    for (int shift = 0; i < bytes.size() && shift < 64; shift += 7) {
      auto b = static_cast<unsigned char>(bytes[i++]);
      v |= static_cast<uint64_t>(b & 0x7f) << shift;
      if (!(b & 0x80))
        return true;
    }
    return false;
  };
  int status = 0;
  while (i < bytes.size()) {
    uint64_t key = 0, v = 0;
    if (!varint(key))
      break;
    switch (key & 7) {
      case 0:
        if (!varint(v))
          return status;
        if (key >> 3 == 1)
          status = static_cast<int>(v);
        break;
      case 2:
        if (!varint(v))
          return status;
        i += v;
        break;
      case 1: i += 8; break;
      case 5: i += 4; break;
      default: return status;
    }
  }
  return status;
}

const char* status_name(int s) {
  switch (s) {
    case 0: return "UNKNOWN";
    case 1: return "SERVING";
    case 2: return "NOT_SERVING";
    case 3: return "SERVICE_UNKNOWN";
    default: return "UNKNOWN";
  }
}

// Go's time.Duration printing for whole seconds and milliseconds ("1s", "1.5s", "500ms").
std::string go_duration(std::chrono::milliseconds d) {
  auto ms = d.count();
  if (ms % 1000 == 0)
    return std::to_string(ms / 1000) + "s";
  if (ms < 1000)
    return std::to_string(ms) + "ms";
  std::string frac = std::to_string(ms % 1000);
  frac = std::string(3 - frac.size(), '0') + frac;
  while (frac.back() == '0')
    frac.pop_back();
  return std::to_string(ms / 1000) + "." + frac + "s";
}

bool stopped(int stop_fd) {
  if (stop_fd < 0)
    return false;
  pollfd p{stop_fd, POLLIN, 0};
  return ::poll(&p, 1, 0) > 0;
}

std::string status_text(const grpc::Status& s) {
  static const char* names[] = {"OK", "Canceled", "Unknown", "InvalidArgument", "DeadlineExceeded",
                                "NotFound", "AlreadyExists", "PermissionDenied",
                                "ResourceExhausted", "FailedPrecondition", "Aborted",
                                "OutOfRange", "Unimplemented", "Internal", "Unavailable",
                                "DataLoss", "Unauthenticated"};
  int c = static_cast<int>(s.error_code());
  std::string name = c >= 0 && c <= 16 ? names[c] : "Code(" + std::to_string(c) + ")";
  return "rpc error: code = " + name + " desc = " + s.error_message();
}

} // namespace

probe_verdict grpc_health_check(const std::string& host, int port, const std::string& service,
                                std::chrono::milliseconds timeout, int stop_fd) {
  auto deadline = std::chrono::system_clock::now() + timeout;
  std::string addr = join_host_port(host, port);
  grpc::ChannelArguments args;
  args.SetUserAgentPrefix(probe_user_agent);
  args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);  // a fresh connection, as the kubelet dials
  auto channel = grpc::CreateCustomChannel(addr, grpc::InsecureChannelCredentials(), args);
  // WithBlock: wait for the connection, in slices so a stopping prober is not held up.
  for (;;) {
    if (stopped(stop_fd))
      return {kind::failure, "probe cancelled: the prober is stopping"};
    auto slice = std::min(deadline, std::chrono::system_clock::now() + std::chrono::milliseconds(100));
    if (channel->WaitForConnected(slice))
      break;
    if (std::chrono::system_clock::now() >= deadline)
      return {kind::failure, "timeout: failed to connect service " + go_quote(addr) + " within " +
                                 go_duration(timeout) + ": context deadline exceeded"};
  }
  grpc::ClientContext ctx;
  ctx.set_deadline(deadline);
  std::string req = encode_request(service);
  grpc::Slice slice(req);
  grpc::ByteBuffer request(&slice, 1), response;
  auto st = grpc::internal::BlockingUnaryCall<grpc::ByteBuffer, grpc::ByteBuffer>(
      channel.get(),
      grpc::internal::RpcMethod(health_check_method, grpc::internal::RpcMethod::NORMAL_RPC), &ctx,
      request, &response);
  if (!st.ok()) {
    if (st.error_code() == grpc::StatusCode::UNIMPLEMENTED)
      return {kind::failure,
              "this server does not implement the grpc health protocol (grpc.health.v1.Health): " +
                  st.error_message()};
    if (st.error_code() == grpc::StatusCode::DEADLINE_EXCEEDED)
      return {kind::failure, "timeout: health rpc did not complete within " + go_duration(timeout)};
    return {kind::failure, "error: health rpc probe failed: " + status_text(st)};
  }
  std::vector<grpc::Slice> slices;
  std::string bytes;
  if (response.Dump(&slices).ok())
    for (const auto& s : slices)
      bytes.append(reinterpret_cast<const char*>(s.begin()), s.size());
  int status = decode_status(bytes);
  if (status != 1)
    return {kind::failure,
            std::string("service unhealthy (responded with \"") + status_name(status) + "\")"};
  return {kind::success, "service healthy"};
}

} // namespace troupe::node_agent::probe
