// Serialises the keyspace into Redis's RDB format, version 10, as Redis 7.0 would: aux fields,
// SELECTDB + RESIZEDB per non-empty database, millisecond expiries, and every value in its
// plain RDB form (STRING with integer and LZF encodings, LIST, SET, HASH, ZSET_2), which Redis
// 7.0 loads and re-encodes compactly itself. Ends with EOF and the CRC64. Reads the engine only;
// event-loop thread (the keyspace must not change while it runs).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "cardinal/engine/keyspace.h"

namespace cardinal::persist {

// Told after each key is written: the snapshot child reports its progress and applies
// rdb-key-save-delay through it.
class RdbProgress {
 public:
  virtual ~RdbProgress() = default;
  virtual void key_written() = 0;
};

struct RdbSaveOptions {
  int64_t now_ms = 0;     // ctime aux field; keys already expired at this time are left out
  uint64_t used_mem = 0;  // used-mem aux field
  bool compress = true;   // rdbcompression: LZF for strings over 20 bytes when it saves space
  bool checksum = true;   // rdbchecksum: without it the trailer is 0, which readers skip
  bool aof_base = false;  // the aof-base aux field: the file is the base of an AOF
  RdbProgress* progress = nullptr;
};

// Where rdb_write puts the file, in order, in pieces of about 64 KiB. write() throws RdbError
// to abandon the save.
class RdbSink {
 public:
  virtual ~RdbSink() = default;
  virtual void write(std::string_view bytes) = 0;
};

// The whole file, header to checksum, streamed into `sink`.
void rdb_write(const engine::Keyspace& keyspace, const RdbSaveOptions& options, RdbSink& sink);

// The whole file as one string (tests, small dumps).
std::string rdb_serialize(const engine::Keyspace& keyspace, const RdbSaveOptions& options);

// One value as it follows its key: the type byte, then the payload (tests and DEBUG use it).
void rdb_append_value(std::string& out, const engine::Value& value, bool compress);

}  // namespace cardinal::persist
