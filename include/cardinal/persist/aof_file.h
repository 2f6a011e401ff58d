// AofFile: the append-only file being written — the open incr file, the commands not yet
// written to it, and fsync. write(2) runs on the event loop before replies go out, so a reply
// never leaves before its command is in the file; fsync is either inline (appendfsync always)
// or on this object's own worker thread (everysec), so the loop never waits for the disk.
// Event-loop thread only, apart from the worker, which touches nothing but its queue.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <span>
#include <string>
#include <string_view>
#include <thread>

namespace cardinal::persist {

enum class FsyncPolicy { kAlways, kEverysec, kNo };

// One command as the AOF holds it: a RESP array of bulk strings.
void append_resp_command(std::string& out, std::span<const std::string_view> argv);

class AofFile {
 public:
  AofFile() = default;
  AofFile(const AofFile&) = delete;
  AofFile& operator=(const AofFile&) = delete;
  ~AofFile();

  // Opens `path` for appending, creating it (emptying it first when `truncate`); the file open
  // before is fsynced and closed. Throws AofError. Buffered bytes are kept: they go to the new
  // file.
  void open(const std::string& path, bool truncate = false);
  // The file was renamed (it stays open).
  void renamed(const std::string& path) { path_ = path; }
  // Waits for a background fsync of this file, fsyncs it and closes it. Buffered bytes stay.
  void close();
  bool is_open() const { return fd_ >= 0; }
  const std::string& path() const { return path_; }

  std::string& buffer() { return buffer_; }
  bool has_buffered() const { return !buffer_.empty(); }
  size_t buffered_bytes() const { return buffer_.size(); }

  // Writes the buffer. On a short or failed write, what was written is cut off again (so the
  // file never ends inside a command when the error clears) and the buffer is kept for a later
  // try; returns false with last_errno() set. `fsync` also syncs the file before returning.
  bool write_buffered(bool fsync);
  // A blocking fsync (appendfsync always, shutdown). False with last_errno() on failure.
  bool fsync_now();
  // everysec: hands an fsync to the worker, unless one is still running.
  void fsync_in_background();
  bool background_fsync_running() const;
  // The worker's last fsync failed (its errno, or 0).
  int background_fsync_errno() const { return worker_errno_.load(std::memory_order_relaxed); }

  int last_errno() const { return last_errno_; }
  uint64_t size() const { return size_; }  // bytes in the file, as written by us
  uint64_t unsynced() const { return size_ - synced_size_; }

 private:
  void worker_loop();

  std::string path_;
  int fd_ = -1;
  std::string buffer_;
  uint64_t size_ = 0;
  uint64_t synced_size_ = 0;
  int last_errno_ = 0;

  // The worker: started on the first background fsync.
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::condition_variable idle_;
  std::thread worker_;
  int job_fd_ = -1;  // the fd to fsync; -1 when there is no job
  bool busy_ = false;
  bool stopping_ = false;
  std::atomic<int> worker_errno_{0};  // read on every write command (MISCONF): no lock
};

}  // namespace cardinal::persist
