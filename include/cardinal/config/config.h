// Config: every directive cardinal honours, with Redis's names, defaults, value syntax (yes/no,
// memory units like 1gb, enums) and CONFIG GET/SET formats and error texts. Loaded once from a
// redis.conf-style file plus command-line overrides, then read by every layer through
// settings(). Directives Redis has that cardinal does not implement yet are accepted with a
// warning so real redis.conf files load. Single-threaded: the event-loop thread.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace cardinal::config {

// client-output-buffer-limit classes, in the order CONFIG GET lists them.
enum class ClientClass : uint8_t { Normal, Replica, Pubsub };

struct OutputBufferLimit {
  uint64_t hard_bytes = 0;
  uint64_t soft_bytes = 0;
  int64_t soft_seconds = 0;  // how long the soft limit may be exceeded
};

struct Settings {
  std::vector<std::string> bind = {"127.0.0.1", "-::1"};
  int64_t port = 6379;
  std::string unixsocket;
  int64_t unixsocketperm = 0;
  int64_t tcp_backlog = 511;
  int64_t timeout = 0;
  int64_t tcp_keepalive = 300;
  bool protected_mode = true;
  bool daemonize = false;
  std::string pidfile;
  std::string loglevel = "notice";
  std::string logfile;
  int64_t databases = 16;
  std::string requirepass;
  std::string save = "3600 1 300 100 60 10000";
  bool appendonly = false;
  std::string appendfsync = "everysec";
  std::string dir;
  std::string dbfilename = "dump.rdb";
  std::string appendfilename = "appendonly.aof";
  std::string appenddirname = "appendonlydir";
  int64_t maxclients = 10000;
  int64_t maxmemory = 0;
  std::string maxmemory_policy = "noeviction";
  int64_t hz = 10;
  int64_t proto_max_bulk_len = 512LL * 1024 * 1024;
  int64_t client_query_buffer_limit = 1024LL * 1024 * 1024;
  int64_t latency_monitor_threshold = 0;
  bool latency_tracking = true;
  std::vector<double> latency_tracking_info_percentiles = {50.0, 99.0, 99.9};
  int64_t slowlog_log_slower_than = 10000;
  int64_t slowlog_max_len = 128;
  uint32_t notify_keyspace_events = 0;  // config::KeyspaceEvent bits
  int64_t set_max_intset_entries = 512;
  int64_t hash_max_listpack_entries = 512;
  int64_t hash_max_listpack_value = 64;
  int64_t zset_max_listpack_entries = 128;
  int64_t zset_max_listpack_value = 64;
  int64_t list_max_listpack_size = -2;
  bool lazyfree_lazy_user_flush = false;
  bool rdbcompression = true;
  bool rdbchecksum = true;
  bool stop_writes_on_bgsave_error = true;
  int64_t rdb_key_save_delay = 0;  // a test aid: each key a snapshot child writes waits this long
  bool aof_load_truncated = true;
  bool aof_use_rdb_preamble = true;
  bool no_appendfsync_on_rewrite = false;
  int64_t auto_aof_rewrite_percentage = 100;
  int64_t auto_aof_rewrite_min_size = 64LL * 1024 * 1024;
  std::string enable_debug_command = "no";
  std::string enable_protected_configs = "no";
  // Indexed by ClientClass. A zero byte limit is no limit.
  std::array<OutputBufferLimit, 3> client_output_buffer_limit = {
      {{0, 0, 0}, {268435456, 67108864, 60}, {33554432, 8388608, 60}}};
};

class Config {
 public:
  Config();

  const Settings& settings() const { return settings_; }
  Settings& mutable_settings() { return settings_; }

  // Reads a redis.conf-style file (with `include`). On a bad line returns false and fills
  // `error` with the file, line number, line text and reason.
  bool load_file(const std::string& path, std::string& error);
  // Applies "--name value..." command-line overrides the way redis-server does.
  bool load_arguments(std::span<const std::string> args, std::string& error);
  // Applies a whole config text (used by both loaders and tests).
  bool load_text(std::string_view text, std::string_view origin, std::string& error, int depth = 0);

  // CONFIG SET name value [name value ...]: all or nothing. Returns "" or Redis's error text
  // (without the "ERR " prefix). `protected_allowed`: whether this client may change the
  // protected directives (dir, dbfilename), which enable-protected-configs decides.
  std::string set(std::span<const std::string_view> name_value_pairs,
                  bool protected_allowed = true);
  // CONFIG GET: (name, value) for every directive matching any of the glob patterns.
  std::vector<std::pair<std::string, std::string>> get(
      std::span<const std::string_view> patterns) const;

  // CONFIG REWRITE: rewrites the config file at `path` (the one the server started with) to
  // state the current settings, keeping everything else in it. Returns "" or strerror's text.
  std::string rewrite(const std::string& path) const;

  // Warnings collected while loading (unsupported directives), for the log.
  const std::vector<std::string>& warnings() const { return warnings_; }
  // Called after CONFIG SET with the names that changed.
  std::function<void(const std::vector<std::string>&)> on_change;

 private:
  // Applies one directive; returns "" or the reason it was refused.
  std::string apply(std::string_view name, std::span<const std::string> args, bool at_runtime);

  Settings settings_;
  std::vector<std::string> warnings_;
};

// A percentile as Redis prints it in CONFIG GET and INFO: "%f" without trailing zeros
// ("99.9", "0.123457", "50").
std::string format_percentile(double v);

// Parses Redis memory values: "100", "1k" (1000), "1kb" (1024), "1m", "1mb", "1g", "1gb".
bool parse_memory(std::string_view text, int64_t& out);

}  // namespace cardinal::config
