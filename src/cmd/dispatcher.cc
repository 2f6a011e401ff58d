#include "cardinal/cmd/dispatcher.h"

#include <cctype>
#include <exception>
#include <stdexcept>
#include <string>

#include "cardinal/cmd/context.h"
#include "cardinal/util/clock.h"
#include "cardinal/util/split_args.h"

namespace cardinal::cmd {

namespace {

constexpr size_t kErrorArgPreview = 128;

// Redis formats these with printf's %s, so an argument's text ends at its first NUL byte.
std::string_view c_prefix(std::string_view s, size_t max) {
  s = s.substr(0, s.find('\0'));
  return s.substr(0, max);
}

void reply_unknown_command(Session& session, std::span<const std::string_view> args) {
  std::string preview;
  for (size_t i = 1; i < args.size() && preview.size() < kErrorArgPreview; ++i) {
    size_t room = kErrorArgPreview - preview.size();
    preview += '\'';
    preview += c_prefix(args[i], room);
    preview += "' ";
  }
  session.reply().error(error_text(Errc::UnknownCommand, args[0], preview));
}

bool arity_ok(const CommandSpec& spec, size_t argc) {
  return spec.arity >= 0 ? argc == static_cast<size_t>(spec.arity)
                         : argc >= static_cast<size_t>(-spec.arity);
}

// Passes a command that changed the dataset on (propagation.h): its own arguments or the
// rewrite it asked for. Inside EXEC it is held until the transaction ends (exec()).
void propagate(ServerState& server, Session& session, int db, const CommandContext& ctx) {
  PropagationSink& sink = *server.propagation;
  if (session.in_exec()) {
    auto& held = session.transaction->propagated;
    if (ctx.rewritten.empty()) {
      held.emplace_back(db, std::vector<std::string>(ctx.args.begin(), ctx.args.end()));
    } else {
      for (const std::vector<std::string>& command : ctx.rewritten) held.emplace_back(db, command);
    }
    return;
  }
  if (ctx.rewritten.empty()) return sink.command(db, ctx.args);
  std::vector<std::string_view> views;
  for (const std::vector<std::string>& command : ctx.rewritten) {
    views.assign(command.begin(), command.end());
    sink.command(db, views);
  }
}

void feed_monitors(ServerState& server, Session& source, std::span<const std::string_view> args) {
  if (server.monitors.empty()) return;
  int64_t us = server.clock.now_us();
  std::string line = std::to_string(us / 1000000) + ".";
  std::string frac = std::to_string(us % 1000000);
  line += std::string(6 - frac.size(), '0') + frac;
  line += " [" + std::to_string(source.db) + " ";
  line +=
      source.unix_socket ? "unix:" + source.addr.substr(0, source.addr.rfind(':')) : source.addr;
  line += "]";
  std::vector<bool> hidden = redacted_positions(args);
  for (size_t i = 0; i < args.size(); ++i) {
    line += ' ';
    if (hidden[i]) {
      line += "\"(redacted)\"";
    } else {
      util::append_quoted(line, args[i]);
    }
  }
  for (Session* m : server.monitors) {
    if (m == &source) continue;
    m->reply().simple(line);
    m->request_flush();
  }
}

void record_slow(ServerState& server, Session& session, std::span<const std::string_view> args,
                 int64_t elapsed_us) {
  const config::Settings& s = server.settings();
  // Every command passes here: the common "not slow" case reads no clock.
  if (s.slowlog_log_slower_than < 0 || elapsed_us < s.slowlog_log_slower_than) return;
  server.slowlog.record(s.slowlog_log_slower_than, s.slowlog_max_len, elapsed_us,
                        server.clock.now_ms() / 1000, args, session);
}

util::LatencyHistogram& histogram_of(CommandEntry& entry) {
  if (!entry.latency) entry.latency = std::make_unique<util::LatencyHistogram>();
  return *entry.latency;
}

// The per-command histogram (latency-tracking) and the latency monitor's "command" or
// "fast-command" event (latency-monitor-threshold, in whole milliseconds as Redis counts them).
void record_latency(ServerState& server, CommandEntry& entry, int64_t elapsed_ns) {
  const config::Settings& s = server.settings();
  if (s.latency_tracking) histogram_of(entry).record(elapsed_ns);
  if (s.latency_monitor_threshold > 0) {
    server.latency.add_if_needed((entry.spec->flags & kFast) ? "fast-command" : "command",
                                 elapsed_ns / 1'000'000, s.latency_monitor_threshold,
                                 server.clock.now_ms() / 1000);
  }
}

// The only commands a RESP2 client may send while subscribed: its replies are a stream of
// message arrays then, which an ordinary reply would be mistaken for.
bool allowed_while_subscribed(std::string_view name) {
  static constexpr std::string_view kAllowed[] = {"subscribe",   "psubscribe",   "ssubscribe",
                                                  "unsubscribe", "punsubscribe", "sunsubscribe",
                                                  "ping",        "quit",         "reset"};
  for (std::string_view a : kAllowed)
    if (a == name) return true;
  return false;
}

// The commands MULTI does not queue: the transaction's own and the connection-level ones.
bool runs_inside_multi(std::string_view name) {
  static constexpr std::string_view kDirect[] = {"exec",  "discard", "multi",
                                                 "watch", "quit",    "reset"};
  for (std::string_view d : kDirect)
    if (d == name) return true;
  return false;
}

void apply_reply_mode(Session& session, ReplyMode before, size_t output_before);

// A command refused before it ran (unknown, arity, NOAUTH, context), its error already
// written: inside MULTI, EXEC will answer EXECABORT, as in Redis.
void reject(Session& session, ReplyMode mode_before, size_t output_before) {
  if (session.in_multi()) session.transaction->aborted = true;
  apply_reply_mode(session, mode_before, output_before);
}

// Replies `text` for a known command refused before it ran. A refused EXEC discards the
// transaction, MULTI or not, and says so the way Redis does.
void refuse(Session& session, CommandEntry& entry, std::string text, ReplyMode mode_before,
            size_t output_before) {
  ++entry.stats.rejected_calls;
  if (entry.spec->name == "exec") {
    session.transaction.reset();
    std::string_view reason = text;
    if (reason.starts_with("ERR ")) reason.remove_prefix(4);  // other codes stay (NOAUTH ...)
    text = "EXECABORT Transaction discarded because of: " + std::string(reason);
  }
  session.reply().error(text);
  reject(session, mode_before, output_before);
}

void apply_reply_mode(Session& session, ReplyMode before, size_t output_before) {
  auto drop = [&] { session.output().resize(output_before); };
  switch (session.reply_mode) {
    case ReplyMode::Off:
      drop();
      break;
    case ReplyMode::SkipNext:  // this command was CLIENT REPLY SKIP: silent, next one skipped
      drop();
      session.reply_mode = ReplyMode::Skip;
      break;
    case ReplyMode::Skip:
      if (before == ReplyMode::Skip) {
        drop();
        session.reply_mode = ReplyMode::On;
      }
      break;
    case ReplyMode::On:
      break;
  }
}

}  // namespace

void execute(ServerState& server, Session& session, std::span<const std::string_view> args) {
  if (args.empty()) return;
  session.last_interaction_ms = server.clock.now_ms();
  ReplyMode mode_before = session.reply_mode;
  size_t output_before = session.output().size();

  CommandEntry* entry = server.commands.find(args[0]);
  if (!entry) {
    reply_unknown_command(session, args);
    reject(session, mode_before, output_before);
    return;
  }
  if (!arity_ok(*entry->spec, args.size())) {
    refuse(session, *entry, error_text(Errc::WrongArity, entry->spec->name), mode_before,
           output_before);
    return;
  }
  if (!entry->subcommands.empty() && args.size() >= 2) {
    CommandEntry* sub = entry->find_subcommand(args[1]);
    if (!sub) {
      std::string upper(entry->spec->name);
      for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      session.reply().error(error_text(Errc::UnknownSubcommand, args[1], upper));
      reject(session, mode_before, output_before);
      return;
    }
    entry = sub;
    if (!arity_ok(*entry->spec, args.size())) {
      refuse(session, *entry, error_text(Errc::WrongArity, entry->spec->name), mode_before,
             output_before);
      return;
    }
  }
  const CommandSpec& spec = *entry->spec;
  if (server.auth_required() && !session.authenticated && !(spec.flags & kNoAuth)) {
    refuse(session, *entry, error_text(Errc::NoAuth), mode_before, output_before);
    return;
  }

  // As Redis: while the last save or AOF write failed, writes (and PING, so health checks
  // notice) are refused.
  if (server.persistence.may_refuse_writes() &&
      ((spec.flags & kWrite) || spec.name == "ping" ||
       (spec.name == "exec" && session.transaction && session.transaction->has_writes))) {
    if (std::string_view refusal = server.persistence.write_refusal(); !refusal.empty()) {
      refuse(session, *entry, std::string(refusal), mode_before, output_before);
      return;
    }
  }

  if (session.protocol() == 2 && session.in_pubsub_mode() &&
      !allowed_while_subscribed(entry->spec->name)) {
    refuse(session, *entry, error_text(Errc::PubsubContext, spec.name), mode_before, output_before);
    return;
  }

  if (session.in_multi() && !runs_inside_multi(spec.name)) {
    if (spec.flags & kNoMulti) {
      refuse(session, *entry, error_text(Errc::NotAllowedInMulti), mode_before, output_before);
      return;
    }
    session.transaction->queued.emplace_back(args.begin(), args.end());
    if (spec.flags & kWrite) session.transaction->has_writes = true;
    session.reply().simple("QUEUED");
    apply_reply_mode(session, mode_before, output_before);
    return;
  }

  session.last_command = spec.name;  // CLIENT INFO shows the command being run
  const int db = session.db;         // SELECT inside the command must not move its writes
  CommandContext ctx{args, session, server, session.reply(), spec};
  int64_t start_ns = server.batch_clock_ns ? server.batch_clock_ns : util::monotonic_ns();
  try {
    spec.handler(ctx);
  } catch (const std::length_error&) {  // a string past the engine's 4 GiB bound
    ctx.error(Errc::StringTooLong);
  } catch (const std::exception& e) {
    ctx.error(Errc::Internal, e.what());
  }
  int64_t end_ns = util::monotonic_ns();
  int64_t elapsed_ns = end_ns - start_ns;
  if (server.batch_clock_ns) server.batch_clock_ns = end_ns;
  int64_t elapsed = elapsed_ns / 1000;

  server.dirty += ctx.changes;
  if (ctx.changes > 0 && server.propagation && !session.is_blocked())
    propagate(server, session, db, ctx);
  ++entry->stats.calls;
  entry->stats.ns += static_cast<uint64_t>(elapsed_ns);
  if (ctx.failed) {
    ++entry->stats.failed_calls;
  }
  // A command that blocked is timed, logged and sampled when it is served (rerun_blocked), as
  // in Redis; one that times out never is.
  if (!session.is_blocked()) {
    record_latency(server, *entry, elapsed_ns);
    if (!(spec.flags & kSkipSlowlog)) record_slow(server, session, args, elapsed);
  }
  ++server.stats.total_commands_processed;
  if (!(spec.flags & (kSkipMonitor | kAdmin))) feed_monitors(server, session, args);
  apply_reply_mode(session, mode_before, output_before);
  // Waiters are served after a whole transaction, not between its commands.
  if (server.blocking.has_ready() && !session.in_exec()) server.blocking.serve_ready(server);
}

bool rerun_blocked(ServerState& server, Session& session) {
  const BlockedCommand& blocked = *session.blocked;
  CommandContext ctx{blocked.views, session, server, session.reply(), *blocked.spec};
  ctx.retrying = true;
  int64_t start_ns = util::monotonic_ns();
  try {
    blocked.spec->handler(ctx);
  } catch (const std::length_error&) {
    ctx.error(Errc::StringTooLong);
  } catch (const std::exception& e) {
    ctx.error(Errc::Internal, e.what());
  }
  if (ctx.still_blocked) return false;
  server.dirty += ctx.changes;
  if (ctx.changes > 0 && server.propagation) propagate(server, session, blocked.db, ctx);
  int64_t elapsed_ns = util::monotonic_ns() - start_ns;
  // Redis counts the call when it blocked and adds the serving run's time now.
  if (CommandEntry* entry = server.commands.find(blocked.spec->name)) {  // top-level only
    entry->stats.ns += static_cast<uint64_t>(elapsed_ns);
    if (server.settings().latency_tracking) histogram_of(*entry).record(elapsed_ns);
  }
  record_slow(server, session, blocked.views, elapsed_ns / 1000);
  return true;
}

}  // namespace cardinal::cmd
