// The snapshot on disk: written whole to a temporary file beside the target, fsynced, renamed
// over it and the directory fsynced, so a crash leaves either the old dump or the new one,
// never a torn file. Blocking I/O; called from the event loop (SAVE) or before it starts.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "cardinal/engine/keyspace.h"
#include "cardinal/persist/rdb_error.h"
#include "cardinal/persist/rdb_reader.h"
#include "cardinal/persist/rdb_writer.h"

namespace cardinal::persist {

// Throws RdbError naming the failing step and errno's text.
void write_file_atomically(const std::string& path, std::string_view bytes);
// The same through a temp file of the given bare name beside `path` (Redis names each kind of
// temp file differently: temp-appendonly.aof.manifest, ...); plain step texts in the error.
void write_file_atomically(const std::string& path, std::string_view bytes,
                           const std::string& temp_name);

// The file's bytes; std::nullopt when it does not exist. Throws RdbError on other failures.
std::optional<std::string> read_whole_file(const std::string& path);
// The same, naming the file's kind (`what`, e.g. "AOF manifest") in the error.
std::optional<std::string> read_whole_file(const std::string& path, std::string_view what);

// A file's bytes mapped read-only, for the loaders: the kernel pages them in as the parser moves
// on and, being page cache rather than heap, may drop them again, so a restart does not need a
// heap copy of the whole file on top of the dataset. Move-only; unmapped on destruction.
class MappedFile {
 public:
  // std::nullopt when the file does not exist. A device or other non-regular file maps as
  // empty (as read_whole_file reads it); a directory is an error. Throws RdbError.
  static std::optional<MappedFile> open(const std::string& path, std::string_view what);

  MappedFile(MappedFile&& other) noexcept;
  MappedFile& operator=(MappedFile&& other) noexcept;
  MappedFile(const MappedFile&) = delete;
  MappedFile& operator=(const MappedFile&) = delete;
  ~MappedFile();

  std::string_view bytes() const { return {static_cast<const char*>(data_), size_}; }

  // The loader is done with the bytes before `offset`: their pages are dropped (in steps of
  // kReleaseStep), so the load's peak memory does not include the file already parsed. Reading
  // them again still works (the kernel pages them back in).
  void release_before(size_t offset) {
    if (offset >= released_ + kReleaseStep) release(offset);
  }

 private:
  static constexpr size_t kReleaseStep = 8u << 20;
  MappedFile(void* data, size_t size) : data_(data), size_(size) {}
  void release(size_t offset);
  void* data_ = nullptr;
  size_t size_ = 0;
  size_t released_ = 0;
};

// rdb_serialize + write_file_atomically.
void save_snapshot(const engine::Keyspace& keyspace, const std::string& path,
                   const RdbSaveOptions& options);

// MappedFile + rdb_load; std::nullopt when there is no file.
std::optional<RdbLoadResult> load_snapshot(const std::string& path, engine::Keyspace& keyspace,
                                           const RdbLoadOptions& options);

}  // namespace cardinal::persist
