#include "cardinal/util/child_process.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <exception>

namespace cardinal::util {

namespace {

// Records on the pipe: a kind byte, then a fixed payload (progress) or a 2-byte length and the
// text (message). Each record is written with one write() under PIPE_BUF, so none interleave.
constexpr char kProgress = 'P';
constexpr char kMessage = 'M';
constexpr size_t kProgressSize = 1 + 3 * 8;
constexpr size_t kMaxMessage = 1024;

int64_t wall_ms() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

void write_all(int fd, const char* data, size_t n) {
  while (n > 0) {
    ssize_t w = ::write(fd, data, n);
    if (w < 0 && errno == EINTR) continue;
    // A full pipe blocks the child until the parent reads (the cron polls every tick); an error
    // means the parent is gone, and then nobody needs the report.
    if (w <= 0) return;
    data += w;
    n -= static_cast<size_t>(w);
  }
}

}  // namespace

uint64_t private_dirty_bytes() {
  std::FILE* f = std::fopen("/proc/self/smaps_rollup", "r");
  if (!f) return 0;
  char line[256];
  uint64_t kb = 0;
  while (std::fgets(line, sizeof line, f)) {
    unsigned long long v;
    if (std::sscanf(line, "Private_Dirty: %llu kB", &v) == 1) kb += v;
  }
  std::fclose(f);
  return kb * 1024;
}

void ChildProcess::Reporter::progress(uint64_t items_done) {
  char rec[kProgressSize];
  uint64_t cow = private_dirty_bytes();
  int64_t at = wall_ms();
  rec[0] = kProgress;
  std::memcpy(rec + 1, &cow, 8);
  std::memcpy(rec + 9, &items_done, 8);
  std::memcpy(rec + 17, &at, 8);
  write_all(fd_, rec, sizeof rec);
}

void ChildProcess::Reporter::message(std::string_view text) {
  text = text.substr(0, kMaxMessage);
  char rec[3 + kMaxMessage];
  rec[0] = kMessage;
  auto n = static_cast<uint16_t>(text.size());
  std::memcpy(rec + 1, &n, 2);
  std::memcpy(rec + 3, text.data(), text.size());
  write_all(fd_, rec, 3 + text.size());
}

ChildProcess::~ChildProcess() {
  if (running()) kill_and_wait();
  close_pipe();
}

bool ChildProcess::start(const std::function<int(Reporter&)>& body) {
  if (running()) {
    errno = EBUSY;
    return false;
  }
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) return false;
  auto before = std::chrono::steady_clock::now();
  pid_t pid = ::fork();
  if (pid < 0) {
    int saved = errno;
    ::close(fds[0]);
    ::close(fds[1]);
    errno = saved;
    return false;
  }
  if (pid == 0) {
    int out = fds[1];
    // Keep stdin/out/err and the pipe; drop sockets, the epoll set, files being appended.
    if (out > 3) ::close_range(3, static_cast<unsigned>(out - 1), 0);
    ::close_range(static_cast<unsigned>(out + 1), ~0U, 0);
    for (int sig : {SIGUSR1, SIGTERM, SIGINT}) ::signal(sig, SIG_DFL);
    Reporter reporter(out);
    // An exception must not unwind into the caller's frames: the child would carry on as a
    // second copy of the server.
    int code = 1;
    try {
      code = body(reporter);
    } catch (const std::exception& e) {
      reporter.message(e.what());
    } catch (...) {
      reporter.message("unknown exception in the child");
    }
    ::_exit(code);
  }
  fork_usec_ = std::chrono::duration_cast<std::chrono::microseconds>(
                   std::chrono::steady_clock::now() - before)
                   .count();
  ::close(fds[1]);
  ::fcntl(fds[0], F_SETFL, ::fcntl(fds[0], F_GETFL) | O_NONBLOCK);
  pid_ = pid;
  pipe_ = fds[0];
  progress_ = ChildProgress{};
  pending_.clear();
  messages_.clear();
  return true;
}

void ChildProcess::drain() {
  if (pipe_ < 0) return;
  char buf[4096];
  for (;;) {
    ssize_t n = ::read(pipe_, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    pending_.append(buf, static_cast<size_t>(n));
  }
  size_t at = 0;
  for (;;) {
    if (at >= pending_.size()) break;
    if (pending_[at] == kProgress) {
      if (pending_.size() - at < kProgressSize) break;
      std::memcpy(&progress_.cow_bytes, pending_.data() + at + 1, 8);
      std::memcpy(&progress_.items_done, pending_.data() + at + 9, 8);
      std::memcpy(&progress_.sent_at_ms, pending_.data() + at + 17, 8);
      at += kProgressSize;
    } else if (pending_[at] == kMessage) {
      if (pending_.size() - at < 3) break;
      uint16_t len;
      std::memcpy(&len, pending_.data() + at + 1, 2);
      if (pending_.size() - at < 3u + len) break;
      messages_.emplace_back(pending_, at + 3, len);
      at += 3u + len;
    } else {
      at = pending_.size();  // not ours: drop it rather than misread what follows
    }
  }
  pending_.erase(0, at);
}

void ChildProcess::close_pipe() {
  if (pipe_ >= 0) ::close(pipe_);
  pipe_ = -1;
}

std::optional<ChildProcess::Exit> ChildProcess::poll() {
  if (!running()) return std::nullopt;
  drain();
  int status = 0;
  pid_t r = ::waitpid(pid_, &status, WNOHANG);
  if (r == 0) return std::nullopt;
  Exit e;
  if (r < 0) {
    e.by_signal = true;  // reaped elsewhere or never ours: treat as failed
    e.status = 0;
  } else if (WIFSIGNALED(status)) {
    e.by_signal = true;
    e.status = WTERMSIG(status);
  } else {
    e.status = WEXITSTATUS(status);
  }
  drain();  // what it wrote just before exiting
  close_pipe();
  pid_ = -1;
  return e;
}

void ChildProcess::kill_and_wait() {
  if (!running()) return;
  ::kill(pid_, SIGUSR1);
  int status;
  while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
  }
  drain();
  close_pipe();
  pid_ = -1;
}

std::vector<std::string> ChildProcess::take_messages() {
  std::vector<std::string> out;
  out.swap(messages_);
  return out;
}

}  // namespace cardinal::util
