// The keyspace: numbered databases, each a HashTable of entries (key, value, absolute expiry,
// last access) plus an index of the entries that carry an expiry. Expiry is lazy on lookup and
// active through active_expire(), which walks the expiry index with a scan cursor under a time
// budget. Knows nothing of RESP or clients. Single-threaded: the event-loop thread only.
#pragma once

#include <cstdint>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "cardinal/ds/hash_table.h"
#include "cardinal/engine/value.h"
#include "cardinal/util/clock.h"

namespace cardinal::engine {

constexpr int64_t kNoExpire = -1;

struct DbEntry {
  std::string key;
  Value value;
  int64_t expire_at_ms = kNoExpire;
  int64_t last_access_ms = 0;  // OBJECT IDLETIME
};

struct KeyspaceStats {
  uint64_t expired_keys = 0;
  uint64_t keyspace_hits = 0;
  uint64_t keyspace_misses = 0;
  uint64_t expire_cycle_time_us = 0;
};

class Database {
 public:
  Database(const util::Clock& clock, KeyspaceStats& stats) : clock_(&clock), stats_(&stats) {}
  Database(Database&&) = default;
  Database& operator=(Database&&) = default;

  // Lookup for reading: lazily expires, updates the access time, counts a hit or a miss.
  DbEntry* find_for_read(std::string_view key);
  // Lookup for writing: lazily expires and updates the access time; no hit/miss counting.
  DbEntry* find_for_write(std::string_view key);
  // Lookup that neither touches the access time nor counts (OBJECT, TYPE-less probes); still
  // expires lazily so a dead key is never reported.
  DbEntry* find_quiet(std::string_view key);

  // Stores `value` under `key`, replacing any previous value; the expiry is cleared unless
  // keep_ttl. Returns the entry.
  DbEntry& set(std::string_view key, Value value, bool keep_ttl = false);
  // Adds an entry taken from elsewhere (RENAME, MOVE, SWAPDB-free paths), keeping its expiry.
  // REQUIRES: no live entry named entry.key.
  DbEntry& insert(DbEntry entry);
  bool remove(std::string_view key);
  std::optional<DbEntry> take(std::string_view key);

  // REQUIRES: entry belongs to this database. at_ms is absolute.
  void set_expire(DbEntry& entry, int64_t at_ms);
  // Returns true when an expiry was removed.
  bool persist(DbEntry& entry);

  size_t size() const { return main_.size(); }
  size_t expires_count() const { return expires_.size(); }
  // Mean remaining TTL over a sample of the expiry index, in ms (INFO keyspace avg_ttl).
  int64_t average_ttl_ms() const;
  void clear();

  // One SCAN step over live keys; appends keys (and types) to out via fn(const DbEntry&).
  template <typename Fn>
  uint64_t scan(uint64_t cursor, Fn&& fn) {
    return main_.scan(cursor, [&](DbEntry& e) { fn(e); });
  }
  template <typename Fn>
  void for_each(Fn&& fn) const {
    main_.for_each([&](const DbEntry& e) { fn(e); });
  }
  // A random live key (expired candidates are deleted and another is drawn), or nullptr.
  const DbEntry* random_entry(std::mt19937_64& rng);

  bool is_expired(const DbEntry& e) const {
    return e.expire_at_ms != kNoExpire && clock_->now_ms() > e.expire_at_ms;
  }

  // Deletes expired keys found by walking the expiry index from a saved cursor, until the
  // sampled keys are mostly alive or the deadline (monotonic us) passes. Returns keys deleted.
  size_t active_expire(int64_t deadline_us);

  // How much the table keeps beyond the entries themselves (buckets, node links).
  size_t table_overhead_bytes() const { return main_.overhead_bytes() + expires_.overhead_bytes(); }

 private:
  struct EntryKey {
    static std::string_view key(const DbEntry& e) { return e.key; }
  };
  struct ExpireKey {
    static std::string_view key(DbEntry* const& e) { return e->key; }
  };

  DbEntry* lookup(std::string_view key);
  void delete_entry(DbEntry& e);

  const util::Clock* clock_;
  KeyspaceStats* stats_;
  ds::HashTable<DbEntry, EntryKey> main_;
  ds::HashTable<DbEntry*, ExpireKey> expires_;
  uint64_t expire_cursor_ = 0;
};

class Keyspace {
 public:
  Keyspace(const util::Clock& clock, int databases);

  int database_count() const { return static_cast<int>(dbs_.size()); }
  Database& db(int index) { return dbs_[static_cast<size_t>(index)]; }
  const Database& db(int index) const { return dbs_[static_cast<size_t>(index)]; }
  void swap(int a, int b) { std::swap(dbs_[static_cast<size_t>(a)], dbs_[static_cast<size_t>(b)]); }
  void flush_all();
  size_t total_keys() const;

  KeyspaceStats& stats() { return stats_; }
  const util::Clock& clock() const { return *clock_; }

  // Timer work: active expiry, then rehashing of every table still resizing (keyspace and
  // values, through ds::RehashRegistry); each of the two has one budget for the whole call.
  void cron(int64_t expire_budget_us, int64_t rehash_budget_us, bool active_expire_enabled);

 private:
  const util::Clock* clock_;
  KeyspaceStats stats_;
  std::vector<Database> dbs_;
  size_t expire_db_cursor_ = 0;
};

}  // namespace cardinal::engine
