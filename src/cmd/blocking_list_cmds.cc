// The blocking list commands: BLPOP, BRPOP, BLMOVE, BRPOPLPUSH, BLMPOP. Each first tries to
// serve at once exactly like its non-blocking twin (list_ops.h); finding every key empty it
// blocks the client (BlockingRegistry), and the same handler runs again, with ctx.retrying,
// when one of its keys gets a value. Timed-out clients get a null array.
#include "cardinal/cmd/families.h"
#include "helpers.h"
#include "list_ops.h"

namespace cardinal::cmd {

namespace {

ds::QuickList* source_list(CommandContext& ctx, std::string_view key) {
  engine::DbEntry* e = lookup_blocking_source(ctx, key, engine::ValueType::List);
  return e ? &e->value.as_list() : nullptr;
}

void blocking_pop(CommandContext& ctx, ListEnd end) {
  int64_t timeout_ms;
  if (!parse_block_timeout(ctx, ctx.arg(ctx.argc() - 1), timeout_ms)) return;
  auto keys = ctx.args.subspan(1, ctx.argc() - 2);
  for (std::string_view key : keys) {
    ds::QuickList* list = source_list(ctx, key);
    if (ctx.failed) return;
    if (!list) continue;
    std::string value;
    if (end == ListEnd::Left) {
      list->pop_front(value);
    } else {
      list->pop_back(value);
    }
    ctx.reply.array(2);
    ctx.reply.bulk(key);
    ctx.reply.bulk(value);
    list_elements_removed(ctx, key, *list, pop_event(end));
    if (ctx.propagating()) ctx.propagate_as({end == ListEnd::Left ? "LPOP" : "RPOP", key});
    return;
  }
  ctx.block_on(keys, timeout_ms);
}

void blpop(CommandContext& ctx) {
  blocking_pop(ctx, ListEnd::Left);
}
void brpop(CommandContext& ctx) {
  blocking_pop(ctx, ListEnd::Right);
}

void blocking_move(CommandContext& ctx, ListEnd from, ListEnd to, std::string_view timeout) {
  int64_t timeout_ms;
  if (!parse_block_timeout(ctx, timeout, timeout_ms)) return;
  ds::QuickList* src = source_list(ctx, ctx.arg(1));
  if (ctx.failed) return;
  if (!src) return ctx.block_on(ctx.args.subspan(1, 1), timeout_ms);
  move_and_reply(ctx, ctx.arg(1), *src, ctx.arg(2), from, to);
}

void blmove(CommandContext& ctx) {
  ListEnd from, to;
  if (!parse_list_end(ctx.arg(3), from) || !parse_list_end(ctx.arg(4), to))
    return ctx.error(Errc::Syntax);
  blocking_move(ctx, from, to, ctx.arg(5));
}

void brpoplpush(CommandContext& ctx) {
  blocking_move(ctx, ListEnd::Right, ListEnd::Left, ctx.arg(3));
}

void blmpop(CommandContext& ctx) {
  // Redis checks numkeys, direction and COUNT before the timeout.
  MpopArgs mpop;
  if (!parse_mpop_args(ctx, 2, mpop)) return;
  int64_t timeout_ms;
  if (!parse_block_timeout(ctx, ctx.arg(1), timeout_ms)) return;
  for (std::string_view key : mpop.keys) {
    ds::QuickList* list = source_list(ctx, key);
    if (ctx.failed) return;
    if (list) return mpop_and_reply(ctx, key, *list, mpop.end, mpop.count);
  }
  ctx.block_on(mpop.keys, timeout_ms);
}

constexpr CommandSpec kBlockingListCommands[] = {
    {.name = "blpop",
     .arity = -3,
     .flags = kWrite | kNoscript | kBlocking,
     .keys = {1, -2, 1},
     .group = Group::List,
     .since = "2.0.0",
     .summary = "Remove and get the first element in a list, or block until one is available",
     .complexity = "O(N) where N is the number of provided keys.",
     .syntax = "key [key ...] timeout",
     .handler = blpop},
    {.name = "brpop",
     .arity = -3,
     .flags = kWrite | kNoscript | kBlocking,
     .keys = {1, -2, 1},
     .group = Group::List,
     .since = "2.0.0",
     .summary = "Remove and get the last element in a list, or block until one is available",
     .complexity = "O(N) where N is the number of provided keys.",
     .syntax = "key [key ...] timeout",
     .handler = brpop},
    {.name = "blmove",
     .arity = 6,
     .flags = kWrite | kDenyOom | kNoscript | kBlocking,
     .keys = {1, 2, 1},
     .group = Group::List,
     .since = "6.2.0",
     .summary = "Pop an element from a list, push it to another list and return it; or block "
                "until one is available",
     .complexity = "O(1)",
     .syntax = "source destination LEFT | RIGHT LEFT | RIGHT timeout",
     .handler = blmove},
    {.name = "brpoplpush",
     .arity = 4,
     .flags = kWrite | kDenyOom | kNoscript | kBlocking,
     .keys = {1, 2, 1},
     .group = Group::List,
     .since = "2.2.0",
     .summary = "Pop an element from a list, push it to another list and return it; or block "
                "until one is available",
     .complexity = "O(1)",
     .syntax = "source destination timeout",
     .handler = brpoplpush},
    {.name = "blmpop",
     .arity = -5,
     .flags = kWrite | kBlocking,
     .keys = {3, -1, 1, 2},
     .group = Group::List,
     .since = "7.0.0",
     .summary = "Pop elements from a list, or block until one is available",
     .complexity = "O(N+M) where N is the number of provided keys and M is the number of "
                   "elements returned.",
     .syntax = "timeout numkeys key [key ...] LEFT | RIGHT [COUNT count]",
     .handler = blmpop},
};

}  // namespace

std::span<const CommandSpec> blocking_list_commands() {
  return kBlockingListCommands;
}

}  // namespace cardinal::cmd
