// Server: owns the event loop and everything on it — listeners, connections, the periodic
// cron (active expiry, rehashing, idle timeouts), blocked clients' timeouts and signal handling —
// plus the ServerState that commands act on. The loop blocks in the ClientPoller; Asio accepts
// connections and handles signals, and gets a turn (io_context::poll) when a listener is ready,
// a signal interrupted the wait, or the cron ticks. One thread runs it all, so data needs no
// locks. Construct, then run() on the thread that will own the data.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "cardinal/cmd/server_state.h"
#include "cardinal/config/config.h"
#include "cardinal/server/asio.h"
#include "cardinal/server/client_poller.h"
#include "cardinal/util/clock.h"

namespace cardinal::server {

class Connection;
using LoopClock = std::chrono::steady_clock;
// Blocked clients' deadlines, soonest first; a connection holds the iterator of its own entry.
using BlockTimers = std::multimap<LoopClock::time_point, Connection*>;

class Server final : public cmd::ServerHooks {
 public:
  explicit Server(config::Config& config);
  ~Server() override;

  // Opens the listeners; false (with the reason logged) when none could be opened.
  bool listen();
  // Runs the event loop until shutdown.
  void run();

  bool shutdown(bool save, bool force) override;
  bool relisten() override;
  void log(bool warning, const std::string& text) override;
  [[noreturn]] void fatal(const std::string& text) override;

  cmd::ServerState& state() { return state_; }
  boost::asio::io_context& io() { return io_; }
  ClientPoller& poller() { return poller_; }
  // Runs `task` after the current batch of events (closing, flushing or resuming connections
  // from inside another client's command).
  void defer(std::function<void()> task) { deferred_.push_back(std::move(task)); }
  BlockTimers::iterator add_block_timer(LoopClock::time_point when, Connection& c) {
    return block_timers_.emplace(when, &c);
  }
  void cancel_block_timer(BlockTimers::iterator it) { block_timers_.erase(it); }
  BlockTimers::iterator no_block_timer() { return block_timers_.end(); }
  void on_connection_closed(Connection& c);
  // Replies held until the AOF holds the writes they acknowledge: sent by
  // flush_queued_replies, after one AOF write for all of them.
  void queue_reply(std::shared_ptr<Connection> c) { queued_replies_.push_back(std::move(c)); }
  // Called before each batch of commands runs, so they share one reading of the clock.
  void refresh_clock() { clock_.refresh(); }

 private:
  using Acceptor = boost::asio::basic_socket_acceptor<boost::asio::generic::stream_protocol>;

  struct Listener {
    std::unique_ptr<Acceptor> acceptor;
    bool is_unix = false;
  };
  // An open, listening TCP acceptor for `address` on the configured port, or nullptr (logged).
  std::unique_ptr<Acceptor> open_tcp(const std::string& address, bool optional);
  // The TCP listeners for every `bind` address; false when a required one failed (then `out`
  // may hold some that opened: the caller drops them).
  bool open_all_tcp(std::vector<Listener>& out);
  bool listen_unix(const std::string& path);
  // Registers a listening acceptor: accepts start and the poller watches it.
  void start_listening(Listener listener);
  void accept(Acceptor& acceptor, bool is_unix);
  void admit(boost::asio::generic::stream_protocol::socket socket, bool is_unix);
  void cron();
  void wait_for_signals();
  LoopClock::duration cron_period() const;  // 1/hz
  void run_deferred();
  // Before the loop waits: the AOF written (and fsynced, appendfsync always) once, then the
  // replies that waited for it sent.
  void flush_queued_replies();
  // Fires due block timeouts and the cron; returns milliseconds until the next one is due.
  int fire_timers();

  config::Config& config_;
  util::CachedClock clock_;
  boost::asio::io_context io_{1};
  cmd::ServerState state_;
  ClientPoller poller_;  // declared before connections_: they deregister on the way out
  BlockTimers block_timers_;
  std::vector<std::function<void()>> deferred_;
  std::vector<std::shared_ptr<Connection>> queued_replies_;
  std::vector<std::shared_ptr<Connection>> sending_replies_;  // kept for its capacity
  LoopClock::time_point next_cron_;
  bool listener_ready_ = false;
  // A listening socket in the poller: readiness means Asio has a connection to accept.
  struct ListenerWake final : ClientPoller::Handler {
    bool& ready;
    explicit ListenerWake(bool& r) : ready(r) {}
    void on_events(uint32_t) override { ready = true; }
  } listener_wake_{listener_ready_};
  std::vector<Listener> listeners_;
  std::map<uint64_t, std::shared_ptr<Connection>> connections_;
  boost::asio::signal_set signals_{io_};
  bool stopping_ = false;
};

}  // namespace cardinal::server
