// WatchRegistry: the keys WATCHed by clients, for optimistic transactions. A client whose
// watched key changes (any client's write, an expiry, FLUSHDB/FLUSHALL, SWAPDB) becomes dirty
// and stops watching; its next EXEC replies null. Invariant: a key is listed here for a session
// iff the session's `watched` list has it. Event-loop thread only.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "cardinal/engine/keyspace.h"

namespace cardinal::cmd {

class KeyEvents;
class Session;

class WatchRegistry {
 public:
  WatchRegistry(engine::Keyspace& keyspace, KeyEvents& events)
      : keyspace_(keyspace), events_(events) {}
  WatchRegistry(const WatchRegistry&) = delete;
  WatchRegistry& operator=(const WatchRegistry&) = delete;

  // WATCH: `session` watches `key` of `db` (again: no change).
  void watch(Session& session, int db, std::string_view key);
  // UNWATCH, EXEC, DISCARD, RESET, disconnect. Leaves the session's dirty flag alone.
  void unwatch_all(Session& session);

  // A write changed `key` of `db`: its watchers become dirty.
  void touch(int db, std::string_view key);
  // FLUSHDB/FLUSHALL (replaced_with < 0) or SWAPDB (called before the swap, once per side):
  // the contents of `db` go away, replaced by those of database `replaced_with`. Watchers of a
  // key that exists on either side become dirty, unless it is logically absent on both.
  void touch_database(int db, int replaced_with);
  // EXEC: has a key that was alive when watched expired since (even if not yet deleted)?
  bool expired_since_watch(Session& session);

  size_t watched_keys() const { return watchers_.size(); }
  bool empty() const { return watchers_.empty(); }

 private:
  struct Watcher {
    Session* session;
    // The key was present but past its TTL when watched: its deletion is no change.
    bool expired_at_watch;
  };
  bool is_expired_entry(int db, std::string_view key);
  // Marks the session dirty and drops all its watches (nothing it watches matters any more).
  void make_dirty(Session& session);

  engine::Keyspace& keyspace_;
  KeyEvents& events_;  // told whether anything is watched: expiries matter then
  std::unordered_map<std::string, std::vector<Watcher>> watchers_;  // by encode_db_key
  std::string scratch_;
};

}  // namespace cardinal::cmd
