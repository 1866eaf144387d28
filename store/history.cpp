#include "store/history.hpp"

namespace troupe::store {

namespace {

void put_varint(std::string& out, uint64_t v) {
  while (v >= 0x80) {
    out += static_cast<char>((v & 0x7f) | 0x80);
    v >>= 7;
  }
  out += static_cast<char>(v);
}

bool get_varint(std::string_view& in, uint64_t* v) {
  uint64_t result = 0;
  for (int shift = 0; shift <= 63 && !in.empty(); shift += 7) {
    const auto byte = static_cast<unsigned char>(in.front());
    in.remove_prefix(1);
    result |= static_cast<uint64_t>(byte & 0x7f) << shift;
    if ((byte & 0x80) == 0) {
      *v = result;
      return true;
    }
  }
  return false;
}

void put_bytes(std::string& out, std::string_view b) {
  put_varint(out, b.size());
  out.append(b);
}

bool get_bytes(std::string_view& in, std::string_view* b) {
  uint64_t n = 0;
  if (!get_varint(in, &n) || n > in.size()) return false;
  *b = in.substr(0, n);
  in.remove_prefix(n);
  return true;
}

} // namespace

std::string encode_history_record(const history_record& r) {
  std::string out;
  out.reserve(16 + r.key.size() + r.object.size() + r.prev.size());
  out += static_cast<char>(r.type);
  put_bytes(out, r.key);
  put_bytes(out, r.object);
  put_bytes(out, r.prev);
  return out;
}

std::optional<history_record> decode_history_record(std::string_view in) {
  if (in.empty()) return std::nullopt;
  history_record r;
  const auto type = static_cast<watch_event_type>(in.front());
  if (type != watch_event_type::added && type != watch_event_type::modified &&
      type != watch_event_type::deleted) {
    return std::nullopt;
  }
  r.type = type;
  in.remove_prefix(1);
  if (!get_bytes(in, &r.key) || !get_bytes(in, &r.object) || !get_bytes(in, &r.prev)) {
    return std::nullopt;
  }
  if (!in.empty()) return std::nullopt;
  return r;
}

std::string encode_revision(int64_t revision) {
  std::string out(8, '\0');
  auto v = static_cast<uint64_t>(revision);
  for (int i = 7; i >= 0; --i) {
    out[i] = static_cast<char>(v & 0xff);
    v >>= 8;
  }
  return out;
}

std::optional<int64_t> decode_revision(std::string_view bytes) {
  if (bytes.size() != 8) return std::nullopt;
  uint64_t v = 0;
  for (char c : bytes) v = (v << 8) | static_cast<unsigned char>(c);
  return static_cast<int64_t>(v);
}

} // namespace troupe::store
