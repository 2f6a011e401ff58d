#include "cardinal/cmd/context.h"

#include <strings.h>

#include "cardinal/util/numbers.h"

namespace cardinal::cmd {

bool CommandContext::parse_int(std::string_view text, int64_t& out) {
  if (util::parse_i64(text, out)) return true;
  error(Errc::NotInteger);
  return false;
}

bool CommandContext::parse_double(std::string_view text, double& out) {
  if (util::parse_double(text, out)) return true;
  error(Errc::NotFloat);
  return false;
}

void CommandContext::block_on(std::span<const std::string_view> keys, int64_t timeout_ms) {
  if (session.in_exec()) {
    // A transaction cannot wait: the command answers as if it had timed out. BLMOVE and
    // BRPOPLPUSH answer a null bulk here, the others a null array, as Redis does.
    if (spec.name == "blmove" || spec.name == "brpoplpush") return reply.null();
    return reply.null_array();
  }
  if (retrying) {
    still_blocked = true;
    return;
  }
  server.blocking.block(session, spec, session.db, args, keys, timeout_ms);
}

bool CommandContext::is(std::string_view arg, std::string_view keyword) {
  return arg.size() == keyword.size() && ::strncasecmp(arg.data(), keyword.data(), arg.size()) == 0;
}

}  // namespace cardinal::cmd
