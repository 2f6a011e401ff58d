// CLIENT and its subcommands: identity (ID, SETNAME, GETNAME, SETINFO), inspection (LIST,
// INFO), control (KILL, REPLY, NO-EVICT).
#include <algorithm>
#include <string>
#include <vector>

#include "cardinal/cmd/families.h"
#include "cardinal/cmd/output_limit.h"
#include "cardinal/util/numbers.h"
#include "helpers.h"

namespace cardinal::cmd {

namespace {

std::string client_line(const ServerState& server, const Session& s) {
  int64_t now = server.clock.now_ms();
  std::string flags;
  if (s.monitor) flags += 'O';
  if (s.in_pubsub_mode()) flags += 'P';
  if (s.is_blocked()) flags += 'b';
  if (s.closing) flags += 'A';
  if (s.no_evict) flags += 'e';
  if (s.transaction) flags += 'x';
  if (flags.empty()) flags.push_back('N');  // not `= "N"`: g++ 12 -O2 -Wrestrict false positive
  std::string line;
  line.reserve(256);
  auto field = [&](std::string_view k, std::string_view v) {
    if (!line.empty()) line += ' ';
    line += k;
    line += '=';
    line += v;
  };
  auto num = [&](std::string_view k, int64_t v) { field(k, util::i64_to_string(v)); };
  num("id", static_cast<int64_t>(s.id()));
  field("addr", s.addr);
  field("laddr", s.laddr);
  num("fd", s.fd);
  field("name", s.name);
  num("age", (now - s.created_ms) / 1000);
  num("idle", (now - s.last_interaction_ms) / 1000);
  field("flags", flags);
  num("db", s.db);
  const Subscriptions* subs = s.subscriptions.get();
  num("sub", subs ? static_cast<int64_t>(subs->channels.size()) : 0);
  num("psub", subs ? static_cast<int64_t>(subs->patterns.size()) : 0);
  num("ssub", subs ? static_cast<int64_t>(subs->shard_channels.size()) : 0);
  num("multi", s.transaction ? static_cast<int64_t>(s.transaction->queued.size()) : -1);
  num("qbuf", static_cast<int64_t>(s.query_buffer_bytes()));
  num("qbuf-free", 0);
  num("argv-mem", 0);
  num("multi-mem", 0);
  num("rbs", 16384);
  num("rbp", 16384);
  num("obl", 0);
  num("oll", 0);
  num("omem", static_cast<int64_t>(s.pending_output_bytes()));
  num("tot-mem", 0);
  field("events", "r");
  field("cmd", s.last_command);
  field("user", "default");
  num("redir", -1);
  num("resp", s.protocol());
  field("lib-name", s.lib_name);
  field("lib-ver", s.lib_ver);
  return line;
}

void client_id(CommandContext& ctx) {
  ctx.reply.integer(static_cast<int64_t>(ctx.session.id()));
}

void client_setname(CommandContext& ctx) {
  if (!client_name_is_valid(ctx.arg(2))) return ctx.error(Errc::InvalidClientName);
  ctx.session.name = std::string(ctx.arg(2));
  ctx.reply.ok();
}

void client_getname(CommandContext& ctx) {
  if (ctx.session.name.empty()) return ctx.reply.null();
  ctx.reply.bulk(ctx.session.name);
}

void client_setinfo(CommandContext& ctx) {
  std::string_view attr = ctx.arg(2), value = ctx.arg(3);
  bool is_name = CommandContext::is(attr, "LIB-NAME");
  if (!is_name && !CommandContext::is(attr, "LIB-VER"))
    return ctx.error(Errc::SetinfoBadOption, attr);
  if (!client_name_is_valid(value)) {
    return ctx.error(Errc::SetinfoBadValue, is_name ? "lib-name" : "lib-ver");
  }
  (is_name ? ctx.session.lib_name : ctx.session.lib_ver) = std::string(value);
  ctx.reply.ok();
}

void client_info(CommandContext& ctx) {
  ctx.reply.verbatim(client_line(ctx.server, ctx.session) + "\n");
}

bool known_client_type(std::string_view t) {
  for (std::string_view k : {"normal", "master", "replica", "slave", "pubsub"})
    if (CommandContext::is(t, k)) return true;
  return false;
}

// TYPE filters of CLIENT LIST and CLIENT KILL; MONITOR clients are normal ones, as in Redis,
// and no client is a master or a replica yet.
bool has_client_type(const Session& s, std::string_view type) {
  if (CommandContext::is(type, "pubsub")) return client_class(s) == config::ClientClass::Pubsub;
  if (CommandContext::is(type, "normal")) return client_class(s) == config::ClientClass::Normal;
  return false;
}

void client_list(CommandContext& ctx) {
  std::vector<uint64_t> ids;
  std::string_view type;
  for (size_t i = 2; i < ctx.argc(); ++i) {
    if (CommandContext::is(ctx.arg(i), "TYPE") && i + 1 < ctx.argc()) {
      std::string_view t = ctx.arg(++i);
      if (!known_client_type(t)) return ctx.error(Errc::UnknownClientType, t);
      type = t;
    } else if (CommandContext::is(ctx.arg(i), "ID") && i + 1 < ctx.argc()) {
      while (++i < ctx.argc()) {
        int64_t id;
        if (!util::parse_i64(ctx.arg(i), id) || id <= 0) return ctx.error(Errc::InvalidClientId);
        ids.push_back(static_cast<uint64_t>(id));
      }
    } else {
      return ctx.error(Errc::Syntax);
    }
  }
  std::string text;
  for (auto [id, s] : ctx.server.sessions) {
    if (!type.empty() && !has_client_type(*s, type)) continue;
    if (!ids.empty() && std::find(ids.begin(), ids.end(), id) == ids.end()) continue;
    text += client_line(ctx.server, *s);
    text += '\n';
  }
  ctx.reply.verbatim(text);
}

void client_unblock(CommandContext& ctx) {
  if (ctx.argc() > 4) return ctx.error(Errc::ClientSubcommandArity, ctx.arg(1));
  // Redis reads the reason before the id.
  bool as_error = false;
  if (ctx.argc() == 4) {
    if (CommandContext::is(ctx.arg(3), "ERROR")) {
      as_error = true;
    } else if (!CommandContext::is(ctx.arg(3), "TIMEOUT")) {
      return ctx.error(Errc::UnblockReason);
    }
  }
  int64_t id;
  if (!ctx.parse_int(ctx.arg(2), id)) return;
  auto it = ctx.server.sessions.find(static_cast<uint64_t>(id));
  if (id < 0 || it == ctx.server.sessions.end() || !it->second->is_blocked())
    return ctx.reply.integer(0);
  if (as_error) {
    ctx.server.blocking.fail(*it->second, error_text(Errc::UnblockedByClient));
  } else {
    ctx.server.blocking.time_out(*it->second);
  }
  ctx.reply.integer(1);
}

void client_kill(CommandContext& ctx) {
  if (ctx.argc() == 3) {  // the old form: CLIENT KILL addr:port
    for (auto [id, s] : ctx.server.sessions) {
      if (s->addr == ctx.arg(2)) {
        s->request_close();
        return ctx.reply.ok();
      }
    }
    return ctx.error(Errc::NoSuchClient);
  }
  int64_t id = 0;
  std::string_view addr, laddr;
  bool skip_me = true;
  std::string_view type;
  for (size_t i = 2; i < ctx.argc(); i += 2) {
    std::string_view opt = ctx.arg(i);
    if (i + 1 >= ctx.argc()) return ctx.error(Errc::Syntax);
    std::string_view val = ctx.arg(i + 1);
    if (CommandContext::is(opt, "ID")) {
      if (!util::parse_i64(val, id) || id < 1) return ctx.error(Errc::ClientIdNotPositive);
    } else if (CommandContext::is(opt, "TYPE")) {
      if (!known_client_type(val)) return ctx.error(Errc::UnknownClientType, val);
      type = val;
    } else if (CommandContext::is(opt, "ADDR")) {
      addr = val;
    } else if (CommandContext::is(opt, "LADDR")) {
      laddr = val;
    } else if (CommandContext::is(opt, "USER")) {
      if (val != "default") return ctx.error(Errc::NoSuchUser, val);
    } else if (CommandContext::is(opt, "SKIPME")) {
      if (CommandContext::is(val, "yes")) {
        skip_me = true;
      } else if (CommandContext::is(val, "no")) {
        skip_me = false;
      } else {
        return ctx.error(Errc::Syntax);
      }
    } else {
      return ctx.error(Errc::Syntax);
    }
  }
  int64_t killed = 0;
  for (auto [sid, s] : ctx.server.sessions) {
    if (id && static_cast<int64_t>(sid) != id) continue;
    if (!addr.empty() && s->addr != addr) continue;
    if (!laddr.empty() && s->laddr != laddr) continue;
    if (!type.empty() && !has_client_type(*s, type)) continue;
    if (skip_me && s == &ctx.session) continue;
    s->request_close();
    ++killed;
  }
  ctx.reply.integer(killed);
}

void client_reply(CommandContext& ctx) {
  std::string_view mode = ctx.arg(2);
  if (CommandContext::is(mode, "ON")) {
    ctx.session.reply_mode = ReplyMode::On;
    ctx.reply.ok();
  } else if (CommandContext::is(mode, "OFF")) {
    ctx.session.reply_mode = ReplyMode::Off;
  } else if (CommandContext::is(mode, "SKIP")) {
    if (ctx.session.reply_mode != ReplyMode::Off) ctx.session.reply_mode = ReplyMode::SkipNext;
  } else {
    ctx.error(Errc::Syntax);
  }
}

void client_no_evict(CommandContext& ctx) {
  if (CommandContext::is(ctx.arg(2), "ON")) {
    ctx.session.no_evict = true;
  } else if (CommandContext::is(ctx.arg(2), "OFF")) {
    ctx.session.no_evict = false;
  } else {
    return ctx.error(Errc::Syntax);
  }
  ctx.reply.ok();
}

void client_getredir(CommandContext& ctx) {
  ctx.reply.integer(-1);
}

void client_help(CommandContext& ctx) {
  static constexpr std::string_view kLines[] = {
      "CLIENT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
      "GETNAME",
      "    Return the name of the current connection.",
      "ID",
      "    Return the ID of the current connection.",
      "INFO",
      "    Return information about the current client connection.",
      "KILL <ip:port>",
      "    Kill connection made from <ip:port>.",
      "KILL <option> <value> [<option> <value> [...]]",
      "    Kill connections. Options are: ID, TYPE, USER, ADDR, LADDR, SKIPME.",
      "LIST [options ...]",
      "    Return information about client connections. Options: TYPE, ID.",
      "REPLY (ON|OFF|SKIP)",
      "    Control the replies sent to the current connection.",
      "SETNAME <name>",
      "    Assign the name <name> to the current connection.",
      "SETINFO <LIB-NAME|LIB-VER> <value>",
      "    Set client library name or version.",
      "NO-EVICT (ON|OFF)",
      "    Protect current client connection from eviction.",
      "GETREDIR",
      "    Return the client ID we are redirecting to when tracking is enabled.",
      "HELP",
      "    Print this help.",
  };
  ctx.reply.array(std::size(kLines));
  for (std::string_view l : kLines) ctx.reply.simple(l);
}

constexpr uint32_t kClientFlags = kNoscript | kLoading | kStale;

constexpr CommandSpec kClientSubcommands[] = {
    {.name = "client|id",
     .arity = 2,
     .flags = kClientFlags,
     .group = Group::Connection,
     .since = "5.0.0",
     .summary = "Returns the client ID for the current connection",
     .complexity = "O(1)",
     .handler = client_id},
    {.name = "client|setname",
     .arity = 3,
     .flags = kClientFlags,
     .group = Group::Connection,
     .since = "2.6.9",
     .summary = "Set the current connection name",
     .complexity = "O(1)",
     .syntax = "connection-name",
     .handler = client_setname},
    {.name = "client|getname",
     .arity = 2,
     .flags = kClientFlags,
     .group = Group::Connection,
     .since = "2.6.9",
     .summary = "Get the current connection name",
     .complexity = "O(1)",
     .handler = client_getname},
    {.name = "client|setinfo",
     .arity = 4,
     .flags = kClientFlags,
     .group = Group::Connection,
     .since = "7.2.0",
     .summary = "Set client or connection specific info",
     .complexity = "O(1)",
     .syntax = "LIB-NAME libname | LIB-VER libver",
     .handler = client_setinfo},
    {.name = "client|info",
     .arity = 2,
     .flags = kClientFlags,
     .group = Group::Connection,
     .since = "6.2.0",
     .summary = "Returns information about the current client connection.",
     .complexity = "O(1)",
     .handler = client_info},
    {.name = "client|list",
     .arity = -2,
     .flags = kAdmin | kClientFlags,
     .group = Group::Connection,
     .since = "2.4.0",
     .summary = "Get the list of client connections",
     .complexity = "O(N) where N is the number of client connections",
     .syntax = "[TYPE NORMAL | MASTER | REPLICA | PUBSUB] [ID client-id [client-id ...]]",
     .handler = client_list},
    {.name = "client|unblock",
     .arity = -3,
     .flags = kAdmin | kClientFlags,
     .group = Group::Connection,
     .since = "5.0.0",
     .summary = "Unblock a client blocked in a blocking command from a different connection",
     .complexity = "O(log N) where N is the number of client connections",
     .syntax = "client-id [TIMEOUT | ERROR]",
     .handler = client_unblock},
    {.name = "client|kill",
     .arity = -3,
     .flags = kAdmin | kClientFlags,
     .group = Group::Connection,
     .since = "2.4.0",
     .summary = "Kill the connection of a client",
     .complexity = "O(N) where N is the number of client connections",
     .syntax = "ip:port | [ID client-id] [TYPE NORMAL | MASTER | SLAVE | REPLICA | PUBSUB] "
               "[USER username] [ADDR ip:port] [LADDR ip:port] [SKIPME YES | NO]",
     .handler = client_kill},
    {.name = "client|reply",
     .arity = 3,
     .flags = kClientFlags,
     .group = Group::Connection,
     .since = "3.2.0",
     .summary = "Instruct the server whether to reply to commands",
     .complexity = "O(1)",
     .syntax = "ON | OFF | SKIP",
     .handler = client_reply},
    {.name = "client|no-evict",
     .arity = 3,
     .flags = kAdmin | kClientFlags,
     .group = Group::Connection,
     .since = "7.0.0",
     .summary = "Set client eviction mode for the current connection",
     .complexity = "O(1)",
     .syntax = "ON | OFF",
     .handler = client_no_evict},
    {.name = "client|getredir",
     .arity = 2,
     .flags = kClientFlags,
     .group = Group::Connection,
     .since = "6.0.0",
     .summary = "Get tracking notifications redirection client ID if any",
     .complexity = "O(1)",
     .handler = client_getredir},
    {.name = "client|help",
     .arity = 2,
     .flags = kLoading | kStale,
     .group = Group::Connection,
     .since = "5.0.0",
     .summary = "Show helpful text about the different subcommands",
     .complexity = "O(1)",
     .handler = client_help},
};

constexpr CommandSpec kClientCommands[] = {
    {.name = "client",
     .arity = -2,
     .group = Group::Connection,
     .since = "2.4.0",
     .summary = "A container for client connection commands",
     .complexity = "Depends on subcommand.",
     .subcommands = kClientSubcommands},
};

}  // namespace

std::span<const CommandSpec> client_commands() {
  return kClientCommands;
}

}  // namespace cardinal::cmd
