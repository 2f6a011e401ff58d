// SlowLog: the commands that ran at least slowlog-log-slower-than microseconds, newest first,
// at most slowlog-max-len of them, as SLOWLOG GET shows them: arguments cut to 32 (the last
// saying how many more) and each to 128 bytes, secrets (AUTH, HELLO AUTH, CONFIG SET of a
// password) replaced by "(redacted)". Event-loop thread only.
#pragma once

#include <cstdint>
#include <deque>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace cardinal::cmd {

class Session;

// Which arguments Redis 7.0 hides in the slow log and MONITOR ("(redacted)"): every argument
// of AUTH, HELLO's AUTH username and password, and the value of a password directive in CONFIG
// SET.
std::vector<bool> redacted_positions(std::span<const std::string_view> args);

class SlowLog {
 public:
  struct Entry {
    uint64_t id;
    int64_t unix_seconds;
    int64_t duration_us;
    std::vector<std::string> args;
    std::string addr;
    std::string client_name;
  };

  // Records the command when logging is on (threshold >= 0) and it took at least `threshold` us;
  // then drops the oldest entries past `max_len`.
  void record(int64_t threshold_us, int64_t max_len, int64_t duration_us, int64_t unix_seconds,
              std::span<const std::string_view> args, const Session& session);

  const std::deque<Entry>& entries() const { return entries_; }  // newest first
  void reset() { entries_.clear(); }

  static constexpr size_t kMaxArgs = 32;
  static constexpr size_t kMaxArgBytes = 128;

 private:
  std::deque<Entry> entries_;
  uint64_t next_id_ = 0;
};

}  // namespace cardinal::cmd
