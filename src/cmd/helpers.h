// Helpers shared by the command families (not a public header): typed key lookups that reply
// WRONGTYPE themselves, and expiry-argument parsing with Redis's checks. Event-loop thread only.
#pragma once

#include <cstdint>
#include <optional>
#include <random>
#include <span>
#include <string>
#include <string_view>
#include <unordered_set>
#include <utility>
#include <vector>

#include "cardinal/cmd/context.h"

namespace cardinal::cmd {

// The live entry under `key` for reading, or nullptr when missing. When the key holds another
// type, replies WRONGTYPE, and returns nullptr with ctx.failed set.
engine::DbEntry* lookup_read_typed(CommandContext& ctx, std::string_view key,
                                   engine::ValueType type);
engine::DbEntry* lookup_write_typed(CommandContext& ctx, std::string_view key,
                                    engine::ValueType type);

// The source key of a blocking command (BLPOP, BZPOPMIN, ...): lookup_write_typed, except that
// a re-run after a wake-up (ctx.retrying) treats a key of another type as missing, because
// Redis 7.0 keeps such a client blocked instead of failing it.
engine::DbEntry* lookup_blocking_source(CommandContext& ctx, std::string_view key,
                                        engine::ValueType type);

enum class ExpireUnit { Seconds, Milliseconds };

// Converts an EX/PX/EXAT/PXAT argument into an absolute time in ms, replying "invalid expire
// time in '<cmd>' command" or "value is not an integer" on failure (then nullopt).
std::optional<int64_t> parse_expire_arg(CommandContext& ctx, std::string_view text, ExpireUnit unit,
                                        bool relative);

// Reads the string value under e into a view; `scratch` holds integer renderings (21 bytes).
std::string_view string_of(const engine::DbEntry& e, char* scratch);

void reply_wrong_arity(CommandContext& ctx);

// After elements left the collection under `key`: reports `event` (of `event_class`), deletes
// the key when the collection is now `emptied` (reporting "del", as Redis does after the
// type's own event) and signals the change. `key` must not view the entry's own key bytes.
void elements_removed(CommandContext& ctx, std::string_view key, uint32_t event_class,
                      std::string_view event, bool emptied);

// SCAN-family arguments. The cursor is read as strtoul does ("-1" wraps, spaces are refused).
bool parse_scan_cursor(CommandContext& ctx, std::string_view text, uint64_t& out);

struct ScanOptions {
  int64_t count = 10;
  std::string_view pattern;
  bool use_pattern = false;
  std::string_view type;
  bool use_type = false;
  bool matches(std::string_view member) const;
  // How many cursor steps one call may take before replying (COUNT x 10, saturated).
  int64_t max_steps() const { return count > INT64_MAX / 10 ? INT64_MAX : count * 10; }
};
// Parses MATCH/COUNT (and TYPE when allow_type, i.e. SCAN itself) from argument `first` on.
bool parse_scan_options(CommandContext& ctx, size_t first, bool allow_type, ScanOptions& out);
// Steps a SCAN-family cursor: `step(cursor)` reports one cursor position's items and returns the
// next cursor; stepping stops at cursor 0, once `items()` reaches COUNT, or after the step
// budget (COUNT x 10). Returns the cursor to reply with.
template <typename Step, typename Items>
uint64_t scan_steps(uint64_t cursor, const ScanOptions& opts, Step&& step, Items&& items) {
  int64_t budget = opts.max_steps();
  do {
    cursor = step(cursor);
  } while (cursor != 0 && --budget > 0 && static_cast<int64_t>(items()) < opts.count);
  return cursor;
}

// `count` distinct random items of a collection of `size` (REQUIRES: count < size), for SPOP,
// SRANDMEMBER and HRANDFIELD. A dense request lists every item (`all()`) and keeps a shuffled
// prefix; a sparse one draws (`draw()`) and rejects repeats by `key_of(item)`.
template <typename Item, typename All, typename Draw, typename KeyOf>
std::vector<Item> distinct_sample(size_t size, size_t count, std::mt19937_64& rng, All&& all,
                                  Draw&& draw, KeyOf&& key_of) {
  if (count * 3 > size) {
    std::vector<Item> items = all();
    for (size_t i = 0; i < count; ++i)
      std::swap(items[i], items[std::uniform_int_distribution<size_t>(i, items.size() - 1)(rng)]);
    items.resize(count);
    return items;
  }
  std::vector<Item> out;
  std::unordered_set<std::string> seen;
  while (out.size() < count) {
    Item item = draw();
    if (seen.insert(std::string(key_of(item))).second) out.push_back(std::move(item));
  }
  return out;
}

// [cursor, [items...]] as every SCAN-family command replies.
void reply_scan(CommandContext& ctx, uint64_t cursor, std::span<const std::string_view> items);

// The timeout argument of BLPOP and friends (seconds, fractions allowed) in ms; 0 waits
// forever. Replies Redis's error and returns false when it is not a number or negative.
bool parse_block_timeout(CommandContext& ctx, std::string_view text, int64_t& out_ms);

// Client names (CLIENT SETNAME, HELLO SETNAME) may only hold printable non-space ASCII.
bool client_name_is_valid(std::string_view name);

}  // namespace cardinal::cmd
