// RequestParser: turns the bytes a client sent into commands, incrementally. It accepts RESP
// multibulk requests ("*N\r\n$len\r\n...") and inline lines ("SET k v\r\n") with Redis's limits
// and exact protocol-error texts. State survives between calls, so a command split across any
// number of reads is parsed once, in O(bytes). Arguments are views into the caller's buffer
// (inline ones into parser storage), valid until the next parse() or until the caller drops
// consumed bytes. The caller may move unconsumed bytes but must pass them again from the same
// first byte. One parser per connection; single-threaded.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace cardinal::resp {

struct ParserLimits {
  int64_t max_bulk_len = 512LL * 1024 * 1024;  // proto-max-bulk-len
  // Redis's smaller limits for clients that still have to authenticate.
  bool authenticated = true;
};

enum class ParseStatus {
  NeedMore,  // no complete command yet; read more bytes
  Command,   // args() holds a command; consumed() bytes belong to it
  Empty,     // consumed() bytes held nothing to run (blank inline line, "*0")
  Error      // error() holds the protocol error; the connection must be closed after replying
};

class RequestParser {
 public:
  static constexpr size_t kInlineMax = 64 * 1024;  // longest inline line or header line
  static constexpr int64_t kUnauthMaxArgs = 10;
  static constexpr int64_t kUnauthMaxBulk = 16384;
  // Bulks at least this big get their whole size reserved in the read buffer up front.
  static constexpr int64_t kBigArg = 32 * 1024;

  ParseStatus parse(char* data, size_t len, const ParserLimits& limits);

  std::span<const std::string_view> args() const { return args_; }
  size_t consumed() const { return consumed_; }
  // Protocol error text without the "-ERR " prefix, e.g. "Protocol error: invalid bulk length".
  const std::string& error() const { return error_; }
  // When > 0: the current command needs at least this many bytes from its first byte.
  size_t bytes_wanted() const { return bytes_wanted_; }

 private:
  ParseStatus parse_inline(char* data, size_t len);
  ParseStatus parse_multibulk(char* data, size_t len, const ParserLimits& limits);
  ParseStatus fail(std::string message);
  ParseStatus complete(char* data, size_t end);
  void reset_command();

  // Multibulk progress for the command being parsed.
  size_t pos_ = 0;                                  // bytes of the command already parsed
  int64_t args_left_ = -1;                          // -1: header not yet read
  int64_t bulk_len_ = -1;                           // -1: next bulk header not yet read
  std::vector<std::pair<size_t, size_t>> offsets_;  // (start, length) of parsed arguments

  std::vector<std::string_view> args_;
  std::vector<std::string> inline_args_;
  size_t consumed_ = 0;
  size_t bytes_wanted_ = 0;
  std::string error_;
};

}  // namespace cardinal::resp
