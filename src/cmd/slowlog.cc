#include "cardinal/cmd/slowlog.h"

#include <strings.h>

#include "cardinal/cmd/session.h"

namespace cardinal::cmd {

namespace {

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && ::strncasecmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace

std::vector<bool> redacted_positions(std::span<const std::string_view> args) {
  std::vector<bool> hidden(args.size(), false);
  if (args.empty()) return hidden;
  if (iequals(args[0], "auth")) {
    for (size_t i = 1; i < args.size(); ++i) hidden[i] = true;
  } else if (iequals(args[0], "hello")) {
    for (size_t i = 2; i + 2 < args.size(); ++i) {
      if (iequals(args[i], "auth")) hidden[i + 1] = hidden[i + 2] = true;
    }
  } else if (iequals(args[0], "config") && args.size() > 2 && iequals(args[1], "set")) {
    for (size_t i = 2; i + 1 < args.size(); i += 2) {
      if (iequals(args[i], "requirepass") || iequals(args[i], "masterauth") ||
          iequals(args[i], "masteruser"))
        hidden[i + 1] = true;
    }
  }
  return hidden;
}

void SlowLog::record(int64_t threshold_us, int64_t max_len, int64_t duration_us,
                     int64_t unix_seconds, std::span<const std::string_view> args,
                     const Session& session) {
  if (threshold_us < 0 || duration_us < threshold_us) return;
  Entry e{next_id_++, unix_seconds, duration_us, {}, session.addr, session.name};
  std::vector<bool> hidden = redacted_positions(args);
  size_t shown = args.size() > kMaxArgs ? kMaxArgs - 1 : args.size();
  e.args.reserve(shown + 1);
  for (size_t i = 0; i < shown; ++i) {
    std::string_view a = args[i];
    if (hidden[i]) {
      e.args.emplace_back("(redacted)");
    } else if (a.size() > kMaxArgBytes) {
      e.args.push_back(std::string(a.substr(0, kMaxArgBytes)) + "... (" +
                       std::to_string(a.size() - kMaxArgBytes) + " more bytes)");
    } else {
      e.args.emplace_back(a);
    }
  }
  if (shown < args.size())
    e.args.push_back("... (" + std::to_string(args.size() - shown) + " more arguments)");
  entries_.push_front(std::move(e));
  while (entries_.size() > static_cast<size_t>(std::max<int64_t>(max_len, 0))) entries_.pop_back();
}

}  // namespace cardinal::cmd
