// fake_runtime, the ImageService half: pulls from the fake's registry (or fail as injected),
// image status, list and removal over the model in fake_runtime_state.hpp.
#include "node-agent/runtime/fake_runtime_state.hpp"

namespace troupe::node_agent::runtime {

using namespace fake_detail;

void fake_runtime::pull_image(const std::string& image, timeout t, callback<std::string> cb) {
  result<std::string> answer = status::unknown("");
  auto norm = normalize_image_reference(image);
  bool pulled = false;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    st_->calls.push_back("PullImage " + image);
    if (!norm) {
      answer = status::unknown("failed to pull and unpack image \"" + image +
                               "\": failed to resolve reference \"" + image + "\": " +
                               norm.status().message());
    } else if (auto f = st_->pull_failures.find(*norm); f != st_->pull_failures.end()) {
      answer = f->second;
    } else if (opts_.any_image_pullable || st_->registry.count(*norm) > 0) {
      pulled = true;
    } else {
      answer = status::not_found("failed to pull and unpack image \"" + *norm +
                                 "\": failed to resolve reference \"" + *norm + "\": " + *norm +
                                 ": not found");
    }
  }
  if (pulled) {
    add_local_image(*norm);
    std::lock_guard<std::mutex> lock(mutex_);
    answer = st_->images[*norm].id;
  }
  reply<std::string>("PullImage", t, std::move(cb), std::move(answer));
}

void fake_runtime::image_status(const std::string& image, timeout t,
                                callback<std::optional<image_info>> cb) {
  std::optional<image_info> found;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    st_->calls.push_back("ImageStatus " + image);
    found = st_->find_image(image);
  }
  reply<std::optional<image_info>>("ImageStatus", t, std::move(cb), std::move(found));
}

void fake_runtime::list_images(timeout t, callback<std::vector<image_info>> cb) {
  std::vector<image_info> out;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    st_->calls.push_back("ListImages");
    for (const auto& [_, img] : st_->images) out.push_back(img);
  }
  reply<std::vector<image_info>>("ListImages", t, std::move(cb), std::move(out));
}

void fake_runtime::remove_image(const std::string& image, timeout t, status_callback cb) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    st_->calls.push_back("RemoveImage " + image);
    if (auto img = st_->find_image(image))
      st_->images.erase(img->repo_tags.empty() ? image : img->repo_tags.front());
  }
  reply_status("RemoveImage", t, std::move(cb), status::ok());
}

} // namespace troupe::node_agent::runtime
