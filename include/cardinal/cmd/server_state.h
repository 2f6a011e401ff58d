// ServerState: everything commands share across clients — the keyspace, the config, the
// connected sessions, statistics, and hooks back into the server layer (shutdown). Owned by the
// server; handlers reach it through CommandContext. Event-loop thread only.
#pragma once

#include <cstdint>
#include <map>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "cardinal/cmd/blocking.h"
#include "cardinal/cmd/command_table.h"
#include "cardinal/cmd/key_events.h"
#include "cardinal/cmd/latency_monitor.h"
#include "cardinal/cmd/persistence.h"
#include "cardinal/cmd/propagation.h"
#include "cardinal/cmd/pubsub.h"
#include "cardinal/cmd/session.h"
#include "cardinal/cmd/slowlog.h"
#include "cardinal/cmd/watch.h"
#include "cardinal/config/config.h"
#include "cardinal/engine/keyspace.h"
#include "cardinal/util/clock.h"

namespace cardinal::cmd {

// Implemented by the server layer for the few commands that act on the process.
class ServerHooks {
 public:
  virtual ~ServerHooks() = default;
  // SHUTDOWN: save the dump first when `save` (a failed save keeps the server running and
  // returns false, unless `force`), then stop serving and exit the event loop.
  virtual bool shutdown(bool save, bool force) = 0;
  // CONFIG SET port/bind: closes the TCP listeners and listens as the settings now say
  // (connected clients stay). False, listening on no TCP address, when a required address
  // cannot be bound: the caller restores the old settings and calls it again.
  virtual bool relisten() { return true; }
  // A line for the server log (the command layer has no logger of its own).
  virtual void log(bool warning, const std::string& text) { (void)warning, (void)text; }
  // Logs and ends the process at once (a state the server cannot keep serving in).
  [[noreturn]] virtual void fatal(const std::string& text);
};

struct ServerStats {
  uint64_t total_connections_received = 0;
  uint64_t rejected_connections = 0;
  uint64_t total_commands_processed = 0;
  uint64_t total_net_input_bytes = 0;
  uint64_t total_net_output_bytes = 0;
  uint64_t total_error_replies = 0;
  uint64_t unexpected_error_replies = 0;
};

class ServerState final : public resp::ErrorSink {
 public:
  ServerState(config::Config& config, const util::Clock& clock);

  config::Config& config;
  const util::Clock& clock;
  engine::Keyspace keyspace;
  KeyEvents key_events{*this};
  BlockingRegistry blocking{keyspace, key_events};
  WatchRegistry watches{keyspace, key_events};
  PubSub pubsub{config, clock};
  CommandTable commands;
  ServerStats stats;
  SlowLog slowlog;
  LatencyMonitor latency;
  Persistence persistence{*this};
  std::map<uint64_t, Session*> sessions;  // ordered by id, as CLIENT LIST shows them
  std::vector<Session*> monitors;
  ServerHooks* hooks = nullptr;
  // Where writes are passed on (propagation.h); nullptr: nobody listens and handlers skip the
  // work of rewriting.
  PropagationSink* propagation = nullptr;
  void set_propagation(PropagationSink* sink) {
    propagation = sink;
    key_events.want(KeyEvents::kForPropagating, sink != nullptr);  // expired keys become DELs
  }
  std::mt19937_64 rng;

  std::string run_id;
  std::string executable;
  std::string config_file;
  int64_t start_time_ms = 0;
  int64_t last_save_s = 0;
  // Changes since the last save (INFO rdb_changes_since_last_save): the sum of each command's
  // CommandContext::changes, one per key changed, where Redis counts elements.
  uint64_t dirty = 0;
  uint64_t startup_allocated_bytes = 0;  // INFO used_memory_startup
  bool active_expire_enabled = true;
  // The AOF is being replayed: nothing expires, past expiry times are kept (Aof::load_at_startup).
  bool loading = false;
  // Commands are timed with one clock reading each: inside a batch (Connection::process_input
  // opens it with one reading), a command starts when the previous one ended, so its time
  // includes parsing it. 0 outside a batch: the dispatcher reads the clock itself.
  int64_t batch_clock_ns = 0;
  uint64_t next_client_id = 1;

  const config::Settings& settings() const { return config.settings(); }
  bool auth_required() const { return !config.settings().requirepass.empty(); }

  void add_session(Session& s);
  void remove_session(Session& s);

  // INFO errorstats: error replies by code. Like Redis, at most kMaxErrorCodes codes are kept.
  static constexpr size_t kMaxErrorCodes = 128;
  std::map<std::string, uint64_t, std::less<>> error_counts;
  void on_error_reply(std::string_view code) override;

  // instantaneous_ops_per_sec: called by the server cron; averages the last 16 samples.
  void sample_ops(int64_t now_ms);
  uint64_t instantaneous_ops_per_sec() const;

 private:
  static constexpr size_t kOpsSamples = 16;
  uint64_t ops_samples_[kOpsSamples] = {};
  size_t ops_sample_index_ = 0;
  int64_t last_sample_ms_ = 0;
  uint64_t last_sample_commands_ = 0;
};

}  // namespace cardinal::cmd
