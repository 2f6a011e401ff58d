#include "cardinal/persist/aof_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "cardinal/persist/aof_error.h"

namespace cardinal::persist {

void append_resp_command(std::string& out, std::span<const std::string_view> argv) {
  char num[24];
  auto header = [&](char kind, size_t n) {
    int len = std::snprintf(num, sizeof num, "%c%zu\r\n", kind, n);
    out.append(num, static_cast<size_t>(len));
  };
  header('*', argv.size());
  for (std::string_view a : argv) {
    header('$', a.size());
    out.append(a);
    out.append("\r\n");
  }
}

AofFile::~AofFile() {
  {
    std::unique_lock lock(mutex_);
    stopping_ = true;
    wake_.notify_all();
  }
  if (worker_.joinable()) worker_.join();
  if (fd_ >= 0) ::close(fd_);
}

void AofFile::open(const std::string& path, bool truncate) {
  int fd = ::open(path.c_str(),
                  O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | (truncate ? O_TRUNC : 0), 0644);
  if (fd < 0) {
    throw AofError("Can't open the append-only file " + path + ": " + std::strerror(errno));
  }
  struct stat st {};
  if (::fstat(fd, &st) != 0) {
    int e = errno;
    ::close(fd);
    throw AofError("Can't stat the append-only file " + path + ": " + std::strerror(e));
  }
  if (fd_ >= 0) close();
  fd_ = fd;
  path_ = path;
  size_ = synced_size_ = static_cast<uint64_t>(st.st_size);
}

void AofFile::close() {
  if (fd_ < 0) return;
  {
    std::unique_lock lock(mutex_);
    idle_.wait(lock, [&] { return !busy_ && job_fd_ < 0; });
  }
  ::fsync(fd_);
  ::close(fd_);
  fd_ = -1;
}

bool AofFile::write_buffered(bool fsync) {
  if (fd_ < 0) return true;
  size_t done = 0;
  while (done < buffer_.size()) {
    ssize_t n = ::write(fd_, buffer_.data() + done, buffer_.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      last_errno_ = n < 0 ? errno : ENOSPC;
      // Take back the part that made it, so a later retry does not leave half a command.
      if (done > 0 && ::ftruncate(fd_, static_cast<off_t>(size_)) != 0) {
        // Cannot cut it: keep what is there and drop it from the buffer instead.
        size_ += done;
        buffer_.erase(0, done);
      }
      return false;
    }
    done += static_cast<size_t>(n);
  }
  size_ += done;
  buffer_.clear();
  if (buffer_.capacity() > (1u << 20)) buffer_.shrink_to_fit();
  last_errno_ = 0;
  return fsync ? fsync_now() : true;
}

bool AofFile::fsync_now() {
  if (fd_ < 0) return true;
  if (::fdatasync(fd_) != 0) {
    last_errno_ = errno;
    return false;
  }
  synced_size_ = size_;
  return true;
}

void AofFile::fsync_in_background() {
  if (fd_ < 0 || synced_size_ == size_) return;
  std::unique_lock lock(mutex_);
  if (busy_ || job_fd_ >= 0) return;
  if (!worker_.joinable()) worker_ = std::thread([this] { worker_loop(); });
  job_fd_ = fd_;
  synced_size_ = size_;  // what the job will cover once it finishes
  wake_.notify_one();
}

bool AofFile::background_fsync_running() const {
  std::unique_lock lock(mutex_);
  return busy_ || job_fd_ >= 0;
}

void AofFile::worker_loop() {
  std::unique_lock lock(mutex_);
  while (true) {
    wake_.wait(lock, [&] { return stopping_ || job_fd_ >= 0; });
    if (job_fd_ < 0) return;  // stopping with nothing queued
    int fd = job_fd_;
    busy_ = true;
    job_fd_ = -1;
    lock.unlock();
    int rc = ::fdatasync(fd);
    int err = rc == 0 ? 0 : errno;
    lock.lock();
    worker_errno_.store(err, std::memory_order_relaxed);
    busy_ = false;
    idle_.notify_all();
  }
}

}  // namespace cardinal::persist
