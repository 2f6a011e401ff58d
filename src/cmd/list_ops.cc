#include "list_ops.h"

#include <memory>
#include <string>

#include "cardinal/util/numbers.h"
#include "helpers.h"

namespace cardinal::cmd {

namespace {

using engine::DbEntry;
using engine::Value;
using engine::ValueType;

bool pop_end(ds::QuickList& list, ListEnd end, std::string& out) {
  return end == ListEnd::Left ? list.pop_front(out) : list.pop_back(out);
}

void push_end(ds::QuickList& list, ListEnd end, std::string_view value) {
  if (end == ListEnd::Left) {
    list.push_front(value);
  } else {
    list.push_back(value);
  }
}

}  // namespace

bool parse_list_end(std::string_view arg, ListEnd& out) {
  if (CommandContext::is(arg, "left")) {
    out = ListEnd::Left;
    return true;
  }
  if (CommandContext::is(arg, "right")) {
    out = ListEnd::Right;
    return true;
  }
  return false;
}

ds::QuickList* read_list(CommandContext& ctx, std::string_view key) {
  DbEntry* e = lookup_read_typed(ctx, key, ValueType::List);
  return e ? &e->value.as_list() : nullptr;
}

ds::QuickList* write_list(CommandContext& ctx, std::string_view key) {
  DbEntry* e = lookup_write_typed(ctx, key, ValueType::List);
  return e ? &e->value.as_list() : nullptr;
}

ds::QuickList& create_list(CommandContext& ctx, std::string_view key) {
  // The setting is bounded to int by its directive; QuickList clamps it to a valid fill.
  int fill = static_cast<int>(ctx.server.settings().list_max_listpack_size);
  return ctx.db().set(key, Value::list(std::make_unique<ds::QuickList>(fill))).value.as_list();
}

void list_elements_removed(CommandContext& ctx, std::string_view key, ds::QuickList& list,
                           std::string_view event) {
  elements_removed(ctx, key, config::kEventList, event, list.empty());
}

std::string_view pop_event(ListEnd end) {
  return end == ListEnd::Left ? "lpop" : "rpop";
}

std::string_view push_event(ListEnd end) {
  return end == ListEnd::Left ? "lpush" : "rpush";
}

bool parse_mpop_args(CommandContext& ctx, size_t numkeys_at, MpopArgs& out) {
  int64_t numkeys;
  // Redis gives the same text for an unreadable count as for a non-positive one.
  if (!util::parse_i64(ctx.arg(numkeys_at), numkeys) || numkeys < 1) {
    ctx.error(Errc::NumkeysNotPositive);
    return false;
  }
  // The keys must leave room for LEFT|RIGHT after them.
  size_t room = ctx.argc() - numkeys_at - 1;
  if (static_cast<uint64_t>(numkeys) >= room) {
    ctx.error(Errc::Syntax);
    return false;
  }
  size_t where_at = numkeys_at + 1 + static_cast<size_t>(numkeys);
  out.keys = ctx.args.subspan(numkeys_at + 1, static_cast<size_t>(numkeys));
  if (!parse_list_end(ctx.arg(where_at), out.end)) {
    ctx.error(Errc::Syntax);
    return false;
  }
  out.count = 1;
  bool have_count = false;
  for (size_t i = where_at + 1; i < ctx.argc(); ++i) {
    if (have_count || !CommandContext::is(ctx.arg(i), "count") || i + 1 >= ctx.argc()) {
      ctx.error(Errc::Syntax);
      return false;
    }
    if (!util::parse_i64(ctx.arg(++i), out.count) || out.count < 1) {
      ctx.error(Errc::CountNotPositive);
      return false;
    }
    have_count = true;
  }
  return true;
}

void mpop_and_reply(CommandContext& ctx, std::string_view key, ds::QuickList& list, ListEnd end,
                    int64_t count) {
  size_t n = static_cast<uint64_t>(count) < list.size() ? static_cast<size_t>(count) : list.size();
  ctx.reply.array(2);
  ctx.reply.bulk(key);
  ctx.reply.array(n);
  std::string value;
  for (size_t i = 0; i < n; ++i) {
    pop_end(list, end, value);
    ctx.reply.bulk(value);
  }
  list_elements_removed(ctx, key, list, pop_event(end));
  // LMPOP and BLMPOP replay as the pop they did.
  if (ctx.propagating())
    ctx.propagate_as({end == ListEnd::Left ? "LPOP" : "RPOP", key,
                      util::i64_to_string(static_cast<int64_t>(n))});
}

bool move_and_reply(CommandContext& ctx, std::string_view src_key, ds::QuickList& src,
                    std::string_view dst_key, ListEnd from, ListEnd to) {
  ds::QuickList* dst = write_list(ctx, dst_key);
  if (ctx.failed) return false;
  std::string value;
  pop_end(src, from, value);
  // When src and dst are one key the list is never empty here, so dst is never created over it.
  if (!dst) dst = &create_list(ctx, dst_key);
  push_end(*dst, to, value);
  ctx.changed(dst_key, config::kEventList, push_event(to));
  ctx.reply.bulk(value);
  list_elements_removed(ctx, src_key, src, pop_event(from));
  // The blocking forms replay as their plain ones, as Redis logs them: BRPOPLPUSH as RPOPLPUSH,
  // BLMOVE as LMOVE. LMOVE and RPOPLPUSH go as they are.
  if (ctx.propagating()) {
    if (ctx.spec.name == "brpoplpush") {
      ctx.propagate_as({"RPOPLPUSH", src_key, dst_key});
    } else if (ctx.spec.name == "blmove") {
      ctx.propagate_as({"LMOVE", src_key, dst_key, from == ListEnd::Left ? "LEFT" : "RIGHT",
                        to == ListEnd::Left ? "LEFT" : "RIGHT"});
    }
  }
  return true;
}

}  // namespace cardinal::cmd
