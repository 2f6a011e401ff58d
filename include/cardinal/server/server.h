// Server: owns the event loop and everything on it — listeners, connections, the periodic
// cron (active expiry, rehashing, idle timeouts) and signal handling — plus the ServerState that
// commands act on. One io_context thread runs it all, so data needs no locks.
// Construct, then run() on the thread that will own the data.
#pragma once

#include <cstdint>
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

class Server final : public cmd::ServerHooks {
 public:
  explicit Server(config::Config& config);
  ~Server() override;

  // Opens the listeners; false (with the reason logged) when none could be opened.
  bool listen();
  // Runs the event loop until shutdown.
  void run();

  void shutdown() override;

  cmd::ServerState& state() { return state_; }
  boost::asio::io_context& io() { return io_; }
  ClientPoller& poller() { return poller_; }
  void on_connection_closed(Connection& c);
  // Called before each batch of commands runs, so they share one reading of the clock.
  void refresh_clock() { clock_.refresh(); }

 private:
  using Acceptor = boost::asio::basic_socket_acceptor<boost::asio::generic::stream_protocol>;

  bool listen_tcp(const std::string& address, bool optional);
  bool listen_unix(const std::string& path);
  void accept(Acceptor& acceptor, bool is_unix);
  void admit(boost::asio::generic::stream_protocol::socket socket, bool is_unix);
  void schedule_cron();
  void cron();

  config::Config& config_;
  util::CachedClock clock_;
  boost::asio::io_context io_{1};
  cmd::ServerState state_;
  ClientPoller poller_{io_};  // declared before connections_: they deregister on the way out
  std::vector<std::unique_ptr<Acceptor>> acceptors_;
  std::map<uint64_t, std::shared_ptr<Connection>> connections_;
  boost::asio::steady_timer cron_timer_{io_};
  boost::asio::signal_set signals_{io_};
  bool stopping_ = false;
};

}  // namespace cardinal::server
