#include "cardinal/cmd/aof.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <optional>

#include "cardinal/cmd/dispatcher.h"
#include "cardinal/cmd/server_state.h"
#include "cardinal/cmd/snapshot.h"
#include "cardinal/persist/aof_base.h"
#include "cardinal/persist/aof_reader.h"
#include "cardinal/persist/rdb_reader.h"
#include "cardinal/persist/snapshot_file.h"
#include "cardinal/util/clock.h"
#include "cardinal/util/numbers.h"

namespace cardinal::cmd {

namespace {

// Runs the file's commands like a client whose replies nobody reads.
class LoadingSession final : public Session {
 public:
  LoadingSession() : Session(0) { authenticated = true; }
  void request_flush() override {}
  void request_close() override {}
  size_t query_buffer_bytes() const override { return 0; }
};

bool equals_nocase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(a[i])) != b[i]) return false;
  return true;
}

uint64_t file_size(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 ? static_cast<uint64_t>(st.st_size) : 0;
}

bool exists(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0;
}

}  // namespace

void Aof::log(bool warning, const std::string& text) const {
  if (server_.hooks) server_.hooks->log(warning, text);
}

std::string Aof::dir() const {
  return server_.settings().appenddirname;
}

persist::FsyncPolicy Aof::policy() const {
  const std::string& p = server_.settings().appendfsync;
  if (p == "always") return persist::FsyncPolicy::kAlways;
  if (p == "no") return persist::FsyncPolicy::kNo;
  return persist::FsyncPolicy::kEverysec;
}

void Aof::ensure_dir() const {
  if (::mkdir(dir().c_str(), 0755) != 0 && errno != EEXIST) {
    throw persist::AofError("Can't create the append-only dir " + dir() + ": " +
                            std::strerror(errno));
  }
}

void Aof::persist_manifest(const persist::AofManifest& m) const {
  persist::write_aof_manifest(dir(), server_.settings().appendfilename, m);
}

void Aof::open_for_append(const std::string& name) {
  file_.open(in_dir(name));
  selected_db_ = -1;
}

void Aof::command(int db, std::span<const std::string_view> argv) {
  // Switching on, the writes before the rewrite's fork are in its snapshot already.
  if (state_ == State::kOff || !file_.is_open() ||
      (state_ == State::kWaitRewrite && !rewrite_running_))
    return;
  std::string& out = file_.buffer();
  if (db != selected_db_) {
    std::string index = util::i64_to_string(db);
    std::string_view select[] = {"SELECT", index};
    persist::append_resp_command(out, select);
    selected_db_ = db;
  }
  persist::append_resp_command(out, argv);
}

void Aof::flush() {
  persist::FsyncPolicy p = policy();
  // no-appendfsync-on-rewrite: while a child writes, fsyncs wait, as the setting promises.
  bool skip_fsync =
      server_.settings().no_appendfsync_on_rewrite && server_.persistence.child_active();
  bool sync = p == persist::FsyncPolicy::kAlways && !skip_fsync;
  int64_t start_us = util::monotonic_us();
  bool written = file_.write_buffered(sync);
  // LATENCY samples the write, fsync included under always, as Redis's aof-write events do.
  server_.latency.add_if_needed(
      sync ? "aof-fsync-always" : "aof-write", (util::monotonic_us() - start_us) / 1000,
      server_.settings().latency_monitor_threshold, server_.clock.now_ms() / 1000);
  if (written) {
    if (write_failed_) log(true, "AOF write error looks solved, Redis can write again.");
    write_failed_ = false;
    return;
  }
  write_errno_ = file_.last_errno();
  if (p == persist::FsyncPolicy::kAlways && server_.hooks) {
    // The command already ran and its reply would claim it is on disk: Redis gives up here.
    server_.hooks->fatal(std::string("Can't recover from AOF write error when the AOF fsync "
                                     "policy is 'always' (") +
                         std::strerror(write_errno_) + "). Exiting...");
  }
  if (!write_failed_)
    log(true, std::string("Error writing to the AOF file: ") + std::strerror(write_errno_));
  write_failed_ = true;
}

void Aof::cron(int64_t now_ms) {
  if (state_ == State::kOff) return;
  if (file_.has_buffered()) {
    // A failed write is retried once a second, not on every tick.
    if (!write_failed_ || now_ms - last_write_retry_ms_ >= 1000) {
      last_write_retry_ms_ = now_ms;
      flush();
    }
  }
  if (policy() == persist::FsyncPolicy::kEverysec && now_ms - last_fsync_ms_ >= 1000 &&
      !(server_.settings().no_appendfsync_on_rewrite && server_.persistence.child_active())) {
    last_fsync_ms_ = now_ms;
    file_.fsync_in_background();
  }
}

void Aof::flush_and_sync() {
  if (!file_.is_open()) return;
  if (file_.has_buffered()) file_.write_buffered(false);
  file_.fsync_now();
}

std::string_view Aof::write_refusal() const {
  if (state_ == State::kOff || !write_failed()) return {};
  int e = write_failed_ ? write_errno_ : fsync_errno();
  refusal_ = std::string("MISCONF Errors writing to the AOF file: ") + std::strerror(e);
  return refusal_;
}

bool Aof::auto_rewrite_due() const {
  const config::Settings& s = server_.settings();
  if (state_ != State::kOn || s.auto_aof_rewrite_percentage <= 0) return false;
  uint64_t size = current_size();
  if (size <= static_cast<uint64_t>(s.auto_aof_rewrite_min_size)) return false;
  uint64_t base = rewrite_base_size_ ? rewrite_base_size_ : 1;
  uint64_t growth = size * 100 / base;
  if (growth < 100 + static_cast<uint64_t>(s.auto_aof_rewrite_percentage)) return false;
  log(false, "Starting automatic rewriting of AOF on " + std::to_string(growth - 100) + "% growth");
  return true;
}

// ---------------------------------------------------------------------------- loading

void Aof::load_file(const std::string& name, bool last) {
  const std::string path = in_dir(name);
  std::optional<persist::MappedFile> file = persist::MappedFile::open(path, "AOF");
  if (!file) throw persist::AofError("The AOF file " + name + " doesn't exist");
  std::string_view data = file->bytes();
  size_t offset = 0;
  if (persist::aof_has_rdb_preamble(data)) {
    log(false, "Reading RDB base file on AOF loading...");
    persist::RdbLoadOptions o = snapshot_load_options(server_);
    o.now_ms = INT64_MIN;  // as Redis: a preamble keeps keys already dead; they expire later
    o.file = &*file;
    persist::RdbLoadResult r = persist::rdb_load(data, server_.keyspace, o);
    offset = r.consumed;
    Persistence::Stats& stats = server_.persistence.mutable_stats();
    stats.rdb_last_load_keys_loaded = r.keys_loaded;
    stats.rdb_last_load_keys_expired = r.expired_skipped;
    log(false, "Reading the remaining AOF tail...");
  }
  LoadingSession session;
  size_t multi_at = 0;
  persist::AofParseResult result = persist::parse_aof_commands(
      data.substr(offset), [&](std::span<const std::string_view> argv, size_t at) {
        const CommandEntry* entry = server_.commands.find(argv[0]);
        if (!entry) {
          throw persist::AofError("Unknown command '" + std::string(argv[0]) +
                                  "' reading the append only file " + name);
        }
        // Redis 7.0 crashes on these; a file no writer produces is refused instead.
        int arity = entry->spec->arity;
        size_t argc = argv.size();
        if (arity >= 0 ? argc != static_cast<size_t>(arity) : argc < static_cast<size_t>(-arity)) {
          throw persist::AofError("Bad file format reading the append only file " + name +
                                  ": wrong number of arguments for '" + std::string(argv[0]) + "'");
        }
        if (equals_nocase(argv[0], "multi")) multi_at = offset + at;
        execute(server_, session, argv);
        session.output().clear();
        file->release_before(offset + at);
      });
  if (result.status == persist::AofParseResult::Status::kCorrupt) {
    throw persist::AofError("Bad file format reading the append only file " + name + ": " +
                            result.error +
                            ". Make a backup of your AOF file, then use ./redis-check-aof --fix "
                            "<filename.manifest>");
  }
  std::optional<size_t> cut;
  if (result.status == persist::AofParseResult::Status::kTruncated)
    cut = offset + result.valid_bytes;
  if (session.in_multi()) {
    log(true, "Revert incomplete MULTI/EXEC transaction in AOF file " + name);
    cut = multi_at;
  }
  if (!cut) return;
  if (!last) {
    throw persist::AofError("Fatal error: the truncated file " + name + " is not the last file");
  }
  if (!server_.settings().aof_load_truncated) {
    throw persist::AofError(
        "Unexpected end of file reading the append only file " + name +
        ". You can: 1) Make a backup of your AOF file, then use ./redis-check-aof --fix "
        "<filename.manifest>. 2) Alternatively you can set the 'aof-load-truncated' "
        "configuration option to yes and restart the server.");
  }
  log(true, "!!! Warning: short read while loading the AOF file " + name + "!!!");
  log(true, "!!! Truncating the AOF " + name + " at offset " + std::to_string(*cut) + " !!!");
  file.reset();  // no mapping may outlive the bytes it maps
  if (::truncate(path.c_str(), static_cast<off_t>(*cut)) != 0) {
    throw persist::AofError("Error truncating the AOF file " + name + ": " + std::strerror(errno));
  }
  log(true, "AOF " + name + " loaded anyway because aof-load-truncated is enabled");
}

void Aof::load_at_startup() {
  const config::Settings& s = server_.settings();
  std::optional<persist::AofManifest> found = persist::read_aof_manifest(dir(), s.appendfilename);
  if (!found && exists(s.appendfilename)) {
    // An AOF from before Redis 7: it becomes the base of the directory layout, as Redis
    // upgrades it.
    ensure_dir();
    if (::rename(s.appendfilename.c_str(), in_dir(s.appendfilename).c_str()) != 0) {
      throw persist::AofError("Error moving " + s.appendfilename + " into " + dir() + ": " +
                              std::strerror(errno));
    }
    persist::AofManifest m;
    m.base = persist::AofFileInfo{s.appendfilename, 1, persist::AofFileType::kBase};
    m.current_base_seq = 1;
    persist_manifest(m);
    log(false, "Successfully migrated an old-style AOF into the AOF directory");
    found = m;
  }
  earlier_files_bytes_ = 0;
  uint64_t loaded_base_size = 0;
  if (found) {
    manifest_ = *found;
    std::vector<std::string> files = persist::files_to_load(manifest_);
    struct Loading {
      ServerState& s;
      explicit Loading(ServerState& st) : s(st) {
        s.loading = true;
        s.keyspace.pause_expiry(true);
      }
      ~Loading() {
        s.loading = false;
        s.keyspace.pause_expiry(false);
      }
    } loading{server_};
    for (size_t i = 0; i < files.size(); ++i) load_file(files[i], i + 1 == files.size());
    for (size_t i = 0; i < files.size(); ++i) {
      // The last incr is reopened for appending below; its size is the file's own.
      bool appending = !manifest_.incrs.empty() && i + 1 == files.size();
      if (!appending) earlier_files_bytes_ += file_size(in_dir(files[i]));
    }
    loaded_base_size = manifest_.base ? file_size(in_dir(manifest_.base->name)) : 0;
    log(false, "DB loaded from append only file");
  } else {
    // No AOF yet: start the layout with an empty base, as Redis 7.0 does.
    ensure_dir();
    persist::AofManifest m = manifest_;
    std::string base =
        persist::new_base_marking_old_as_history(m, s.appendfilename, s.aof_use_rdb_preamble);
    persist::RdbSaveOptions o = snapshot_save_options(server_);
    persist::write_aof_base(server_.keyspace, s.aof_use_rdb_preamble, o, in_dir("temp-" + base),
                            in_dir(base));
    log(false, "Creating AOF base file " + base + " on server start");
    manifest_ = m;
    earlier_files_bytes_ = file_size(in_dir(base));
  }
  if (manifest_.incrs.empty()) {
    persist::AofManifest m = manifest_;
    std::string incr = persist::add_new_incr(m, s.appendfilename).name;
    open_for_append(incr);
    persist_manifest(m);
    manifest_ = m;
    log(false, "Creating AOF incr file " + incr + " on server start");
  } else {
    open_for_append(manifest_.incrs.back().name);
  }
  delete_history();
  // As Redis: growth for auto-aof-rewrite counts from the base the files were loaded with.
  rewrite_base_size_ = found ? loaded_base_size : current_size();
  state_ = State::kOn;
  server_.set_propagation(this);
  // Replaying is not serving: no calls to count. The replayed changes stay unsaved, as in Redis.
  server_.stats = {};
  server_.error_counts.clear();
  server_.commands.reset_stats();
}

void Aof::read_manifest_at_startup() {
  struct stat st {};
  if (::stat(dir().c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) return;  // nothing to continue
  std::optional<persist::AofManifest> m =
      persist::read_aof_manifest(dir(), server_.settings().appendfilename);
  if (!m) return;
  manifest_ = *m;
  delete_history();
}

void Aof::delete_history() {
  if (manifest_.history.empty()) return;
  for (const std::string& name : persist::take_history(manifest_)) {
    if (::unlink(in_dir(name).c_str()) == 0)
      log(false, "Removing the history file " + name + " in the background");
  }
  try {
    persist_manifest(manifest_);
  } catch (const std::exception& e) {
    log(true, std::string("Error persisting the AOF manifest: ") + e.what());
  }
}

// --------------------------------------------------------------------------- switching

void Aof::switch_on() {
  const config::Settings& s = server_.settings();
  ensure_dir();
  // Files from an earlier run keep their sequence numbers going.
  if (!manifest_.base && manifest_.incrs.empty()) {
    try {
      if (auto m = persist::read_aof_manifest(dir(), s.appendfilename)) manifest_ = *m;
    } catch (const std::exception& e) {
      log(true, std::string("Ignoring the unreadable AOF manifest: ") + e.what());
    }
  }
  state_ = State::kWaitRewrite;
  server_.set_propagation(this);
}

void Aof::switch_off() {
  if (state_ == State::kOff) return;
  flush_and_sync();
  file_.close();
  if (temp_incr_)
    ::unlink(in_dir(persist::aof_temp_incr_name(server_.settings().appendfilename)).c_str());
  temp_incr_ = false;
  file_.buffer().clear();
  state_ = State::kOff;
  write_failed_ = false;
  rewrite_running_ = false;
  server_.set_propagation(nullptr);
}

// ---------------------------------------------------------------------------- rewriting

bool Aof::prepare_rewrite() {
  const config::Settings& s = server_.settings();
  try {
    ensure_dir();
    if (file_.has_buffered() && !file_.write_buffered(false)) {
      // The file will not take them, but the child's snapshot holds their effect: drop them
      // rather than replay them twice. Writes stay refused until the rewrite has succeeded.
      write_failed_ = true;
      write_errno_ = file_.last_errno();
      file_.buffer().clear();
    }
    if (state_ == State::kOn) {
      persist::AofManifest m = manifest_;
      std::string incr = persist::add_new_incr(m, s.appendfilename).name;
      uint64_t before = file_.size();
      file_.open(in_dir(incr));
      persist_manifest(m);
      manifest_ = m;
      earlier_files_bytes_ += before;
    } else if (state_ == State::kWaitRewrite) {
      // Writes from the fork on wait here until the rewrite's base exists.
      file_.open(in_dir(persist::aof_temp_incr_name(s.appendfilename)), /*truncate=*/true);
      temp_incr_ = true;
      earlier_files_bytes_ = 0;
    }
  } catch (const std::exception& e) {
    log(true, std::string("Can't start the AOF rewrite: ") + e.what());
    return false;
  }
  selected_db_ = -1;
  rewrite_preamble_ = s.aof_use_rdb_preamble;
  rewrite_running_ = true;
  return true;
}

int Aof::run_rewrite_child(util::ChildProcess::Reporter& reporter, persist::RdbProgress* progress) {
  persist::RdbSaveOptions o = snapshot_save_options(server_);
  o.progress = progress;
  pid_t pid = ::getpid();
  try {
    persist::write_aof_base(server_.keyspace, rewrite_preamble_, o,
                            persist::aof_child_temp_rewrite_name(pid),
                            persist::aof_temp_rewrite_name(pid));
  } catch (const std::exception& e) {
    reporter.message(e.what());
    return 1;
  }
  return 0;
}

bool Aof::rewrite_done(bool ok, pid_t child_pid) {
  rewrite_running_ = false;
  const config::Settings& s = server_.settings();
  const std::string temp = persist::aof_temp_rewrite_name(child_pid);
  if (!ok) {
    ::unlink(temp.c_str());
    return false;
  }
  try {
    persist::AofManifest m = manifest_;
    std::string base =
        persist::new_base_marking_old_as_history(m, s.appendfilename, rewrite_preamble_);
    if (::rename(temp.c_str(), in_dir(base).c_str()) != 0) {
      throw persist::AofError("Error trying to rename the temporary AOF base file " + temp +
                              " into " + base + ": " + std::strerror(errno));
    }
    if (state_ == State::kWaitRewrite) {
      std::string incr = persist::add_new_incr(m, s.appendfilename).name;
      std::string from = in_dir(persist::aof_temp_incr_name(s.appendfilename));
      if (::rename(from.c_str(), in_dir(incr).c_str()) != 0) {
        throw persist::AofError("Error trying to rename the temporary AOF incr file into " + incr +
                                ": " + std::strerror(errno));
      }
      file_.renamed(in_dir(incr));
      temp_incr_ = false;
    }
    persist::mark_rewritten_incrs_as_history(m, state_ != State::kOff);
    persist_manifest(m);
    manifest_ = m;
    earlier_files_bytes_ = file_size(in_dir(base));
  } catch (const std::exception& e) {
    log(true, std::string("Background AOF rewrite failed: ") + e.what());
    ::unlink(temp.c_str());
    return false;
  }
  if (state_ == State::kWaitRewrite) {
    state_ = State::kOn;
    log(false, "Background AOF rewrite finished successfully; AOF is on");
  }
  if (write_failed_ && !file_.has_buffered()) {
    // What failed to reach the old incr file is in the new base.
    write_failed_ = false;
    log(true, "AOF write error looks solved, Redis can write again.");
  }
  delete_history();
  rewrite_base_size_ = current_size();
  return true;
}

}  // namespace cardinal::cmd
