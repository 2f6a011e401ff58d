#include "cardinal/engine/keyspace.h"

#include <cstring>
#include <new>

namespace cardinal::engine {

DbEntry* DbEntry::make(std::string_view key, Value value, int64_t now_ms) {
  size_t bytes = sizeof(DbEntry) + util::varint_size(key.size()) + key.size();
  auto* e = new (::operator new(bytes)) DbEntry(std::move(value), now_ms);
  char* p = util::varint_put(e->key_bytes(), key.size());
  if (!key.empty()) std::memcpy(p, key.data(), key.size());
  return e;
}

void DbEntry::Traits::destroy(DbEntry* e) {
  e->~DbEntry();
  ::operator delete(e);
}

namespace {
size_t entry_header_size(std::string_view key) {
  return sizeof(DbEntry) + util::varint_size(key.size());
}
}  // namespace

namespace {
// Keys sampled per active-expiry round; another round runs while more than a tenth of a
// round's samples had expired, so a database full of dead keys is cleaned fast.
constexpr size_t kExpireSamplesPerRound = 20;
}  // namespace

DbEntry* Database::lookup(std::string_view key) {
  DbEntry* e = main_.find(key);
  if (e && is_expired(*e)) {
    expire_entry(*e);
    return nullptr;
  }
  return e;
}

DbEntry* Database::find_for_read(std::string_view key) {
  DbEntry* e = lookup(key);
  if (e) {
    e->touch(clock_->now_ms());
    ++stats_->keyspace_hits;
  } else {
    ++stats_->keyspace_misses;
    if (observer_) observer_->key_missed(*this, key);
  }
  return e;
}

DbEntry* Database::find_for_write(std::string_view key) {
  DbEntry* e = lookup(key);
  if (e) e->touch(clock_->now_ms());
  return e;
}

DbEntry* Database::find_quiet(std::string_view key) {
  return lookup(key);
}

DbEntry* Database::link_new(std::string_view key, Value value) {
  DbEntry* e = DbEntry::make(key, std::move(value), clock_->now_ms());
  entry_header_bytes_ += entry_header_size(key);
  return e;
}

DbEntry& Database::set(std::string_view key, Value value, bool keep_ttl) {
  bool created = false;
  DbEntry* e = main_
                   .find_or_insert(key,
                                   [&] {
                                     created = true;
                                     return link_new(key, std::move(value));
                                   })
                   .first;
  if (created) {
    notify_stored(key, true);
    return *e;
  }
  if (is_expired(*e)) {
    // Replaced while logically gone: to observers the old key expired and a new one came.
    ++stats_->expired_keys;
    // An expired predecessor's TTL must not leak into the new value, even under KEEPTTL.
    persist(*e);
    if (observer_) observer_->key_expired(*this, key);
    created = true;
  } else if (!keep_ttl) {
    persist(*e);
  }
  e->value = std::move(value);
  e->touch(clock_->now_ms());
  notify_stored(key, created);
  return *e;
}

DbEntry& Database::insert(std::string_view key, DetachedEntry detached) {
  if (DbEntry* stale = main_.find(key)) expire_entry(*stale);  // REQUIRES: only a dead one
  DbEntry* e = link_new(key, std::move(detached.value));
  main_.insert_new(e);
  if (detached.expire_at_ms != kNoExpire) set_expire(*e, detached.expire_at_ms);
  notify_stored(key, true);
  return *e;
}

bool Database::remove(std::string_view key) {
  DbEntry* e = main_.find(key);
  if (!e) return false;
  if (is_expired(*e)) {
    expire_entry(*e);
    return false;
  }
  delete_entry(*e);
  return true;
}

std::optional<DetachedEntry> Database::take(std::string_view key) {
  DbEntry* e = lookup(key);
  if (!e) return std::nullopt;
  DetachedEntry out{std::move(e->value), expire_of(*e)};
  delete_entry(*e);
  return out;
}

void Database::expire_entry(DbEntry& e) {
  ++stats_->expired_keys;
  if (!observer_) return delete_entry(e);
  expired_key_.assign(e.key());  // the entry holds the key bytes
  delete_entry(e);
  observer_->key_expired(*this, expired_key_);
}

void Database::delete_entry(DbEntry& e) {
  // The key bytes live in the entry, so the expiry goes first and the entry is freed last.
  std::string_view key = e.key();
  if (e.has_expire()) expires_.erase(key);
  entry_header_bytes_ -= entry_header_size(key);
  DbEntry* unlinked = main_.unlink(key);
  DbEntry::Traits::destroy(unlinked);
}

void Database::set_expire(DbEntry& entry, int64_t at_ms) {
  auto make = [&] { return ExpireRecord{&entry, at_ms}; };
  ExpireRecord* record = expires_.find_or_insert(entry.key(), make).first;
  record->at_ms = at_ms;  // also moves an expiry the entry already had
  entry.has_expire_ = true;
}

bool Database::persist(DbEntry& entry) {
  if (!entry.has_expire()) return false;
  expires_.erase(entry.key());
  entry.has_expire_ = false;
  return true;
}

int64_t Database::expire_of(const DbEntry& entry) const {
  if (!entry.has_expire()) return kNoExpire;
  return expires_.peek(entry.key())->at_ms;
}

int64_t Database::average_ttl_ms() const {
  if (expires_.empty()) return 0;
  int64_t now = clock_->now_ms();
  int64_t sum = 0, n = 0;
  expires_.for_each([&](const ExpireRecord& r) {
    if (n >= 1000) return;
    sum += std::max<int64_t>(0, r.at_ms - now);
    ++n;
  });
  return n ? sum / n : 0;
}

void Database::clear() {
  expires_.clear();
  main_.clear();
  entry_header_bytes_ = 0;
  expire_cursor_ = 0;
}

const DbEntry* Database::random_entry(std::mt19937_64& rng) {
  // Every expired draw is deleted, so this ends: with a live key or an empty database.
  while (!main_.empty()) {
    DbEntry* e = main_.random_element(rng);
    if (!is_expired(*e)) return e;
    expire_entry(*e);
  }
  return nullptr;
}

size_t Database::active_expire(int64_t deadline_us) {
  size_t deleted = 0;
  std::vector<std::string> dead;
  int64_t now = clock_->now_ms();
  while (!expires_.empty()) {
    size_t sampled = 0;
    dead.clear();
    do {
      expire_cursor_ = expires_.scan(expire_cursor_, [&](const ExpireRecord& r) {
        ++sampled;
        if (now > r.at_ms) dead.emplace_back(r.entry->key());
      });
    } while (sampled < kExpireSamplesPerRound && expire_cursor_ != 0);
    for (const std::string& key : dead) {
      if (DbEntry* e = main_.find(key)) expire_entry(*e);
      ++deleted;
    }
    if (dead.size() * 10 <= sampled || util::monotonic_us() >= deadline_us) break;
  }
  return deleted;
}

Keyspace::Keyspace(const util::Clock& clock, int databases) : clock_(&clock) {
  dbs_.reserve(static_cast<size_t>(databases));
  for (int i = 0; i < databases; ++i) dbs_.emplace_back(clock, stats_);
}

void Keyspace::flush_all() {
  for (Database& d : dbs_) d.clear();
}

size_t Keyspace::total_keys() const {
  size_t n = 0;
  for (const Database& d : dbs_) n += d.size();
  return n;
}

void Keyspace::cron(int64_t expire_budget_us, int64_t rehash_budget_us,
                    bool active_expire_enabled) {
  int64_t start = util::monotonic_us();
  if (active_expire_enabled) {
    int64_t deadline = start + expire_budget_us;
    for (size_t i = 0; i < dbs_.size() && util::monotonic_us() < deadline; ++i) {
      Database& d = dbs_[expire_db_cursor_];
      expire_db_cursor_ = (expire_db_cursor_ + 1) % dbs_.size();
      if (d.expires_count() > 0) d.active_expire(deadline);
    }
    stats_.expire_cycle_time_us += static_cast<uint64_t>(util::monotonic_us() - start);
  }
  // One budget for the whole tick, shared by every table still resizing: the keyspace's own
  // and those inside values.
  ds::RehashRegistry::instance().run_for_us(rehash_budget_us);
}

}  // namespace cardinal::engine
