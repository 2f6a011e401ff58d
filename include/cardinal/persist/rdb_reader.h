// Loads an RDB file (versions 1-10, everything Redis 7.0 loads except modules, streams and
// functions, which cardinal lacks: those are an RdbError naming what was found) into the
// keyspace. Values are rebuilt through the engine's own types, so encodings follow the limits
// given here as if the data had arrived from clients. Keys already expired are skipped, empty
// collections too (as Redis does); a duplicated key, a corrupt or truncated file, or a checksum
// mismatch is an RdbError. Event-loop thread (or before the loop starts).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "cardinal/engine/hash_value.h"
#include "cardinal/engine/keyspace.h"
#include "cardinal/engine/zset_value.h"
#include "cardinal/persist/rdb_error.h"

namespace cardinal::persist {

class MappedFile;

struct RdbLoadOptions {
  int64_t now_ms = 0;  // keys expiring before this are not loaded
  size_t set_max_intset_entries = 512;
  engine::HashLimits hash;
  engine::ZSetLimits zset;
  int list_fill = -2;
  // A key already in the keyspace is replaced (DEBUG RELOAD MERGE); otherwise it is an error.
  bool replace_existing = false;
  // Told, after each key, how far into the file the reader is: bytes before it are not read
  // again (MappedFile::release_before).
  MappedFile* file = nullptr;
};

struct RdbLoadResult {
  int version = 0;
  size_t keys_loaded = 0;
  size_t expired_skipped = 0;
  size_t empty_skipped = 0;
  // Bytes read up to and including the EOF opcode and checksum; what follows is not looked at
  // (an AOF with an RDB preamble continues there with commands).
  size_t consumed = 0;
};

// Throws RdbError; on error the keyspace holds whatever was loaded before the fault.
RdbLoadResult rdb_load(std::string_view file, engine::Keyspace& keyspace,
                       const RdbLoadOptions& options);

}  // namespace cardinal::persist
