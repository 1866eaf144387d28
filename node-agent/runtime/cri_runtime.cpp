#include "node-agent/runtime/cri_runtime.hpp"

#include <grpcpp/grpcpp.h>

#include "cri/api.grpc.pb.h"
#include "node-agent/runtime/cri_conversion.hpp"

namespace troupe::node_agent::runtime {

namespace v1 = ::runtime::v1;
using cri::from_grpc;
using cri::from_proto;
using cri::to_proto;

struct cri_runtime::stubs {
  std::shared_ptr<grpc::Channel> channel;
  std::unique_ptr<v1::RuntimeService::Stub> runtime;
  std::unique_ptr<v1::ImageService::Stub> images;
};

std::string cri_target(const std::string& endpoint) {
  const std::string scheme = "unix://";
  if (endpoint.compare(0, scheme.size(), scheme) == 0) {
    const auto path = endpoint.substr(scheme.size());
    return !path.empty() && path[0] == '/' ? endpoint : "";
  }
  if (!endpoint.empty() && endpoint[0] == '/') return scheme + endpoint;
  return "";
}

int64_t whole_seconds_up(timeout t) {
  if (t.count() <= 0) return 0;
  return (t.count() + 999) / 1000;
}

cri_runtime::cri_runtime(cri_runtime_options opts)
  : opts_(std::move(opts)),
    target_(cri_target(opts_.endpoint)),
    stubs_(std::make_unique<stubs>()),
    pool_(opts_.threads) {
  if (target_.empty()) return;
  grpc::ChannelArguments args;
  // CRI answers (ListContainers with many containers, verbose status) can exceed gRPC's 4 MiB.
  args.SetMaxReceiveMessageSize(16 * 1024 * 1024);
  stubs_->channel = grpc::CreateCustomChannel(target_, grpc::InsecureChannelCredentials(), args);
  stubs_->runtime = v1::RuntimeService::NewStub(stubs_->channel);
  stubs_->images = v1::ImageService::NewStub(stubs_->channel);
}

cri_runtime::~cri_runtime() = default;

template <class T, class Call>
void cri_runtime::submit(timeout t, callback<T> cb, Call call) {
  if (!stubs_->channel) {
    cb(status::invalid_argument("CRI endpoint \"" + opts_.endpoint +
                                "\" is not an absolute unix socket path"));
    return;
  }
  // The deadline counts from the call, not from when a pool thread picks it up: a call that
  // waited in the queue past it fails at once with deadline_exceeded.
  const auto deadline = std::chrono::system_clock::now() + t;
  auto task = [cb, call, deadline]() mutable {
    grpc::ClientContext ctx;
    ctx.set_deadline(deadline);
    cb(call(ctx));
  };
  if (!pool_.post(std::move(task))) cb(status(status::code::cancelled, "runtime shutting down"));
}

template <class Call>
void cri_runtime::submit_status(timeout t, status_callback cb, Call call) {
  // Reuses submit with a dummy value type so both paths share the deadline and pool handling.
  submit<bool>(t, [cb](result<bool> r) { cb(r ? status::ok() : r.status()); },
               [call](grpc::ClientContext& ctx) -> result<bool> {
                 auto s = call(ctx);
                 if (!s.ok()) return from_grpc(s);
                 return true;
               });
}

void cri_runtime::version(timeout t, callback<version_info> cb) {
  submit<version_info>(t, std::move(cb), [this](grpc::ClientContext& ctx) -> result<version_info> {
    v1::VersionRequest req;
    req.set_version("v1");
    v1::VersionResponse resp;
    auto s = stubs_->runtime->Version(&ctx, req, &resp);
    if (!s.ok()) return from_grpc(s);
    return from_proto(resp);
  });
}

void cri_runtime::runtime_conditions(timeout t, callback<std::vector<runtime_condition>> cb) {
  using list = std::vector<runtime_condition>;
  submit<list>(t, std::move(cb), [this](grpc::ClientContext& ctx) -> result<list> {
    v1::StatusRequest req;
    v1::StatusResponse resp;
    auto s = stubs_->runtime->Status(&ctx, req, &resp);
    if (!s.ok()) return from_grpc(s);
    list out;
    for (const auto& c : resp.status().conditions())
      out.push_back({c.type(), c.status(), c.reason(), c.message()});
    return out;
  });
}

void cri_runtime::run_pod_sandbox(const sandbox_config& cfg, timeout t, callback<std::string> cb) {
  v1::RunPodSandboxRequest req;
  to_proto(cfg, req.mutable_config());
  submit<std::string>(t, std::move(cb), [this, req](grpc::ClientContext& ctx) -> result<std::string> {
    v1::RunPodSandboxResponse resp;
    auto s = stubs_->runtime->RunPodSandbox(&ctx, req, &resp);
    if (!s.ok()) return from_grpc(s);
    return resp.pod_sandbox_id();
  });
}

void cri_runtime::stop_pod_sandbox(const std::string& id, timeout t, status_callback cb) {
  v1::StopPodSandboxRequest req;
  req.set_pod_sandbox_id(id);
  submit_status(t, std::move(cb), [this, req](grpc::ClientContext& ctx) {
    v1::StopPodSandboxResponse resp;
    return stubs_->runtime->StopPodSandbox(&ctx, req, &resp);
  });
}

void cri_runtime::remove_pod_sandbox(const std::string& id, timeout t, status_callback cb) {
  v1::RemovePodSandboxRequest req;
  req.set_pod_sandbox_id(id);
  submit_status(t, std::move(cb), [this, req](grpc::ClientContext& ctx) {
    v1::RemovePodSandboxResponse resp;
    return stubs_->runtime->RemovePodSandbox(&ctx, req, &resp);
  });
}

void cri_runtime::pod_sandbox_status(const std::string& id, timeout t, callback<sandbox_info> cb) {
  v1::PodSandboxStatusRequest req;
  req.set_pod_sandbox_id(id);
  submit<sandbox_info>(t, std::move(cb), [this, req](grpc::ClientContext& ctx) -> result<sandbox_info> {
    v1::PodSandboxStatusResponse resp;
    auto s = stubs_->runtime->PodSandboxStatus(&ctx, req, &resp);
    if (!s.ok()) return from_grpc(s);
    return from_proto(resp.status());
  });
}

void cri_runtime::list_pod_sandbox(const sandbox_filter& f, timeout t,
                                   callback<std::vector<sandbox_info>> cb) {
  v1::ListPodSandboxRequest req;
  to_proto(f, req.mutable_filter());
  using list = std::vector<sandbox_info>;
  submit<list>(t, std::move(cb), [this, req](grpc::ClientContext& ctx) -> result<list> {
    v1::ListPodSandboxResponse resp;
    auto s = stubs_->runtime->ListPodSandbox(&ctx, req, &resp);
    if (!s.ok()) return from_grpc(s);
    list out;
    for (const auto& item : resp.items()) out.push_back(from_proto(item));
    return out;
  });
}

void cri_runtime::create_container(const std::string& sandbox_id, const container_config& cfg,
                                   const sandbox_config& sandbox, timeout t,
                                   callback<std::string> cb) {
  v1::CreateContainerRequest req;
  req.set_pod_sandbox_id(sandbox_id);
  to_proto(cfg, req.mutable_config());
  to_proto(sandbox, req.mutable_sandbox_config());
  submit<std::string>(t, std::move(cb), [this, req](grpc::ClientContext& ctx) -> result<std::string> {
    v1::CreateContainerResponse resp;
    auto s = stubs_->runtime->CreateContainer(&ctx, req, &resp);
    if (!s.ok()) return from_grpc(s);
    return resp.container_id();
  });
}

void cri_runtime::start_container(const std::string& id, timeout t, status_callback cb) {
  v1::StartContainerRequest req;
  req.set_container_id(id);
  submit_status(t, std::move(cb), [this, req](grpc::ClientContext& ctx) {
    v1::StartContainerResponse resp;
    return stubs_->runtime->StartContainer(&ctx, req, &resp);
  });
}

void cri_runtime::stop_container(const std::string& id, timeout grace, status_callback cb) {
  v1::StopContainerRequest req;
  req.set_container_id(id);
  req.set_timeout(whole_seconds_up(grace));
  const timeout deadline(whole_seconds_up(grace) * 1000 + opts_.operation_margin.count());
  submit_status(deadline, std::move(cb), [this, req](grpc::ClientContext& ctx) {
    v1::StopContainerResponse resp;
    return stubs_->runtime->StopContainer(&ctx, req, &resp);
  });
}

void cri_runtime::remove_container(const std::string& id, timeout t, status_callback cb) {
  v1::RemoveContainerRequest req;
  req.set_container_id(id);
  submit_status(t, std::move(cb), [this, req](grpc::ClientContext& ctx) {
    v1::RemoveContainerResponse resp;
    return stubs_->runtime->RemoveContainer(&ctx, req, &resp);
  });
}

void cri_runtime::list_containers(const container_filter& f, timeout t,
                                  callback<std::vector<container_info>> cb) {
  v1::ListContainersRequest req;
  to_proto(f, req.mutable_filter());
  using list = std::vector<container_info>;
  submit<list>(t, std::move(cb), [this, req](grpc::ClientContext& ctx) -> result<list> {
    v1::ListContainersResponse resp;
    auto s = stubs_->runtime->ListContainers(&ctx, req, &resp);
    if (!s.ok()) return from_grpc(s);
    list out;
    for (const auto& c : resp.containers()) out.push_back(from_proto(c));
    return out;
  });
}

void cri_runtime::container_status(const std::string& id, timeout t,
                                   callback<runtime::container_status> cb) {
  v1::ContainerStatusRequest req;
  req.set_container_id(id);
  using value = runtime::container_status;
  submit<value>(t, std::move(cb), [this, req](grpc::ClientContext& ctx) -> result<value> {
    v1::ContainerStatusResponse resp;
    auto s = stubs_->runtime->ContainerStatus(&ctx, req, &resp);
    if (!s.ok()) return from_grpc(s);
    return from_proto(resp.status());
  });
}

void cri_runtime::update_container_resources(const std::string& id, const linux_resources& r,
                                             timeout t, status_callback cb) {
  v1::UpdateContainerResourcesRequest req;
  req.set_container_id(id);
  to_proto(r, req.mutable_linux());
  submit_status(t, std::move(cb), [this, req](grpc::ClientContext& ctx) {
    v1::UpdateContainerResourcesResponse resp;
    return stubs_->runtime->UpdateContainerResources(&ctx, req, &resp);
  });
}

void cri_runtime::reopen_container_log(const std::string& id, timeout t, status_callback cb) {
  v1::ReopenContainerLogRequest req;
  req.set_container_id(id);
  submit_status(t, std::move(cb), [this, req](grpc::ClientContext& ctx) {
    v1::ReopenContainerLogResponse resp;
    return stubs_->runtime->ReopenContainerLog(&ctx, req, &resp);
  });
}

void cri_runtime::exec_sync(const std::string& id, const std::vector<std::string>& cmd,
                            timeout exec_timeout, callback<exec_result> cb) {
  v1::ExecSyncRequest req;
  req.set_container_id(id);
  for (const auto& c : cmd) req.add_cmd(c);
  req.set_timeout(whole_seconds_up(exec_timeout));
  const timeout deadline(whole_seconds_up(exec_timeout) * 1000 + opts_.operation_margin.count());
  submit<exec_result>(deadline, std::move(cb), [this, req](grpc::ClientContext& ctx) -> result<exec_result> {
    v1::ExecSyncResponse resp;
    auto s = stubs_->runtime->ExecSync(&ctx, req, &resp);
    if (!s.ok()) return from_grpc(s);
    return exec_result{resp.stdout(), resp.stderr(), resp.exit_code()};
  });
}

void cri_runtime::container_stats(const std::string& id, timeout t,
                                  callback<runtime::container_stats> cb) {
  v1::ContainerStatsRequest req;
  req.set_container_id(id);
  using value = runtime::container_stats;
  submit<value>(t, std::move(cb), [this, req](grpc::ClientContext& ctx) -> result<value> {
    v1::ContainerStatsResponse resp;
    auto s = stubs_->runtime->ContainerStats(&ctx, req, &resp);
    if (!s.ok()) return from_grpc(s);
    return from_proto(resp.stats());
  });
}

void cri_runtime::list_container_stats(const container_filter& f, timeout t,
                                       callback<std::vector<runtime::container_stats>> cb) {
  v1::ListContainerStatsRequest req;
  to_proto(f, req.mutable_filter());
  using list = std::vector<runtime::container_stats>;
  submit<list>(t, std::move(cb), [this, req](grpc::ClientContext& ctx) -> result<list> {
    v1::ListContainerStatsResponse resp;
    auto s = stubs_->runtime->ListContainerStats(&ctx, req, &resp);
    if (!s.ok()) return from_grpc(s);
    list out;
    for (const auto& st : resp.stats()) out.push_back(from_proto(st));
    return out;
  });
}

void cri_runtime::pull_image(const std::string& image, timeout t, callback<std::string> cb) {
  v1::PullImageRequest req;
  req.mutable_image()->set_image(image);
  submit<std::string>(t, std::move(cb), [this, req](grpc::ClientContext& ctx) -> result<std::string> {
    v1::PullImageResponse resp;
    auto s = stubs_->images->PullImage(&ctx, req, &resp);
    if (!s.ok()) return cri::classify_pull_error(from_grpc(s));
    return resp.image_ref();
  });
}

void cri_runtime::image_status(const std::string& image, timeout t,
                               callback<std::optional<image_info>> cb) {
  v1::ImageStatusRequest req;
  req.mutable_image()->set_image(image);
  using value = std::optional<image_info>;
  submit<value>(t, std::move(cb), [this, req](grpc::ClientContext& ctx) -> result<value> {
    v1::ImageStatusResponse resp;
    auto s = stubs_->images->ImageStatus(&ctx, req, &resp);
    if (!s.ok()) return from_grpc(s);
    if (!resp.has_image() || resp.image().id().empty()) return value{};
    return value{from_proto(resp.image())};
  });
}

void cri_runtime::list_images(timeout t, callback<std::vector<image_info>> cb) {
  using list = std::vector<image_info>;
  submit<list>(t, std::move(cb), [this](grpc::ClientContext& ctx) -> result<list> {
    v1::ListImagesRequest req;
    v1::ListImagesResponse resp;
    auto s = stubs_->images->ListImages(&ctx, req, &resp);
    if (!s.ok()) return from_grpc(s);
    list out;
    for (const auto& img : resp.images()) out.push_back(from_proto(img));
    return out;
  });
}

void cri_runtime::remove_image(const std::string& image, timeout t, status_callback cb) {
  v1::RemoveImageRequest req;
  req.mutable_image()->set_image(image);
  submit_status(t, std::move(cb), [this, req](grpc::ClientContext& ctx) {
    v1::RemoveImageResponse resp;
    return stubs_->images->RemoveImage(&ctx, req, &resp);
  });
}

} // namespace troupe::node_agent::runtime
