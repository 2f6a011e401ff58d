// BlockingRegistry: the clients blocked in BLPOP, BZPOPMIN and friends, keyed by (db, key) with
// one FIFO queue per key, so the client that blocked first is served first. A key becomes
// "ready" when the keyspace stores a value under it (told by KeyEvents) or SWAPDB brings one
// in; after each command the dispatcher calls serve_ready(), which re-runs the blocked command of
// each waiter of a ready key, oldest first, until the key is gone or nobody is left.
// Invariants: a session is blocked iff session.blocked is set, and then it sits in the queue of
// each of its keys exactly once. Event-loop thread only.
#pragma once

#include <cstdint>
#include <list>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "cardinal/engine/keyspace.h"

namespace cardinal::cmd {

class KeyEvents;
class Session;
class ServerState;
struct CommandSpec;

// What a blocked client waits to re-run: the command with its own copy of the arguments (the
// read buffer moves on while the client waits).
struct BlockedCommand {
  std::vector<std::string> args;
  std::vector<std::string_view> views;  // into args
  const CommandSpec* spec = nullptr;
  int db = 0;
  int64_t timeout_ms = 0;  // 0: forever
  // CLIENT REPLY OFF or SKIP was in force for this command: its eventual reply is dropped.
  bool silent = false;
  // One position per key in that key's waiter queue, for O(1) removal.
  std::vector<std::pair<std::string, std::list<Session*>::iterator>> queue_positions;
};

class BlockingRegistry {
 public:
  BlockingRegistry(engine::Keyspace& keyspace, KeyEvents& events)
      : keyspace_(keyspace), events_(events) {}
  BlockingRegistry(const BlockingRegistry&) = delete;
  BlockingRegistry& operator=(const BlockingRegistry&) = delete;

  // Blocks `session` on `keys` of `db` until one is served, the timeout (ms, 0 = forever)
  // passes, the client disconnects or CLIENT UNBLOCK. `args` is the whole command.
  void block(Session& session, const CommandSpec& spec, int db,
             std::span<const std::string_view> args, std::span<const std::string_view> keys,
             int64_t timeout_ms);
  // Forgets a blocked session without replying (disconnect, or after it was served).
  void unblock(Session& session);
  // Timeout or CLIENT UNBLOCK ... TIMEOUT: replies the null a timed-out command gives, then
  // releases the client. CLIENT UNBLOCK ... ERROR replies `error_text` instead.
  void time_out(Session& session);
  void fail(Session& session, std::string_view error_text);

  size_t blocked_clients() const { return blocked_; }
  size_t clients_with_timeout() const { return timed_; }
  size_t blocking_keys() const { return waiters_.size(); }
  bool has_ready() const { return !ready_.empty(); }

  // Serves the waiters of every ready key; keys made ready meanwhile are served too.
  void serve_ready(ServerState& server);

  // SWAPDB: every waited key of either database that now exists is ready.
  void databases_swapped(int a, int b);

  // KeyEvents: `key` of `db` received a value.
  void value_stored(const engine::Database& db, std::string_view key);

 private:
  struct Queue {
    std::list<Session*> sessions;
    bool ready = false;
  };
  void mark_ready(const std::string& encoded, Queue& queue);
  void release(Session& session);
  // Releases a session whose reply was written after `output_before`, dropping the reply when
  // the command ran under CLIENT REPLY OFF/SKIP, and resumes it.
  void finish(Session& session, size_t output_before);

  engine::Keyspace& keyspace_;
  KeyEvents& events_;
  std::unordered_map<std::string, Queue> waiters_;
  std::vector<std::string> ready_;  // encoded keys, each at most once (Queue::ready)
  std::string scratch_;
  size_t blocked_ = 0;
  size_t timed_ = 0;
  bool serving_ = false;
};

}  // namespace cardinal::cmd
