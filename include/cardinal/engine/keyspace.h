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
#include "cardinal/ds/intrusive_hash_table.h"
#include "cardinal/engine/value.h"
#include "cardinal/util/clock.h"
#include "cardinal/util/varint.h"

namespace cardinal::engine {

constexpr int64_t kNoExpire = -1;

// One key of a database: chain link, value, last access and the key bytes, in one allocation
// (a 24-byte header, then a length byte and the key for keys under 128 bytes). The expiry, which
// most keys lack, lives in the database's expiry index; has_expire() says whether to look there.
// Built and freed only by Database; its address is stable while the key exists.
class DbEntry {
  DbEntry* next_ = nullptr;  // first, so the 12-byte value and the access clock pack behind it

 public:
  std::string_view key() const {
    uint64_t len;
    const char* p = util::varint_get(key_bytes(), len);
    return {p, len};
  }
  bool has_expire() const { return has_expire_; }
  // Seconds since the key was last read or written (OBJECT IDLETIME). Kept as a 24-bit seconds
  // clock, like Redis's LRU clock: idle times wrap after 194 days, as they do in Redis.
  int64_t idle_seconds(int64_t now_ms) const {
    return (seconds_of(now_ms) - access_seconds()) & kAccessMask;
  }
  void touch(int64_t now_ms) {
    uint32_t s = seconds_of(now_ms);
    for (int i = 0; i < 3; ++i) access_[i] = static_cast<uint8_t>(s >> (8 * i));
  }

  Value value;

 private:
  friend class Database;
  struct Traits {
    using Node = DbEntry;
    static DbEntry*& next(DbEntry& e) { return e.next_; }
    static std::string_view key(const DbEntry& e) { return e.key(); }
    static void destroy(DbEntry* e);
  };

  static constexpr uint32_t kAccessMask = (1u << 24) - 1;

  DbEntry(Value v, int64_t now_ms) : value(std::move(v)) { touch(now_ms); }
  static DbEntry* make(std::string_view key, Value value, int64_t now_ms);
  static uint32_t seconds_of(int64_t ms) { return static_cast<uint32_t>(ms / 1000) & kAccessMask; }
  uint32_t access_seconds() const {
    return access_[0] | (uint32_t{access_[1]} << 8) | (uint32_t{access_[2]} << 16);
  }
  const char* key_bytes() const { return reinterpret_cast<const char*>(this + 1); }
  char* key_bytes() { return reinterpret_cast<char*>(this + 1); }

  uint8_t access_[3];
  bool has_expire_ = false;
};

static_assert(sizeof(DbEntry) == 24, "a keyspace entry's header is 24 bytes");

// What take() hands back: a key's value and expiry, detached from any database.
struct DetachedEntry {
  Value value;
  int64_t expire_at_ms = kNoExpire;
};

struct KeyspaceStats {
  uint64_t expired_keys = 0;
  uint64_t keyspace_hits = 0;
  uint64_t keyspace_misses = 0;
  uint64_t expire_cycle_time_us = 0;
};

class Database;

// Told what happens to keys behind the handlers' backs or in one place for all of them: a key
// receives a value through set() or insert() (created, or replaced; also RENAME/MOVE/COPY), a
// key is removed because its TTL passed (lazily or by the cron), a read finds no key. Blocked
// clients, WATCH and keyspace notifications listen; the observer is installed only while one
// of them cares, so the common path pays one null test.
class KeyObserver {
 public:
  virtual ~KeyObserver() = default;
  // `created`: the key did not exist (or had expired) before.
  virtual void value_stored(const Database& db, std::string_view key, bool created) = 0;
  // After the expired key is gone.
  virtual void key_expired(const Database& db, std::string_view key) = 0;
  // find_for_read found nothing (INFO keyspace_misses counts the same).
  virtual void key_missed(const Database& db, std::string_view key) = 0;
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
  // Adds a value taken from elsewhere (RENAME, MOVE, COPY) with its absolute expiry.
  // REQUIRES: no live entry named `key`.
  DbEntry& insert(std::string_view key, DetachedEntry detached);
  bool remove(std::string_view key);
  // Unlinks a live key and hands back its value and expiry.
  std::optional<DetachedEntry> take(std::string_view key);

  // The entry under `key` even if its TTL has passed (nothing is deleted): WATCH, FLUSHDB and
  // SWAPDB reason about keys that are present but logically expired, as Redis does.
  DbEntry* peek(std::string_view key) { return main_.find(key); }

  // REQUIRES: entry belongs to this database. at_ms is absolute.
  void set_expire(DbEntry& entry, int64_t at_ms);
  // Returns true when an expiry was removed.
  bool persist(DbEntry& entry);
  // The absolute expiry in ms, or kNoExpire.
  int64_t expire_of(const DbEntry& entry) const;

  size_t size() const { return main_.size(); }
  // Room for `keys` keys, `expires` of them with a TTL (the RDB loader's RESIZEDB hint).
  void reserve(size_t keys, size_t expires) {
    main_.reserve(keys);
    expires_.reserve(expires);
  }
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
    return e.has_expire() && !expiry_paused_ && clock_->now_ms() > expire_of(e);
  }
  // While an AOF replays, keys do not expire on access: a command logged before a key's TTL ran
  // out must find the key as it did then (the key expires once serving starts), as in Redis.
  void pause_expiry(bool paused) { expiry_paused_ = paused; }

  // Deletes expired keys found by walking the expiry index from a saved cursor, until the
  // sampled keys are mostly alive or the deadline (monotonic us) passes. Returns keys deleted.
  size_t active_expire(int64_t deadline_us);

  // Bytes of the keyspace's own structures — bucket arrays, entry headers (not the key bytes),
  // the expiry index — as requested from the allocator: INFO memory's overhead side. Keys and
  // values are the dataset, as in Redis.
  size_t overhead_bytes() const {
    return main_.bucket_bytes() + entry_header_bytes_ + expires_.overhead_bytes() +
           expires_.size() * sizeof(ExpireRecord);
  }

 private:
  struct ExpireRecord {
    DbEntry* entry;
    int64_t at_ms;
  };
  struct ExpireKey {
    static std::string_view key(const ExpireRecord& r) { return r.entry->key(); }
  };

  DbEntry* lookup(std::string_view key);
  void delete_entry(DbEntry& e);
  // Deletes an entry whose TTL passed: counts it and tells the observer.
  void expire_entry(DbEntry& e);
  DbEntry* link_new(std::string_view key, Value value);

  void notify_stored(std::string_view key, bool created) const {
    if (observer_) observer_->value_stored(*this, key, created);
  }

  friend class Keyspace;  // installs the observer
  bool expiry_paused_ = false;
  const util::Clock* clock_;
  KeyspaceStats* stats_;
  KeyObserver* observer_ = nullptr;
  ds::IntrusiveHashTable<DbEntry::Traits> main_;
  ds::HashTable<ExpireRecord, ExpireKey> expires_;
  size_t entry_header_bytes_ = 0;  // DbEntry headers and key-length prefixes
  uint64_t expire_cursor_ = 0;
  std::string expired_key_;  // expire_entry's copy of the key it reports
};

class Keyspace {
 public:
  Keyspace(const util::Clock& clock, int databases);

  int database_count() const { return static_cast<int>(dbs_.size()); }
  Database& db(int index) { return dbs_[static_cast<size_t>(index)]; }
  const Database& db(int index) const { return dbs_[static_cast<size_t>(index)]; }
  void swap(int a, int b) { std::swap(dbs_[static_cast<size_t>(a)], dbs_[static_cast<size_t>(b)]); }
  // The index of a database of this keyspace (stable across swap(): contents move, not slots).
  int index_of(const Database& db) const { return static_cast<int>(&db - dbs_.data()); }
  // nullptr removes it. Every database reports to the same observer.
  void set_observer(KeyObserver* observer) {
    for (Database& d : dbs_) d.observer_ = observer;
  }
  void flush_all();
  // Database::pause_expiry on every database.
  void pause_expiry(bool paused) {
    for (Database& d : dbs_) d.pause_expiry(paused);
  }
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
