// The base file of an append-only file, written by a rewrite: either an RDB image (with the
// aof-base aux field set, aof-use-rdb-preamble yes) or the commands that rebuild the dataset
// (SELECT, then SET / RPUSH / SADD / ZADD / HMSET per key in batches, PEXPIREAT for TTLs). Reads
// the engine only; runs in the rewrite child (or on the loop when the dataset is tiny).
#pragma once

#include <string>

#include "cardinal/engine/keyspace.h"
#include "cardinal/persist/rdb_writer.h"

namespace cardinal::persist {

// Writes the whole base to `temp_path`, fsyncs it and renames it to `final_path` (both in the
// same file system). Throws AofError or RdbError; a failure leaves no temp file behind.
void write_aof_base(const engine::Keyspace& keyspace, bool rdb_preamble,
                    const RdbSaveOptions& options, const std::string& temp_path,
                    const std::string& final_path);

// The command form of a base, streamed into `sink` (tests use a string sink).
void write_aof_commands(const engine::Keyspace& keyspace, const RdbSaveOptions& options,
                        RdbSink& sink);

}  // namespace cardinal::persist
