#include "cardinal/cmd/watch.h"

#include <algorithm>

#include "cardinal/cmd/db_key.h"
#include "cardinal/cmd/key_events.h"
#include "cardinal/cmd/session.h"

namespace cardinal::cmd {

void WatchRegistry::watch(Session& session, int db, std::string_view key) {
  encode_db_key(scratch_, db, key);
  if (std::find(session.watched.begin(), session.watched.end(), scratch_) != session.watched.end())
    return;
  if (watchers_.empty()) events_.want(KeyEvents::kForWatching, true);
  watchers_[scratch_].push_back({&session, is_expired_entry(db, key)});
  session.watched.push_back(scratch_);
}

void WatchRegistry::unwatch_all(Session& session) {
  for (const std::string& encoded : session.watched) {
    auto it = watchers_.find(encoded);
    if (it == watchers_.end()) continue;
    std::erase_if(it->second, [&](const Watcher& w) { return w.session == &session; });
    if (it->second.empty()) watchers_.erase(it);
  }
  session.watched.clear();
  if (watchers_.empty()) events_.want(KeyEvents::kForWatching, false);
}

bool WatchRegistry::is_expired_entry(int db, std::string_view key) {
  engine::Database& d = keyspace_.db(db);
  const engine::DbEntry* e = d.peek(key);
  return e && d.is_expired(*e);
}

void WatchRegistry::make_dirty(Session& session) {
  session.watch_dirty = true;
  unwatch_all(session);
}

void WatchRegistry::touch(int db, std::string_view key) {
  encode_db_key(scratch_, db, key);
  auto it = watchers_.find(scratch_);
  if (it == watchers_.end()) return;
  bool present = keyspace_.db(db).peek(key) != nullptr;
  std::vector<Session*> dirty;
  for (Watcher& w : it->second) {
    // Deleting a key that was already dead when watched changes nothing a client could see.
    if (w.expired_at_watch && !present) {
      w.expired_at_watch = false;
      continue;
    }
    dirty.push_back(w.session);
  }
  for (Session* s : dirty) make_dirty(*s);
}

void WatchRegistry::touch_database(int db, int replaced_with) {
  std::vector<Session*> dirty;
  for (auto& [encoded, list] : watchers_) {
    if (db_of(encoded) != db) continue;
    std::string_view key = key_of(encoded);
    bool in_emptied = keyspace_.db(db).peek(key) != nullptr;
    bool in_replacement = replaced_with >= 0 && keyspace_.db(replaced_with).peek(key) != nullptr;
    if (!in_emptied && !in_replacement) continue;
    bool replacement_expired = in_replacement && is_expired_entry(replaced_with, key);
    for (Watcher& w : list) {
      if (w.expired_at_watch) {
        if (!in_replacement) {  // a dead key went away
          w.expired_at_watch = false;
          continue;
        }
        if (replacement_expired) continue;  // dead before, dead after
      } else if (!in_emptied && replacement_expired) {
        w.expired_at_watch = true;  // absent before, a dead key now: still absent
        continue;
      }
      dirty.push_back(w.session);
    }
  }
  for (Session* s : dirty) make_dirty(*s);
}

bool WatchRegistry::expired_since_watch(Session& session) {
  for (const std::string& encoded : session.watched) {
    auto it = watchers_.find(encoded);
    if (it == watchers_.end()) continue;
    for (const Watcher& w : it->second) {
      if (w.session == &session && !w.expired_at_watch &&
          is_expired_entry(db_of(encoded), key_of(encoded)))
        return true;
    }
  }
  return false;
}

}  // namespace cardinal::cmd
