// CommandContext: what a handler gets — the arguments (views into the read buffer), the
// client's session and reply writer, and the shared server state — plus small helpers so
// handlers parse arguments and report errors uniformly. Event-loop thread only.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "cardinal/cmd/errors.h"
#include "cardinal/cmd/server_state.h"
#include "cardinal/cmd/session.h"
#include "cardinal/resp/reply_writer.h"

namespace cardinal::cmd {

struct CommandContext {
  std::span<const std::string_view> args;
  Session& session;
  ServerState& server;
  resp::ReplyWriter& reply;
  const CommandSpec& spec;
  bool failed = false;  // set by error(): counts toward failed_calls
  // Set when the dispatcher re-runs a blocked client's command because a key it waits on got a
  // value. The handler then serves or, finding nothing, calls block_on() again, which only sets
  // still_blocked. Source keys of the wrong type count as empty then: Redis 7.0 keeps such a
  // client waiting rather than failing it.
  bool retrying = false;
  bool still_blocked = false;
  // Changes this command made (modified() calls, or note_change() for FLUSHDB and the like):
  // a command with none is not propagated.
  uint32_t changes = 0;
  // Set by propagate_as(): what to propagate instead of `args`.
  std::vector<std::vector<std::string>> rewritten;

  engine::Database& db() { return server.keyspace.db(session.db); }
  int64_t now_ms() const { return server.clock.now_ms(); }
  size_t argc() const { return args.size(); }
  std::string_view arg(size_t i) const { return args[i]; }

  void error(Errc code, std::string_view a = {}, std::string_view b = {}) {
    error(error_text(code, a, b));
  }
  // Pre-rendered text from another layer (CONFIG SET's messages come from config::Config).
  void error(std::string_view message) {
    failed = true;
    reply.error(message);
  }

  // Write handlers report each real change (as Redis calls signalModifiedKey and
  // notifyKeyspaceEvent): modified() invalidates WATCHes of the key, notify() publishes the
  // keyspace notification `event` (class: config::KeyspaceEvent) if enabled; changed() does both.
  // A write that changes nothing (SADD of a present member) reports nothing.
  void modified(std::string_view key) {
    ++changes;
    server.key_events.modified(session.db, key);
  }
  void notify(uint32_t event_class, std::string_view event, std::string_view key) {
    server.key_events.notify(event_class, event, session.db, key);
  }
  void changed(std::string_view key, uint32_t event_class, std::string_view event) {
    modified(key);
    notify(event_class, event, key);
  }

  void note_change() { ++changes; }
  // Something will be propagated: only then do handlers build rewritten commands.
  bool propagating() const { return server.propagation != nullptr; }
  // Propagate `argv` (one more command each call) instead of this command's arguments.
  void propagate_as(std::initializer_list<std::string_view> argv) {
    rewritten.emplace_back(argv.begin(), argv.end());
  }
  void propagate_as(std::vector<std::string> argv) { rewritten.push_back(std::move(argv)); }

  // Blocks the client on `keys` (views into args) until one can serve it; the command is re-run
  // then. timeout_ms 0 waits forever.
  void block_on(std::span<const std::string_view> keys, int64_t timeout_ms);

  // Parse helpers: on failure they reply with Redis's error and return false.
  bool parse_int(std::string_view text, int64_t& out);
  bool parse_double(std::string_view text, double& out);
  // Case-insensitive equality with an ASCII keyword.
  static bool is(std::string_view arg, std::string_view keyword);
};

}  // namespace cardinal::cmd
