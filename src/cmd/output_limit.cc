#include "cardinal/cmd/output_limit.h"

namespace cardinal::cmd {

config::ClientClass client_class(const Session& s) {
  // MONITOR clients count as normal ones, as in Redis; there are no replicas yet.
  return s.in_pubsub_mode() ? config::ClientClass::Pubsub : config::ClientClass::Normal;
}

bool enforce_output_limit(const config::Settings& settings, int64_t now_ms, Session& s) {
  if (s.closing) return false;
  const config::OutputBufferLimit& limit =
      settings.client_output_buffer_limit[static_cast<size_t>(client_class(s))];
  if (limit.hard_bytes == 0 && limit.soft_bytes == 0) return false;
  uint64_t used = s.pending_output_bytes();
  bool over = limit.hard_bytes != 0 && used >= limit.hard_bytes;
  if (limit.soft_bytes != 0 && used >= limit.soft_bytes) {
    // The soft limit only counts once exceeded for longer than soft_seconds without a break.
    if (s.output_soft_limit_since_ms == 0) {
      s.output_soft_limit_since_ms = now_ms;
    } else if (now_ms - s.output_soft_limit_since_ms > limit.soft_seconds * 1000) {
      over = true;
    }
  } else {
    s.output_soft_limit_since_ms = 0;
  }
  if (over) s.close_for_output_limit();
  return over;
}

}  // namespace cardinal::cmd
