// OBJECT: how a key's value is stored (ENCODING), shared (REFCOUNT) and used (IDLETIME, FREQ).
#include <string>

#include "cardinal/cmd/families.h"
#include "helpers.h"

namespace cardinal::cmd {

namespace {

bool lfu_policy(const CommandContext& ctx) {
  return ctx.server.settings().maxmemory_policy.find("lfu") != std::string::npos;
}

void object_encoding(CommandContext& ctx) {
  engine::DbEntry* e = ctx.db().find_quiet(ctx.arg(2));
  if (!e) return ctx.reply.null();
  ctx.reply.bulk(engine::encoding_name(e->value.encoding()));
}

void object_refcount(CommandContext& ctx) {
  engine::DbEntry* e = ctx.db().find_quiet(ctx.arg(2));
  if (!e) return ctx.reply.null();
  // Redis shares the objects for 0..9999 and reports them as immortal.
  ctx.reply.integer(e->value.is_shared_integer() ? 2147483647 : 1);
}

void object_idletime(CommandContext& ctx) {
  engine::DbEntry* e = ctx.db().find_quiet(ctx.arg(2));
  if (!e) return ctx.reply.null();
  if (lfu_policy(ctx)) {
    return ctx.error(Errc::IdleTimeUnderLfu);
  }
  ctx.reply.integer(e->idle_seconds(ctx.now_ms()));
}

void object_freq(CommandContext& ctx) {
  engine::DbEntry* e = ctx.db().find_quiet(ctx.arg(2));
  if (!e) return ctx.reply.null();
  if (!lfu_policy(ctx)) {
    return ctx.error(Errc::FreqWithoutLfu);
  }
  ctx.reply.integer(0);
}

void object_help(CommandContext& ctx) {
  static constexpr std::string_view kLines[] = {
      "OBJECT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
      "ENCODING <key>",
      "    Return the kind of internal representation used in order to store the value",
      "    associated with a <key>.",
      "FREQ <key>",
      "    Return the access frequency index of the <key>. The returned integer is",
      "    proportional to the logarithm of the recent access frequency of the key.",
      "IDLETIME <key>",
      "    Return the idle time of the <key>, that is the approximated number of",
      "    seconds elapsed since the last access to the key.",
      "REFCOUNT <key>",
      "    Return the number of references of the value associated with the specified",
      "    <key>.",
      "HELP",
      "    Print this help.",
  };
  ctx.reply.array(std::size(kLines));
  for (std::string_view l : kLines) ctx.reply.simple(l);
}

constexpr CommandSpec kObjectSubcommands[] = {
    {.name = "object|encoding",
     .arity = 3,
     .flags = kReadonly,
     .keys = {2, 2, 1},
     .group = Group::Generic,
     .since = "2.2.3",
     .summary = "Inspect the internal encoding of a Redis object",
     .complexity = "O(1)",
     .syntax = "key",
     .handler = object_encoding},
    {.name = "object|refcount",
     .arity = 3,
     .flags = kReadonly,
     .keys = {2, 2, 1},
     .group = Group::Generic,
     .since = "2.2.3",
     .summary = "Get the number of references to the value of the key",
     .complexity = "O(1)",
     .syntax = "key",
     .handler = object_refcount},
    {.name = "object|idletime",
     .arity = 3,
     .flags = kReadonly,
     .keys = {2, 2, 1},
     .group = Group::Generic,
     .since = "2.2.3",
     .summary = "Get the time since a Redis object was last accessed",
     .complexity = "O(1)",
     .syntax = "key",
     .handler = object_idletime},
    {.name = "object|freq",
     .arity = 3,
     .flags = kReadonly,
     .keys = {2, 2, 1},
     .group = Group::Generic,
     .since = "4.0.0",
     .summary = "Get the logarithmic access frequency counter of a Redis object",
     .complexity = "O(1)",
     .syntax = "key",
     .handler = object_freq},
    {.name = "object|help",
     .arity = 2,
     .flags = kLoading | kStale,
     .group = Group::Generic,
     .since = "6.2.0",
     .summary = "Show helpful text about the different subcommands",
     .complexity = "O(1)",
     .handler = object_help},
};

constexpr CommandSpec kObjectCommands[] = {
    {.name = "object",
     .arity = -2,
     .group = Group::Generic,
     .since = "2.2.3",
     .summary = "A container for object introspection commands",
     .complexity = "Depends on subcommand.",
     .subcommands = kObjectSubcommands},
};

}  // namespace

std::span<const CommandSpec> object_commands() {
  return kObjectCommands;
}

}  // namespace cardinal::cmd
