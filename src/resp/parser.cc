#include "cardinal/resp/parser.h"

#include <algorithm>
#include <climits>
#include <cstring>

#include "cardinal/util/numbers.h"
#include "cardinal/util/split_args.h"

namespace cardinal::resp {

namespace {
constexpr size_t kMaxPreallocatedArgs = 1024;  // a huge "*N" must not reserve N slots
}

ParseStatus RequestParser::parse(char* data, size_t len, const ParserLimits& limits) {
  consumed_ = 0;
  bytes_wanted_ = 0;
  if (len == 0) return ParseStatus::NeedMore;
  if (args_left_ < 0 && data[0] != '*') return parse_inline(data, len);
  return parse_multibulk(data, len, limits);
}

ParseStatus RequestParser::fail(std::string message) {
  error_ = std::move(message);
  reset_command();
  return ParseStatus::Error;
}

void RequestParser::reset_command() {
  pos_ = 0;
  args_left_ = -1;
  bulk_len_ = -1;
  offsets_.clear();
}

ParseStatus RequestParser::parse_inline(char* data, size_t len) {
  auto* newline = static_cast<char*>(std::memchr(data, '\n', len));
  if (!newline) {
    if (len > kInlineMax) return fail("Protocol error: too big inline request");
    return ParseStatus::NeedMore;
  }
  size_t line_len = static_cast<size_t>(newline - data);
  consumed_ = line_len + 1;
  if (line_len > 0 && data[line_len - 1] == '\r') --line_len;
  auto split = util::split_args(std::string_view(data, line_len));
  if (!split) {
    consumed_ = 0;
    return fail("Protocol error: unbalanced quotes in request");
  }
  if (split->empty()) return ParseStatus::Empty;
  inline_args_ = std::move(*split);
  args_.assign(inline_args_.begin(), inline_args_.end());
  return ParseStatus::Command;
}

ParseStatus RequestParser::parse_multibulk(char* data, size_t len, const ParserLimits& limits) {
  if (args_left_ < 0) {
    auto* cr = static_cast<char*>(std::memchr(data, '\r', len));
    if (!cr) {
      if (len > kInlineMax) return fail("Protocol error: too big mbulk count string");
      return ParseStatus::NeedMore;
    }
    size_t header_end = static_cast<size_t>(cr - data) + 2;  // Redis skips "\r\n" unchecked
    if (header_end > len) return ParseStatus::NeedMore;
    int64_t count = 0;
    if (!util::parse_i64(std::string_view(data + 1, static_cast<size_t>(cr - data) - 1), count) ||
        count > INT_MAX) {
      return fail("Protocol error: invalid multibulk length");
    }
    if (count > kUnauthMaxArgs && !limits.authenticated)
      return fail("Protocol error: unauthenticated multibulk length");
    if (count <= 0) {
      consumed_ = header_end;
      return ParseStatus::Empty;
    }
    pos_ = header_end;
    args_left_ = count;
    offsets_.reserve(std::min<size_t>(static_cast<size_t>(count), kMaxPreallocatedArgs));
  }
  while (args_left_ > 0) {
    if (bulk_len_ < 0) {
      if (pos_ >= len) return ParseStatus::NeedMore;
      auto* cr = static_cast<char*>(std::memchr(data + pos_, '\r', len - pos_));
      if (!cr) {
        if (len - pos_ > kInlineMax) return fail("Protocol error: too big bulk count string");
        return ParseStatus::NeedMore;
      }
      if (data[pos_] != '$') {
        return fail(std::string("Protocol error: expected '$', got '") + data[pos_] + "'");
      }
      size_t header_end = static_cast<size_t>(cr - data) + 2;
      if (header_end > len) return ParseStatus::NeedMore;
      int64_t n = 0;
      std::string_view digits(data + pos_ + 1, static_cast<size_t>(cr - data) - pos_ - 1);
      if (!util::parse_i64(digits, n) || n < 0 || n > limits.max_bulk_len)
        return fail("Protocol error: invalid bulk length");
      if (n > kUnauthMaxBulk && !limits.authenticated)
        return fail("Protocol error: unauthenticated bulk length");
      bulk_len_ = n;
      pos_ = header_end;
    }
    size_t need = pos_ + static_cast<size_t>(bulk_len_) + 2;
    if (len < need) {
      if (bulk_len_ >= kBigArg) bytes_wanted_ = need;
      return ParseStatus::NeedMore;
    }
    offsets_.emplace_back(pos_, static_cast<size_t>(bulk_len_));
    pos_ = need;  // like Redis, the trailing "\r\n" is skipped without being checked
    bulk_len_ = -1;
    --args_left_;
  }
  return complete(data, pos_);
}

ParseStatus RequestParser::complete(char* data, size_t end) {
  args_.clear();
  for (auto [start, n] : offsets_) args_.emplace_back(data + start, n);
  consumed_ = end;
  reset_command();
  return ParseStatus::Command;
}

}  // namespace cardinal::resp
