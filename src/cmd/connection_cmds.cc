// Connection commands: PING, ECHO, QUIT, RESET, HELLO and AUTH — the handshake every client
// library performs, so their replies and errors follow Redis to the byte.
#include <algorithm>
#include <string>

#include "cardinal/cmd/families.h"
#include "cardinal/cmd/version.h"
#include "cardinal/util/numbers.h"
#include "helpers.h"

namespace cardinal::cmd {

namespace {

// Compares without an early exit so response time does not reveal the matching prefix.
bool same_secret(std::string_view a, std::string_view b) {
  unsigned char diff = 0;
  for (size_t i = 0; i < std::max(a.size(), b.size()); ++i) {
    char ca = i < a.size() ? a[i] : '\0', cb = i < b.size() ? b[i] : '\0';
    diff |= static_cast<unsigned char>(ca ^ cb);
  }
  return diff == 0 && a.size() == b.size();
}

// The "default" user: any password when none is configured, else requirepass.
bool check_credentials(CommandContext& ctx, std::string_view user, std::string_view pass) {
  if (user != "default") return false;
  const std::string& required = ctx.server.settings().requirepass;
  return required.empty() || same_secret(pass, required);
}

void ping(CommandContext& ctx) {
  if (ctx.argc() > 2) return reply_wrong_arity(ctx);
  // A subscribed RESP2 client reads arrays only, so PING answers in the message shape.
  if (ctx.session.protocol() == 2 && ctx.session.in_pubsub_mode()) {
    ctx.reply.array(2);
    ctx.reply.bulk("pong");
    ctx.reply.bulk(ctx.argc() == 2 ? ctx.arg(1) : std::string_view{});
    return;
  }
  if (ctx.argc() == 2) return ctx.reply.bulk(ctx.arg(1));
  ctx.reply.simple("PONG");
}

void echo(CommandContext& ctx) {
  ctx.reply.bulk(ctx.arg(1));
}

void quit(CommandContext& ctx) {
  ctx.reply.ok();
  ctx.session.request_close();
}

void reset(CommandContext& ctx) {
  Session& s = ctx.session;
  s.db = 0;
  s.reply().set_protocol(2);
  s.name.clear();
  s.reply_mode = ReplyMode::On;
  s.no_evict = false;
  if (s.monitor) {
    s.monitor = false;
    std::erase(ctx.server.monitors, &s);
  }
  ctx.server.pubsub.remove(s);  // silently, as Redis does
  s.transaction.reset();        // discards a MULTI in progress
  ctx.server.watches.unwatch_all(s);
  s.watch_dirty = false;
  s.authenticated = !ctx.server.auth_required();
  ctx.reply.simple("RESET");
}

bool valid_client_name(std::string_view name) {
  for (char c : name)
    if (c < '!' || c > '~') return false;
  return true;
}

void hello(CommandContext& ctx) {
  int64_t version = 0;
  size_t i = 1;
  if (ctx.argc() >= 2) {
    if (!util::parse_i64(ctx.arg(1), version)) return ctx.error(Errc::ProtocolVersionNotInteger);
    if (version < 2 || version > 3) return ctx.error(Errc::UnsupportedProtocol);
    i = 2;
  }
  std::string_view user, pass, name;
  bool has_auth = false, has_name = false;
  for (; i < ctx.argc(); ++i) {
    size_t more = ctx.argc() - 1 - i;
    if (CommandContext::is(ctx.arg(i), "AUTH") && more >= 2) {
      user = ctx.arg(i + 1);
      pass = ctx.arg(i + 2);
      has_auth = true;
      i += 2;
    } else if (CommandContext::is(ctx.arg(i), "SETNAME") && more >= 1) {
      name = ctx.arg(++i);
      has_name = true;
      if (!valid_client_name(name)) return ctx.error(Errc::InvalidClientName);
    } else {
      return ctx.error(Errc::HelloBadOption, ctx.arg(i));
    }
  }
  if (has_auth) {
    if (!check_credentials(ctx, user, pass)) return ctx.error(Errc::WrongPass);
    ctx.session.authenticated = true;
  }
  if (ctx.server.auth_required() && !ctx.session.authenticated) {
    return ctx.error(Errc::HelloNeedsAuth);
  }
  if (has_name) ctx.session.name = std::string(name);
  if (version) ctx.reply.set_protocol(static_cast<int>(version));
  ctx.reply.map(7);
  ctx.reply.bulk("server");
  ctx.reply.bulk("redis");
  ctx.reply.bulk("version");
  ctx.reply.bulk(kRedisCompatVersion);
  ctx.reply.bulk("proto");
  ctx.reply.integer(ctx.reply.protocol());
  ctx.reply.bulk("id");
  ctx.reply.integer(static_cast<int64_t>(ctx.session.id()));
  ctx.reply.bulk("mode");
  ctx.reply.bulk("standalone");
  ctx.reply.bulk("role");
  ctx.reply.bulk("master");
  ctx.reply.bulk("modules");
  ctx.reply.array(0);
}

void auth(CommandContext& ctx) {
  if (ctx.argc() > 3) return ctx.error(Errc::Syntax);
  std::string_view user = "default", pass;
  if (ctx.argc() == 2) {
    if (!ctx.server.auth_required()) {
      return ctx.error(Errc::AuthWithoutPassword);
    }
    pass = ctx.arg(1);
  } else {
    user = ctx.arg(1);
    pass = ctx.arg(2);
  }
  if (!check_credentials(ctx, user, pass)) return ctx.error(Errc::WrongPass);
  ctx.session.authenticated = true;
  ctx.reply.ok();
}

constexpr CommandSpec kConnectionCommands[] = {
    {.name = "ping",
     .arity = -1,
     .flags = kFast | kSentinel,
     .group = Group::Connection,
     .since = "1.0.0",
     .summary = "Ping the server",
     .complexity = "O(1)",
     .syntax = "[message]",
     .handler = ping},
    {.name = "echo",
     .arity = 2,
     .flags = kFast | kLoading | kStale,
     .group = Group::Connection,
     .since = "1.0.0",
     .summary = "Echo the given string",
     .complexity = "O(1)",
     .syntax = "message",
     .handler = echo},
    {.name = "quit",
     .arity = -1,
     .flags = kAllowBusy | kNoscript | kLoading | kStale | kFast | kNoAuth,
     .group = Group::Connection,
     .since = "1.0.0",
     .summary = "Close the connection",
     .complexity = "O(1)",
     .handler = quit},
    {.name = "reset",
     .arity = 1,
     .flags = kNoscript | kLoading | kStale | kFast | kNoAuth | kAllowBusy,
     .group = Group::Connection,
     .since = "6.2.0",
     .summary = "Reset the connection",
     .complexity = "O(1)",
     .handler = reset},
    {.name = "hello",
     .arity = -1,
     .flags = kNoscript | kLoading | kStale | kFast | kNoAuth | kSentinel | kAllowBusy,
     .group = Group::Connection,
     .since = "6.0.0",
     .summary = "Handshake with Redis",
     .complexity = "O(1)",
     .syntax = "[protover [AUTH username password] [SETNAME clientname]]",
     .handler = hello},
    {.name = "auth",
     .arity = -2,
     .flags = kNoscript | kLoading | kStale | kFast | kNoAuth | kSentinel | kAllowBusy,
     .group = Group::Connection,
     .since = "1.0.0",
     .summary = "Authenticate to the server",
     .complexity = "O(N) where N is the number of passwords defined for the user",
     .syntax = "[username] password",
     .handler = auth},
};

}  // namespace

std::span<const CommandSpec> connection_commands() {
  return kConnectionCommands;
}

bool client_name_is_valid(std::string_view name) {
  return valid_client_name(name);
}

}  // namespace cardinal::cmd
