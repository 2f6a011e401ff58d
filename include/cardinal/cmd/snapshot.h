// The glue between the server's state and persist's RDB files: the file path (dbfilename,
// relative to `dir`, which the process has chdir'ed into), the load limits from the config, and
// LASTSAVE bookkeeping. Used by SAVE and DEBUG RELOAD and by the server at startup.
// Event-loop thread (or before the loop starts).
#pragma once

#include <optional>
#include <string>

#include "cardinal/cmd/server_state.h"
#include "cardinal/persist/rdb_reader.h"
#include "cardinal/persist/rdb_writer.h"

namespace cardinal::cmd {

std::string snapshot_path(const ServerState& s);

// `save` has at least one save point: SHUTDOWN and FLUSHALL then write the dump.
bool save_points_configured(const config::Settings& s);

// rdb-key-save-delay after a key, as Redis reads it: n > 0 sleeps n µs after every key, n < 0
// sleeps 1 µs after every |n|th key.
void apply_key_save_delay(int64_t delay, uint64_t keys_written);

// Writes the dump; updates last_save_s. Throws persist::RdbError.
void save_snapshot(ServerState& s);

// How a snapshot is written now: the time, memory and rdbcompression/rdbchecksum settings.
persist::RdbSaveOptions snapshot_save_options(const ServerState& s);

// The load limits (encodings to build) from the config.
persist::RdbLoadOptions snapshot_load_options(const ServerState& s);

// Loads the dump into the keyspace; std::nullopt when there is no file. A key already present
// is an error unless `merge`, which replaces it. Throws persist::RdbError.
std::optional<persist::RdbLoadResult> load_snapshot(ServerState& s, bool merge = false);

}  // namespace cardinal::cmd
