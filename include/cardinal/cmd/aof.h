// Aof: the append-only file, Redis 7.0's multi-part layout (appenddirname holding a manifest,
// one base and the incr files). As the PropagationSink it buffers every write as RESP; the
// buffer reaches the file before any reply is sent (and the disk first, with appendfsync
// always). It loads the files at startup, switches on and off with CONFIG SET appendonly, and
// does the parent's half of a rewrite (Persistence owns the child). Event-loop thread only.
#pragma once

#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <string_view>

#include <sys/types.h>

#include "cardinal/cmd/propagation.h"
#include "cardinal/persist/aof_file.h"
#include "cardinal/persist/aof_manifest.h"
#include "cardinal/persist/rdb_writer.h"
#include "cardinal/util/child_process.h"

namespace cardinal::cmd {

class ServerState;

class Aof final : public PropagationSink {
 public:
  enum class State { kOff, kOn, kWaitRewrite };

  explicit Aof(ServerState& server) : server_(server) {}

  State state() const { return state_; }

  // Startup with appendonly yes: replays the files the manifest names (upgrading an old
  // single-file AOF, creating an empty AOF when there is none), then opens the last incr file
  // for appending and installs itself as the propagation sink. Throws (persist::AofError,
  // persist::RdbError) with the reason for the log; the server must not start then.
  void load_at_startup();
  // Startup with appendonly no: the manifest is still read (a rewrite or switching on later
  // continues its numbering) and its history files deleted, as Redis does. Throws on a bad one.
  void read_manifest_at_startup();

  // PropagationSink: one write, buffered.
  void command(int db, std::span<const std::string_view> argv) override;

  // Before replies are sent: buffered commands go to the file (and to the disk with
  // appendfsync always).
  void before_replies() {
    if (file_.has_buffered()) flush();
  }
  // Replies must wait for before_replies(): writes are buffered and the file takes them (after a
  // write error they go out anyway, as Redis answers while it retries).
  bool replies_must_wait() const { return file_.has_buffered() && !write_failed_; }
  // Timer work: writes what the cron's own deletions buffered, retries a failed write, and
  // starts the once-a-second background fsync of everysec.
  void cron(int64_t now_ms);
  // Shutdown: everything buffered written and fsynced.
  void flush_and_sync();

  // CONFIG SET appendonly yes: state kWaitRewrite until a rewrite has written the first base.
  // `start_rewrite` is Persistence's: it forks now or schedules the rewrite.
  void switch_on();
  // CONFIG SET appendonly no (the caller kills a running rewrite child first).
  void switch_off();

  // The parent's half of a rewrite. prepare_rewrite runs before the fork: the buffer is written
  // and new writes go to a fresh incr file. False (logged) when that failed.
  bool prepare_rewrite();
  // The child's work: writes the new base into `dir` as Redis's temp rewrite file.
  int run_rewrite_child(util::ChildProcess::Reporter& reporter, persist::RdbProgress* progress);
  // The child ended: on success the new base is installed and older files become history
  // (and are deleted). False when the rewrite failed (or could not be installed).
  bool rewrite_done(bool ok, pid_t child_pid);
  bool rewrite_running() const { return rewrite_running_; }

  // Whether the file has grown past auto-aof-rewrite-percentage / min-size.
  bool auto_rewrite_due() const;

  // MISCONF text while the last write or fsync failed, else "".
  std::string_view write_refusal() const;
  bool write_failed() const { return write_failed_ || fsync_errno() != 0; }

  // INFO.
  uint64_t current_size() const { return earlier_files_bytes_ + file_.size(); }
  uint64_t base_size() const { return rewrite_base_size_; }
  size_t buffer_length() const { return file_.buffered_bytes(); }
  bool fsync_pending() const { return file_.background_fsync_running(); }

 private:
  persist::FsyncPolicy policy() const;
  // Writes the buffer; on failure records it (always: the process exits, as in Redis).
  void flush();
  int fsync_errno() const { return file_.background_fsync_errno(); }
  std::string dir() const;  // appenddirname, relative to `dir`
  std::string in_dir(const std::string& name) const { return dir() + "/" + name; }
  void persist_manifest(const persist::AofManifest& m) const;
  void ensure_dir() const;  // creates appenddirname when missing; throws AofError
  void open_for_append(const std::string& name);
  // Replays one file; `last` may be cut short when aof-load-truncated allows it.
  void load_file(const std::string& name, bool last);
  void delete_history();
  void log(bool warning, const std::string& text) const;

  ServerState& server_;
  State state_ = State::kOff;
  persist::AofFile file_;
  persist::AofManifest manifest_;
  int selected_db_ = -1;  // the database the file's last SELECT chose; -1 forces a SELECT
  bool write_failed_ = false;
  int write_errno_ = 0;
  int64_t last_fsync_ms_ = 0;
  int64_t last_write_retry_ms_ = 0;
  uint64_t earlier_files_bytes_ = 0;  // the base and the incr files before the open one
  uint64_t rewrite_base_size_ = 0;    // current_size() after the last rewrite or the load
  bool temp_incr_ = false;            // kWaitRewrite: appending to the temp incr file
  bool rewrite_running_ = false;      // between prepare_rewrite and rewrite_done
  bool rewrite_preamble_ = true;      // the form of the base being written
  mutable std::string refusal_;       // write_refusal's text
};

}  // namespace cardinal::cmd
