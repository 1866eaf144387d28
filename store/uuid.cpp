#include "store/uuid.hpp"

#include <cstdint>
#include <random>

namespace troupe::store {

std::string random_uuid() {
  thread_local std::mt19937_64 gen{[] {
    std::random_device rd;
    return (static_cast<uint64_t>(rd()) << 32) ^ rd();
  }()};
  uint64_t hi = gen();
  uint64_t lo = gen();
  hi = (hi & ~0xf000ULL) | 0x4000ULL;                   // version 4
  lo = (lo & ~(0xc0ULL << 56)) | (0x80ULL << 56);       // variant 10xx
  static const char* hex = "0123456789abcdef";
  std::string out;
  out.reserve(36);
  auto put = [&](uint64_t v, int nibbles) {
    for (int i = nibbles - 1; i >= 0; --i) out += hex[(v >> (i * 4)) & 0xf];
  };
  put(hi >> 32, 8);
  out += '-';
  put((hi >> 16) & 0xffff, 4);
  out += '-';
  put(hi & 0xffff, 4);
  out += '-';
  put(lo >> 48, 4);
  out += '-';
  put(lo & 0xffffffffffffULL, 12);
  return out;
}

} // namespace troupe::store
