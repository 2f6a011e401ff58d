#include "cardinal/cmd/snapshot.h"

#include "cardinal/persist/snapshot_file.h"
#include "cardinal/util/alloc_stats.h"

namespace cardinal::cmd {

std::string snapshot_path(const ServerState& s) {
  return s.settings().dbfilename;
}

bool save_points_configured(const config::Settings& s) {
  return s.save.find_first_not_of(' ') != std::string::npos;
}

void save_snapshot(ServerState& s) {
  persist::RdbSaveOptions o;
  o.now_ms = s.clock.now_ms();
  o.used_mem = util::allocated_bytes();
  o.compress = s.settings().rdbcompression;
  o.checksum = s.settings().rdbchecksum;
  persist::save_snapshot(s.keyspace, snapshot_path(s), o);
  s.last_save_s = s.clock.now_ms() / 1000;
  s.dirty = 0;
  // As Redis: a snapshot that worked also clears a failed background save's error (MISCONF).
  Persistence::Stats& stats = s.persistence.mutable_stats();
  stats.last_bgsave_ok = true;
  ++stats.saves;
}

std::optional<persist::RdbLoadResult> load_snapshot(ServerState& s, bool merge) {
  const config::Settings& c = s.settings();
  persist::RdbLoadOptions o;
  o.now_ms = s.clock.now_ms();
  o.set_max_intset_entries = static_cast<size_t>(c.set_max_intset_entries);
  o.hash.max_listpack_entries = static_cast<size_t>(c.hash_max_listpack_entries);
  o.hash.max_listpack_value = static_cast<size_t>(c.hash_max_listpack_value);
  o.zset.max_listpack_entries = static_cast<size_t>(c.zset_max_listpack_entries);
  o.zset.max_listpack_value = static_cast<size_t>(c.zset_max_listpack_value);
  o.list_fill = static_cast<int>(c.list_max_listpack_size);
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
