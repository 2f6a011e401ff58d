#include "cardinal/persist/snapshot_file.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <utility>

namespace cardinal::persist {

namespace {

[[noreturn]] void io_fail(const std::string& step, const std::string& path) {
  throw RdbError(step + " '" + path + "': " + std::strerror(errno));
}

std::string dir_of(const std::string& path) {
  size_t slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }
  int release() { return std::exchange(fd_, -1); }

 private:
  int fd_;
};

// The log texts of each step: Redis's own for the dump, plain ones for other files.
struct StepTexts {
  const char* open;
  const char* write;
  const char* rename;
};
constexpr StepTexts kRdbTexts{"failed opening the temp RDB file",
                              "write error saving DB on disk to",
                              "error moving temp DB file on the final destination"};
constexpr StepTexts kPlainTexts{"failed opening the temp file", "write error on",
                                "error renaming the temp file to"};

// The temp file being written; unlinked unless commit() renamed it into place.
class AtomicFile final : public RdbSink {
 public:
  explicit AtomicFile(const std::string& path)
      : AtomicFile(path, "temp-" + std::to_string(::getpid()) + ".rdb", kRdbTexts) {}
  AtomicFile(const std::string& path, const std::string& temp_name, const StepTexts& texts)
      : path_(path),
        dir_(dir_of(path)),
        tmp_((dir_ == "." ? std::string() : dir_ + "/") + temp_name),
        texts_(texts),
        fd_(::open(tmp_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644)) {
    if (fd_.get() < 0) io_fail(texts_.open, tmp_);
  }
  ~AtomicFile() override {
    if (!committed_) ::unlink(tmp_.c_str());
  }

  void write(std::string_view bytes) override {
    size_t done = 0;
    while (done < bytes.size()) {
      ssize_t n = ::write(fd_.get(), bytes.data() + done, bytes.size() - done);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) io_fail(texts_.write, tmp_);
      done += static_cast<size_t>(n);
    }
  }

  void commit() {
    if (::fsync(fd_.get()) != 0 || ::close(fd_.release()) != 0)
      io_fail("fsync/close failed for", tmp_);
    if (::rename(tmp_.c_str(), path_.c_str()) != 0) io_fail(texts_.rename, path_);
    committed_ = true;
    // The rename is durable only once the directory entry is.
    Fd dfd(::open(dir_.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (dfd.get() < 0 || ::fsync(dfd.get()) != 0) io_fail("fsync of directory failed", dir_);
  }

 private:
  std::string path_, dir_, tmp_;
  StepTexts texts_;
  Fd fd_;
  bool committed_ = false;
};

}  // namespace

void write_file_atomically(const std::string& path, std::string_view bytes) {
  AtomicFile f(path);
  f.write(bytes);
  f.commit();
}

void write_file_atomically(const std::string& path, std::string_view bytes,
                           const std::string& temp_name) {
  AtomicFile f(path, temp_name, kPlainTexts);
  f.write(bytes);
  f.commit();
}

std::optional<std::string> read_whole_file(const std::string& path) {
  return read_whole_file(path, "RDB");
}

std::optional<std::string> read_whole_file(const std::string& path, std::string_view what) {
  Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (fd.get() < 0) {
    if (errno == ENOENT) return std::nullopt;
    io_fail("failed opening the " + std::string(what) + " file", path);
  }
  std::string out;
  // A device (say /dev/full standing in for a file) may read forever: like Redis, which goes by
  // the size fstat reports, only a regular file's bytes are read.
  struct stat st {};
  if (::fstat(fd.get(), &st) == 0 && !S_ISREG(st.st_mode)) {
    errno = S_ISDIR(st.st_mode) ? EISDIR : 0;
    if (errno) io_fail("failed reading the " + std::string(what) + " file", path);
    return out;
  }
  char buf[1 << 16];
  for (;;) {
    ssize_t n = ::read(fd.get(), buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) io_fail("failed reading the " + std::string(what) + " file", path);
    if (n == 0) break;
    out.append(buf, static_cast<size_t>(n));
  }
  return out;
}

std::optional<MappedFile> MappedFile::open(const std::string& path, std::string_view what) {
  Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (fd.get() < 0) {
    if (errno == ENOENT) return std::nullopt;
    io_fail("failed opening the " + std::string(what) + " file", path);
  }
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0)
    io_fail("failed reading the " + std::string(what) + " file", path);
  if (S_ISDIR(st.st_mode)) {
    errno = EISDIR;
    io_fail("failed reading the " + std::string(what) + " file", path);
  }
  if (!S_ISREG(st.st_mode) || st.st_size == 0) return MappedFile(nullptr, 0);
  size_t size = static_cast<size_t>(st.st_size);
  void* data = ::mmap(nullptr, size, PROT_READ, MAP_PRIVATE, fd.get(), 0);
  if (data == MAP_FAILED) io_fail("failed mapping the " + std::string(what) + " file", path);
  ::madvise(data, size, MADV_SEQUENTIAL);  // read once, front to back
  return MappedFile(data, size);
}

MappedFile::MappedFile(MappedFile&& other) noexcept
    : data_(std::exchange(other.data_, nullptr)),
      size_(std::exchange(other.size_, 0)),
      released_(std::exchange(other.released_, 0)) {}

MappedFile& MappedFile::operator=(MappedFile&& other) noexcept {
  if (this != &other) {
    if (data_) ::munmap(data_, size_);
    data_ = std::exchange(other.data_, nullptr);
    size_ = std::exchange(other.size_, 0);
    released_ = std::exchange(other.released_, 0);
  }
  return *this;
}

void MappedFile::release(size_t offset) {
  const size_t page = static_cast<size_t>(::sysconf(_SC_PAGESIZE));
  size_t end = std::min(offset, size_) / page * page;
  if (end <= released_) return;
  ::madvise(static_cast<char*>(data_) + released_, end - released_, MADV_DONTNEED);
  released_ = end;
}

MappedFile::~MappedFile() {
  if (data_) ::munmap(data_, size_);
}

void save_snapshot(const engine::Keyspace& keyspace, const std::string& path,
                   const RdbSaveOptions& options) {
  AtomicFile f(path);
  rdb_write(keyspace, options, f);
  f.commit();
}

std::optional<RdbLoadResult> load_snapshot(const std::string& path, engine::Keyspace& keyspace,
                                           const RdbLoadOptions& options) {
  std::optional<MappedFile> file = MappedFile::open(path, "RDB");
  if (!file) return std::nullopt;
  RdbLoadOptions o = options;
  o.file = &*file;
  return rdb_load(file->bytes(), keyspace, o);
}

}  // namespace cardinal::persist
