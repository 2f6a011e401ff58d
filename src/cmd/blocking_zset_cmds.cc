// The blocking sorted-set pops: BZPOPMIN, BZPOPMAX, BZMPOP. Like the blocking list commands
// (blocking_list_cmds.cc) each serves at once when it can and otherwise blocks; the handler
// runs again with ctx.retrying when a waited key gets a value.
#include "cardinal/cmd/families.h"
#include "helpers.h"
#include "zset_ops.h"

namespace cardinal::cmd {

namespace {

engine::ZSetValue* source_zset(CommandContext& ctx, std::string_view key) {
  engine::DbEntry* e = lookup_blocking_source(ctx, key, engine::ValueType::ZSet);
  return e ? &e->value.as_zset() : nullptr;
}

// Serves from the first non-empty sorted set among `keys`; false when all are empty or a
// wrong type failed the command (ctx.failed).
bool pop_first(CommandContext& ctx, std::span<const std::string_view> keys, bool from_max,
               uint64_t count, PopShape shape) {
  for (std::string_view key : keys) {
    engine::ZSetValue* z = source_zset(ctx, key);
    if (ctx.failed) return false;
    if (!z) continue;
    zpop_and_reply(ctx, key, *z, from_max, count, shape);
    return true;
  }
  return false;
}

void blocking_zpop(CommandContext& ctx, bool from_max) {
  int64_t timeout_ms;
  if (!parse_block_timeout(ctx, ctx.arg(ctx.argc() - 1), timeout_ms)) return;
  auto keys = ctx.args.subspan(1, ctx.argc() - 2);
  if (pop_first(ctx, keys, from_max, 1, PopShape::KeyFlat) || ctx.failed) return;
  ctx.block_on(keys, timeout_ms);
}

void bzpopmin(CommandContext& ctx) {
  blocking_zpop(ctx, false);
}
void bzpopmax(CommandContext& ctx) {
  blocking_zpop(ctx, true);
}

void bzmpop(CommandContext& ctx) {
  // Redis checks numkeys, MIN|MAX and COUNT before the timeout.
  ZMpopArgs mpop;
  if (!parse_zmpop_args(ctx, 2, mpop)) return;
  int64_t timeout_ms;
  if (!parse_block_timeout(ctx, ctx.arg(1), timeout_ms)) return;
  auto keys = ctx.args.subspan(mpop.first_key, mpop.numkeys);
  if (pop_first(ctx, keys, mpop.from_max, mpop.count, PopShape::KeyPairs) || ctx.failed) return;
  ctx.block_on(keys, timeout_ms);
}

constexpr CommandSpec kBlockingZSetCommands[] = {
    {.name = "bzpopmin",
     .arity = -3,
     .flags = kWrite | kNoscript | kBlocking | kFast,
     .keys = {1, -2, 1},
     .group = Group::SortedSet,
     .since = "5.0.0",
     .summary = "Remove and return the member with the lowest score from one or more sorted "
                "sets, or block until one is available",
     .complexity = "O(log(N)) with N being the number of elements in the sorted set.",
     .syntax = "key [key ...] timeout",
     .handler = bzpopmin},
    {.name = "bzpopmax",
     .arity = -3,
     .flags = kWrite | kNoscript | kBlocking | kFast,
     .keys = {1, -2, 1},
     .group = Group::SortedSet,
     .since = "5.0.0",
     .summary = "Remove and return the member with the highest score from one or more sorted "
                "sets, or block until one is available",
     .complexity = "O(log(N)) with N being the number of elements in the sorted set.",
     .syntax = "key [key ...] timeout",
     .handler = bzpopmax},
    {.name = "bzmpop",
     .arity = -5,
     .flags = kWrite | kBlocking,
     .keys = {3, -1, 1, 2},
     .group = Group::SortedSet,
     .since = "7.0.0",
     .summary = "Remove and return members with scores in a sorted set or block until one is "
                "available",
     .complexity = "O(K) + O(M*log(N)) where K is the number of provided keys, N being the "
                   "number of elements in the sorted set, and M being the number of elements "
                   "popped.",
     .syntax = "timeout numkeys key [key ...] MIN | MAX [COUNT count]",
     .handler = bzmpop},
};

}  // namespace

std::span<const CommandSpec> blocking_zset_commands() {
  return kBlockingZSetCommands;
}

}  // namespace cardinal::cmd
