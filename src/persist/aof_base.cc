#include "cardinal/persist/aof_base.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string_view>
#include <vector>

#include "cardinal/persist/aof_error.h"
#include "cardinal/persist/aof_file.h"
#include "cardinal/util/numbers.h"

namespace cardinal::persist {

namespace {

// Elements per RPUSH/SADD/ZADD/HSET in the command form, as Redis's rewrite batches them.
constexpr size_t kItemsPerCommand = 64;
constexpr size_t kDrainBytes = 64 * 1024;

// Collects one command's arguments; the strings live in `storage` until the command is emitted.
class CommandOut {
 public:
  CommandOut(RdbSink& sink, RdbProgress* progress) : sink_(sink), progress_(progress) {}

  void emit(std::span<const std::string_view> argv) {
    append_resp_command(out_, argv);
    if (out_.size() >= kDrainBytes) drain();
  }
  void drain() {
    if (!out_.empty()) sink_.write(out_);
    out_.clear();
  }
  void key_done() {
    if (progress_) progress_->key_written();
  }

 private:
  RdbSink& sink_;
  RdbProgress* progress_;
  std::string out_;
};

// Emits `cmd key item...` in batches of kItemsPerCommand items (each item one or two strings).
class Batcher {
 public:
  Batcher(CommandOut& out, std::string_view cmd, std::string_view key) : out_(out) {
    args_.push_back(std::string(cmd));
    args_.push_back(std::string(key));
  }
  void item(std::string_view a) {
    args_.emplace_back(a);
    end_item();
  }
  void item(std::string_view a, std::string_view b) {
    args_.emplace_back(a);
    args_.emplace_back(b);
    end_item();
  }
  void finish() {
    if (items_ > 0) flush();
  }

 private:
  void end_item() {
    if (++items_ == kItemsPerCommand) flush();
  }
  void flush() {
    views_.assign(args_.begin(), args_.end());
    out_.emit(views_);
    args_.resize(2);
    items_ = 0;
  }
  CommandOut& out_;
  std::vector<std::string> args_;
  std::vector<std::string_view> views_;
  size_t items_ = 0;
};

void write_value(CommandOut& out, std::string_view key, const engine::Value& v) {
  switch (v.type()) {
    case engine::ValueType::String: {
      char buf[24];
      std::string_view args[] = {"SET", key, v.string_view(buf)};
      out.emit(args);
      break;
    }
    case engine::ValueType::List: {
      Batcher b(out, "RPUSH", key);
      v.as_list().for_each([&](std::string_view e) { b.item(e); });
      b.finish();
      break;
    }
    case engine::ValueType::Set: {
      Batcher b(out, "SADD", key);
      v.as_set().for_each([&](std::string_view m) { b.item(m); });
      b.finish();
      break;
    }
    case engine::ValueType::Hash: {
      Batcher b(out, "HMSET", key);  // what Redis 7.0 writes
      v.as_hash().for_each([&](std::string_view f, std::string_view val) { b.item(f, val); });
      b.finish();
      break;
    }
    case engine::ValueType::ZSet: {
      Batcher b(out, "ZADD", key);
      v.as_zset().for_each([&](std::string_view m, double score) {
        b.item(util::format_double(score), m);
        return true;
      });
      b.finish();
      break;
    }
  }
}

class FileSink final : public RdbSink {
 public:
  explicit FileSink(const std::string& path)
      : path_(path), fd_(::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644)) {
    if (fd_ < 0) fail("Opening the temp file for AOF rewrite");
  }
  ~FileSink() override {
    if (fd_ >= 0) ::close(fd_);
    if (!committed_) ::unlink(path_.c_str());
  }
  void write(std::string_view bytes) override {
    while (!bytes.empty()) {
      ssize_t n = ::write(fd_, bytes.data(), bytes.size());
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) fail("Write error writing the AOF rewrite");
      bytes.remove_prefix(static_cast<size_t>(n));
    }
  }
  void commit(const std::string& final_path) {
    if (::fsync(fd_) != 0) fail("fsync of the AOF rewrite failed");
    int fd = fd_;
    fd_ = -1;
    if (::close(fd) != 0) fail("close of the AOF rewrite failed");
    if (::rename(path_.c_str(), final_path.c_str()) != 0)
      fail("Error moving the AOF rewrite to " + final_path);
    committed_ = true;
  }

 private:
  [[noreturn]] void fail(const std::string& what) {
    throw AofError(what + " (" + path_ + "): " + std::strerror(errno));
  }
  std::string path_;
  int fd_;
  bool committed_ = false;
};

}  // namespace

void write_aof_commands(const engine::Keyspace& keyspace, const RdbSaveOptions& options,
                        RdbSink& sink) {
  CommandOut out(sink, options.progress);
  for (int i = 0; i < keyspace.database_count(); ++i) {
    const engine::Database& db = keyspace.db(i);
    if (db.size() == 0) continue;
    std::string index = util::i64_to_string(i);
    std::string_view select[] = {"SELECT", index};
    out.emit(select);
    db.for_each([&](const engine::DbEntry& e) {
      int64_t at = 0;
      if (e.has_expire()) {
        at = db.expire_of(e);
        if (at < options.now_ms) return;  // already dead
      }
      write_value(out, e.key(), e.value);
      if (at != 0) {
        std::string when = util::i64_to_string(at);
        std::string_view expire[] = {"PEXPIREAT", e.key(), when};
        out.emit(expire);
      }
      out.key_done();
    });
  }
  out.drain();
}

void write_aof_base(const engine::Keyspace& keyspace, bool rdb_preamble,
                    const RdbSaveOptions& options, const std::string& temp_path,
                    const std::string& final_path) {
  FileSink file(temp_path);
  if (rdb_preamble) {
    RdbSaveOptions o = options;
    o.aof_base = true;
    rdb_write(keyspace, o, file);
  } else {
    write_aof_commands(keyspace, options, file);
  }
  file.commit(final_path);
}

}  // namespace cardinal::persist
