#include "info.h"

#include <sys/resource.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <cctype>
#include <cstdio>
#include <fstream>
#include <set>

#include "cardinal/cmd/version.h"
#include "cardinal/util/alloc_stats.h"
#include "cardinal/util/numbers.h"

namespace cardinal::cmd {

namespace {

std::string human_bytes(uint64_t n) {
  char buf[64];
  double d = static_cast<double>(n);
  if (n < 1024) {
    std::snprintf(buf, sizeof(buf), "%lluB", static_cast<unsigned long long>(n));
  } else if (n < 1024ULL * 1024) {
    std::snprintf(buf, sizeof(buf), "%.2fK", d / 1024);
  } else if (n < 1024ULL * 1024 * 1024) {
    std::snprintf(buf, sizeof(buf), "%.2fM", d / (1024 * 1024));
  } else {
    std::snprintf(buf, sizeof(buf), "%.2fG", d / (1024.0 * 1024 * 1024));
  }
  return buf;
}

uint64_t resident_bytes() {
  std::ifstream statm("/proc/self/statm");
  uint64_t pages = 0, resident = 0;
  statm >> pages >> resident;
  return resident * static_cast<uint64_t>(::sysconf(_SC_PAGESIZE));
}

uint64_t total_system_memory() {
  return static_cast<uint64_t>(::sysconf(_SC_PHYS_PAGES)) *
         static_cast<uint64_t>(::sysconf(_SC_PAGESIZE));
}

class InfoWriter {
 public:
  void section(std::string_view name) {
    if (!out_.empty()) out_ += "\r\n";
    out_ += "# ";
    out_ += name;
    out_ += "\r\n";
  }
  void field(std::string_view k, std::string_view v) {
    out_ += k;
    out_ += ':';
    out_ += v;
    out_ += "\r\n";
  }
  void field(std::string_view k, int64_t v) { field(k, util::i64_to_string(v)); }
  void field(std::string_view k, uint64_t v) { field(k, std::to_string(v)); }
  void field(std::string_view k, int v) { field(k, static_cast<int64_t>(v)); }
  std::string take() { return std::move(out_); }

 private:
  std::string out_;
};

void server_section(InfoWriter& w, ServerState& s) {
  struct utsname u;
  ::uname(&u);
  int64_t now_us = s.clock.now_us();
  int64_t uptime = (s.clock.now_ms() - s.start_time_ms) / 1000;
  w.section("Server");
  w.field("redis_version", kRedisCompatVersion);
  w.field("cardinal_version", kCardinalVersion);
  w.field("redis_git_sha1", "00000000");
  w.field("redis_git_dirty", 0);
  w.field("redis_build_id", "0");
  w.field("redis_mode", "standalone");
  w.field("os", std::string(u.sysname) + " " + u.release + " " + u.machine);
  w.field("arch_bits", static_cast<int>(sizeof(void*) * 8));
  w.field("monotonic_clock", "POSIX clock_gettime");
  w.field("multiplexing_api", "epoll");
  w.field("atomicvar_api", "c11-builtin");
  w.field("gcc_version", std::to_string(__GNUC__) + "." + std::to_string(__GNUC_MINOR__) + "." +
                             std::to_string(__GNUC_PATCHLEVEL__));
  w.field("process_id", static_cast<int64_t>(::getpid()));
  w.field("process_supervised", "no");
  w.field("run_id", s.run_id);
  w.field("tcp_port", s.settings().port);
  w.field("server_time_usec", now_us);
  w.field("uptime_in_seconds", uptime);
  w.field("uptime_in_days", uptime / 86400);
  w.field("hz", s.settings().hz);
  w.field("configured_hz", s.settings().hz);
  w.field("lru_clock", (s.clock.now_ms() / 1000) & ((1 << 24) - 1));
  w.field("executable", s.executable);
  w.field("config_file", s.config_file);
  w.field("io_threads_active", 0);
}

void clients_section(InfoWriter& w, ServerState& s) {
  w.section("Clients");
  w.field("connected_clients", static_cast<uint64_t>(s.sessions.size()));
  w.field("cluster_connections", 0);
  w.field("maxclients", s.settings().maxclients);
  w.field("client_recent_max_input_buffer", 0);
  w.field("client_recent_max_output_buffer", 0);
  w.field("blocked_clients", static_cast<uint64_t>(s.blocking.blocked_clients()));
  w.field("tracking_clients", 0);
  w.field("clients_in_timeout_table", static_cast<uint64_t>(s.blocking.clients_with_timeout()));
}

void memory_section(InfoWriter& w, ServerState& s) {
  uint64_t used = util::allocated_bytes();
  uint64_t peak = std::max<uint64_t>(util::peak_allocated_bytes(), used);
  uint64_t rss = resident_bytes();
  uint64_t system = total_system_memory();
  char ratio[32];
  std::snprintf(ratio, sizeof(ratio), "%.2f",
                used ? static_cast<double>(rss) / static_cast<double>(used) : 0.0);
  char peak_perc[32];
  std::snprintf(peak_perc, sizeof(peak_perc), "%.2f%%",
                peak ? 100.0 * static_cast<double>(used) / static_cast<double>(peak) : 100.0);
  w.section("Memory");
  w.field("used_memory", used);
  w.field("used_memory_human", human_bytes(used));
  w.field("used_memory_rss", rss);
  w.field("used_memory_rss_human", human_bytes(rss));
  w.field("used_memory_peak", peak);
  w.field("used_memory_peak_human", human_bytes(peak));
  w.field("used_memory_peak_perc", peak_perc);
  // Overhead: what the server needs at startup plus the keyspaces' own structures; the dataset
  // is the rest (keys and values), as Redis splits it.
  uint64_t startup = std::min<uint64_t>(s.startup_allocated_bytes, used);
  uint64_t overhead = startup;
  for (int i = 0; i < s.keyspace.database_count(); ++i)
    overhead += s.keyspace.db(i).overhead_bytes();
  overhead = std::min(overhead, used);
  uint64_t dataset = used - overhead;
  char dataset_perc[32];
  std::snprintf(dataset_perc, sizeof(dataset_perc), "%.2f%%",
                used > startup
                    ? 100.0 * static_cast<double>(dataset) / static_cast<double>(used - startup)
                    : 0.0);
  w.field("used_memory_overhead", overhead);
  w.field("used_memory_startup", startup);
  w.field("used_memory_dataset", dataset);
  w.field("used_memory_dataset_perc", dataset_perc);
  w.field("total_system_memory", system);
  w.field("total_system_memory_human", human_bytes(system));
  w.field("maxmemory", s.settings().maxmemory);
  w.field("maxmemory_human", human_bytes(static_cast<uint64_t>(s.settings().maxmemory)));
  w.field("maxmemory_policy", s.settings().maxmemory_policy);
  w.field("mem_fragmentation_ratio", ratio);
  w.field("mem_allocator", util::allocator_name());
  w.field("lazyfree_pending_objects", 0);
}

void persistence_section(InfoWriter& w, ServerState& s) {
  const Persistence& p = s.persistence;
  const Persistence::Stats& ps = p.stats();
  const bool child = p.child_active();
  const bool rdb_child = p.child_kind() == Persistence::ChildKind::kRdb;
  const util::ChildProgress& progress = p.child_progress();
  const int64_t now_ms = s.clock.now_ms();
  w.section("Persistence");
  w.field("loading", 0);
  w.field("async_loading", 0);
  w.field("current_cow_peak", child ? ps.cow_peak_bytes : 0);
  w.field("current_cow_size", child ? progress.cow_bytes : 0);
  w.field("current_cow_size_age", child && progress.sent_at_ms
                                      ? std::max<int64_t>(0, now_ms - progress.sent_at_ms) / 1000
                                      : 0);
  char perc[32];
  double done = child && ps.save_keys_total ? 100.0 * static_cast<double>(progress.items_done) /
                                                  static_cast<double>(ps.save_keys_total)
                                            : 0.0;
  std::snprintf(perc, sizeof perc, "%.2f", done);
  w.field("current_fork_perc", perc);
  w.field("current_save_keys_processed", child ? progress.items_done : 0);
  w.field("current_save_keys_total", child ? ps.save_keys_total : 0);
  w.field("rdb_changes_since_last_save", s.dirty);
  w.field("rdb_bgsave_in_progress", rdb_child ? 1 : 0);
  w.field("rdb_last_save_time", s.last_save_s);
  w.field("rdb_last_bgsave_status", ps.last_bgsave_ok ? "ok" : "err");
  w.field("rdb_last_bgsave_time_sec", ps.last_bgsave_seconds);
  w.field("rdb_current_bgsave_time_sec",
          rdb_child ? (now_ms - ps.bgsave_started_ms) / 1000 : int64_t{-1});
  w.field("rdb_saves", ps.saves);
  w.field("rdb_last_cow_size", ps.last_rdb_cow_bytes);
  w.field("rdb_last_load_keys_expired", ps.rdb_last_load_keys_expired);
  w.field("rdb_last_load_keys_loaded", ps.rdb_last_load_keys_loaded);
  const Aof& aof = p.aof();
  const bool aof_child = p.child_kind() == Persistence::ChildKind::kAofRewrite;
  w.field("aof_enabled", aof.state() != Aof::State::kOff ? 1 : 0);
  w.field("aof_rewrite_in_progress", aof_child ? 1 : 0);
  w.field("aof_rewrite_scheduled", p.aof_rewrite_scheduled() ? 1 : 0);
  w.field("aof_last_rewrite_time_sec", ps.last_rewrite_seconds);
  w.field("aof_current_rewrite_time_sec",
          aof_child ? (now_ms - ps.rewrite_started_ms) / 1000 : int64_t{-1});
  w.field("aof_last_bgrewrite_status", ps.last_rewrite_ok ? "ok" : "err");
  w.field("aof_rewrites", ps.rewrites);
  w.field("aof_rewrites_consecutive_failures", ps.rewrite_failures_in_a_row);
  w.field("aof_last_write_status", aof.write_failed() ? "err" : "ok");
  w.field("aof_last_cow_size", ps.last_aof_cow_bytes);
  w.field("module_fork_in_progress", 0);
  w.field("module_fork_last_cow_size", 0);
  if (aof.state() != Aof::State::kOff) {
    w.field("aof_current_size", aof.current_size());
    w.field("aof_base_size", aof.base_size());
    w.field("aof_pending_rewrite", p.aof_rewrite_scheduled() ? 1 : 0);
    w.field("aof_buffer_length", static_cast<uint64_t>(aof.buffer_length()));
    w.field("aof_pending_bio_fsync", aof.fsync_pending() ? 1 : 0);
    w.field("aof_delayed_fsync", 0);
  }
}

void stats_section(InfoWriter& w, ServerState& s) {
  const engine::KeyspaceStats& ks = s.keyspace.stats();
  w.section("Stats");
  w.field("total_connections_received", s.stats.total_connections_received);
  w.field("total_commands_processed", s.stats.total_commands_processed);
  w.field("instantaneous_ops_per_sec", s.instantaneous_ops_per_sec());
  w.field("total_net_input_bytes", s.stats.total_net_input_bytes);
  w.field("total_net_output_bytes", s.stats.total_net_output_bytes);
  w.field("rejected_connections", s.stats.rejected_connections);
  w.field("expired_keys", ks.expired_keys);
  w.field("expire_cycle_cpu_milliseconds", ks.expire_cycle_time_us / 1000);
  w.field("evicted_keys", 0);
  w.field("keyspace_hits", ks.keyspace_hits);
  w.field("keyspace_misses", ks.keyspace_misses);
  w.field("pubsub_channels", static_cast<uint64_t>(s.pubsub.count(PubSubKind::Channel)));
  w.field("pubsub_patterns", static_cast<uint64_t>(s.pubsub.count(PubSubKind::Pattern)));
  w.field("pubsubshard_channels", static_cast<uint64_t>(s.pubsub.count(PubSubKind::Shard)));
  w.field("latest_fork_usec", s.persistence.stats().fork_usec);
  w.field("total_forks", s.persistence.stats().forks);
  w.field("total_error_replies", s.stats.total_error_replies);
}

void replication_section(InfoWriter& w, ServerState& s) {
  w.section("Replication");
  w.field("role", "master");
  w.field("connected_slaves", 0);
  w.field("master_failover_state", "no-failover");
  w.field("master_replid", s.run_id);
  w.field("master_replid2", "0000000000000000000000000000000000000000");
  w.field("master_repl_offset", 0);
  w.field("second_repl_offset", -1);
  w.field("repl_backlog_active", 0);
}

void cpu_section(InfoWriter& w) {
  struct rusage self;
  ::getrusage(RUSAGE_SELF, &self);
  auto secs = [](const timeval& tv) {
    char buf[32];
    std::snprintf(buf, sizeof(buf), "%ld.%06ld", static_cast<long>(tv.tv_sec),
                  static_cast<long>(tv.tv_usec));
    return std::string(buf);
  };
  w.section("CPU");
  w.field("used_cpu_sys", secs(self.ru_stime));
  w.field("used_cpu_user", secs(self.ru_utime));
}

void commandstats_section(InfoWriter& w, ServerState& s) {
  w.section("Commandstats");
  auto emit = [&](const CommandEntry& e) {
    if (e.stats.calls == 0 && e.stats.rejected_calls == 0 && e.stats.failed_calls == 0) return;
    char per_call[32];
    std::snprintf(per_call, sizeof(per_call), "%.2f",
                  e.stats.calls ? static_cast<double>(e.stats.ns) / 1000.0 /
                                      static_cast<double>(e.stats.calls)
                                : 0.0);
    w.field("cmdstat_" + std::string(e.spec->name),
            "calls=" + std::to_string(e.stats.calls) + ",usec=" + std::to_string(e.stats.usec()) +
                ",usec_per_call=" + per_call +
                ",rejected_calls=" + std::to_string(e.stats.rejected_calls) +
                ",failed_calls=" + std::to_string(e.stats.failed_calls));
  };
  for (const auto& [name, entry] : s.commands.all()) {
    emit(*entry);
    for (const auto& [sub_name, sub] : entry->subcommands) emit(*sub);
  }
}

// One line per command timed since the last CONFIG RESETSTAT: the configured percentiles of its
// latency histogram in microseconds.
void latencystats_section(InfoWriter& w, ServerState& s) {
  w.section("Latencystats");
  const std::vector<double>& percentiles = s.settings().latency_tracking_info_percentiles;
  auto emit = [&](const CommandEntry& e) {
    if (!e.latency) return;
    std::string line;
    for (double p : percentiles) {
      char value[32];
      std::snprintf(value, sizeof(value), "%.3f",
                    static_cast<double>(e.latency->value_at_percentile(p)) / 1000.0);
      line += line.empty() ? "p" : ",p";
      line += config::format_percentile(p);
      line += '=';
      line += value;
    }
    w.field("latency_percentiles_usec_" + std::string(e.spec->name), line);
  };
  for (const auto& [name, entry] : s.commands.all()) {
    emit(*entry);
    for (const auto& [sub_name, sub] : entry->subcommands) emit(*sub);
  }
}

void keyspace_section(InfoWriter& w, ServerState& s) {
  w.section("Keyspace");
  for (int i = 0; i < s.keyspace.database_count(); ++i) {
    const engine::Database& db = s.keyspace.db(i);
    if (db.size() == 0) continue;
    w.field("db" + std::to_string(i), "keys=" + std::to_string(db.size()) +
                                          ",expires=" + std::to_string(db.expires_count()) +
                                          ",avg_ttl=" + std::to_string(db.average_ttl_ms()));
  }
}

}  // namespace

std::string render_info(ServerState& server, std::span<const std::string_view> sections) {
  static const std::set<std::string> kDefault = {
      "server", "clients", "memory",     "persistence", "stats",   "replication",
      "cpu",    "modules", "errorstats", "cluster",     "keyspace"};
  std::set<std::string> wanted;
  for (std::string_view sec : sections) {
    std::string lower(sec);
    for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (lower == "default") {
      wanted.insert(kDefault.begin(), kDefault.end());
    } else if (lower == "all" || lower == "everything") {
      wanted.insert(kDefault.begin(), kDefault.end());
      wanted.insert("commandstats");
      wanted.insert("latencystats");
    } else {
      wanted.insert(lower);
    }
  }
  if (sections.empty()) wanted = kDefault;
  InfoWriter w;
  if (wanted.contains("server")) server_section(w, server);
  if (wanted.contains("clients")) clients_section(w, server);
  if (wanted.contains("memory")) memory_section(w, server);
  if (wanted.contains("persistence")) persistence_section(w, server);
  if (wanted.contains("stats")) stats_section(w, server);
  if (wanted.contains("replication")) replication_section(w, server);
  if (wanted.contains("cpu")) cpu_section(w);
  if (wanted.contains("modules")) w.section("Modules");
  if (wanted.contains("commandstats")) commandstats_section(w, server);
  if (wanted.contains("errorstats")) {
    w.section("Errorstats");
    for (const auto& [code, count] : server.error_counts)
      w.field("errorstat_" + code, "count=" + std::to_string(count));
  }
  if (wanted.contains("latencystats")) latencystats_section(w, server);
  if (wanted.contains("cluster")) {
    w.section("Cluster");
    w.field("cluster_enabled", 0);
  }
  if (wanted.contains("keyspace")) keyspace_section(w, server);
  return w.take();
}

}  // namespace cardinal::cmd
