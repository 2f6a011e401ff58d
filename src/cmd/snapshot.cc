#include "cardinal/cmd/snapshot.h"

#include <chrono>
#include <thread>

#include "cardinal/persist/snapshot_file.h"
#include "cardinal/util/alloc_stats.h"

namespace cardinal::cmd {

void apply_key_save_delay(int64_t delay, uint64_t keys_written) {
  if (delay > 0) {
    std::this_thread::sleep_for(std::chrono::microseconds(delay));
  } else if (delay < 0 && keys_written % static_cast<uint64_t>(-delay) == 0) {
    std::this_thread::sleep_for(std::chrono::microseconds(1));
  }
}

namespace {

// rdb-key-save-delay applies to every save, the foreground ones too (a test aid).
class KeyDelay final : public persist::RdbProgress {
 public:
  explicit KeyDelay(int64_t delay) : delay_(delay) {}
  void key_written() override { apply_key_save_delay(delay_, ++keys_); }

 private:
  int64_t delay_;
  uint64_t keys_ = 0;
};

}  // namespace

std::string snapshot_path(const ServerState& s) {
  return s.settings().dbfilename;
}

bool save_points_configured(const config::Settings& s) {
  return s.save.find_first_not_of(' ') != std::string::npos;
}

persist::RdbSaveOptions snapshot_save_options(const ServerState& s) {
  persist::RdbSaveOptions o;
  o.now_ms = s.clock.now_ms();
  o.used_mem = util::allocated_bytes();
  o.compress = s.settings().rdbcompression;
  o.checksum = s.settings().rdbchecksum;
  return o;
}

void save_snapshot(ServerState& s) {
  ++s.persistence.mutable_stats().saves;  // as Redis: counted when a save starts, even if it fails
  persist::RdbSaveOptions o = snapshot_save_options(s);
  KeyDelay delay(s.settings().rdb_key_save_delay);
  if (s.settings().rdb_key_save_delay != 0) o.progress = &delay;
  persist::save_snapshot(s.keyspace, snapshot_path(s), o);
  s.last_save_s = s.clock.now_ms() / 1000;
  s.dirty = 0;
  // As Redis: a snapshot that worked also clears a failed background save's error (MISCONF).
  Persistence::Stats& stats = s.persistence.mutable_stats();
  stats.last_bgsave_ok = true;
}

persist::RdbLoadOptions snapshot_load_options(const ServerState& s) {
  const config::Settings& c = s.settings();
  persist::RdbLoadOptions o;
  o.now_ms = s.clock.now_ms();
  o.set_max_intset_entries = static_cast<size_t>(c.set_max_intset_entries);
  o.hash.max_listpack_entries = static_cast<size_t>(c.hash_max_listpack_entries);
  o.hash.max_listpack_value = static_cast<size_t>(c.hash_max_listpack_value);
  o.zset.max_listpack_entries = static_cast<size_t>(c.zset_max_listpack_entries);
  o.zset.max_listpack_value = static_cast<size_t>(c.zset_max_listpack_value);
  o.list_fill = static_cast<int>(c.list_max_listpack_size);
  return o;
}

std::optional<persist::RdbLoadResult> load_snapshot(ServerState& s, bool merge) {
  persist::RdbLoadOptions o = snapshot_load_options(s);
  o.replace_existing = merge;
  std::optional<persist::RdbLoadResult> r = persist::load_snapshot(snapshot_path(s), s.keyspace, o);
  if (r) {
    Persistence::Stats& stats = s.persistence.mutable_stats();
    stats.rdb_last_load_keys_loaded = r->keys_loaded;
    stats.rdb_last_load_keys_expired = r->expired_skipped;
  }
  return r;
}

}  // namespace cardinal::cmd
