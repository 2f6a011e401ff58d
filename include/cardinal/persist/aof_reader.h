// Splits the command part of an append-only file (RESP arrays of bulk strings, as Redis writes
// them, with '#' annotation lines between commands) into commands, and says where it stops:
// kTruncated when the bytes end inside a command (Redis's "unexpected end of file", which
// aof-load-truncated forgives by cutting the file at valid_bytes), kCorrupt on bytes no AOF can
// hold (Redis's "bad file format", never forgiven). Pure; any thread.
#pragma once

#include <cstddef>
#include <span>
#include <string>
#include <string_view>

#include "cardinal/util/function_ref.h"

namespace cardinal::persist {

struct AofParseResult {
  enum class Status { kOk, kTruncated, kCorrupt };
  Status status = Status::kOk;
  // The end of the last complete command or annotation line: the length to cut the file to.
  // Equal to the input's size when status is kOk.
  size_t valid_bytes = 0;
  size_t commands = 0;  // complete commands passed to on_command
  std::string error;    // for kTruncated and kCorrupt: what was wrong, at which offset
};

// Calls on_command for each complete command, in order, with its arguments (views into `bytes`,
// valid during the call) and the offset of its '*'. The framing is as strict as
// redis-check-aof's: "*<count>\r\n" with count >= 1, then per argument "$<len>\r\n<len bytes>\r\n",
// decimal digits only. Any prefix of a well-formed file is kOk or kTruncated, never kCorrupt.
// An exception from on_command propagates. A file that starts with "REDIS" has an RDB preamble:
// load it with rdb_load and pass the bytes from RdbLoadResult::consumed on.
AofParseResult parse_aof_commands(
    std::string_view bytes,
    util::FunctionRef<void(std::span<const std::string_view> argv, size_t start_offset)>
        on_command);

// True when the file starts with an RDB image ("REDIS"), as Redis checks before loading a base
// (or an old-style single AOF written with aof-use-rdb-preamble).
bool aof_has_rdb_preamble(std::string_view bytes);

}  // namespace cardinal::persist
