// Session: the per-client state commands read and change (database, protocol, name, auth,
// reply mode) plus the client's output buffer. The server layer subclasses it to attach a
// socket; commands use only this interface, so they never see Asio. Event-loop thread only.
#pragma once

#include <cstdint>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "cardinal/cmd/blocking.h"
#include "cardinal/resp/reply_writer.h"

namespace cardinal::cmd {

enum class ReplyMode : uint8_t { On, Off, Skip, SkipNext };

// A client's Pub/Sub subscriptions, changed only by PubSub (pubsub.h) together with its own
// tables. Sorted, so unsubscribing from everything goes in a stable order.
struct Subscriptions {
  std::set<std::string, std::less<>> channels;
  std::set<std::string, std::less<>> patterns;
  std::set<std::string, std::less<>> shard_channels;
};

// MULTI's queue: each command copied when queued (the read buffer moves on), run by EXEC.
struct Transaction {
  std::vector<std::vector<std::string>> queued;
  bool aborted = false;     // a command was rejected while queuing: EXEC answers EXECABORT
  bool has_writes = false;  // a write command is queued (MISCONF refuses the EXEC)
  bool executing = false;   // EXEC is running the queue (CLIENT LIST still shows flag x)
  // What EXEC's commands propagated, held until the queue has run: one command goes on alone,
  // more are wrapped in MULTI ... EXEC, as Redis 7.0 does.
  std::vector<std::pair<int, std::vector<std::string>>> propagated;
};

class Session {
 public:
  explicit Session(uint64_t id) : id_(id) {}
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;
  virtual ~Session() = default;

  uint64_t id() const { return id_; }
  resp::ReplyWriter& reply() { return writer_; }
  int protocol() const { return writer_.protocol(); }
  std::string& output() { return out_; }
  const std::string& output() const { return out_; }

  // Asks the server to send pending output soon (for replies written outside the client's own
  // command, e.g. MONITOR lines).
  virtual void request_flush() = 0;
  // Asks the server to close the connection once pending output is written (QUIT, CLIENT KILL).
  virtual void request_close() = 0;
  // Bytes waiting in the query buffer (CLIENT LIST qbuf).
  virtual size_t query_buffer_bytes() const = 0;
  // A blocking command just blocked this client with a timeout (ms > 0): the server layer
  // calls BlockingRegistry::time_out when it passes. Sessions without a clock ignore it.
  virtual void arm_block_timeout(int64_t /*ms*/) {}
  // The blocked command has been answered (served, timed out, unblocked): stop the timer and
  // go on with the client's pipelined commands.
  virtual void on_unblocked() {}

  // Bytes written for this client and not yet sent (client-output-buffer-limit).
  virtual size_t pending_output_bytes() const { return out_.size(); }
  // The client passed its output buffer limit: close the connection soon, dropping whatever
  // is pending, and write nothing more to it.
  virtual void close_for_output_limit() { closing = true; }

  bool is_blocked() const { return blocked != nullptr; }
  // What (P)SUBSCRIBE and (P)UNSUBSCRIBE count: channels plus patterns.
  size_t subscription_count() const {
    return subscriptions ? subscriptions->channels.size() + subscriptions->patterns.size() : 0;
  }
  // Any subscription, shard channels included: RESP2 restricts the commands it may send.
  bool in_pubsub_mode() const {
    return subscriptions && (subscription_count() + subscriptions->shard_channels.size()) > 0;
  }

  int db = 0;
  bool authenticated = false;
  bool monitor = false;
  bool no_evict = false;
  bool closing = false;
  ReplyMode reply_mode = ReplyMode::On;
  std::string name;
  std::string lib_name;
  std::string lib_ver;
  std::string addr;  // "ip:port" or "path:0" for unix sockets
  std::string laddr;
  bool unix_socket = false;
  int fd = -1;
  int64_t created_ms = 0;
  int64_t last_interaction_ms = 0;
  std::string_view last_command = "NULL";        // CLIENT LIST "cmd=" (a command table name)
  std::unique_ptr<BlockedCommand> blocked;       // owned by BlockingRegistry's bookkeeping
  std::unique_ptr<Subscriptions> subscriptions;  // created by the first subscription
  std::unique_ptr<Transaction> transaction;      // between MULTI and EXEC/DISCARD/RESET
  // Queuing: commands are answered +QUEUED instead of run.
  bool in_multi() const { return transaction && !transaction->executing; }
  // Inside EXEC: blocking commands answer at once, as if timed out.
  bool in_exec() const { return transaction && transaction->executing; }
  int64_t output_soft_limit_since_ms = 0;  // 0 while under the soft output limit
  // WATCHed keys (encode_db_key form), kept by WatchRegistry together with its own table.
  std::vector<std::string> watched;
  // A watched key changed: the next EXEC replies null. Cleared by EXEC, DISCARD, UNWATCH.
  bool watch_dirty = false;

 private:
  uint64_t id_;
  std::string out_;
  resp::ReplyWriter writer_{out_};
};

}  // namespace cardinal::cmd
