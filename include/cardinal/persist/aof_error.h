// AofError: why an append-only file or its manifest could not be read or written. The reason is
// Redis's own text where Redis has one; line() is the 1-based manifest line when it applies.
// Any thread.
#pragma once

#include <stdexcept>
#include <string>

namespace cardinal::persist {

class AofError : public std::runtime_error {
 public:
  explicit AofError(const std::string& reason) : std::runtime_error(reason), reason_(reason) {}
  // A manifest error: what() reads "<reason> (manifest line <n>: '<text>')".
  AofError(const std::string& reason, int line, const std::string& text)
      : std::runtime_error(reason + " (manifest line " + std::to_string(line) + ": '" + text +
                           "')"),
        reason_(reason),
        line_(line),
        text_(text) {}

  const std::string& reason() const { return reason_; }
  int line() const { return line_; }                 // 0 when not about a manifest line
  const std::string& text() const { return text_; }  // the offending line, as read

 private:
  std::string reason_;
  int line_ = 0;
  std::string text_;
};

}  // namespace cardinal::persist
