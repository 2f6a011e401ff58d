// persist: AofFile and append_resp_command. Random binary commands encode into RESP that the AOF
// reader splits back into the same argv; the file appends, truncates, follows a rename and
// takes its unwritten buffer along to a new path; fsync runs inline and on the worker (a FIFO,
// where fdatasync fails with EINVAL, shows the worker really ran and reports its errno); a
// write to /dev/full fails with ENOSPC keeping the buffer, and a short write (RLIMIT_FSIZE) is
// cut back so the file never ends inside a command; destroying the file with a background
// fsync queued or running neither hangs nor leaks (run under ASan).
#include <catch2/catch.hpp>

#include <fcntl.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "cardinal/persist/aof_error.h"
#include "cardinal/persist/aof_file.h"
#include "cardinal/persist/aof_reader.h"
#include "temp_dir.h"

using namespace cardinal;
using persist::AofFile;
using Command = std::vector<std::string>;

namespace {

using cardinal::test::TempDir;

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string encode(const Command& argv) {
  std::vector<std::string_view> views(argv.begin(), argv.end());
  std::string out;
  persist::append_resp_command(out, views);
  return out;
}

std::vector<Command> parse_all(std::string_view bytes, persist::AofParseResult& result) {
  std::vector<Command> out;
  result = persist::parse_aof_commands(bytes, [&](std::span<const std::string_view> argv, size_t) {
    out.emplace_back(argv.begin(), argv.end());
  });
  return out;
}

size_t open_fds() {
  size_t n = 0;
  for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator("/proc/self/fd")) ++n;
  return n;
}

bool wait_until(const std::function<bool()>& done) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (!done()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return true;
}

// Lowers the process's file size limit for one scope, with SIGXFSZ ignored, so a write past it
// is short and the next one fails with EFBIG instead of killing the process.
class FileSizeLimit {
 public:
  explicit FileSizeLimit(rlim_t bytes) {
    ::getrlimit(RLIMIT_FSIZE, &saved_);
    old_handler_ = ::signal(SIGXFSZ, SIG_IGN);
    rlimit lower = saved_;
    lower.rlim_cur = bytes;
    ok_ = ::setrlimit(RLIMIT_FSIZE, &lower) == 0;
  }
  ~FileSizeLimit() {
    ::setrlimit(RLIMIT_FSIZE, &saved_);
    ::signal(SIGXFSZ, old_handler_);
  }
  bool ok() const { return ok_; }

 private:
  rlimit saved_{};
  sighandler_t old_handler_;
  bool ok_ = false;
};

}  // namespace

TEST_CASE("append_resp_command writes RESP arrays of bulk strings", "[aof_file]") {
  CHECK(encode({"SET", "k", ""}) == "*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$0\r\n\r\n");
  CHECK(encode({"PING"}) == "*1\r\n$4\r\nPING\r\n");
  CHECK(encode({std::string("a\0\r\nb", 5)}) == std::string("*1\r\n$5\r\na\0\r\nb\r\n", 15));
  std::string twelve = encode(Command(12, "x"));
  CHECK(twelve.substr(0, 5) == "*12\r\n");
  CHECK(twelve.size() == 5 + 12 * 7);
  // Appends: what was in the string before stays.
  std::string out = "before";
  std::vector<std::string_view> argv = {"DEL", "k"};
  persist::append_resp_command(out, argv);
  CHECK(out == "before*2\r\n$3\r\nDEL\r\n$1\r\nk\r\n");
}

TEST_CASE("append_resp_command round trips random binary commands", "[aof_file]") {
  std::mt19937_64 rng(2026);
  const char alphabet[] = {'\0', '\r', '\n', '*', '$', 'a', '1', '\xff'};
  std::vector<Command> sent;
  std::string file;
  for (int i = 0; i < 400; ++i) {
    Command c(1 + rng() % 8);
    for (auto& arg : c) {
      size_t kind = rng() % 20;
      size_t len = kind == 0 ? 0 : kind == 1 ? 10000 + rng() % 100000 : rng() % 40;
      arg.resize(std::min<size_t>(len, 64));
      for (auto& ch : arg)
        ch = rng() % 2 ? alphabet[rng() % sizeof alphabet] : static_cast<char>(rng());
      // Long values repeat a random head (cheap), with the special bytes at the seams.
      while (arg.size() < len) arg.append(arg, 0, std::min(arg.size(), len - arg.size()));
    }
    sent.push_back(c);
    persist::append_resp_command(file, std::vector<std::string_view>(c.begin(), c.end()));
  }
  persist::AofParseResult r;
  std::vector<Command> got = parse_all(file, r);
  CHECK(r.status == persist::AofParseResult::Status::kOk);
  CHECK(r.valid_bytes == file.size());
  CHECK(r.commands == sent.size());
  REQUIRE(got.size() == sent.size());
  for (size_t i = 0; i < sent.size(); ++i) CHECK(got[i] == sent[i]);
}

TEST_CASE("AofFile opens, appends, truncates and follows renames", "[aof_file]") {
  TempDir dir;
  const std::string a = dir / "a.aof";
  const std::string one = encode({"SET", "k", "v"});
  const std::string two = encode({"RPUSH", "l", std::string("\0\r\n", 3)});
  {
    AofFile f;
    CHECK_FALSE(f.is_open());
    f.open(a);
    CHECK(f.is_open());
    CHECK(f.path() == a);
    CHECK(std::filesystem::exists(a));
    CHECK(f.size() == 0);
    f.buffer() += one;
    CHECK(f.has_buffered());
    CHECK(read_file(a).empty());  // nothing reaches the file before write_buffered
    REQUIRE(f.write_buffered(false));
    CHECK_FALSE(f.has_buffered());
    CHECK(f.size() == one.size());
    CHECK(f.unsynced() == one.size());
    CHECK(read_file(a) == one);
    REQUIRE(f.fsync_now());
    CHECK(f.unsynced() == 0);
    f.buffer() += two;
    REQUIRE(f.write_buffered(true));  // with fsync
    CHECK(f.unsynced() == 0);
    CHECK(f.size() == one.size() + two.size());
    f.close();
    CHECK_FALSE(f.is_open());
    CHECK(f.fsync_now());  // nothing open: nothing to fail
  }
  CHECK(read_file(a) == one + two);
  {
    // An existing file is appended to, and its size is counted from what is there.
    AofFile f;
    f.open(a);
    CHECK(f.size() == one.size() + two.size());
    CHECK(f.unsynced() == 0);
    f.buffer() += one;
    REQUIRE(f.write_buffered(false));
    CHECK(read_file(a) == one + two + one);
    CHECK(f.size() == read_file(a).size());
    // truncate empties it.
    f.open(a, true);
    CHECK(f.size() == 0);
    CHECK(read_file(a).empty());
    f.buffer() += two;
    REQUIRE(f.write_buffered(false));
    CHECK(read_file(a) == two);
    // Renamed on disk: the open descriptor keeps writing into the same file.
    const std::string b = dir / "b.aof";
    std::filesystem::rename(a, b);
    f.renamed(b);
    CHECK(f.path() == b);
    f.buffer() += one;
    REQUIRE(f.write_buffered(false));
    CHECK(read_file(b) == two + one);
    CHECK_FALSE(std::filesystem::exists(a));
    // Buffered bytes not yet written go to the next file opened.
    const std::string c = dir / "c.aof";
    f.buffer() += two;
    f.open(c);
    CHECK(f.path() == c);
    CHECK(f.has_buffered());
    REQUIRE(f.write_buffered(false));
    CHECK(read_file(c) == two);
    CHECK(read_file(b) == two + one);
    // Closed, the buffer waits for the next file.
    f.close();
    f.buffer() += one;
    f.write_buffered(false);
    CHECK(f.has_buffered());
    f.open(b);
    REQUIRE(f.write_buffered(false));
    CHECK(read_file(b) == two + one + one);
  }
  // Opening a path that cannot be created throws AofError and leaves the open file alone.
  AofFile f;
  f.open(dir / "d.aof");
  CHECK_THROWS_AS(f.open(dir / "missing/e.aof"), persist::AofError);
  CHECK(f.is_open());
  CHECK(f.path() == dir / "d.aof");
}

TEST_CASE("AofFile holds one descriptor at a time", "[aof_file]") {
  TempDir dir;
  const size_t baseline = open_fds();
  {
    AofFile f;
    for (const char* name : {"a.aof", "b.aof", "c.aof", "a.aof"}) {
      f.open(dir / name);
      CHECK(open_fds() == baseline + 1);  // the previous file was closed
    }
    f.open(dir / "c.aof", true);
    CHECK(open_fds() == baseline + 1);
    f.close();
    CHECK(open_fds() == baseline);
    f.open(dir / "b.aof");
    CHECK(open_fds() == baseline + 1);
  }
  CHECK(open_fds() == baseline);  // the destructor closes it
}

TEST_CASE("AofFile fsyncs on its worker thread", "[aof_file]") {
  TempDir dir;
  const std::string path = dir / "bg.aof";
  const std::string cmd = encode({"SET", "key", std::string(1000, 'v')});
  AofFile f;
  f.open(path);
  // Nothing unsynced: no job.
  f.fsync_in_background();
  CHECK_FALSE(f.background_fsync_running());
  for (int round = 0; round < 10; ++round) {
    REQUIRE(wait_until([&] { return !f.background_fsync_running(); }));
    f.buffer() += cmd;
    REQUIRE(f.write_buffered(false));
    CHECK(f.unsynced() == cmd.size());
    f.fsync_in_background();
    CHECK(f.unsynced() == 0);  // the job covers everything written so far
  }
  // In a burst, a job still running means the next is not queued: those bytes stay unsynced
  // until a later call finds the worker idle.
  for (int round = 0; round < 10; ++round) {
    f.buffer() += cmd;
    REQUIRE(f.write_buffered(false));
    bool was_running = f.background_fsync_running();
    f.fsync_in_background();
    if (!was_running) CHECK(f.unsynced() == 0);
  }
  CHECK(wait_until([&] { return !f.background_fsync_running(); }));
  f.fsync_in_background();
  CHECK(f.unsynced() == 0);
  CHECK(wait_until([&] { return !f.background_fsync_running(); }));
  CHECK(f.background_fsync_errno() == 0);
  // close() waits for a job still running (a large write makes it likely to be).
  f.buffer() += encode({"SET", "big", std::string(4 << 20, 'b')});
  REQUIRE(f.write_buffered(false));
  f.fsync_in_background();
  f.close();
  CHECK_FALSE(f.background_fsync_running());
  CHECK(read_file(path).size() ==
        20 * cmd.size() + encode({"SET", "big", std::string(4 << 20, 'b')}).size());
}

TEST_CASE("AofFile reports fsync failures inline and from the worker", "[aof_file]") {
  // fdatasync on a FIFO fails with EINVAL: the only way to see the worker call it.
  TempDir dir;
  const std::string fifo = dir / "fifo.aof";
  REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
  int reader = ::open(fifo.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  REQUIRE(reader >= 0);
  {
    AofFile f;
    f.open(fifo);
    f.buffer() += encode({"PING"});
    REQUIRE(f.write_buffered(false));
    CHECK_FALSE(f.fsync_now());
    CHECK(f.last_errno() == EINVAL);
    CHECK(f.unsynced() > 0);
    CHECK(f.background_fsync_errno() == 0);
    f.fsync_in_background();
    CHECK(wait_until([&] { return !f.background_fsync_running(); }));
    CHECK(f.background_fsync_errno() == EINVAL);
    // write_buffered(true) reports the fsync failure too, after writing.
    f.buffer() += encode({"PING"});
    CHECK_FALSE(f.write_buffered(true));
    CHECK(f.last_errno() == EINVAL);
    CHECK_FALSE(f.has_buffered());
  }
  char buf[64];
  CHECK(::read(reader, buf, sizeof buf) == 2 * 14);
  ::close(reader);
}

TEST_CASE("AofFile keeps the buffer when the disk is full", "[aof_file]") {
  TempDir dir;
  const std::string full = dir / "full.aof";
  std::filesystem::create_symlink("/dev/full", full);
  const std::string cmds = encode({"SET", "a", "1"}) + encode({"SET", "b", "2"});
  AofFile f;
  f.open(full);
  f.buffer() += cmds;
  CHECK_FALSE(f.write_buffered(false));
  CHECK(f.last_errno() == ENOSPC);
  CHECK(f.buffer() == cmds);
  CHECK(f.size() == 0);
  // Still failing on a retry, with more commands queued behind.
  f.buffer() += encode({"DEL", "a"});
  CHECK_FALSE(f.write_buffered(false));
  CHECK(f.buffer() == cmds + encode({"DEL", "a"}));
  // Pointed at a real file, everything kept is written.
  const std::string real = dir / "real.aof";
  f.open(real);
  REQUIRE(f.write_buffered(false));
  CHECK(f.last_errno() == 0);
  CHECK(read_file(real) == cmds + encode({"DEL", "a"}));
  CHECK(f.size() == read_file(real).size());
}

TEST_CASE("AofFile cuts a short write back to the last whole command", "[aof_file]") {
  TempDir dir;
  const std::string path = dir / "short.aof";
  const std::string first = encode({"SET", "first", "1"});
  std::string rest;
  for (int i = 0; i < 100; ++i) rest += encode({"SET", "k" + std::to_string(i), "some value"});
  AofFile f;
  f.open(path);
  f.buffer() += first;
  REQUIRE(f.write_buffered(false));
  f.buffer() += rest;
  bool wrote;
  int err;
  {
    // The limit falls inside `rest`: the first write() is short, the next fails with EFBIG.
    FileSizeLimit limit(first.size() + rest.size() / 2);
    REQUIRE(limit.ok());
    wrote = f.write_buffered(false);
    err = f.last_errno();
  }
  CHECK_FALSE(wrote);
  CHECK(err == EFBIG);
  CHECK(f.size() == first.size());
  CHECK(std::filesystem::file_size(path) == first.size());
  CHECK(f.buffer() == rest);
  // Once the error clears the retry leaves a file that parses whole.
  REQUIRE(f.write_buffered(false));
  std::string bytes = read_file(path);
  CHECK(bytes == first + rest);
  persist::AofParseResult r;
  CHECK(parse_all(bytes, r).size() == 101);
  CHECK(r.status == persist::AofParseResult::Status::kOk);
}

TEST_CASE("AofFile is destroyed safely with background fsyncs in flight", "[aof_file]") {
  TempDir dir;
  const std::string big(1 << 20, 'x');
  auto start = std::chrono::steady_clock::now();
  for (int round = 0; round < 20; ++round) {
    AofFile f;
    f.open(dir / ("d" + std::to_string(round % 4) + ".aof"), true);
    f.buffer() += encode({"SET", "k", round % 2 ? big : "v"});
    REQUIRE(f.write_buffered(false));
    f.fsync_in_background();
    if (round % 3 == 0) {
      // Another write while the job may still run: it is not queued twice.
      f.buffer() += encode({"SET", "k", "v"});
      REQUIRE(f.write_buffered(false));
      f.fsync_in_background();
    }
    if (round % 5 == 0) f.open(dir / "other.aof");  // switching files waits for the job
  }
  {
    AofFile never_opened;  // no worker, no file
  }
  {
    AofFile f;  // closed with the worker idle, then destroyed
    f.open(dir / "idle.aof");
    f.buffer() += "x";
    REQUIRE(f.write_buffered(false));
    f.fsync_in_background();
    CHECK(wait_until([&] { return !f.background_fsync_running(); }));
    f.close();
  }
  CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(5));
}
