// Helpers shared by the command families (not a public header): typed key lookups that reply
// WRONGTYPE themselves, and expiry-argument parsing with Redis's checks. Event-loop thread only.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "cardinal/cmd/context.h"

namespace cardinal::cmd {

// The live entry under `key` for reading, or nullptr when missing. When the key holds another
// type, replies WRONGTYPE, and returns nullptr with ctx.failed set.
engine::DbEntry* lookup_read_typed(CommandContext& ctx, std::string_view key,
                                   engine::ValueType type);
engine::DbEntry* lookup_write_typed(CommandContext& ctx, std::string_view key,
                                    engine::ValueType type);

enum class ExpireUnit { Seconds, Milliseconds };

// Converts an EX/PX/EXAT/PXAT argument into an absolute time in ms, replying "invalid expire
// time in '<cmd>' command" or "value is not an integer" on failure (then nullopt).
std::optional<int64_t> parse_expire_arg(CommandContext& ctx, std::string_view text, ExpireUnit unit,
                                        bool relative);

// Reads the string value under e into a view; `scratch` holds integer renderings (21 bytes).
std::string_view string_of(const engine::DbEntry& e, char* scratch);

void reply_wrong_arity(CommandContext& ctx);

// Client names (CLIENT SETNAME, HELLO SETNAME) may only hold printable non-space ASCII.
bool client_name_is_valid(std::string_view name);

}  // namespace cardinal::cmd
