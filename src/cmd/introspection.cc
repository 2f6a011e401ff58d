// COMMAND and its subcommands, rendered from the command table: the table is the only place a
// command's arity, flags, keys and documentation are written down.
#include <map>
#include <span>
#include <string>
#include <vector>

#include "cardinal/cmd/families.h"
#include "cardinal/util/glob.h"
#include "cardinal/util/numbers.h"
#include "command_docs.h"

#include "helpers.h"

namespace cardinal::cmd {

namespace {

constexpr std::pair<CommandFlag, std::string_view> kFlagNames[] = {
    {kWrite, "write"},
    {kReadonly, "readonly"},
    {kDenyOom, "denyoom"},
    {kAdmin, "admin"},
    {kPubsub, "pubsub"},
    {kNoscript, "noscript"},
    {kBlocking, "blocking"},
    {kLoading, "loading"},
    {kStale, "stale"},
    {kSkipMonitor, "skip_monitor"},
    {kSkipSlowlog, "skip_slowlog"},
    {kFast, "fast"},
    {kNoAuth, "no_auth"},
    {kMayReplicate, "may_replicate"},
    {kNoAsyncLoading, "no_async_loading"},
    {kNoMulti, "no_multi"},
    {kAllowBusy, "allow_busy"},
};

// Redis's ACL categories in its own table order, which is the order COMMAND shows them in.
enum AclCategory : uint32_t {
  kCatKeyspace = 1u << 0,
  kCatRead = 1u << 1,
  kCatWrite = 1u << 2,
  kCatSet = 1u << 3,
  kCatSortedSet = 1u << 4,
  kCatList = 1u << 5,
  kCatHash = 1u << 6,
  kCatString = 1u << 7,
  kCatPubsub = 1u << 12,
  kCatAdmin = 1u << 13,
  kCatFast = 1u << 14,
  kCatSlow = 1u << 15,
  kCatBlocking = 1u << 16,
  kCatDangerous = 1u << 17,
  kCatConnection = 1u << 18,
  kCatTransaction = 1u << 19,
};
constexpr std::pair<uint32_t, std::string_view> kCategoryNames[] = {
    {kCatKeyspace, "@keyspace"},
    {kCatRead, "@read"},
    {kCatWrite, "@write"},
    {kCatSet, "@set"},
    {kCatSortedSet, "@sortedset"},
    {kCatList, "@list"},
    {kCatHash, "@hash"},
    {kCatString, "@string"},
    {kCatPubsub, "@pubsub"},
    {kCatAdmin, "@admin"},
    {kCatFast, "@fast"},
    {kCatSlow, "@slow"},
    {kCatBlocking, "@blocking"},
    {kCatDangerous, "@dangerous"},
    {kCatConnection, "@connection"},
    {kCatTransaction, "@transaction"},
};

// Categories Redis's command table names explicitly, beyond what the group and flags imply.
uint32_t explicit_categories(std::string_view name) {
  if (name == "flushall" || name == "flushdb" || name == "swapdb")
    return kCatKeyspace | kCatDangerous;
  if (name == "keys" || name == "info") return kCatDangerous;
  if (name == "dbsize") return kCatKeyspace;
  if (name == "lastsave") return kCatAdmin | kCatDangerous;
  if (name == "command" || name.starts_with("command|")) return kCatConnection;
  return 0;
}

// Redis 7.0's command tips (hints for clients and proxies: how a cluster client should fan the
// command out, whether its output is deterministic), for the commands cardinal has.
std::span<const std::string_view> command_tips(std::string_view name) {
  static constexpr std::string_view kOrder[] = {"nondeterministic_output_order"};
  static constexpr std::string_view kOutput[] = {"nondeterministic_output"};
  static constexpr std::string_view kMultiSum[] = {"request_policy:multi_shard",
                                                   "response_policy:agg_sum"};
  static constexpr std::string_view kAllShardsOk[] = {"request_policy:all_shards",
                                                      "response_policy:all_succeeded"};
  static constexpr std::string_view kAllNodesOk[] = {"request_policy:all_nodes",
                                                     "response_policy:all_succeeded"};
  static constexpr std::string_view kLatency[] = {
      "nondeterministic_output", "request_policy:all_nodes", "response_policy:special"};
  static constexpr std::string_view kDbsize[] = {"request_policy:all_shards",
                                                 "response_policy:agg_sum"};
  static constexpr std::string_view kInfo[] = {
      "nondeterministic_output", "request_policy:all_shards", "response_policy:special"};
  static constexpr std::string_view kKeys[] = {"request_policy:all_shards",
                                               "nondeterministic_output_order"};
  static constexpr std::string_view kMget[] = {"request_policy:multi_shard"};
  static constexpr std::string_view kMset[] = {"request_policy:multi_shard",
                                               "response_policy:all_succeeded"};
  static constexpr std::string_view kMsetnx[] = {"request_policy:multi_shard",
                                                 "response_policy:agg_min"};
  static constexpr std::string_view kRandomkey[] = {"request_policy:all_shards",
                                                    "nondeterministic_output"};
  static constexpr std::string_view kScan[] = {"nondeterministic_output", "request_policy:special"};
  static constexpr std::string_view kSlowlogGet[] = {"request_policy:all_nodes",
                                                     "nondeterministic_output"};
  static constexpr std::string_view kSlowlogLen[] = {
      "request_policy:all_nodes", "response_policy:agg_sum", "nondeterministic_output"};
  static const std::map<std::string_view, std::span<const std::string_view>> kTips = {
      {"client|info", kOutput},
      {"client|list", kOutput},
      {"command", kOrder},
      {"command|docs", kOrder},
      {"command|info", kOrder},
      {"command|list", kOrder},
      {"config|set", kAllNodesOk},
      {"dbsize", kDbsize},
      {"del", kMultiSum},
      {"exists", kMultiSum},
      {"flushall", kAllShardsOk},
      {"flushdb", kAllShardsOk},
      {"hgetall", kOrder},
      {"hkeys", kOrder},
      {"hrandfield", kOutput},
      {"hscan", kOutput},
      {"hvals", kOrder},
      {"info", kInfo},
      {"keys", kKeys},
      {"lastsave", kOutput},
      {"latency|doctor", kLatency},
      {"latency|graph", kLatency},
      {"latency|histogram", kLatency},
      {"latency|history", kLatency},
      {"latency|latest", kLatency},
      {"latency|reset", kAllNodesOk},
      {"mget", kMget},
      {"mset", kMset},
      {"msetnx", kMsetnx},
      {"object|encoding", kOutput},
      {"object|freq", kOutput},
      {"object|idletime", kOutput},
      {"object|refcount", kOutput},
      {"ping", kAllShardsOk},
      {"pttl", kOutput},
      {"randomkey", kRandomkey},
      {"scan", kScan},
      {"sdiff", kOrder},
      {"sinter", kOrder},
      {"slowlog|get", kSlowlogGet},
      {"slowlog|len", kSlowlogLen},
      {"slowlog|reset", kAllNodesOk},
      {"smembers", kOrder},
      {"spop", kOutput},
      {"srandmember", kOutput},
      {"sscan", kOutput},
      {"sunion", kOrder},
      {"time", kOutput},
      {"touch", kMultiSum},
      {"ttl", kOutput},
      {"unlink", kMultiSum},
      {"zrandmember", kOutput},
      {"zscan", kOutput},
  };
  auto it = kTips.find(name);
  return it == kTips.end() ? std::span<const std::string_view>{} : it->second;
}

std::vector<std::string_view> acl_categories(const CommandSpec& spec) {
  // A container (CLIENT, OBJECT, ...) is only @slow; its subcommands carry the rest.
  uint32_t cats = explicit_categories(spec.name);
  if (spec.subcommands.empty()) {
    if (spec.flags & kWrite) cats |= kCatWrite;
    if (spec.flags & kReadonly) cats |= kCatRead;
    switch (spec.group) {
      case Group::String:
        cats |= kCatString;
        break;
      case Group::Generic:
        cats |= kCatKeyspace;
        break;
      case Group::List:
        cats |= kCatList;
        break;
      case Group::Set:
        cats |= kCatSet;
        break;
      case Group::SortedSet:
        cats |= kCatSortedSet;
        break;
      case Group::Hash:
        cats |= kCatHash;
        break;
      case Group::PubSub:
        // As in Redis, the category follows the pubsub flag: the PUBSUB container and
        // PUBSUB HELP are in the group but not the category.
        if (spec.flags & kPubsub) cats |= kCatPubsub;
        break;
      case Group::Connection:
        cats |= kCatConnection;
        break;
      case Group::Transactions:
        cats |= kCatTransaction;
        break;
      default:
        break;
    }
    if (spec.flags & kAdmin) cats |= kCatAdmin | kCatDangerous;
    if (spec.flags & kBlocking) cats |= kCatBlocking;
  }
  cats |= spec.flags & kFast ? kCatFast : kCatSlow;
  std::vector<std::string_view> out;
  for (auto [bit, category] : kCategoryNames)
    if (cats & bit) out.push_back(category);
  return out;
}

void reply_info(CommandContext& ctx, const CommandSpec& spec) {
  resp::ReplyWriter& r = ctx.reply;
  r.array(10);
  r.bulk(spec.name);
  r.integer(spec.arity);
  std::vector<std::string_view> flags;
  for (auto [flag, name] : kFlagNames)
    if (spec.flags & flag) flags.push_back(name);
  bool movable = spec.keys.numkeys_at > 0;
  if (movable) flags.push_back("movablekeys");
  r.set(flags.size());
  for (std::string_view f : flags) r.simple(f);
  int dest = spec.keys.dest;
  r.integer(movable ? dest : spec.keys.first);
  r.integer(movable ? dest : spec.keys.last);
  r.integer(movable ? (dest ? 1 : 0) : spec.keys.step);
  auto cats = acl_categories(spec);
  r.set(cats.size());
  for (std::string_view c : cats) r.simple(c);
  std::span<const std::string_view> tips = command_tips(spec.name);
  r.set(tips.size());
  for (std::string_view tip : tips) r.bulk(tip);
  if (spec.keys.first > 0) {
    // One range spec per single key or run of keys; a keynum spec for a counted run. Both
    // start the same way: flags, an index search, then the find_keys map of three entries.
    auto spec_head = [&](std::string_view f1, std::string_view f2, int index,
                         std::string_view find_type) {
      r.map(3);
      r.bulk("flags");
      r.set(f2.empty() ? 1 : 2);
      r.simple(f1);
      if (!f2.empty()) r.simple(f2);
      r.bulk("begin_search");
      r.map(2);
      r.bulk("type");
      r.bulk("index");
      r.bulk("spec");
      r.map(1);
      r.bulk("index");
      r.integer(index);
      r.bulk("find_keys");
      r.map(2);
      r.bulk("type");
      r.bulk(find_type);
      r.bulk("spec");
      r.map(3);
    };
    auto range_spec = [&](int index, int lastkey, int step, std::string_view f1,
                          std::string_view f2) {
      spec_head(f1, f2, index, "range");
      r.bulk("lastkey");
      r.integer(lastkey);
      r.bulk("keystep");
      r.integer(step);
      r.bulk("limit");
      r.integer(0);
    };
    bool write = spec.flags & kWrite;
    r.set(dest ? 2 : 1);  // key specs are a set in RESP3, as in Redis
    if (dest) range_spec(dest, 0, 1, "OW", "update");
    if (movable) {
      spec_head(write && !dest ? "RW" : "RO", write && !dest ? "update" : "access",
                spec.keys.numkeys_at, "keynum");
      r.bulk("keynumidx");
      r.integer(0);
      r.bulk("firstkey");
      r.integer(spec.keys.first - spec.keys.numkeys_at);
      r.bulk("keystep");
      r.integer(1);
    } else {
      int lastkey = spec.keys.last >= 0 ? spec.keys.last - spec.keys.first : spec.keys.last;
      if (spec.keys.not_key) {
        range_spec(spec.keys.first, lastkey, spec.keys.step, "not_key", {});
      } else {
        range_spec(spec.keys.first, lastkey, spec.keys.step, write ? "RW" : "RO",
                   write ? "update" : "access");
      }
    }
  } else {
    r.set(0);  // no key specs
  }
  if (spec.subcommands.empty()) {
    r.set(0);
  } else {
    r.array(spec.subcommands.size());
  }
  for (const CommandSpec& sub : spec.subcommands) reply_info(ctx, sub);
}

void reply_doc_arg(resp::ReplyWriter& r, const DocArg& a) {
  size_t fields = 2 + (a.token.empty() ? 0 : 1) + (a.optional || a.multiple ? 1 : 0) +
                  (a.children.empty() ? 0 : 1);
  r.map(fields);
  r.bulk("name");
  r.bulk(a.name);
  r.bulk("type");
  r.bulk(a.type);
  if (!a.token.empty()) {
    r.bulk("token");
    r.bulk(a.token);
  }
  if (a.optional || a.multiple) {
    r.bulk("flags");
    r.array((a.optional ? 1 : 0) + (a.multiple ? 1 : 0));
    if (a.optional) r.simple("optional");
    if (a.multiple) r.simple("multiple");
  }
  if (!a.children.empty()) {
    r.bulk("arguments");
    r.array(a.children.size());
    for (const DocArg& c : a.children) reply_doc_arg(r, c);
  }
}

void reply_docs(CommandContext& ctx, const CommandSpec& spec) {
  resp::ReplyWriter& r = ctx.reply;
  std::vector<DocArg> args = parse_doc_syntax(spec.syntax);
  r.map(4 + (args.empty() ? 0 : 1) + (spec.subcommands.empty() ? 0 : 1));
  r.bulk("summary");
  r.bulk(spec.summary);
  r.bulk("since");
  r.bulk(spec.since);
  r.bulk("group");
  r.bulk(group_name(spec.group));
  r.bulk("complexity");
  r.bulk(spec.complexity);
  if (!args.empty()) {
    r.bulk("arguments");
    r.array(args.size());
    for (const DocArg& a : args) reply_doc_arg(r, a);
  }
  if (!spec.subcommands.empty()) {
    r.bulk("subcommands");
    r.map(spec.subcommands.size());
    for (const CommandSpec& sub : spec.subcommands) {
      r.bulk(sub.name);
      reply_docs(ctx, sub);
    }
  }
}

void command(CommandContext& ctx) {
  const auto& all = ctx.server.commands.all();
  ctx.reply.array(all.size());
  for (const auto& [name, entry] : all) reply_info(ctx, *entry->spec);
}

void command_count(CommandContext& ctx) {
  ctx.reply.integer(static_cast<int64_t>(ctx.server.commands.all().size()));
}

void command_info(CommandContext& ctx) {
  if (ctx.argc() == 2) return command(ctx);
  ctx.reply.array(ctx.argc() - 2);
  for (size_t i = 2; i < ctx.argc(); ++i) {
    CommandEntry* e = ctx.server.commands.find(ctx.arg(i));
    if (e) {
      reply_info(ctx, *e->spec);
    } else {
      ctx.reply.null_array();
    }
  }
}

void command_docs(CommandContext& ctx) {
  std::vector<const CommandSpec*> specs;
  if (ctx.argc() == 2) {
    for (const auto& [name, entry] : ctx.server.commands.all()) specs.push_back(entry->spec);
  } else {
    for (size_t i = 2; i < ctx.argc(); ++i)
      if (CommandEntry* e = ctx.server.commands.find(ctx.arg(i))) specs.push_back(e->spec);
  }
  ctx.reply.map(specs.size());
  for (const CommandSpec* s : specs) {
    ctx.reply.bulk(s->name);
    reply_docs(ctx, *s);
  }
}

void command_list(CommandContext& ctx) {
  std::string_view pattern, category;
  if (ctx.argc() != 2) {
    if (ctx.argc() != 5 || !CommandContext::is(ctx.arg(2), "FILTERBY"))
      return ctx.error(Errc::Syntax);
    if (CommandContext::is(ctx.arg(3), "PATTERN")) {
      pattern = ctx.arg(4);
    } else if (CommandContext::is(ctx.arg(3), "ACLCAT")) {
      category = ctx.arg(4);
    } else if (CommandContext::is(ctx.arg(3), "MODULE")) {
      ctx.reply.array(0);
      return;
    } else {
      return ctx.error(Errc::Syntax);
    }
  }
  std::vector<std::string_view> names;
  auto consider = [&](const CommandSpec& s) {
    if (!pattern.empty() && !util::glob_match(pattern, s.name, true)) return;
    if (!category.empty()) {
      bool found = false;
      for (std::string_view c : acl_categories(s))
        found |= CommandContext::is(c.substr(1), category);
      if (!found) return;
    }
    names.push_back(s.name);
  };
  for (const auto& [name, entry] : ctx.server.commands.all()) {
    consider(*entry->spec);
    for (const CommandSpec& sub : entry->spec->subcommands) consider(sub);
  }
  ctx.reply.array(names.size());
  for (std::string_view n : names) ctx.reply.bulk(n);
}

void command_getkeys(CommandContext& ctx) {
  auto target = ctx.args.subspan(2);
  CommandEntry* e = ctx.server.commands.find(target[0]);
  if (!e) return ctx.error(Errc::GetkeysInvalidCommand);
  if (e && !e->subcommands.empty() && target.size() > 1) e = e->find_subcommand(target[1]);
  if (!e) return ctx.error(Errc::GetkeysInvalidCommand);
  const CommandSpec& s = *e->spec;
  auto argc = static_cast<int>(target.size());
  // Redis's order: a keyless command is reported as such whatever its argument count.
  if (s.keys.first <= 0 || s.keys.not_key) return ctx.error(Errc::GetkeysNoKeys);
  if ((s.arity > 0 && argc != s.arity) || (s.arity < 0 && argc < -s.arity))
    return ctx.error(Errc::GetkeysInvalidArity);
  std::vector<std::string_view> keys;
  if (s.keys.numkeys_at > 0) {
    int64_t n = 0;
    if (!util::parse_i64(target[static_cast<size_t>(s.keys.numkeys_at)], n) || n <= 0 ||
        n > argc - s.keys.first)
      return ctx.error(Errc::GetkeysInvalidArgs);
    if (s.keys.dest > 0) keys.push_back(target[static_cast<size_t>(s.keys.dest)]);
    for (int64_t i = 0; i < n; ++i) keys.push_back(target[static_cast<size_t>(s.keys.first + i)]);
  } else {
    int last = s.keys.last >= 0 ? s.keys.last : argc + s.keys.last;
    for (int i = s.keys.first; i <= last && i < argc; i += s.keys.step)
      keys.push_back(target[static_cast<size_t>(i)]);
  }
  ctx.reply.array(keys.size());
  for (std::string_view k : keys) ctx.reply.bulk(k);
}

void command_help(CommandContext& ctx) {
  static constexpr std::string_view kLines[] = {
      "COMMAND <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
      "(no subcommand)",
      "    Return details about all Redis commands.",
      "COUNT",
      "    Return the total number of commands in this Redis server.",
      "LIST",
      "    Return a list of all commands in this Redis server.",
      "INFO [<command-name> ...]",
      "    Return details about multiple Redis commands.",
      "DOCS [<command-name> ...]",
      "    Return documentation details about multiple Redis commands.",
      "GETKEYS <full-command>",
      "    Return the keys from a full Redis command.",
      "HELP",
      "    Print this help.",
  };
  ctx.reply.array(std::size(kLines));
  for (std::string_view l : kLines) ctx.reply.simple(l);
}

constexpr uint32_t kIntrospectionFlags = kLoading | kStale | kSentinel;

constexpr CommandSpec kCommandSubcommands[] = {
    {.name = "command|count",
     .arity = 2,
     .flags = kIntrospectionFlags,
     .group = Group::Server,
     .since = "2.8.13",
     .summary = "Get total number of Redis commands",
     .complexity = "O(1)",
     .handler = command_count},
    {.name = "command|info",
     .arity = -2,
     .flags = kIntrospectionFlags,
     .group = Group::Server,
     .since = "2.8.13",
     .summary = "Get array of specific Redis command details, or all when no argument is given.",
     .complexity = "O(N) where N is the number of commands to look up",
     .syntax = "[command-name [command-name ...]]",
     .handler = command_info},
    {.name = "command|docs",
     .arity = -2,
     .flags = kIntrospectionFlags,
     .group = Group::Server,
     .since = "7.0.0",
     .summary = "Get array of specific Redis command documentation",
     .complexity = "O(N) where N is the number of commands to look up",
     .syntax = "[command-name [command-name ...]]",
     .handler = command_docs},
    {.name = "command|list",
     .arity = -2,
     .flags = kIntrospectionFlags,
     .group = Group::Server,
     .since = "7.0.0",
     .summary = "Get an array of Redis command names",
     .complexity = "O(N) where N is the total number of Redis commands",
     .syntax = "[FILTERBY MODULE module-name | ACLCAT category | PATTERN pattern]",
     .handler = command_list},
    {.name = "command|getkeys",
     .arity = -4,
     .flags = kIntrospectionFlags,
     .group = Group::Server,
     .since = "2.8.13",
     .summary = "Extract keys given a full Redis command",
     .complexity = "O(N) where N is the number of arguments to the command",
     .syntax = "command [arg [arg ...]]",
     .handler = command_getkeys},
    {.name = "command|help",
     .arity = 2,
     .flags = kLoading | kStale,
     .group = Group::Server,
     .since = "5.0.0",
     .summary = "Show helpful text about the different subcommands",
     .complexity = "O(1)",
     .handler = command_help},
};

constexpr CommandSpec kIntrospectionCommands[] = {
    {.name = "command",
     .arity = -1,
     .flags = kIntrospectionFlags,
     .group = Group::Server,
     .since = "2.8.13",
     .summary = "Get array of Redis command details",
     .complexity = "O(N) where N is the total number of Redis commands",
     .handler = command,
     .subcommands = kCommandSubcommands},
};

}  // namespace

std::span<const CommandSpec> introspection_commands() {
  return kIntrospectionCommands;
}

}  // namespace cardinal::cmd
