// List commands that never block: pushes, pops, indexing, ranges, search and moves between
// lists. The pieces the blocking variants share live in list_ops.h. Argument errors and
// WRONGTYPE come in the order redis-server 7.0 reports them, which differs per command.
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include "cardinal/cmd/families.h"
#include "cardinal/util/numbers.h"
#include "helpers.h"
#include "list_ops.h"

namespace cardinal::cmd {

namespace {

using ds::QuickList;

void push(CommandContext& ctx, ListEnd end, bool only_existing) {
  QuickList* list = write_list(ctx, ctx.arg(1));
  if (ctx.failed) return;
  if (!list) {
    if (only_existing) return ctx.reply.integer(0);
    // Refuse an oversized element before the key exists, so a throw cannot leave it empty.
    for (size_t i = 2; i < ctx.argc(); ++i)
      if (ctx.arg(i).size() > QuickList::kMaxValueBytes) throw std::length_error("list element");
    list = &create_list(ctx, ctx.arg(1));
  }
  for (size_t i = 2; i < ctx.argc(); ++i) {
    if (end == ListEnd::Left) {
      list->push_front(ctx.arg(i));
    } else {
      list->push_back(ctx.arg(i));
    }
  }
  ctx.changed(ctx.arg(1), config::kEventList, push_event(end));
  ctx.reply.integer(static_cast<int64_t>(list->size()));
}

void lpush(CommandContext& ctx) {
  push(ctx, ListEnd::Left, false);
}
void rpush(CommandContext& ctx) {
  push(ctx, ListEnd::Right, false);
}
void lpushx(CommandContext& ctx) {
  push(ctx, ListEnd::Left, true);
}
void rpushx(CommandContext& ctx) {
  push(ctx, ListEnd::Right, true);
}

void pop(CommandContext& ctx, ListEnd end) {
  if (ctx.argc() > 3) return reply_wrong_arity(ctx);
  std::string value;
  auto pop_one = [&](QuickList& list) {
    if (end == ListEnd::Left) {
      list.pop_front(value);
    } else {
      list.pop_back(value);
    }
  };
  if (ctx.argc() == 2) {
    QuickList* list = write_list(ctx, ctx.arg(1));
    if (ctx.failed) return;
    if (!list) return ctx.reply.null();
    pop_one(*list);
    ctx.reply.bulk(value);
    return list_elements_removed(ctx, ctx.arg(1), *list, pop_event(end));
  }
  int64_t count;  // unreadable and negative counts share Redis's reply
  if (!util::parse_i64(ctx.arg(2), count) || count < 0) return ctx.error(Errc::NotPositive);
  QuickList* list = write_list(ctx, ctx.arg(1));
  if (ctx.failed) return;
  // With a count, a missing key is a null array ("*-1"), not a null bulk.
  if (!list) return ctx.reply.null_array();
  size_t n =
      static_cast<uint64_t>(count) < list->size() ? static_cast<size_t>(count) : list->size();
  ctx.reply.array(n);
  for (size_t i = 0; i < n; ++i) {
    pop_one(*list);
    ctx.reply.bulk(value);
  }
  if (n > 0) list_elements_removed(ctx, ctx.arg(1), *list, pop_event(end));
}

void lpop(CommandContext& ctx) {
  pop(ctx, ListEnd::Left);
}
void rpop(CommandContext& ctx) {
  pop(ctx, ListEnd::Right);
}

void llen(CommandContext& ctx) {
  QuickList* list = read_list(ctx, ctx.arg(1));
  if (ctx.failed) return;
  ctx.reply.integer(list ? static_cast<int64_t>(list->size()) : 0);
}

// Redis's range rule shared by LRANGE and LTRIM: negative indexes count from the end, start is
// clamped at 0 and stop at the last index. False when the range is empty.
bool normalise_range(int64_t start, int64_t stop, size_t size, size_t& first, size_t& last) {
  int64_t n = static_cast<int64_t>(size);
  if (start < 0) start += n;
  if (stop < 0) stop += n;
  if (start < 0) start = 0;
  if (start > stop || start >= n) return false;
  if (stop >= n) stop = n - 1;
  first = static_cast<size_t>(start);
  last = static_cast<size_t>(stop);
  return true;
}

void lrange(CommandContext& ctx) {
  int64_t start, stop;
  if (!ctx.parse_int(ctx.arg(2), start) || !ctx.parse_int(ctx.arg(3), stop)) return;
  QuickList* list = read_list(ctx, ctx.arg(1));
  if (ctx.failed) return;
  size_t first, last;
  if (!list || !normalise_range(start, stop, list->size(), first, last)) return ctx.reply.array(0);
  ctx.reply.array(last - first + 1);
  list->for_range(first, last, [&](std::string_view v) { ctx.reply.bulk(v); });
}

void lindex(CommandContext& ctx) {
  // A missing key answers null before the index is even read, as in Redis.
  QuickList* list = read_list(ctx, ctx.arg(1));
  if (ctx.failed) return;
  if (!list) return ctx.reply.null();
  int64_t index;
  if (!ctx.parse_int(ctx.arg(2), index)) return;
  int64_t n = static_cast<int64_t>(list->size());
  if (index < 0) index += n;
  if (index < 0 || index >= n) return ctx.reply.null();
  size_t at = static_cast<size_t>(index);
  list->for_range(at, at, [&](std::string_view v) { ctx.reply.bulk(v); });
}

void lset(CommandContext& ctx) {
  QuickList* list = write_list(ctx, ctx.arg(1));
  if (ctx.failed) return;
  if (!list) return ctx.error(Errc::NoSuchKey);
  int64_t index;
  if (!ctx.parse_int(ctx.arg(2), index)) return;
  if (!list->set(index, ctx.arg(3))) return ctx.error(Errc::IndexOutOfRange);
  ctx.changed(ctx.arg(1), config::kEventList, "lset");
  ctx.reply.ok();
}

void linsert(CommandContext& ctx) {
  bool before;
  if (CommandContext::is(ctx.arg(2), "before")) {
    before = true;
  } else if (CommandContext::is(ctx.arg(2), "after")) {
    before = false;
  } else {
    return ctx.error(Errc::Syntax);
  }
  QuickList* list = write_list(ctx, ctx.arg(1));
  if (ctx.failed) return;
  if (!list) return ctx.reply.integer(0);
  if (!list->insert(ctx.arg(3), ctx.arg(4), before)) return ctx.reply.integer(-1);
  ctx.changed(ctx.arg(1), config::kEventList, "linsert");
  ctx.reply.integer(static_cast<int64_t>(list->size()));
}

void lrem(CommandContext& ctx) {
  int64_t count;
  if (!ctx.parse_int(ctx.arg(2), count)) return;
  QuickList* list = write_list(ctx, ctx.arg(1));
  if (ctx.failed) return;
  if (!list) return ctx.reply.integer(0);
  size_t removed = list->remove(count, ctx.arg(3));
  if (removed > 0) list_elements_removed(ctx, ctx.arg(1), *list, "lrem");
  ctx.reply.integer(static_cast<int64_t>(removed));
}

void ltrim(CommandContext& ctx) {
  int64_t start, stop;
  if (!ctx.parse_int(ctx.arg(2), start) || !ctx.parse_int(ctx.arg(3), stop)) return;
  QuickList* list = write_list(ctx, ctx.arg(1));
  if (ctx.failed) return;
  if (!list) return ctx.reply.ok();
  size_t first, last;
  if (normalise_range(start, stop, list->size(), first, last)) {
    list->trim(first, last);
  } else {
    list->clear();
  }
  list_elements_removed(ctx, ctx.arg(1), *list, "ltrim");
  ctx.reply.ok();
}

struct LposOptions {
  int64_t rank = 1;
  int64_t count = -1;  // -1: no COUNT option, reply a single index
  int64_t maxlen = 0;  // 0: no limit
};

// Options are checked as they are read, so the first bad one decides the error.
bool parse_lpos_options(CommandContext& ctx, LposOptions& o) {
  for (size_t i = 3; i < ctx.argc(); i += 2) {
    std::string_view opt = ctx.arg(i);
    if (i + 1 >= ctx.argc()) return ctx.error(Errc::Syntax), false;
    std::string_view value = ctx.arg(i + 1);
    if (CommandContext::is(opt, "rank")) {
      if (!ctx.parse_int(value, o.rank)) return false;
      if (o.rank == 0) return ctx.error(Errc::LposRankZero), false;
    } else if (CommandContext::is(opt, "count")) {
      if (!util::parse_i64(value, o.count) || o.count < 0)
        return ctx.error(Errc::LposCountNegative), false;
    } else if (CommandContext::is(opt, "maxlen")) {
      if (!util::parse_i64(value, o.maxlen) || o.maxlen < 0)
        return ctx.error(Errc::LposMaxlenNegative), false;
    } else {
      return ctx.error(Errc::Syntax), false;
    }
  }
  return true;
}

void lpos(CommandContext& ctx) {
  LposOptions o;
  if (!parse_lpos_options(ctx, o)) return;
  QuickList* list = read_list(ctx, ctx.arg(1));
  if (ctx.failed) return;
  bool with_count = o.count >= 0;
  if (!list) return with_count ? ctx.reply.array(0) : ctx.reply.null();

  // Redis negates a negative RANK to count matches from the tail; INT64_MIN negates into
  // itself, after which every match qualifies and no COUNT is ever reached. That is reproduced
  // here rather than refused.
  bool from_tail = o.rank < 0;
  bool any_rank = o.rank == INT64_MIN;
  uint64_t magnitude =
      from_tail ? 0 - static_cast<uint64_t>(o.rank) : static_cast<uint64_t>(o.rank);
  uint64_t skip = any_rank ? 0 : magnitude - 1;  // matches passed over before reporting
  uint64_t wanted = !with_count                ? 1
                    : any_rank || o.count == 0 ? UINT64_MAX
                                               : static_cast<uint64_t>(o.count);
  uint64_t limit = o.maxlen == 0 ? UINT64_MAX : static_cast<uint64_t>(o.maxlen);

  std::string_view element = ctx.arg(2);
  size_t size = list->size();
  std::vector<int64_t> found;
  uint64_t seen = 0, matches = 0;
  auto visit = [&](std::string_view v) {
    if (seen >= limit) return false;
    uint64_t index = seen++;
    if (v != element || matches++ < skip) return true;
    found.push_back(static_cast<int64_t>(from_tail ? size - 1 - index : index));
    return found.size() < wanted;
  };
  if (from_tail) {
    list->for_each_reverse(visit);
  } else {
    list->for_each(visit);
  }
  if (!with_count) return found.empty() ? ctx.reply.null() : ctx.reply.integer(found[0]);
  ctx.reply.array(found.size());
  for (int64_t index : found) ctx.reply.integer(index);
}

void move(CommandContext& ctx, ListEnd from, ListEnd to) {
  QuickList* src = write_list(ctx, ctx.arg(1));
  if (ctx.failed) return;
  if (!src) return ctx.reply.null();
  move_and_reply(ctx, ctx.arg(1), *src, ctx.arg(2), from, to);
}

void lmove(CommandContext& ctx) {
  ListEnd from, to;
  if (!parse_list_end(ctx.arg(3), from) || !parse_list_end(ctx.arg(4), to))
    return ctx.error(Errc::Syntax);
  move(ctx, from, to);
}

void rpoplpush(CommandContext& ctx) {
  move(ctx, ListEnd::Right, ListEnd::Left);
}

void lmpop(CommandContext& ctx) {
  MpopArgs args;
  if (!parse_mpop_args(ctx, 1, args)) return;
  // The first non-empty list wins; a wrong type after it is never looked at.
  for (std::string_view key : args.keys) {
    QuickList* list = write_list(ctx, key);
    if (ctx.failed) return;
    if (list) return mpop_and_reply(ctx, key, *list, args.end, args.count);
  }
  ctx.reply.null_array();
}

constexpr std::string_view kPushComplexity =
    "O(1) for each element added, so O(N) to add N elements when the command is called with "
    "multiple arguments.";

constexpr CommandSpec kListCommands[] = {
    {.name = "lpush",
     .arity = -3,
     .flags = kWrite | kDenyOom | kFast,
     .keys = {1, 1, 1},
     .group = Group::List,
     .since = "1.0.0",
     .summary = "Prepend one or multiple elements to a list",
     .complexity = kPushComplexity,
     .syntax = "key element [element ...]",
     .handler = lpush},
    {.name = "rpush",
     .arity = -3,
     .flags = kWrite | kDenyOom | kFast,
     .keys = {1, 1, 1},
     .group = Group::List,
     .since = "1.0.0",
     .summary = "Append one or multiple elements to a list",
     .complexity = kPushComplexity,
     .syntax = "key element [element ...]",
     .handler = rpush},
    {.name = "lpushx",
     .arity = -3,
     .flags = kWrite | kDenyOom | kFast,
     .keys = {1, 1, 1},
     .group = Group::List,
     .since = "2.2.0",
     .summary = "Prepend an element to a list, only if the list exists",
     .complexity = kPushComplexity,
     .syntax = "key element [element ...]",
     .handler = lpushx},
    {.name = "rpushx",
     .arity = -3,
     .flags = kWrite | kDenyOom | kFast,
     .keys = {1, 1, 1},
     .group = Group::List,
     .since = "2.2.0",
     .summary = "Append an element to a list, only if the list exists",
     .complexity = kPushComplexity,
     .syntax = "key element [element ...]",
     .handler = rpushx},
    {.name = "lpop",
     .arity = -2,
     .flags = kWrite | kFast,
     .keys = {1, 1, 1},
     .group = Group::List,
     .since = "1.0.0",
     .summary = "Remove and get the first elements in a list",
     .complexity = "O(N) where N is the number of elements returned",
     .syntax = "key [count]",
     .handler = lpop},
    {.name = "rpop",
     .arity = -2,
     .flags = kWrite | kFast,
     .keys = {1, 1, 1},
     .group = Group::List,
     .since = "1.0.0",
     .summary = "Remove and get the last elements in a list",
     .complexity = "O(N) where N is the number of elements returned",
     .syntax = "key [count]",
     .handler = rpop},
    {.name = "llen",
     .arity = 2,
     .flags = kReadonly | kFast,
     .keys = {1, 1, 1},
     .group = Group::List,
     .since = "1.0.0",
     .summary = "Get the length of a list",
     .complexity = "O(1)",
     .syntax = "key",
     .handler = llen},
    {.name = "lrange",
     .arity = 4,
     .flags = kReadonly,
     .keys = {1, 1, 1},
     .group = Group::List,
     .since = "1.0.0",
     .summary = "Get a range of elements from a list",
     .complexity = "O(S+N) where S is the distance of start offset from HEAD for small lists, "
                   "from nearest end (HEAD or TAIL) for large lists; and N is the number of "
                   "elements in the specified range.",
     .syntax = "key start stop",
     .handler = lrange},
    {.name = "lindex",
     .arity = 3,
     .flags = kReadonly,
     .keys = {1, 1, 1},
     .group = Group::List,
     .since = "1.0.0",
     .summary = "Get an element from a list by its index",
     .complexity = "O(N) where N is the number of elements to traverse to get to the element at "
                   "index. This makes asking for the first or the last element of the list O(1).",
     .syntax = "key index",
     .handler = lindex},
    {.name = "lset",
     .arity = 4,
     .flags = kWrite | kDenyOom,
     .keys = {1, 1, 1},
     .group = Group::List,
     .since = "1.0.0",
     .summary = "Set the value of an element in a list by its index",
     .complexity = "O(N) where N is the length of the list. Setting either the first or the last "
                   "element of the list is O(1).",
     .syntax = "key index element",
     .handler = lset},
    {.name = "linsert",
     .arity = 5,
     .flags = kWrite | kDenyOom,
     .keys = {1, 1, 1},
     .group = Group::List,
     .since = "2.2.0",
     .summary = "Insert an element before or after another element in a list",
     .complexity = "O(N) where N is the number of elements to traverse before seeing the value "
                   "pivot. This means that inserting somewhere on the left end on the list (head) "
                   "can be considered O(1) and inserting somewhere on the right end (tail) is "
                   "O(N).",
     .syntax = "key <BEFORE | AFTER> pivot element",
     .handler = linsert},
    {.name = "lrem",
     .arity = 4,
     .flags = kWrite,
     .keys = {1, 1, 1},
     .group = Group::List,
     .since = "1.0.0",
     .summary = "Remove elements from a list",
     .complexity = "O(N+M) where N is the length of the list and M is the number of elements "
                   "removed.",
     .syntax = "key count element",
     .handler = lrem},
    {.name = "ltrim",
     .arity = 4,
     .flags = kWrite,
     .keys = {1, 1, 1},
     .group = Group::List,
     .since = "1.0.0",
     .summary = "Trim a list to the specified range",
     .complexity = "O(N) where N is the number of elements to be removed by the operation.",
     .syntax = "key start stop",
     .handler = ltrim},
    {.name = "lpos",
     .arity = -3,
     .flags = kReadonly,
     .keys = {1, 1, 1},
     .group = Group::List,
     .since = "6.0.6",
     .summary = "Return the index of matching elements on a list",
     .complexity = "O(N) where N is the number of elements in the list, for the average case. "
                   "When searching for elements near the head or the tail of the list, or when "
                   "the MAXLEN option is provided, the command may run in constant time.",
     .syntax = "key element [RANK rank] [COUNT num-matches] [MAXLEN len]",
     .handler = lpos},
    {.name = "lmove",
     .arity = 5,
     .flags = kWrite | kDenyOom,
     .keys = {1, 2, 1},
     .group = Group::List,
     .since = "6.2.0",
     .summary = "Pop an element from a list, push it to another list and return it",
     .complexity = "O(1)",
     .syntax = "source destination <LEFT | RIGHT> <LEFT | RIGHT>",
     .handler = lmove},
    {.name = "rpoplpush",
     .arity = 3,
     .flags = kWrite | kDenyOom,
     .keys = {1, 2, 1},
     .group = Group::List,
     .since = "1.2.0",
     .summary = "Remove the last element in a list, prepend it to another list and return it",
     .complexity = "O(1)",
     .syntax = "source destination",
     .handler = rpoplpush},
    {.name = "lmpop",
     .arity = -4,
     .flags = kWrite,
     .keys = {2, -1, 1, 1},
     .group = Group::List,
     .since = "7.0.0",
     .summary = "Pop elements from a list",
     .complexity = "O(N+M) where N is the number of provided keys and M is the number of "
                   "elements returned.",
     .syntax = "numkeys key [key ...] <LEFT | RIGHT> [COUNT count]",
     .handler = lmpop},
};

}  // namespace

std::span<const CommandSpec> list_commands() {
  return kListCommands;
}

}  // namespace cardinal::cmd
