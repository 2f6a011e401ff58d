#include "cardinal/cmd/blocking.h"

#include "cardinal/cmd/db_key.h"
#include "cardinal/cmd/dispatcher.h"
#include "cardinal/cmd/errors.h"
#include "cardinal/cmd/key_events.h"
#include "cardinal/cmd/server_state.h"
#include "cardinal/cmd/session.h"

namespace cardinal::cmd {

void BlockingRegistry::block(Session& session, const CommandSpec& spec, int db,
                             std::span<const std::string_view> args,
                             std::span<const std::string_view> keys, int64_t timeout_ms) {
  auto bc = std::make_unique<BlockedCommand>();
  bc->args.assign(args.begin(), args.end());
  bc->views.assign(bc->args.begin(), bc->args.end());
  bc->spec = &spec;
  bc->db = db;
  bc->timeout_ms = timeout_ms;
  bc->silent = session.reply_mode == ReplyMode::Off || session.reply_mode == ReplyMode::Skip;
  if (waiters_.empty()) events_.want(KeyEvents::kForBlocking, true);
  for (std::string_view key : keys) {
    encode_db_key(scratch_, db, key);
    Queue& q = waiters_[scratch_];
    // BLPOP k k waits once on k.
    bool already = false;
    for (auto& [encoded, pos] : bc->queue_positions) already = already || encoded == scratch_;
    if (already) continue;
    q.sessions.push_back(&session);
    bc->queue_positions.emplace_back(scratch_, std::prev(q.sessions.end()));
  }
  session.blocked = std::move(bc);
  ++blocked_;
  if (timeout_ms > 0) {
    ++timed_;
    session.arm_block_timeout(timeout_ms);
  }
}

void BlockingRegistry::release(Session& session) {
  for (auto& [encoded, pos] : session.blocked->queue_positions) {
    auto it = waiters_.find(encoded);
    if (it == waiters_.end()) continue;
    it->second.sessions.erase(pos);
    // A ready key keeps its (empty) queue until serve_ready drops it from ready_.
    if (it->second.sessions.empty() && !it->second.ready) waiters_.erase(it);
  }
  if (session.blocked->timeout_ms > 0) --timed_;
  session.blocked.reset();
  --blocked_;
  if (waiters_.empty()) events_.want(KeyEvents::kForBlocking, false);
}

void BlockingRegistry::unblock(Session& session) {
  if (session.is_blocked()) release(session);
}

void BlockingRegistry::finish(Session& session, size_t output_before) {
  if (session.blocked->silent) session.output().resize(output_before);
  release(session);
  session.on_unblocked();
}

void BlockingRegistry::time_out(Session& session) {
  if (!session.is_blocked()) return;
  size_t before = session.output().size();
  session.reply().null_array();
  finish(session, before);
}

void BlockingRegistry::fail(Session& session, std::string_view error_text) {
  if (!session.is_blocked()) return;
  size_t before = session.output().size();
  session.reply().error(error_text);
  finish(session, before);
}

void BlockingRegistry::mark_ready(const std::string& encoded, Queue& queue) {
  if (queue.ready) return;
  queue.ready = true;
  ready_.push_back(encoded);
}

void BlockingRegistry::value_stored(const engine::Database& db, std::string_view key) {
  encode_db_key(scratch_, keyspace_.index_of(db), key);
  auto it = waiters_.find(scratch_);
  if (it != waiters_.end()) mark_ready(it->first, it->second);
}

void BlockingRegistry::databases_swapped(int a, int b) {
  for (auto& [encoded, queue] : waiters_) {
    int db = db_of(encoded);
    if (db != a && db != b) continue;
    std::string_view key = key_of(encoded);
    if (keyspace_.db(db).find_quiet(key)) mark_ready(encoded, queue);
  }
}

void BlockingRegistry::serve_ready(ServerState& server) {
  if (serving_) return;  // a re-run command made more keys ready: the loop below takes them
  serving_ = true;
  struct Reset {
    bool& flag;
    ~Reset() { flag = false; }
  } reset{serving_};
  std::vector<Session*> snapshot;
  while (!ready_.empty()) {
    std::vector<std::string> batch;
    batch.swap(ready_);
    for (const std::string& encoded : batch) {
      auto it = waiters_.find(encoded);
      if (it == waiters_.end()) continue;
      it->second.ready = false;
      int db = db_of(encoded);
      std::string_view key = key_of(encoded);
      // Oldest first. A waiter that cannot use the value (another type, a wrong-typed
      // destination) does not stop the ones behind it; the key running out does.
      snapshot.assign(it->second.sessions.begin(), it->second.sessions.end());
      for (Session* s : snapshot) {
        if (!keyspace_.db(db).find_quiet(key)) break;
        if (!s->is_blocked()) continue;
        size_t before = s->output().size();
        if (rerun_blocked(server, *s)) finish(*s, before);
      }
      it = waiters_.find(encoded);  // re-runs may have erased or re-marked it
      if (it != waiters_.end() && it->second.sessions.empty() && !it->second.ready)
        waiters_.erase(it);
    }
  }
  if (waiters_.empty()) events_.want(KeyEvents::kForBlocking, false);
}

}  // namespace cardinal::cmd
