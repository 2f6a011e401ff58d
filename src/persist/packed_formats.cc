#include "packed_formats.h"

#include <cstring>

#include "cardinal/persist/rdb_error.h"
#include "cardinal/util/numbers.h"

namespace cardinal::persist {

namespace {

[[noreturn]] void bad(const char* what, const char* why) {
  throw RdbError(std::string("corrupt ") + what + ": " + why);
}

// A bounds-checked view of one blob.
class Bytes {
 public:
  Bytes(std::string_view b, const char* what) : b_(b), what_(what) {}
  size_t size() const { return b_.size(); }
  uint8_t at(size_t i) const {
    if (i >= b_.size()) bad(what_, "entry past the end");
    return static_cast<uint8_t>(b_[i]);
  }
  // n bytes from i, checked.
  std::string_view span(size_t i, size_t n) const {
    if (i > b_.size() || n > b_.size() - i) bad(what_, "entry past the end");
    return b_.substr(i, n);
  }
  template <typename T>
  T le(size_t i) const {
    std::string_view s = span(i, sizeof(T));
    T v;
    std::memcpy(&v, s.data(), sizeof v);
    return v;
  }
  [[noreturn]] void fail(const char* why) const { bad(what_, why); }

 private:
  std::string_view b_;
  const char* what_;
};

std::string_view render(int64_t v, char* buf) {
  return {buf, util::format_i64(v, buf)};
}

size_t listpack_backlen_size(size_t len) {
  if (len < 128) return 1;
  if (len < 16384) return 2;
  if (len < 2097152) return 3;
  if (len < 268435456) return 4;
  return 5;
}

}  // namespace

size_t ziplist_each(std::string_view blob, EntryFn fn) {
  Bytes b(blob, "ziplist");
  if (blob.size() < 11) b.fail("too short");
  if (b.le<uint32_t>(0) != blob.size()) b.fail("size header does not match");
  if (b.at(blob.size() - 1) != 0xff) b.fail("no end marker");
  const size_t end = blob.size() - 1;
  const uint16_t declared = b.le<uint16_t>(8);
  size_t p = 10, count = 0;
  char buf[24];
  while (p < end) {
    uint8_t prev = b.at(p);  // the previous entry's length: 1 byte, or 254 and 4 more
    if (prev == 255) b.fail("bad previous-entry length");
    p += prev < 254 ? 1 : 5;
    if (p >= end) b.fail("entry past the end");
    uint8_t enc = b.at(p);
    std::string_view text;
    switch (enc >> 6) {
      case 0:
        text = b.span(p + 1, enc & 0x3f);
        p += 1 + text.size();
        break;
      case 1:
        text = b.span(p + 2, (size_t{enc & 0x3fu} << 8) | b.at(p + 1));
        p += 2 + text.size();
        break;
      case 2: {
        if (enc != 0x80) b.fail("bad string encoding");
        uint32_t len = (uint32_t{b.at(p + 1)} << 24) | (uint32_t{b.at(p + 2)} << 16) |
                       (uint32_t{b.at(p + 3)} << 8) | b.at(p + 4);
        text = b.span(p + 5, len);
        p += 5 + text.size();
        break;
      }
      default: {
        int64_t v;
        if (enc == 0xc0) {
          v = b.le<int16_t>(p + 1), p += 3;
        } else if (enc == 0xd0) {
          v = b.le<int32_t>(p + 1), p += 5;
        } else if (enc == 0xe0) {
          v = b.le<int64_t>(p + 1), p += 9;
        } else if (enc == 0xf0) {
          uint32_t u = b.at(p + 1) | (uint32_t{b.at(p + 2)} << 8) | (uint32_t{b.at(p + 3)} << 16);
          v = static_cast<int32_t>(u << 8) >> 8;
          p += 4;
        } else if (enc == 0xfe) {
          v = static_cast<int8_t>(b.at(p + 1)), p += 2;
        } else if (enc >= 0xf1 && enc <= 0xfd) {
          v = (enc & 0x0f) - 1, p += 1;
        } else {
          b.fail("bad integer encoding");
        }
        text = render(v, buf);
      }
    }
    if (p > end) b.fail("entry past the end");
    fn(text);
    ++count;
  }
  if (declared != UINT16_MAX && declared != count) b.fail("entry count does not match");
  return count;
}

size_t listpack_each(std::string_view blob, EntryFn fn) {
  Bytes b(blob, "listpack");
  if (blob.size() < 7) b.fail("too short");
  if (b.le<uint32_t>(0) != blob.size()) b.fail("size header does not match");
  if (b.at(blob.size() - 1) != 0xff) b.fail("no end marker");
  const size_t end = blob.size() - 1;
  const uint16_t declared = b.le<uint16_t>(4);
  size_t p = 6, count = 0;
  char buf[24];
  while (p < end) {
    uint8_t enc = b.at(p);
    std::string_view text;
    size_t len;  // encoding plus data
    if ((enc & 0x80) == 0) {
      text = render(enc & 0x7f, buf);
      len = 1;
    } else if ((enc & 0xc0) == 0x80) {
      text = b.span(p + 1, enc & 0x3f);
      len = 1 + text.size();
    } else if ((enc & 0xe0) == 0xc0) {
      int64_t u = (int64_t{enc & 0x1f} << 8) | b.at(p + 1);
      text = render(u >= 4096 ? u - 8192 : u, buf);
      len = 2;
    } else if ((enc & 0xf0) == 0xe0) {
      text = b.span(p + 2, (size_t{enc & 0x0fu} << 8) | b.at(p + 1));
      len = 2 + text.size();
    } else if (enc == 0xf0) {
      text = b.span(p + 5, b.le<uint32_t>(p + 1));
      len = 5 + text.size();
    } else if (enc == 0xf1) {
      text = render(b.le<int16_t>(p + 1), buf), len = 3;
    } else if (enc == 0xf2) {
      uint32_t u = b.at(p + 1) | (uint32_t{b.at(p + 2)} << 8) | (uint32_t{b.at(p + 3)} << 16);
      text = render(static_cast<int32_t>(u << 8) >> 8, buf), len = 4;
    } else if (enc == 0xf3) {
      text = render(b.le<int32_t>(p + 1), buf), len = 5;
    } else if (enc == 0xf4) {
      text = render(b.le<int64_t>(p + 1), buf), len = 9;
    } else {
      b.fail("bad entry encoding");
    }
    p += len + listpack_backlen_size(len);
    if (p > end) b.fail("entry past the end");
    fn(text);
    ++count;
  }
  if (declared != UINT16_MAX && declared != count) b.fail("entry count does not match");
  return count;
}

size_t intset_each(std::string_view blob, EntryFn fn) {
  Bytes b(blob, "intset");
  if (blob.size() < 8) b.fail("too short");
  uint32_t width = b.le<uint32_t>(0);
  uint32_t n = b.le<uint32_t>(4);
  if (width != 2 && width != 4 && width != 8) b.fail("bad encoding");
  if (n == 0 || (blob.size() - 8) / width != n || (blob.size() - 8) % width != 0)
    b.fail("size does not match");
  char buf[24];
  for (size_t i = 0; i < n; ++i) {
    size_t at = 8 + i * width;
    int64_t v = width == 2 ? b.le<int16_t>(at) : width == 4 ? b.le<int32_t>(at) : b.le<int64_t>(at);
    fn(render(v, buf));
  }
  return n;
}

size_t zipmap_each(std::string_view blob,
                   util::FunctionRef<void(std::string_view, std::string_view)> fn) {
  Bytes b(blob, "zipmap");
  if (blob.size() < 2 || b.at(blob.size() - 1) != 0xff) b.fail("no end marker");
  const size_t end = blob.size() - 1;
  auto length = [&](size_t& p) -> size_t {
    uint8_t l = b.at(p);
    if (l < 254) return p += 1, l;
    if (l == 255) b.fail("entry past the end");
    size_t v = b.le<uint32_t>(p + 1);
    p += 5;
    return v;
  };
  size_t p = 1, count = 0;
  while (p < end) {
    size_t klen = length(p);
    std::string_view field = b.span(p, klen);
    p += klen;
    if (p >= end) b.fail("field without a value");
    size_t vlen = length(p);
    size_t free = b.at(p);
    std::string_view value = b.span(p + 1, vlen);
    p += 1 + vlen + free;
    if (p > end) b.fail("entry past the end");
    fn(field, value);
    ++count;
  }
  return count;
}

}  // namespace cardinal::persist
