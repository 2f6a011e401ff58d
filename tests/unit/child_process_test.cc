// util: ChildProcess and private_dirty_bytes. A child's exit code, progress and messages reach
// the parent in order (more than the pipe holds, so the child waits on the parent's polls, and
// messages of the maximum length); a child killed on purpose is reaped by kill_and_wait and one
// killed from outside reports its signal, even when the parent ignores it; descriptors the
// parent had open are closed in the child on both sides of the report pipe; copy-on-write shows
// in private_dirty_bytes; a second start while one runs is EBUSY. Bodies return their result as
// the exit code: the class leaves the child with _exit, so nothing of Catch2 or ASan's exit
// handling runs there.
#include <catch2/catch.hpp>

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "cardinal/util/child_process.h"

using namespace cardinal;
using util::ChildProcess;

namespace {

int64_t wall_ms() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

// Polls until the child ends (or 5 s pass: nullopt, and the child is killed with SIGKILL,
// which nothing can ignore, so a broken test fails instead of hanging).
std::optional<ChildProcess::Exit> wait_exit(ChildProcess& child, int* polls = nullptr) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (std::chrono::steady_clock::now() < deadline) {
    if (polls) ++*polls;
    if (auto e = child.poll()) return e;
    std::this_thread::sleep_for(std::chrono::microseconds(200));
  }
  ::kill(child.pid(), SIGKILL);
  child.kill_and_wait();
  return std::nullopt;
}

std::string numbered(int i, size_t len) {
  std::string s = std::to_string(i) + ":";
  s.resize(len, static_cast<char>('a' + i % 26));
  return s;
}

}  // namespace

TEST_CASE("child exit codes reach the parent", "[child_process]") {
  for (int code : {0, 1, 7, 255}) {
    ChildProcess child;
    REQUIRE(child.start([code](ChildProcess::Reporter&) { return code; }));
    CHECK(child.running());
    CHECK(child.pid() > 0);
    CHECK(child.fork_usec() >= 0);
    auto e = wait_exit(child);
    REQUIRE(e.has_value());
    CHECK_FALSE(e->by_signal);
    CHECK(e->status == code);
    CHECK(e->ok() == (code == 0));
    CHECK_FALSE(child.running());
    CHECK_FALSE(child.poll().has_value());  // reaped once
  }
}

TEST_CASE("a body that throws ends the child, which never returns into the caller",
          "[child_process]") {
  const pid_t parent = ::getpid();
  ChildProcess child;
  bool started = false;
  try {
    started = child.start([](ChildProcess::Reporter& r) -> int {
      r.message("before");
      throw std::runtime_error("body failed");
    });
  } catch (const std::runtime_error&) {
    // Only a child that escaped start() gets here: leave before it runs the rest of the tests.
    if (::getpid() != parent) ::_exit(99);
    throw;
  }
  REQUIRE(started);
  auto e = wait_exit(child);
  REQUIRE(e.has_value());
  CHECK_FALSE(e->by_signal);
  CHECK(e->status == 1);
  CHECK(child.take_messages() == std::vector<std::string>{"before", "body failed"});
}

TEST_CASE("child progress and messages arrive in order", "[child_process]") {
  constexpr int kMessages = 150;  // 150 KiB: more than a pipe holds
  // Progress records ride between the messages, so some straddle the parent's 4 KiB reads.
  // Few: each measures /proc/self/smaps_rollup, milliseconds in a large ASan process.
  constexpr int kProgress = 40;
  const size_t max_len = 1024;
  int64_t before = wall_ms();
  ChildProcess child;
  REQUIRE(child.start([&](ChildProcess::Reporter& r) {
    r.message("first");
    r.message("");
    r.message(std::string("bin\0\xff\r\n", 7));
    for (int i = 0; i < kMessages; ++i) {
      r.message(numbered(i, max_len));
      if (i % 10 == 0) r.progress(static_cast<uint64_t>(i));
    }
    r.message(std::string(max_len + 500, 'L'));  // over the limit: cut to max_len
    for (int i = 0; i < kProgress; ++i) r.progress(1000 + static_cast<uint64_t>(i));
    r.message("last");
    return 42;
  }));
  int polls = 0;
  auto e = wait_exit(child, &polls);
  REQUIRE(e.has_value());
  CHECK(e->status == 42);
  CHECK_FALSE(e->ok());
  CHECK(polls > 1);  // the child had to wait for the parent to drain the pipe
  const util::ChildProgress& p = child.progress();
  CHECK(p.items_done == 1000 + kProgress - 1);  // the latest one wins
  CHECK(p.cow_bytes > 0);
  CHECK(p.sent_at_ms >= before);
  CHECK(p.sent_at_ms <= wall_ms());
  std::vector<std::string> m = child.take_messages();
  REQUIRE(m.size() == 3 + kMessages + 2);
  CHECK(m[0] == "first");
  CHECK(m[1].empty());
  CHECK(m[2] == std::string("bin\0\xff\r\n", 7));
  for (int i = 0; i < kMessages; ++i) CHECK(m[3 + static_cast<size_t>(i)] == numbered(i, max_len));
  CHECK(m[3 + kMessages] == std::string(max_len, 'L'));
  CHECK(m.back() == "last");
  CHECK(child.take_messages().empty());  // taken
}

TEST_CASE("progress is readable while the child runs", "[child_process]") {
  ChildProcess child;
  REQUIRE(child.start([](ChildProcess::Reporter& r) {
    r.progress(5);
    r.message("started");
    for (;;) ::pause();
    return 0;
  }));
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (child.progress().items_done != 5 && std::chrono::steady_clock::now() < deadline) {
    CHECK_FALSE(child.poll().has_value());
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  CHECK(child.progress().items_done == 5);
  CHECK(child.running());
  CHECK(child.take_messages() == std::vector<std::string>{"started"});
  child.kill_and_wait();
  CHECK_FALSE(child.running());
  CHECK_FALSE(child.poll().has_value());
  // A new child starts from a clean slate.
  REQUIRE(child.start([](ChildProcess::Reporter&) { return 0; }));
  auto e = wait_exit(child);
  REQUIRE(e.has_value());
  CHECK(e->ok());
  CHECK(child.progress().items_done == 0);
  CHECK(child.take_messages().empty());
}

TEST_CASE("kill_and_wait ends a sleeping child", "[child_process]") {
  ChildProcess child;
  REQUIRE(child.start([](ChildProcess::Reporter&) {
    for (;;) ::pause();
    return 0;
  }));
  pid_t pid = child.pid();
  auto t0 = std::chrono::steady_clock::now();
  child.kill_and_wait();
  CHECK(std::chrono::steady_clock::now() - t0 < std::chrono::seconds(2));
  CHECK_FALSE(child.running());
  CHECK_FALSE(child.poll().has_value());
  // Reaped: no zombie left under that pid.
  CHECK(::kill(pid, 0) == -1);
  CHECK(errno == ESRCH);
  child.kill_and_wait();  // nothing running: a no-op
}

TEST_CASE("a child killed from outside reports the signal", "[child_process]") {
  // SIGUSR1 ignored in the parent: the child restores the default, so the signal still ends it.
  sighandler_t old = ::signal(SIGUSR1, SIG_IGN);
  std::optional<ChildProcess::Exit> usr1, killed;
  {
    ChildProcess child;
    bool started = child.start([](ChildProcess::Reporter& r) {
      r.message("ready");
      for (;;) ::pause();
      return 0;
    });
    ::signal(SIGUSR1, old);
    REQUIRE(started);
    // Wait until the child has run its setup (the message is sent after it).
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    while (child.take_messages().empty() && std::chrono::steady_clock::now() < deadline) {
      child.poll();
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    ::kill(child.pid(), SIGUSR1);
    usr1 = wait_exit(child);
  }
  REQUIRE(usr1.has_value());
  CHECK(usr1->by_signal);
  CHECK(usr1->status == SIGUSR1);
  CHECK_FALSE(usr1->ok());
  {
    ChildProcess child;
    REQUIRE(child.start([](ChildProcess::Reporter&) {
      for (;;) ::pause();
      return 0;
    }));
    ::kill(child.pid(), SIGKILL);
    killed = wait_exit(child);
  }
  REQUIRE(killed.has_value());
  CHECK(killed->by_signal);
  CHECK(killed->status == SIGKILL);
}

TEST_CASE("the child cannot use descriptors it inherited", "[child_process]") {
  // One pipe below the report pipe's descriptors and one above: two placeholders are freed
  // just before start so the report pipe lands in the hole between them.
  int low[2];
  REQUIRE(::pipe(low) == 0);
  int hole1 = ::open("/dev/null", O_RDONLY), hole2 = ::open("/dev/null", O_RDONLY);
  REQUIRE(hole1 >= 0);
  REQUIRE(hole2 >= 0);
  int high[2];
  REQUIRE(::pipe(high) == 0);
  REQUIRE(std::min(high[0], high[1]) > std::max(hole1, hole2));
  ::close(hole1);
  ::close(hole2);
  ChildProcess child;
  REQUIRE(child.start([&](ChildProcess::Reporter& r) {
    int code = 0;
    for (int fd : {low[0], low[1], high[0], high[1]}) {
      errno = 0;
      if (::fcntl(fd, F_GETFD) != -1 || errno != EBADF) code |= 1;
    }
    if (::write(high[1], "x", 1) != -1) code |= 2;
    for (int fd : {0, 1, 2})
      if (::fcntl(fd, F_GETFD) == -1) code |= 4;  // stdio stays
    // Exactly one descriptor above stderr is left: the report pipe.
    int open_fds = 0, report_fd = -1;
    for (int fd = 3; fd < 4096; ++fd) {
      if (::fcntl(fd, F_GETFD) != -1) {
        ++open_fds;
        report_fd = fd;
      }
    }
    if (open_fds != 1) code |= 8;
    r.message(std::to_string(report_fd));
    return code;
  }));
  auto e = wait_exit(child);
  REQUIRE(e.has_value());
  CHECK(e->status == 0);
  std::vector<std::string> m = child.take_messages();
  REQUIRE(m.size() == 1);
  // The report pipe sat between the two test pipes, so both close_range calls were needed.
  int report_fd = std::stoi(m[0]);
  CHECK(report_fd > std::max(low[0], low[1]));
  CHECK(report_fd < std::min(high[0], high[1]));
  // And in the parent they are all still open, and nothing came through.
  for (int fd : {low[0], low[1], high[0], high[1]}) CHECK(::fcntl(fd, F_GETFD) != -1);
  ::fcntl(high[0], F_SETFL, O_NONBLOCK);
  char c;
  CHECK(::read(high[0], &c, 1) == -1);
  CHECK(errno == EAGAIN);
  for (int fd : {low[0], low[1], high[0], high[1]}) ::close(fd);
}

TEST_CASE("private_dirty_bytes sees copy-on-write in a child", "[child_process]") {
  CHECK(util::private_dirty_bytes() > 0);
  constexpr size_t kBig = 16 << 20;
  // Touched before the fork, so after it the pages are shared until the child writes them.
  auto buffer = std::make_unique<char[]>(kBig);
  std::memset(buffer.get(), 1, kBig);
  char* data = buffer.get();
  ChildProcess child;
  REQUIRE(child.start([data](ChildProcess::Reporter& r) {
    uint64_t before = util::private_dirty_bytes();
    std::memset(data, 2, kBig);
    uint64_t after = util::private_dirty_bytes();
    r.message(std::to_string(before));
    r.message(std::to_string(after));
    r.progress(1);
    return before > 0 ? 0 : 1;
  }));
  auto e = wait_exit(child);
  REQUIRE(e.has_value());
  CHECK(e->ok());
  std::vector<std::string> m = child.take_messages();
  REQUIRE(m.size() == 2);
  uint64_t before = std::stoull(m[0]), after = std::stoull(m[1]);
  CHECK(after >= before + kBig * 9 / 10);
  // The progress record measured after the writes.
  CHECK(child.progress().cow_bytes >= after);
  CHECK(child.progress().items_done == 1);
  CHECK(buffer[0] == 1);  // the parent's copy is untouched
}

TEST_CASE("start while a child runs fails with EBUSY", "[child_process]") {
  ChildProcess child;
  REQUIRE(child.start([](ChildProcess::Reporter&) {
    ::pause();
    return 0;
  }));
  pid_t first = child.pid();
  errno = 0;
  bool second_ran = false;
  CHECK_FALSE(child.start([&](ChildProcess::Reporter&) {
    second_ran = true;
    return 0;
  }));
  CHECK(errno == EBUSY);
  CHECK(child.running());
  CHECK(child.pid() == first);
  CHECK_FALSE(second_ran);
  // The destructor kills and reaps the one still running. Had a second child replaced it, the
  // first would be lost to the object: end it here rather than leave it paused forever.
  if (child.pid() != first) {
    ::kill(first, SIGKILL);
    ::waitpid(first, nullptr, 0);
  }
}
