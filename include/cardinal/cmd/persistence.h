// Persistence: the work that keeps the dataset on disk beyond SAVE — the one forked child at a
// time (a snapshot for BGSAVE and the `save` points, or an AOF rewrite), the append-only file,
// the bookkeeping INFO shows for them, and whether writes must be refused because the last
// save or AOF write failed (MISCONF). Owned by ServerState; event-loop thread only. The child
// runs a frozen copy of the process and touches nothing here.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include <sys/types.h>

#include "cardinal/cmd/aof.h"
#include "cardinal/util/child_process.h"

namespace cardinal::cmd {

class ServerState;

class Persistence {
 public:
  explicit Persistence(ServerState& server) : server_(server), aof_(server) {}
  Persistence(const Persistence&) = delete;
  Persistence& operator=(const Persistence&) = delete;

  enum class ChildKind { kNone, kRdb, kAofRewrite };

  enum class BgsaveStart { kStarted, kScheduled, kAlreadyRunning, kOtherChild, kForkFailed };
  // BGSAVE [SCHEDULE]: forks a child that writes the dump. With another kind of child running,
  // `schedule` defers it to the cron instead of failing; `defer` always does (inside EXEC).
  BgsaveStart bgsave(bool schedule, bool defer = false);

  enum class RewriteStart { kStarted, kScheduled, kAlreadyRunning, kFailed };
  // BGREWRITEAOF: forks a child that writes a new AOF base; scheduled while another child runs
  // (or `defer`, inside EXEC).
  RewriteStart bgrewriteaof(bool defer = false);

  // CONFIG SET appendonly: "" or the reason it could not be switched on. `defer` (inside EXEC):
  // the rewrite starts from the cron.
  std::string set_appendonly(bool on, bool defer = false);

  Aof& aof() { return aof_; }
  const Aof& aof() const { return aof_; }

  ChildKind child_kind() const { return child_.running() ? child_kind_ : ChildKind::kNone; }
  bool child_active() const { return child_.running(); }

  // Timer work: reaps a child that ended, then starts a scheduled snapshot or one a save point
  // asks for.
  void cron();
  // Stops a snapshot child and removes its temp file (FLUSHALL); its result is discarded, as
  // Redis does for a child it kills.
  void kill_rdb_child();
  // Stops whatever child runs (SHUTDOWN, CONFIG SET appendonly no for a rewrite).
  void kill_child();

  // The error every write (and PING, as in Redis) must get now, without its leading '-', or ""
  // when writes are allowed.
  std::string_view write_refusal() const;
  // Cheap precheck for the dispatcher: false means write_refusal() is "".
  bool may_refuse_writes() const { return !stats_.last_bgsave_ok || aof_.write_failed(); }

  // What INFO persistence and stats report.
  struct Stats {
    bool last_bgsave_ok = true;
    int64_t last_bgsave_seconds = -1;
    int64_t bgsave_started_ms = 0;
    uint64_t saves = 0;  // saves started (SAVE, BGSAVE, automatic, shutdown), failed ones too
    uint64_t last_rdb_cow_bytes = 0;
    uint64_t save_keys_total = 0;  // keys when the current child forked
    uint64_t cow_peak_bytes = 0;   // of the current child
    int64_t fork_usec = 0;         // the latest fork
    uint64_t forks = 0;
    uint64_t rdb_last_load_keys_loaded = 0;
    uint64_t rdb_last_load_keys_expired = 0;
    // AOF rewrites.
    bool last_rewrite_ok = true;
    int64_t last_rewrite_seconds = -1;
    int64_t rewrite_started_ms = 0;
    uint64_t rewrites = 0;
    uint64_t rewrite_failures_in_a_row = 0;
    uint64_t last_aof_cow_bytes = 0;
  };
  const Stats& stats() const { return stats_; }
  Stats& mutable_stats() { return stats_; }
  const util::ChildProgress& child_progress() const { return child_.progress(); }
  bool bgsave_scheduled() const { return bgsave_scheduled_; }
  bool aof_rewrite_scheduled() const { return aof_rewrite_scheduled_; }

 private:
  // Forks `body` as a child of `kind` and does the bookkeeping every child shares (INFO's
  // fork and progress fields, the fork latency, no table resizes while it lives).
  bool fork_child(ChildKind kind, const std::function<int(util::ChildProcess::Reporter&)>& body);
  // The child ended or was killed: tables may resize again.
  void child_gone();
  bool start_rdb_child();
  bool start_aof_rewrite();
  // After failures in a row a rewrite waits, so a full disk is not hammered.
  bool aof_rewrite_held_back(int64_t now_s) const;
  void on_child_exit(const util::ChildProcess::Exit& exit);
  bool save_point_due(int64_t now_s) const;
  void log(bool warning, const std::string& text) const;
  void sample_latency(std::string_view event, int64_t ms);

  ServerState& server_;
  Aof aof_;
  util::ChildProcess child_;
  ChildKind child_kind_ = ChildKind::kNone;
  Stats stats_;
  bool bgsave_scheduled_ = false;
  bool aof_rewrite_scheduled_ = false;
  int64_t last_rewrite_failure_s_ = 0;
  int64_t last_bgsave_try_s = 0;  // a failed automatic save is retried after kRetryDelay
  uint64_t dirty_at_fork_ = 0;
  pid_t last_child_pid_ = -1;  // to remove the temp file of a child that died by a signal
};

}  // namespace cardinal::cmd
