// Pub/Sub commands: (P|S)SUBSCRIBE, (P|S)UNSUBSCRIBE, PUBLISH, SPUBLISH and PUBSUB over
// ServerState::pubsub. Confirmations are push frames (arrays under RESP2), one per name.
#include <string>
#include <vector>

#include "cardinal/cmd/families.h"
#include "cardinal/cmd/pubsub.h"
#include "cardinal/util/glob.h"
#include "helpers.h"

namespace cardinal::cmd {

namespace {

// What a confirmation counts: channels and patterns together, shard channels on their own.
size_t confirmation_count(const Session& s, PubSubKind kind) {
  if (kind != PubSubKind::Shard) return s.subscription_count();
  return s.subscriptions ? s.subscriptions->shard_channels.size() : 0;
}

void confirm(CommandContext& ctx, std::string_view verb, const std::string_view* name,
             PubSubKind kind) {
  ctx.reply.push(3);
  ctx.reply.bulk(verb);
  if (name) {
    ctx.reply.bulk(*name);
  } else {
    ctx.reply.null();
  }
  ctx.reply.integer(static_cast<int64_t>(confirmation_count(ctx.session, kind)));
}

void subscribe_to(CommandContext& ctx, PubSubKind kind, std::string_view verb) {
  for (size_t i = 1; i < ctx.argc(); ++i) {
    ctx.server.pubsub.subscribe(ctx.session, kind, ctx.arg(i));
    confirm(ctx, verb, &ctx.args[i], kind);
  }
}

void unsubscribe_from(CommandContext& ctx, PubSubKind kind, std::string_view verb) {
  if (ctx.argc() > 1) {
    for (size_t i = 1; i < ctx.argc(); ++i) {
      ctx.server.pubsub.unsubscribe(ctx.session, kind, ctx.arg(i));
      confirm(ctx, verb, &ctx.args[i], kind);
    }
    return;
  }
  // No names: every subscription of this kind, or one confirmation with a null name.
  std::vector<std::string> names;
  if (ctx.session.subscriptions) {
    const Subscriptions& subs = *ctx.session.subscriptions;
    const auto& mine = kind == PubSubKind::Channel   ? subs.channels
                       : kind == PubSubKind::Pattern ? subs.patterns
                                                     : subs.shard_channels;
    names.assign(mine.begin(), mine.end());
  }
  if (names.empty()) return confirm(ctx, verb, nullptr, kind);
  for (const std::string& name : names) {
    ctx.server.pubsub.unsubscribe(ctx.session, kind, name);
    std::string_view view = name;
    confirm(ctx, verb, &view, kind);
  }
}

void subscribe(CommandContext& ctx) {
  subscribe_to(ctx, PubSubKind::Channel, "subscribe");
}
void psubscribe(CommandContext& ctx) {
  subscribe_to(ctx, PubSubKind::Pattern, "psubscribe");
}
void ssubscribe(CommandContext& ctx) {
  subscribe_to(ctx, PubSubKind::Shard, "ssubscribe");
}
void unsubscribe(CommandContext& ctx) {
  unsubscribe_from(ctx, PubSubKind::Channel, "unsubscribe");
}
void punsubscribe(CommandContext& ctx) {
  unsubscribe_from(ctx, PubSubKind::Pattern, "punsubscribe");
}
void sunsubscribe(CommandContext& ctx) {
  unsubscribe_from(ctx, PubSubKind::Shard, "sunsubscribe");
}

void publish(CommandContext& ctx) {
  ctx.reply.integer(static_cast<int64_t>(ctx.server.pubsub.publish(ctx.arg(1), ctx.arg(2))));
}

void spublish(CommandContext& ctx) {
  ctx.reply.integer(static_cast<int64_t>(ctx.server.pubsub.publish_shard(ctx.arg(1), ctx.arg(2))));
}

void reply_names(CommandContext& ctx, PubSubKind kind) {
  if (ctx.argc() > 3) return ctx.error(Errc::PubsubSubcommandArity, ctx.arg(1));
  std::string_view pattern = ctx.argc() == 3 ? ctx.arg(2) : std::string_view{};
  std::vector<std::string_view> names;
  ctx.server.pubsub.for_each_name(kind, [&](std::string_view name) {
    if (pattern.empty() || util::glob_match(pattern, name, false)) names.push_back(name);
  });
  ctx.reply.array(names.size());
  for (std::string_view n : names) ctx.reply.bulk(n);
}

void reply_counts(CommandContext& ctx, PubSubKind kind) {
  ctx.reply.array((ctx.argc() - 2) * 2);
  for (size_t i = 2; i < ctx.argc(); ++i) {
    ctx.reply.bulk(ctx.arg(i));
    ctx.reply.integer(static_cast<int64_t>(ctx.server.pubsub.subscribers(kind, ctx.arg(i))));
  }
}

void pubsub_channels(CommandContext& ctx) {
  reply_names(ctx, PubSubKind::Channel);
}
void pubsub_shardchannels(CommandContext& ctx) {
  reply_names(ctx, PubSubKind::Shard);
}
void pubsub_numsub(CommandContext& ctx) {
  reply_counts(ctx, PubSubKind::Channel);
}
void pubsub_shardnumsub(CommandContext& ctx) {
  reply_counts(ctx, PubSubKind::Shard);
}
void pubsub_numpat(CommandContext& ctx) {
  ctx.reply.integer(static_cast<int64_t>(ctx.server.pubsub.count(PubSubKind::Pattern)));
}

void pubsub_help(CommandContext& ctx) {
  static constexpr std::string_view kLines[] = {
      "PUBSUB <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
      "CHANNELS [<pattern>]",
      "    Return the currently active channels matching a <pattern> (default: '*').",
      "NUMPAT",
      "    Return number of subscriptions to patterns.",
      "NUMSUB [<channel> ...]",
      "    Return the number of subscribers for the specified channels, excluding",
      "    pattern subscriptions(default: no channels).",
      "SHARDCHANNELS [<pattern>]",
      "    Return the currently active shard level channels matching a <pattern> (default: "
      "'*').",
      "SHARDNUMSUB [<shardchannel> ...]",
      "    Return the number of subscribers for the specified shard level channel(s)",
      "HELP",
      "    Prints this help.",
  };
  ctx.reply.array(std::size(kLines));
  for (std::string_view l : kLines) ctx.reply.simple(l);
}

constexpr uint32_t kSubscribeFlags = kPubsub | kNoscript | kLoading | kStale;
constexpr uint32_t kPublishFlags = kPubsub | kLoading | kStale | kFast;
constexpr uint32_t kPubsubQueryFlags = kPubsub | kLoading | kStale;

constexpr CommandSpec kPubsubSubcommands[] = {
    {.name = "pubsub|channels",
     .arity = -2,
     .flags = kPubsubQueryFlags,
     .group = Group::PubSub,
     .since = "2.8.0",
     .summary = "List active channels",
     .complexity = "O(N) where N is the number of active channels, and assuming constant time "
                   "pattern matching (relatively short channels and patterns)",
     .syntax = "[pattern]",
     .handler = pubsub_channels},
    {.name = "pubsub|numsub",
     .arity = -2,
     .flags = kPubsubQueryFlags,
     .group = Group::PubSub,
     .since = "2.8.0",
     .summary = "Get the count of subscribers for channels",
     .complexity = "O(N) for the NUMSUB subcommand, where N is the number of requested channels",
     .syntax = "[channel [channel ...]]",
     .handler = pubsub_numsub},
    {.name = "pubsub|numpat",
     .arity = 2,
     .flags = kPubsubQueryFlags,
     .group = Group::PubSub,
     .since = "2.8.0",
     .summary = "Get the count of unique patterns pattern subscriptions",
     .complexity = "O(1)",
     .handler = pubsub_numpat},
    {.name = "pubsub|shardchannels",
     .arity = -2,
     .flags = kPubsubQueryFlags,
     .group = Group::PubSub,
     .since = "7.0.0",
     .summary = "List active shard channels",
     .complexity = "O(N) where N is the number of active shard channels, and assuming constant "
                   "time pattern matching (relatively short shard channels).",
     .syntax = "[pattern]",
     .handler = pubsub_shardchannels},
    {.name = "pubsub|shardnumsub",
     .arity = -2,
     .flags = kPubsubQueryFlags,
     .group = Group::PubSub,
     .since = "7.0.0",
     .summary = "Get the count of subscribers for shard channels",
     .complexity = "O(N) for the SHARDNUMSUB subcommand, where N is the number of requested "
                   "shard channels",
     .syntax = "[shardchannel [shardchannel ...]]",
     .handler = pubsub_shardnumsub},
    {.name = "pubsub|help",
     .arity = 2,
     .flags = kLoading | kStale,
     .group = Group::PubSub,
     .since = "6.2.0",
     .summary = "Show helpful text about the different subcommands",
     .complexity = "O(1)",
     .handler = pubsub_help},
};

constexpr CommandSpec kPubsubCommands[] = {
    {.name = "subscribe",
     .arity = -2,
     .flags = kSubscribeFlags,
     .group = Group::PubSub,
     .since = "2.0.0",
     .summary = "Listen for messages published to the given channels",
     .complexity = "O(N) where N is the number of channels to subscribe to.",
     .syntax = "channel [channel ...]",
     .handler = subscribe},
    {.name = "unsubscribe",
     .arity = -1,
     .flags = kSubscribeFlags,
     .group = Group::PubSub,
     .since = "2.0.0",
     .summary = "Stop listening for messages posted to the given channels",
     .complexity = "O(N) where N is the number of clients already subscribed to a channel.",
     .syntax = "[channel [channel ...]]",
     .handler = unsubscribe},
    {.name = "psubscribe",
     .arity = -2,
     .flags = kSubscribeFlags,
     .group = Group::PubSub,
     .since = "2.0.0",
     .summary = "Listen for messages published to channels matching the given patterns",
     .complexity = "O(N) where N is the number of patterns the client is already subscribed to.",
     .syntax = "pattern [pattern ...]",
     .handler = psubscribe},
    {.name = "punsubscribe",
     .arity = -1,
     .flags = kSubscribeFlags,
     .group = Group::PubSub,
     .since = "2.0.0",
     .summary = "Stop listening for messages posted to channels matching the given patterns",
     .complexity = "O(N+M) where N is the number of patterns the client is already subscribed "
                   "and M is the number of total patterns subscribed in the system (by any "
                   "client).",
     .syntax = "[pattern [pattern ...]]",
     .handler = punsubscribe},
    {.name = "publish",
     .arity = 3,
     .flags = kPublishFlags,
     .group = Group::PubSub,
     .since = "2.0.0",
     .summary = "Post a message to a channel",
     .complexity = "O(N+M) where N is the number of clients subscribed to the receiving channel "
                   "and M is the total number of subscribed patterns (by any client).",
     .syntax = "channel message",
     .handler = publish},
    {.name = "ssubscribe",
     .arity = -2,
     .flags = kSubscribeFlags,
     .keys = {.first = 1, .last = -1, .step = 1, .not_key = true},
     .group = Group::PubSub,
     .since = "7.0.0",
     .summary = "Listen for messages published to the given shard channels",
     .complexity = "O(N) where N is the number of shard channels to subscribe to.",
     .syntax = "shardchannel [shardchannel ...]",
     .handler = ssubscribe},
    {.name = "sunsubscribe",
     .arity = -1,
     .flags = kSubscribeFlags,
     .keys = {.first = 1, .last = -1, .step = 1, .not_key = true},
     .group = Group::PubSub,
     .since = "7.0.0",
     .summary = "Stop listening for messages posted to the given shard channels",
     .complexity = "O(N) where N is the number of clients already subscribed to a shard channel.",
     .syntax = "[shardchannel [shardchannel ...]]",
     .handler = sunsubscribe},
    {.name = "spublish",
     .arity = 3,
     .flags = kPublishFlags,
     .keys = {.first = 1, .last = 1, .step = 1, .not_key = true},
     .group = Group::PubSub,
     .since = "7.0.0",
     .summary = "Post a message to a shard channel",
     .complexity = "O(N) where N is the number of clients subscribed to the receiving shard "
                   "channel.",
     .syntax = "shardchannel message",
     .handler = spublish},
    {.name = "pubsub",
     .arity = -2,
     .group = Group::PubSub,
     .since = "2.8.0",
     .summary = "A container for Pub/Sub commands",
     .complexity = "Depends on subcommand.",
     .subcommands = kPubsubSubcommands},
};

}  // namespace

std::span<const CommandSpec> pubsub_commands() {
  return kPubsubCommands;
}

}  // namespace cardinal::cmd
