// Helpers shared by the sorted-set families (not a public header): typed lookups, score and
// range parsing with Redis 7.0's acceptance rules and error texts, score and WITHSCORES reply
// shapes for both protocols, and the pop pieces ZPOPMIN/ZMPOP and their blocking forms share.
// Event-loop thread only.
#pragma once

#include <cstdint>
#include <memory>
#include <string_view>

#include "cardinal/cmd/context.h"
#include "cardinal/ds/skiplist.h"
#include "cardinal/engine/zset_value.h"

namespace cardinal::cmd {

// zset-max-listpack-entries / zset-max-listpack-value from the live config.
engine::ZSetLimits zset_limits(const CommandContext& ctx);

// The sorted set under `key`, or nullptr when missing. Another type replies WRONGTYPE and sets
// ctx.failed.
engine::ZSetValue* read_zset(CommandContext& ctx, std::string_view key);
engine::ZSetValue* write_zset(CommandContext& ctx, std::string_view key);
// The sorted set under `key`, created for `first_member` (ZADD on a missing key decides the
// encoding from its first member, as Redis 7.0 does).
engine::ZSetValue& create_zset(CommandContext& ctx, std::string_view key,
                               std::string_view first_member);
// For STORE commands: replaces whatever is under `key` with `z` (dropping any TTL) and reports
// `event`, or deletes the key when `z` is empty (reporting "del" if there was one). Converts `z`
// back to a listpack first when it fits.
void store_zset(CommandContext& ctx, std::string_view key, std::unique_ptr<engine::ZSetValue> z,
                std::string_view event);
// After entries left `z` (stored under `key`): reports `event`, deletes the key when the set is
// empty (reporting "del") and signals the change. `key` must not view the entry's key bytes.
void zset_entries_removed(CommandContext& ctx, std::string_view key, engine::ZSetValue& z,
                          std::string_view event);

// A score argument (ZADD, ZINCRBY): strtod syntax over the whole text, no leading space, no
// NaN, no overflow. Replies "ERR value is not a valid float".
bool parse_score(CommandContext& ctx, std::string_view text, double& out);
// ZRANGEBYSCORE-style bounds: "(" for exclusive, strtod's laxer rules (leading space, empty
// text, overflow to inf are all accepted). Replies "ERR min or max is not a float".
bool parse_score_range(CommandContext& ctx, std::string_view min, std::string_view max,
                       ds::ScoreRange& out);
// "-", "+", "[x", "(x". Replies "ERR min or max not valid string range item". The range views
// point into the arguments.
bool parse_lex_range(CommandContext& ctx, std::string_view min, std::string_view max,
                     ds::LexRange& out);

// RESP2: a bulk "%.17g" (inf, -inf); RESP3: a double.
void reply_score(CommandContext& ctx, double score);
// A list of n entries: RESP2 a flat array (2n with scores); RESP3 an array of [member, score]
// pairs when withscores. ZRANGE, ZRANDMEMBER and ZPOPMIN with a count use this shape.
void reply_entries_header(CommandContext& ctx, size_t n, bool withscores);
void reply_entry(CommandContext& ctx, std::string_view member, double score, bool withscores);

// Pops up to `count` entries from the minimum (or maximum) end of `z` under `key`, replies and
// deletes the key when it becomes empty. Shapes:
//   Entries: as reply_entries_header(withscores) (ZPOPMIN key count);
//   Flat:    [member, score, ...] in both protocols (ZPOPMIN key without count);
//   KeyFlat: [key, member, score] (BZPOPMIN/BZPOPMAX; count must be 1);
//   KeyPairs: [key, [[member, score], ...]] in both protocols (ZMPOP/BZMPOP).
enum class PopShape { Entries, Flat, KeyFlat, KeyPairs };
void zpop_and_reply(CommandContext& ctx, std::string_view key, engine::ZSetValue& z, bool from_max,
                    uint64_t count, PopShape shape);

// ZMPOP numkeys key [key ...] MIN|MAX [COUNT count] (numkeys_at 1) and BZMPOP (numkeys_at 2).
struct ZMpopArgs {
  size_t first_key = 0;
  size_t numkeys = 0;
  bool from_max = false;
  uint64_t count = 1;
};
bool parse_zmpop_args(CommandContext& ctx, size_t numkeys_at, ZMpopArgs& out);
// Pops from the first of the keys holding a sorted set and replies [key, [[m, s], ...]];
// returns true when a reply was written (the pop, or WRONGTYPE for a key of another type met
// first, with ctx.failed set). When every key is missing it returns false, after replying a
// null array only if `reply_null_if_empty` (ZMPOP); BZMPOP passes false and blocks instead.
bool zmpop_and_reply(CommandContext& ctx, const ZMpopArgs& args, bool reply_null_if_empty);

}  // namespace cardinal::cmd
