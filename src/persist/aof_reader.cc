#include "cardinal/persist/aof_reader.h"

#include <cstdint>
#include <vector>

namespace cardinal::persist {

namespace {

using Status = AofParseResult::Status;

// Redis reads the count with atoi and the length with strtol; neither can be larger here.
constexpr uint64_t kMaxCount = INT32_MAX;
constexpr uint64_t kMaxLength = INT64_MAX;

// Each step either advances or stops the whole parse with a status and a reason.
struct Stop {
  Status status;
  std::string why;
};

class Scanner {
 public:
  explicit Scanner(std::string_view bytes) : b_(bytes) {}

  size_t pos() const { return pos_; }
  bool at_end() const { return pos_ >= b_.size(); }
  char peek() const { return b_[pos_]; }

  // "<prefix><digits>\r\n" at pos, its value returned. A prefix of this form cut short is
  // kTruncated; anything else is kCorrupt.
  uint64_t number(char prefix, uint64_t max, const char* what) {
    if (at_end()) throw truncated();
    if (b_[pos_] != prefix) throw corrupt(std::string("expected '") + prefix + "', got " + shown());
    ++pos_;
    uint64_t value = 0;
    size_t digits = 0;
    for (;; ++pos_, ++digits) {
      if (at_end()) throw truncated();
      char c = b_[pos_];
      if (c < '0' || c > '9') break;
      uint64_t d = static_cast<uint64_t>(c - '0');
      if (value > (max - d) / 10) throw corrupt(std::string(what) + " out of range");
      value = value * 10 + d;
    }
    if (digits == 0)
      throw corrupt(std::string("expected a digit in the ") + what + ", got " + shown());
    crlf();
    return value;
  }

  void crlf() {
    for (char want : {'\r', '\n'}) {
      if (at_end()) throw truncated();
      if (b_[pos_] != want) throw corrupt("expected \\r\\n, got " + shown());
      ++pos_;
    }
  }

  std::string_view take(uint64_t n) {
    if (n > b_.size() - pos_) {
      pos_ = b_.size();
      throw truncated();
    }
    std::string_view s = b_.substr(pos_, static_cast<size_t>(n));
    pos_ += static_cast<size_t>(n);
    return s;
  }

  // Skips an annotation line through its '\n'.
  void annotation() {
    size_t nl = b_.find('\n', pos_);
    if (nl == std::string_view::npos) {
      pos_ = b_.size();
      throw truncated();
    }
    pos_ = nl + 1;
  }

  Stop truncated() const {
    return {Status::kTruncated, "unexpected end of file at offset " + std::to_string(b_.size())};
  }
  Stop corrupt(const std::string& why) const {
    return {Status::kCorrupt, "bad file format at offset " + std::to_string(pos_) + ": " + why};
  }

 private:
  std::string shown() const {
    static constexpr char kHex[] = "0123456789abcdef";
    auto u = static_cast<unsigned char>(b_[pos_]);
    if (u >= 0x20 && u < 0x7f) return std::string("'") + static_cast<char>(u) + "'";
    return std::string("byte 0x") + kHex[u >> 4] + kHex[u & 15];
  }

  std::string_view b_;
  size_t pos_ = 0;
};

}  // namespace

AofParseResult parse_aof_commands(
    std::string_view bytes,
    util::FunctionRef<void(std::span<const std::string_view> argv, size_t start_offset)>
        on_command) {
  AofParseResult result;
  Scanner in(bytes);
  std::vector<std::string_view> argv;
  try {
    while (!in.at_end()) {
      size_t start = in.pos();
      if (in.peek() == '#') {
        in.annotation();
        result.valid_bytes = in.pos();
        continue;
      }
      uint64_t count = in.number('*', kMaxCount, "argument count");
      if (count == 0) throw in.corrupt("an empty command (*0)");
      argv.clear();
      // Each argument takes at least 6 bytes ("$0\r\n\r\n"): a count too large for what is left
      // is a cut (or garbage), not a reason to allocate.
      if (count <= (bytes.size() - in.pos()) / 6) argv.reserve(static_cast<size_t>(count));
      for (uint64_t i = 0; i < count; ++i) {
        uint64_t len = in.number('$', kMaxLength, "bulk length");
        argv.push_back(in.take(len));
        in.crlf();
      }
      on_command(std::span<const std::string_view>(argv), start);
      ++result.commands;
      result.valid_bytes = in.pos();
    }
  } catch (Stop& stop) {
    result.status = stop.status;
    result.error = std::move(stop.why);
  }
  return result;
}

bool aof_has_rdb_preamble(std::string_view bytes) {
  return bytes.substr(0, 5) == "REDIS";
}

}  // namespace cardinal::persist
