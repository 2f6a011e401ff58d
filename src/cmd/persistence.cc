#include "cardinal/cmd/persistence.h"

#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstring>
#include <thread>

#include "cardinal/cmd/server_state.h"
#include "cardinal/cmd/snapshot.h"
#include "cardinal/ds/rehash_registry.h"
#include "cardinal/persist/aof_manifest.h"
#include "cardinal/persist/snapshot_file.h"
#include "cardinal/util/numbers.h"

namespace cardinal::cmd {

namespace {

// A failed automatic snapshot is not retried sooner than this, so a full disk is not hammered.
constexpr int64_t kRetryDelaySeconds = 5;
// How often the child tells the parent its progress and copy-on-write size.
constexpr int64_t kReportEveryMs = 1000;

constexpr std::string_view kRdbMisconf =
    "MISCONF Redis is configured to save RDB snapshots, but it's currently unable to persist to "
    "disk. Commands that may modify the data set are disabled, because this instance is "
    "configured to report errors during writes if RDB snapshotting fails "
    "(stop-writes-on-bgsave-error option). Please check the Redis logs for details about the "
    "RDB error.";

int64_t steady_ms() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(steady_clock::now().time_since_epoch()).count();
}

// In the child: counts keys, sleeps rdb-key-save-delay after each, and reports about once a
// second.
class ChildReporting final : public persist::RdbProgress {
 public:
  ChildReporting(util::ChildProcess::Reporter& reporter, int64_t key_delay)
      : reporter_(reporter), key_delay_(key_delay) {}

  void key_written() override {
    ++keys_;
    apply_key_save_delay(key_delay_, keys_);
    if (key_delay_ == 0 && keys_ % 1024 != 0) return;  // the clock costs more than a key
    int64_t now = steady_ms();
    if (now - last_report_ms_ >= kReportEveryMs) {
      last_report_ms_ = now;
      reporter_.progress(keys_);
    }
  }
  void finish() { reporter_.progress(keys_); }

 private:
  util::ChildProcess::Reporter& reporter_;
  int64_t key_delay_;
  uint64_t keys_ = 0;
  int64_t last_report_ms_ = steady_ms();
};

std::string temp_file_of(pid_t pid) {
  return "temp-" + std::to_string(pid) + ".rdb";
}

}  // namespace

void Persistence::sample_latency(std::string_view event, int64_t ms) {
  server_.latency.add_if_needed(event, ms, server_.settings().latency_monitor_threshold,
                                server_.clock.now_ms() / 1000);
}

void Persistence::log(bool warning, const std::string& text) const {
  if (server_.hooks) server_.hooks->log(warning, text);
}

Persistence::BgsaveStart Persistence::bgsave(bool schedule, bool defer) {
  if (child_kind() == ChildKind::kRdb) return BgsaveStart::kAlreadyRunning;
  if (child_active() || defer) {
    if (!schedule && !defer) return BgsaveStart::kOtherChild;
    bgsave_scheduled_ = true;
    return BgsaveStart::kScheduled;
  }
  return start_rdb_child() ? BgsaveStart::kStarted : BgsaveStart::kForkFailed;
}

Persistence::RewriteStart Persistence::bgrewriteaof(bool defer) {
  if (child_kind() == ChildKind::kAofRewrite) return RewriteStart::kAlreadyRunning;
  if (child_active() || defer) {
    aof_rewrite_scheduled_ = true;
    stats_.rewrite_failures_in_a_row = 0;
    return RewriteStart::kScheduled;
  }
  return start_aof_rewrite() ? RewriteStart::kStarted : RewriteStart::kFailed;
}

bool Persistence::fork_child(ChildKind kind,
                             const std::function<int(util::ChildProcess::Reporter&)>& body) {
  const uint64_t keys = server_.keyspace.total_keys();
  if (!child_.start(body)) return false;
  child_kind_ = kind;
  last_child_pid_ = child_.pid();
  stats_.save_keys_total = keys;
  stats_.cow_peak_bytes = 0;
  stats_.fork_usec = child_.fork_usec();
  ++stats_.forks;
  sample_latency("fork", stats_.fork_usec / 1000);
  // Every page the parent writes from now on is copied for the child: no table resizes.
  ds::RehashRegistry::instance().set_resize_avoided(true);
  return true;
}

void Persistence::child_gone() {
  ds::RehashRegistry::instance().set_resize_avoided(false);
  child_kind_ = ChildKind::kNone;
}

bool Persistence::start_aof_rewrite() {
  if (!aof_.prepare_rewrite()) return false;
  const int64_t key_delay = server_.settings().rdb_key_save_delay;
  bool started = fork_child(ChildKind::kAofRewrite, [&](util::ChildProcess::Reporter& reporter) {
    ChildReporting reporting(reporter, key_delay);
    int code = aof_.run_rewrite_child(reporter, &reporting);
    if (code == 0) reporting.finish();
    return code;
  });
  if (!started) {
    log(true,
        std::string("Can't rewrite append only file in background: fork: ") + std::strerror(errno));
    aof_.rewrite_done(false, -1);
    return false;
  }
  aof_rewrite_scheduled_ = false;
  stats_.rewrite_started_ms = server_.clock.now_ms();
  ++stats_.rewrites;  // as Redis: counted when it starts
  log(false,
      "Background append only file rewriting started by pid " + std::to_string(child_.pid()));
  return true;
}

bool Persistence::aof_rewrite_held_back(int64_t now_s) const {
  uint64_t failures = stats_.rewrite_failures_in_a_row;
  if (failures < 3) return false;
  int64_t minutes = std::min<int64_t>(int64_t{1} << std::min<uint64_t>(failures - 3, 6), 60);
  return now_s - last_rewrite_failure_s_ < minutes * 60;
}

std::string Persistence::set_appendonly(bool on, bool defer) {
  if (!on) {
    if (child_kind() == ChildKind::kAofRewrite) kill_child();
    aof_rewrite_scheduled_ = false;
    aof_.switch_off();
    return "";
  }
  if (aof_.state() != Aof::State::kOff) return "";
  // A rewrite started with the AOF off covers no incr file: start over, as Redis does.
  if (child_kind() == ChildKind::kAofRewrite) kill_child();
  try {
    aof_.switch_on();
  } catch (const std::exception& e) {
    log(true, e.what());
    return "Unable to turn on AOF. Check server logs.";
  }
  if (defer) {
    aof_rewrite_scheduled_ = true;  // inside EXEC: the fork waits for the transaction to end
  } else if (child_active()) {
    log(false,
        "AOF was enabled but there is already another background operation. An AOF "
        "background was scheduled to start when possible.");
    aof_rewrite_scheduled_ = true;
  } else if (!start_aof_rewrite()) {
    aof_.switch_off();
    return "Unable to turn on AOF. Check server logs.";
  }
  return "";
}

bool Persistence::start_rdb_child() {
  const config::Settings& s = server_.settings();
  persist::RdbSaveOptions options = snapshot_save_options(server_);
  const std::string path = snapshot_path(server_);
  const int64_t key_delay = s.rdb_key_save_delay;
  last_bgsave_try_s = server_.clock.now_ms() / 1000;
  dirty_at_fork_ = server_.dirty;
  bool started = fork_child(ChildKind::kRdb, [&](util::ChildProcess::Reporter& reporter) {
    ChildReporting reporting(reporter, key_delay);
    options.progress = &reporting;
    try {
      persist::save_snapshot(server_.keyspace, path, options);
    } catch (const std::exception& e) {
      reporter.message(e.what());
      return 1;
    }
    reporting.finish();
    return 0;
  });
  if (!started) {
    ++stats_.saves;
    stats_.last_bgsave_ok = false;
    log(true, std::string("Can't save in background: fork: ") + std::strerror(errno));
    return false;
  }
  ++stats_.saves;  // as Redis: counted when it starts
  stats_.bgsave_started_ms = server_.clock.now_ms();
  log(false, "Background saving started by pid " + std::to_string(child_.pid()));
  return true;
}

void Persistence::on_child_exit(const util::ChildProcess::Exit& exit) {
  const char* what = child_kind_ == ChildKind::kRdb ? "Background saving error: "
                                                    : "Background AOF rewrite error: ";
  for (const std::string& m : child_.take_messages()) log(true, what + m);
  const int64_t now_ms = server_.clock.now_ms();
  if (child_kind_ == ChildKind::kAofRewrite) {
    stats_.last_aof_cow_bytes = child_.progress().cow_bytes;
    stats_.last_rewrite_seconds = (now_ms - stats_.rewrite_started_ms) / 1000;
    bool killed = exit.by_signal && exit.status == SIGUSR1;
    if (!exit.ok()) ::unlink(persist::aof_child_temp_rewrite_name(last_child_pid_).c_str());
    if (exit.by_signal) {
      log(true, "Background AOF rewrite terminated by signal " + std::to_string(exit.status));
    } else if (!exit.ok()) {
      log(true, "Background AOF rewrite terminated with error");
    }
    if (aof_.rewrite_done(exit.ok(), last_child_pid_)) {
      log(false, "Background AOF rewrite terminated with success");
      stats_.last_rewrite_ok = true;
      stats_.rewrite_failures_in_a_row = 0;
    } else if (!killed) {
      stats_.last_rewrite_ok = false;
      ++stats_.rewrite_failures_in_a_row;
      last_rewrite_failure_s_ = now_ms / 1000;
      // Switching on waits for a base: try again rather than stay half on forever.
      if (aof_.state() == Aof::State::kWaitRewrite) aof_rewrite_scheduled_ = true;
    }
    child_gone();
    return;
  }
  if (child_kind_ == ChildKind::kRdb) {
    stats_.last_rdb_cow_bytes = child_.progress().cow_bytes;
    stats_.last_bgsave_seconds = (now_ms - stats_.bgsave_started_ms) / 1000;
    if (exit.ok()) {
      log(false, "Background saving terminated with success");
      server_.dirty -= std::min(server_.dirty, dirty_at_fork_);
      server_.last_save_s = now_ms / 1000;
      stats_.last_bgsave_ok = true;
    } else if (!exit.by_signal) {
      log(true, "Background saving error");
      stats_.last_bgsave_ok = false;
    } else {
      log(true, "Background saving terminated by signal " + std::to_string(exit.status));
      ::unlink(temp_file_of(last_child_pid_).c_str());
      // A child killed on purpose (SIGUSR1) says nothing about the disk.
      if (exit.status != SIGUSR1) stats_.last_bgsave_ok = false;
    }
  }
  child_gone();
}

void Persistence::kill_child() {
  if (child_kind() == ChildKind::kRdb) return kill_rdb_child();
  if (child_kind() != ChildKind::kAofRewrite) return;
  pid_t pid = child_.pid();
  log(true, "Killing running AOF rewrite child: " + std::to_string(pid));
  child_.kill_and_wait();
  ::unlink(persist::aof_child_temp_rewrite_name(pid).c_str());
  aof_.rewrite_done(false, pid);  // removes the finished temp file, if it got that far
  child_gone();
  // Switching on still needs its first base (say the shutdown that killed it then failed).
  if (aof_.state() == Aof::State::kWaitRewrite) aof_rewrite_scheduled_ = true;
}

void Persistence::kill_rdb_child() {
  if (child_kind() != ChildKind::kRdb) return;
  pid_t pid = child_.pid();
  log(true, "Killing running RDB child: " + std::to_string(pid));
  child_.kill_and_wait();
  ::unlink(temp_file_of(pid).c_str());
  child_gone();
}

bool Persistence::save_point_due(int64_t now_s) const {
  // `save` holds "seconds changes" pairs, already validated by the config.
  std::string_view rest = server_.settings().save;
  while (true) {
    size_t a = rest.find_first_not_of(' ');
    if (a == std::string_view::npos) return false;
    rest.remove_prefix(a);
    size_t b = rest.find(' ');
    std::string_view seconds_text = rest.substr(0, b);
    rest.remove_prefix(b == std::string_view::npos ? rest.size() : b);
    a = rest.find_first_not_of(' ');
    if (a == std::string_view::npos) return false;
    rest.remove_prefix(a);
    b = rest.find(' ');
    std::string_view changes_text = rest.substr(0, b);
    rest.remove_prefix(b == std::string_view::npos ? rest.size() : b);
    int64_t seconds = 0, changes = 0;
    if (!util::parse_i64(seconds_text, seconds) || !util::parse_i64(changes_text, changes))
      return false;
    if (server_.dirty >= static_cast<uint64_t>(changes) && now_s - server_.last_save_s > seconds &&
        (now_s - last_bgsave_try_s > kRetryDelaySeconds || stats_.last_bgsave_ok)) {
      log(false, std::to_string(changes) + " changes in " + std::to_string(seconds) +
                     " seconds. Saving...");
      return true;
    }
  }
}

void Persistence::cron() {
  aof_.cron(server_.clock.now_ms());
  if (child_.running()) {
    if (auto exit = child_.poll()) {
      on_child_exit(*exit);
    } else {
      stats_.cow_peak_bytes = std::max(stats_.cow_peak_bytes, child_.progress().cow_bytes);
      return;
    }
  }
  const int64_t now_s = server_.clock.now_ms() / 1000;
  if (aof_rewrite_scheduled_ && !aof_rewrite_held_back(now_s)) {
    start_aof_rewrite();
    if (child_active()) return;
  }
  if (bgsave_scheduled_) {
    if (now_s - last_bgsave_try_s > kRetryDelaySeconds || stats_.last_bgsave_ok) {
      if (start_rdb_child()) bgsave_scheduled_ = false;
    }
    return;
  }
  if (save_point_due(now_s)) {
    start_rdb_child();
  } else if (!aof_rewrite_held_back(now_s) && aof_.auto_rewrite_due()) {
    start_aof_rewrite();
  }
}

std::string_view Persistence::write_refusal() const {
  const config::Settings& s = server_.settings();
  if (!stats_.last_bgsave_ok && s.stop_writes_on_bgsave_error && save_points_configured(s))
    return kRdbMisconf;
  return aof_.write_refusal();
}

}  // namespace cardinal::cmd
