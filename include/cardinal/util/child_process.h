// ChildProcess: a forked copy of the server that does one long job (a snapshot, an AOF rewrite)
// on the parent's memory as it was at the fork, copy-on-write, and reports back through a pipe.
// At most one child per object. Parent side: start, poll and kill on the event-loop thread;
// child side: only the body and its Reporter run, and the child never returns into the caller.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace cardinal::util {

// What the child says about itself; the latest one wins.
struct ChildProgress {
  uint64_t cow_bytes = 0;   // memory the child has had to copy so far (Private_Dirty)
  uint64_t items_done = 0;  // keys written so far
  int64_t sent_at_ms = 0;   // when the child measured this (wall clock)
};

class ChildProcess {
 public:
  // Child side: the write end of the pipe.
  class Reporter {
   public:
    explicit Reporter(int fd) : fd_(fd) {}
    // Measures copy-on-write now and sends it with `items_done`.
    void progress(uint64_t items_done);
    // A line for the parent's log (the child does not log itself: a logger mutex held by
    // another thread at the fork would never be released in the child).
    void message(std::string_view text);

   private:
    int fd_;
  };

  struct Exit {
    bool by_signal = false;
    int status = 0;  // exit code, or the signal number
    bool ok() const { return !by_signal && status == 0; }
  };

  ChildProcess() = default;
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;
  ~ChildProcess();

  // Forks. In the child every inherited descriptor above stderr except the pipe is closed (so
  // sockets close when the parent closes them and the listening port is not held), `body` runs
  // and its return value is the exit code; a body that throws exits with 1, its what() sent as
  // a message. False (errno set) when the fork failed.
  bool start(const std::function<int(Reporter&)>& body);

  bool running() const { return pid_ > 0; }
  pid_t pid() const { return pid_; }
  int64_t fork_usec() const { return fork_usec_; }

  // Non-blocking: reads what the child sent; once it has ended, reaps it and returns how.
  std::optional<Exit> poll();
  // SIGUSR1, then waits for it (the signal Redis uses: a child killed on purpose).
  void kill_and_wait();

  const ChildProgress& progress() const { return progress_; }
  // Messages received since the last call.
  std::vector<std::string> take_messages();

 private:
  void drain();
  void close_pipe();

  pid_t pid_ = -1;
  int pipe_ = -1;  // parent's read end, non-blocking
  int64_t fork_usec_ = 0;
  ChildProgress progress_;
  std::string pending_;  // bytes of a record split across reads
  std::vector<std::string> messages_;
};

// The process's private dirty memory in bytes, from /proc/self/smaps_rollup; 0 if unreadable.
uint64_t private_dirty_bytes();

}  // namespace cardinal::util
