// The manifest of Redis 7.0's multi-part append-only file: which base, incremental and history
// files make up the AOF, in the text form Redis reads and writes ("file <name> seq <n> type
// <b|h|i>" per line), the file names Redis derives from appendfilename, and the edits Redis makes
// when the AOF opens and when a rewrite starts and ends, as pure functions on a value. Pure
// except the two file helpers at the end (blocking I/O). Any thread.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cardinal/persist/aof_error.h"

namespace cardinal::persist {

enum class AofFileType : char { kBase = 'b', kHistory = 'h', kIncr = 'i' };

struct AofFileInfo {
  std::string name;  // a bare file name inside the AOF directory (appenddirname)
  int64_t seq = 0;
  AofFileType type = AofFileType::kBase;

  bool operator==(const AofFileInfo&) const = default;
};

struct AofManifest {
  std::optional<AofFileInfo> base;
  std::vector<AofFileInfo> incrs;    // strictly increasing seq; the last one is being appended to
  std::vector<AofFileInfo> history;  // newest first, as Redis keeps them
  int64_t current_base_seq = 0;      // the base's seq (0 without one); the next base is one more
  int64_t current_incr_seq = 0;      // the last incr's seq; never goes down while running

  bool operator==(const AofManifest&) const = default;
};

// Parses a manifest the way Redis 7.0.15 does: lines of at most 1024 bytes before the '\n'
// (every line, the last too, must end in '\n'); a line starting with '#' is a comment; otherwise
// the line, trimmed of " \t\r\n", is split with Redis's quoting rules into key/value pairs in any
// order and case (unknown keys ignored; at least 6 words, an even count); `file` must be a bare
// name (no '/' or '\\'), `seq` is read like atoll and must not be 0, `type` is the first byte of
// its value. Blank lines are errors. An empty text is an error; a text of only comments is an
// empty manifest. Throws AofError with Redis's reason text and the line number.
AofManifest parse_aof_manifest(std::string_view text);

// The manifest text Redis writes: the base, then the history files, then the incrs, one line
// each; names that need it quoted as Redis quotes them ("..." with \" \\ \n \r \t \a \b and \xHH
// escapes). Unlike Redis, a name holding a single quote (which Redis writes bare and then cannot
// read back) or an empty name is quoted too.
std::string format_aof_manifest(const AofManifest& manifest);

// "<appendfilename>.<seq>.base.rdb" (".base.aof" without the RDB preamble).
std::string aof_base_name(std::string_view appendfilename, int64_t seq, bool rdb_preamble);
// "<appendfilename>.<seq>.incr.aof".
std::string aof_incr_name(std::string_view appendfilename, int64_t seq);
// "<appendfilename>.manifest", inside the AOF directory.
std::string aof_manifest_name(std::string_view appendfilename);
// "temp-<appendfilename>.manifest": the manifest is written to it, then renamed.
std::string aof_temp_manifest_name(std::string_view appendfilename);
// "temp-<appendfilename>.incr": where Redis appends while AOF is being switched on at runtime,
// until the first rewrite ends and it is renamed to the next incr name.
std::string aof_temp_incr_name(std::string_view appendfilename);
// "temp-rewriteaof-bg-<child pid>.aof", in `dir` itself (not the AOF directory): the finished
// rewrite, which the parent renames into the AOF directory as the new base.
std::string aof_temp_rewrite_name(int64_t child_pid);
// "temp-rewriteaof-<child pid>.aof", in `dir`: what the child writes before renaming it to
// aof_temp_rewrite_name.
std::string aof_child_temp_rewrite_name(int64_t child_pid);

// Opening a new incr file (the AOF opened with none, or a rewrite starting): the next incr seq,
// appended after the others. Returns the new entry.
AofFileInfo& add_new_incr(AofManifest& manifest, std::string_view appendfilename);

// A rewrite produced a new base: the old base (if any) becomes the newest history entry, the new
// one gets the next base seq. Returns the new base's name.
std::string new_base_marking_old_as_history(AofManifest& manifest, std::string_view appendfilename,
                                            bool rdb_preamble);

// After a rewrite, the incrs it covered become history, ahead of the older history and in seq
// order. With AOF on, the last incr (the one being appended to) stays; with AOF off, all go.
void mark_rewritten_incrs_as_history(AofManifest& manifest, bool aof_enabled = true);

// Empties the history list and returns the names of its files, for deletion. Redis deletes them
// and writes the manifest again right after a rewrite has been recorded.
std::vector<std::string> take_history(AofManifest& manifest);

// The files to replay, in order: the base (if any), then every incr.
std::vector<std::string> files_to_load(const AofManifest& manifest);

// Writes <dir>/<appendfilename>.manifest atomically: temp-<appendfilename>.manifest in `dir`,
// fsync, rename, directory fsync. Throws AofError.
void write_aof_manifest(const std::string& dir, std::string_view appendfilename,
                        const AofManifest& manifest);

// Reads and parses <dir>/<appendfilename>.manifest; std::nullopt when it does not exist. Throws
// AofError on a read failure or an invalid manifest.
std::optional<AofManifest> read_aof_manifest(const std::string& dir,
                                             std::string_view appendfilename);

}  // namespace cardinal::persist
