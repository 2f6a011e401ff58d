// CONFIG GET/SET/RESETSTAT/REWRITE: the handler side of config::Config.
#include <string>

#include "cardinal/cmd/families.h"
#include "helpers.h"

namespace cardinal::cmd {

namespace {

void config_get(CommandContext& ctx) {
  auto pairs = ctx.server.config.get(ctx.args.subspan(2));
  ctx.reply.map(pairs.size());
  for (const auto& [name, value] : pairs) {
    ctx.reply.bulk(name);
    ctx.reply.bulk(value);
  }
}

// enable-protected-configs: "yes", or "local" for clients on the Unix socket or loopback (the
// same test enable-debug-command's "local" uses).
bool protected_configs_allowed(const CommandContext& ctx) {
  const std::string& mode = ctx.server.settings().enable_protected_configs;
  if (mode == "yes") return true;
  return mode == "local" &&
         (ctx.session.unix_socket || ctx.session.addr.starts_with("127.") ||
          ctx.session.addr.starts_with("[::1]") || ctx.session.addr.starts_with("::1"));
}

void config_set(CommandContext& ctx) {
  auto pairs = ctx.args.subspan(2);
  if (pairs.size() % 2 != 0) return reply_wrong_arity(ctx);
  config::Config& config = ctx.server.config;
  const std::string_view listen_names[] = {"port", "bind"};
  auto listen_before = config.get(listen_names);
  const bool aof_before = ctx.server.settings().appendonly;
  std::string err = config.set(pairs, protected_configs_allowed(ctx));
  if (!err.empty()) return ctx.error("ERR " + err);
  if (ctx.server.settings().appendonly != aof_before) {
    std::string why = ctx.server.persistence.set_appendonly(!aof_before, ctx.session.in_exec());
    if (!why.empty()) {
      ctx.server.config.mutable_settings().appendonly = aof_before;
      return ctx.error("ERR CONFIG SET failed (possibly related to argument 'appendonly') - " +
                       why);
    }
  }
  ctx.server.key_events.config_changed();  // notify-keyspace-events decides what to observe
  auto listen_after = config.get(listen_names);
  if (listen_after != listen_before && ctx.server.hooks && !ctx.server.hooks->relisten()) {
    // As Redis: the old values (and listeners) stay, and the message names the parameter.
    bool port_changed = false;
    std::vector<std::string_view> restore;
    for (size_t i = 0; i < listen_before.size(); ++i) {
      const auto& [name, value] = listen_before[i];
      if (name == "port") port_changed = value != listen_after[i].second;
      restore.push_back(name);
      restore.push_back(value);
    }
    config.set(restore, true);
    ctx.server.hooks->relisten();
    return ctx.error(port_changed ? "ERR CONFIG SET failed (possibly related to argument 'port') "
                                    "- Unable to listen on this port. Check server logs."
                                  : "ERR CONFIG SET failed (possibly related to argument 'bind') "
                                    "- Failed to bind to specified addresses.");
  }
  ctx.reply.ok();
}

void config_resetstat(CommandContext& ctx) {
  ctx.server.stats = {};
  ctx.server.error_counts.clear();
  ctx.server.commands.reset_stats();
  engine::KeyspaceStats& ks = ctx.server.keyspace.stats();
  ks = {};
  ctx.reply.ok();
}

void config_rewrite(CommandContext& ctx) {
  if (ctx.server.config_file.empty())
    return ctx.error("ERR The server is running without a config file");
  std::string err = ctx.server.config.rewrite(ctx.server.config_file);
  if (!err.empty()) return ctx.error("ERR Rewriting config file: " + err);
  ctx.reply.ok();
}

void config_help(CommandContext& ctx) {
  static constexpr std::string_view kLines[] = {
      "CONFIG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
      "GET <pattern>",
      "    Return parameters matching the glob-like <pattern> and their values.",
      "SET <directive> <value>",
      "    Set the configuration <directive> to <value>.",
      "RESETSTAT",
      "    Reset statistics reported by the INFO command.",
      "REWRITE",
      "    Rewrite the configuration file.",
      "HELP",
      "    Prints this help.",
  };
  ctx.reply.array(std::size(kLines));
  for (std::string_view l : kLines) ctx.reply.simple(l);
}

constexpr CommandSpec kConfigSubcommands[] = {
    {.name = "config|get",
     .arity = -3,
     .flags = kAdmin | kNoscript | kLoading | kStale,
     .group = Group::Server,
     .since = "2.0.0",
     .summary = "Get the values of configuration parameters",
     .complexity = "O(N) when N is the number of configuration parameters provided",
     .syntax = "parameter [parameter ...]",
     .handler = config_get},
    {.name = "config|set",
     .arity = -4,
     .flags = kAdmin | kNoscript | kLoading | kStale,
     .group = Group::Server,
     .since = "2.0.0",
     .summary = "Set configuration parameters to the given values",
     .complexity = "O(N) when N is the number of configuration parameters provided",
     .syntax = "parameter value [parameter value ...]",
     .handler = config_set},
    {.name = "config|resetstat",
     .arity = 2,
     .flags = kAdmin | kNoscript | kLoading | kStale,
     .group = Group::Server,
     .since = "2.0.0",
     .summary = "Reset the stats returned by INFO",
     .complexity = "O(1)",
     .handler = config_resetstat},
    {.name = "config|rewrite",
     .arity = 2,
     .flags = kAdmin | kNoscript | kLoading | kStale,
     .group = Group::Server,
     .since = "2.8.0",
     .summary = "Rewrite the configuration file with the in memory configuration",
     .complexity = "O(1)",
     .handler = config_rewrite},
    {.name = "config|help",
     .arity = 2,
     .flags = kLoading | kStale,
     .group = Group::Server,
     .since = "5.0.0",
     .summary = "Show helpful text about the different subcommands",
     .complexity = "O(1)",
     .handler = config_help},
};

constexpr CommandSpec kConfigCommands[] = {
    {.name = "config",
     .arity = -2,
     .group = Group::Server,
     .since = "2.0.0",
     .summary = "A container for server configuration commands",
     .complexity = "Depends on subcommand.",
     .subcommands = kConfigSubcommands},
};

}  // namespace

std::span<const CommandSpec> config_commands() {
  return kConfigCommands;
}

}  // namespace cardinal::cmd
