#include "cardinal/persist/lzf.h"

#include <cstdint>
#include <cstring>
#include <vector>

namespace cardinal::persist {

namespace {

constexpr size_t kMaxLiteral = 32;
constexpr size_t kMaxOffset = 8192;
constexpr size_t kMinMatch = 3;
constexpr size_t kMaxMatch = 264;  // 7 + 255 + 2
constexpr int kHashBits = 14;

uint32_t hash3(const unsigned char* p) {
  uint32_t v = (uint32_t{p[0]} << 16) | (uint32_t{p[1]} << 8) | p[2];
  return (v * 2654435761u) >> (32 - kHashBits);
}

class Output {
 public:
  Output(std::string& out, size_t cap) : out_(out), cap_(cap) { out_.clear(); }
  bool put(unsigned char c) {
    if (out_.size() >= cap_) return false;
    out_.push_back(static_cast<char>(c));
    return true;
  }
  bool put(const unsigned char* p, size_t n) {
    if (out_.size() + n > cap_) return false;
    out_.append(reinterpret_cast<const char*>(p), n);
    return true;
  }

 private:
  std::string& out_;
  size_t cap_;
};

}  // namespace

bool lzf_compress(std::string_view in, size_t max_out, std::string& out) {
  const auto* src = reinterpret_cast<const unsigned char*>(in.data());
  const size_t n = in.size();
  if (max_out == 0) return false;
  Output o(out, max_out - 1);  // strictly shorter than max_out
  std::vector<uint32_t> table(size_t{1} << kHashBits, UINT32_MAX);
  size_t lit_start = 0;
  auto flush_literals = [&](size_t end) {
    while (lit_start < end) {
      size_t run = std::min(kMaxLiteral, end - lit_start);
      if (!o.put(static_cast<unsigned char>(run - 1)) || !o.put(src + lit_start, run)) return false;
      lit_start += run;
    }
    return true;
  };
  size_t i = 0;
  while (i + kMinMatch <= n) {
    uint32_t h = hash3(src + i);
    uint32_t cand = table[h];
    table[h] = static_cast<uint32_t>(i);
    if (cand != UINT32_MAX && i - cand <= kMaxOffset && std::memcmp(src + cand, src + i, 3) == 0) {
      size_t len = kMinMatch;
      size_t limit = std::min(kMaxMatch, n - i);
      while (len < limit && src[cand + len] == src[i + len]) ++len;
      if (!flush_literals(i)) return false;
      size_t off = i - cand - 1;
      size_t code = len - 2;
      if (code < 7) {
        if (!o.put(static_cast<unsigned char>((code << 5) | (off >> 8)))) return false;
      } else {
        if (!o.put(static_cast<unsigned char>((7 << 5) | (off >> 8))) ||
            !o.put(static_cast<unsigned char>(code - 7)))
          return false;
      }
      if (!o.put(static_cast<unsigned char>(off & 0xff))) return false;
      // Index a couple of positions inside the match so later repeats find it.
      size_t end = i + len;
      for (size_t j = i + 1; j < end && j + kMinMatch <= n; j += (len > 16 ? len / 4 : 1))
        table[hash3(src + j)] = static_cast<uint32_t>(j);
      i = end;
      lit_start = i;
      continue;
    }
    ++i;
  }
  return flush_literals(n);
}

bool lzf_decompress(std::string_view in, size_t out_len, std::string& out) {
  out.resize(out_len);
  auto* dst = reinterpret_cast<unsigned char*>(out.data());
  const auto* ip = reinterpret_cast<const unsigned char*>(in.data());
  const auto* end = ip + in.size();
  size_t op = 0;
  while (ip < end) {
    unsigned ctrl = *ip++;
    if (ctrl < 32) {
      size_t run = ctrl + 1;
      if (static_cast<size_t>(end - ip) < run || out_len - op < run) return false;
      std::memcpy(dst + op, ip, run);
      ip += run;
      op += run;
      continue;
    }
    size_t len = ctrl >> 5;
    if (len == 7) {
      if (ip >= end) return false;
      len += *ip++;
    }
    len += 2;
    if (ip >= end) return false;
    size_t back = ((ctrl & 0x1f) << 8) + *ip++ + 1;
    if (back > op || out_len - op < len) return false;
    // Overlapping copies repeat the pattern, so copy byte by byte.
    for (size_t k = 0; k < len; ++k, ++op) dst[op] = dst[op - back];
  }
  return op == out_len;
}

}  // namespace cardinal::persist
