#include "cardinal/server/server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <spdlog/spdlog.h>
#include <chrono>
#include <csignal>
#include <string_view>

#include "cardinal/cmd/snapshot.h"
#include "cardinal/persist/rdb_error.h"
#include "cardinal/server/connection.h"
#include "cardinal/util/clock.h"

namespace cardinal::server {

namespace asio = boost::asio;
using generic_stream = asio::generic::stream_protocol;

namespace {

// Like Redis: probe after `interval` idle seconds, then every interval/3, give up after 3.
void enable_keepalive(generic_stream::socket& socket, int64_t interval) {
  boost::system::error_code ec;
  socket.set_option(asio::socket_base::keep_alive(true), ec);
  int fd = socket.native_handle();
  int idle = static_cast<int>(interval), probe = std::max(1, idle / 3), count = 3;
  ::setsockopt(fd, IPPROTO_TCP, TCP_KEEPIDLE, &idle, sizeof(idle));
  ::setsockopt(fd, IPPROTO_TCP, TCP_KEEPINTVL, &probe, sizeof(probe));
  ::setsockopt(fd, IPPROTO_TCP, TCP_KEEPCNT, &count, sizeof(count));
}

// Redis 7.0's test for "from this machine": the peer is exactly 127.0.0.1 or ::1. Other
// 127.0.0.0/8 addresses do not count (redis-server 7.0.15 refuses a client from 127.0.0.2), nor
// would an IPv4-mapped one, which v6-only listeners never see.
bool is_loopback_peer(const generic_stream::endpoint& peer) {
  const sockaddr* sa = peer.data();
  if (sa->sa_family == AF_INET) {
    const auto* in = reinterpret_cast<const sockaddr_in*>(sa);
    return ntohl(in->sin_addr.s_addr) == INADDR_LOOPBACK;
  }
  if (sa->sa_family == AF_INET6) {
    const auto* in6 = reinterpret_cast<const sockaddr_in6*>(sa);
    return IN6_IS_ADDR_LOOPBACK(&in6->sin6_addr);
  }
  return false;
}

// Sends one error line to a client that is not let in, then closes. Whatever the client already
// sent is read and dropped first: closing with unread input resets the connection, and a reset
// can destroy the error line before the client reads it.
void refuse(generic_stream::socket& socket, std::string_view error_line) {
  boost::system::error_code ec;
  socket.non_blocking(true, ec);
  asio::write(socket, asio::buffer(error_line.data(), error_line.size()), ec);
  char sink[4096];
  for (int i = 0; i < 16 && socket.available(ec) > 0 && !ec; ++i)
    socket.read_some(asio::buffer(sink), ec);
  socket.close(ec);
}

// Protected mode's refusal, one line. The facts a user needs: why (protected mode is on and the
// default user has no password), who gets in (loopback and unix socket clients), and the fixes.
constexpr std::string_view kDenied =
    "-DENIED cardinal is running in protected mode: protected mode is enabled and the default "
    "user has no password, so only clients on the loopback interface or a unix socket are "
    "accepted. To let other hosts in, set a password (requirepass), or turn protected mode off "
    "with 'CONFIG SET protected-mode no' from a loopback client or by restarting with "
    "'--protected-mode no', and then make sure the server is not reachable from the internet.\r\n";

// Startup: the dump in `dir`, if there is one, loads before any client is served. A file that
// cannot be loaded stops the server, as in Redis: serving without the data would look like loss.
bool load_data_from_disk(cmd::ServerState& state) {
  auto start = std::chrono::steady_clock::now();
  if (state.settings().appendonly) {
    // As Redis: with the AOF on, it alone holds the data; the dump is not read.
    try {
      state.persistence.aof().load_at_startup();
      std::chrono::duration<double> took = std::chrono::steady_clock::now() - start;
      spdlog::info("DB loaded from append only file: {:.3f} seconds", took.count());
      return true;
    } catch (const std::exception& e) {
      spdlog::critical("Fatal error loading the append only file: {}. Exiting.", e.what());
      return false;
    }
  }
  try {
    state.persistence.aof().read_manifest_at_startup();
  } catch (const std::exception& e) {
    spdlog::critical("Fatal error reading the AOF manifest: {}. Exiting.", e.what());
    return false;
  }
  try {
    std::optional<persist::RdbLoadResult> r = cmd::load_snapshot(state);
    if (!r) return true;
    std::chrono::duration<double> took = std::chrono::steady_clock::now() - start;
    spdlog::info("Done loading RDB, keys loaded: {}, keys expired: {}.", r->keys_loaded,
                 r->expired_skipped);
    spdlog::info("DB loaded from disk: {:.3f} seconds", took.count());
    return true;
  } catch (const persist::RdbError& e) {
    spdlog::critical("Fatal error loading the DB ({}): {}. Exiting.", cmd::snapshot_path(state),
                     e.what());
    return false;
  }
}

}  // namespace

Server::Server(config::Config& config) : config_(config), state_(config, clock_) {
  state_.hooks = this;
  signals_.add(SIGINT);
  signals_.add(SIGTERM);
  std::signal(SIGPIPE, SIG_IGN);
}

Server::~Server() = default;

std::unique_ptr<Server::Acceptor> Server::open_tcp(const std::string& address, bool optional) {
  boost::system::error_code ec;
  std::string host = address == "*" ? "0.0.0.0" : address == "::*" ? "::" : address;
  auto ip = asio::ip::make_address(host, ec);
  if (ec) {
    spdlog::warn("Invalid bind address '{}'", address);
    return nullptr;
  }
  asio::ip::tcp::endpoint tcp_ep(ip, static_cast<uint16_t>(config_.settings().port));
  generic_stream::endpoint ep(tcp_ep);
  auto acceptor = std::make_unique<Acceptor>(io_);
  acceptor->open(ep.protocol(), ec);
  if (!ec) acceptor->set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec && ip.is_v6()) acceptor->set_option(asio::ip::v6_only(true), ec);
  if (!ec) acceptor->bind(ep, ec);
  if (!ec) acceptor->listen(static_cast<int>(config_.settings().tcp_backlog), ec);
  if (ec) {
    if (optional) {
      spdlog::info("Skipping optional bind address {}: {}", address, ec.message());
    } else {
      spdlog::warn("Could not create server TCP listening socket {}:{}: {}", address,
                   config_.settings().port, ec.message());
    }
    return nullptr;
  }
  return acceptor;
}

bool Server::open_all_tcp(std::vector<Listener>& out) {
  const config::Settings& s = config_.settings();
  if (s.port == 0) return true;
  for (const std::string& b : s.bind) {
    bool optional = !b.empty() && b[0] == '-';
    std::unique_ptr<Acceptor> a = open_tcp(optional ? b.substr(1) : b, optional);
    if (!a && !optional) return false;
    if (a) out.push_back({std::move(a), false});
  }
  return true;
}

void Server::start_listening(Listener listener) {
  accept(*listener.acceptor, listener.is_unix);
  poller_.add(listener.acceptor->native_handle(), listener_wake_, true, false);
  listeners_.push_back(std::move(listener));
}

bool Server::relisten() {
  // The old listeners close first: the new set may reuse one of their addresses and ports.
  // A pending accept on a closed acceptor completes with operation_aborted, which accept()'s
  // handler ignores without touching the acceptor, so dropping them here is safe.
  boost::system::error_code ec;
  std::erase_if(listeners_, [&](Listener& l) {
    if (l.is_unix) return false;
    poller_.remove(l.acceptor->native_handle());
    l.acceptor->close(ec);
    return true;
  });
  std::vector<Listener> fresh;
  if (!open_all_tcp(fresh)) return false;  // `fresh` closes what it opened
  for (Listener& l : fresh) start_listening(std::move(l));
  const config::Settings& s = config_.settings();
  if (s.port != 0) spdlog::info("Ready to accept connections tcp on port {}", s.port);
  return true;
}

bool Server::listen_unix(const std::string& path) {
  boost::system::error_code ec;
  ::unlink(path.c_str());
  generic_stream::endpoint ep{asio::local::stream_protocol::endpoint(path)};
  auto acceptor = std::make_unique<Acceptor>(io_);
  acceptor->open(ep.protocol(), ec);
  if (!ec) acceptor->bind(ep, ec);
  if (!ec) acceptor->listen(static_cast<int>(config_.settings().tcp_backlog), ec);
  if (ec) {
    spdlog::warn("Could not create server unix socket {}: {}", path, ec.message());
    return false;
  }
  if (config_.settings().unixsocketperm != 0)
    ::chmod(path.c_str(), static_cast<mode_t>(config_.settings().unixsocketperm));
  start_listening({std::move(acceptor), true});
  return true;
}

bool Server::listen() {
  const config::Settings& s = config_.settings();
  std::vector<Listener> tcp;
  if (!open_all_tcp(tcp)) return false;
  bool any = !tcp.empty();
  for (Listener& l : tcp) start_listening(std::move(l));
  if (!s.unixsocket.empty()) {
    if (!listen_unix(s.unixsocket)) return false;
    any = true;
  }
  if (!any) {
    spdlog::error("Configured to not listen anywhere, exiting.");
    return false;
  }
  refresh_clock();  // expiries in the file are judged against the real time
  if (!load_data_from_disk(state_)) return false;
  if (s.port != 0) spdlog::info("Ready to accept connections tcp on port {}", s.port);
  if (!s.unixsocket.empty()) spdlog::info("Ready to accept connections unix on {}", s.unixsocket);
  return true;
}

void Server::accept(Acceptor& acceptor, bool is_unix) {
  acceptor.async_accept([this, &acceptor, is_unix](const boost::system::error_code& ec,
                                                   generic_stream::socket socket) {
    if (stopping_) return;
    if (!ec) {
      admit(std::move(socket), is_unix);
    } else if (ec == asio::error::operation_aborted) {
      return;
    } else {
      spdlog::warn("Accepting client connection: {}", ec.message());
    }
    accept(acceptor, is_unix);
  });
}

void Server::admit(generic_stream::socket socket, bool is_unix) {
  boost::system::error_code ec;
  const config::Settings& s = config_.settings();
  // Refused clients count in rejected_connections only, as in Redis; one refused by protected
  // mode still uses up a client id (Redis creates the client before it checks).
  if (connections_.size() >= static_cast<size_t>(s.maxclients)) {
    refuse(socket, "-ERR max number of clients reached\r\n");
    ++state_.stats.rejected_connections;
    return;
  }
  // Protected mode (Redis 7.0's rule): with no password for the default user, only clients on
  // this machine get in. Unlike Redis before 7.0, an explicit bind does not lift it.
  if (s.protected_mode && !is_unix && !state_.auth_required()) {
    auto peer = socket.remote_endpoint(ec);
    if (ec || !is_loopback_peer(peer)) {
      refuse(socket, kDenied);
      ++state_.stats.rejected_connections;
      ++state_.next_client_id;
      return;
    }
  }
  ++state_.stats.total_connections_received;
  clock_.refresh();  // created_ms and idle times start from now, not from the last batch
  if (!is_unix) {
    socket.set_option(asio::ip::tcp::no_delay(true), ec);
    if (int64_t interval = s.tcp_keepalive; interval > 0) enable_keepalive(socket, interval);
  }
  uint64_t id = state_.next_client_id++;
  auto conn = std::make_shared<Connection>(*this, std::move(socket), id);
  conn->authenticated = !state_.auth_required();
  conn->created_ms = conn->last_interaction_ms = clock_.now_ms();
  connections_.emplace(id, conn);
  state_.add_session(*conn);
  conn->start();
}

void Server::on_connection_closed(Connection& c) {
  state_.remove_session(c);
  // Erasing may drop the last owner while c's handler is still on the stack: defer.
  auto it = connections_.find(c.id());
  if (it == connections_.end()) return;
  auto keep = std::move(it->second);
  connections_.erase(it);
  defer([keep] {});
}

void Server::run_deferred() {
  // Only the tasks queued so far: those they queue wait for the next turn, after new events.
  std::vector<std::function<void()>> tasks;
  tasks.swap(deferred_);
  for (auto& task : tasks) {
    if (stopping_) return;
    task();
  }
}

void Server::flush_queued_replies() {
  if (queued_replies_.empty()) return;
  state_.persistence.aof().before_replies();
  sending_replies_.swap(queued_replies_);
  for (auto& c : sending_replies_) c->flush_queued_reply();
  sending_replies_.clear();
}

LoopClock::duration Server::cron_period() const {
  return std::chrono::microseconds(1'000'000 / std::max<int64_t>(1, config_.settings().hz));
}

int Server::fire_timers() {
  LoopClock::time_point now = LoopClock::now();
  while (!block_timers_.empty() && block_timers_.begin()->first <= now) {
    Connection* c = block_timers_.begin()->second;
    block_timers_.erase(block_timers_.begin());
    c->on_block_timeout();
  }
  if (now >= next_cron_ && !stopping_) {
    io_.poll();  // Asio's turn at least once a tick: a signal that arrived mid-batch
    if (!stopping_) cron();
    next_cron_ = now + cron_period();
  }
  LoopClock::time_point next = next_cron_;
  if (!block_timers_.empty()) next = std::min(next, block_timers_.begin()->first);
  auto wait = std::chrono::ceil<std::chrono::milliseconds>(next - LoopClock::now());
  return static_cast<int>(std::max<int64_t>(0, wait.count()));
}

void Server::cron() {
  clock_.refresh();
  const config::Settings& s = config_.settings();
  int64_t hz = std::max<int64_t>(1, s.hz);
  // Active expiry may use up to a quarter of each tick, as Redis's slow cycle does; rehashing
  // of idle tables gets a fixed millisecond.
  uint64_t expire_us_before = state_.keyspace.stats().expire_cycle_time_us;
  // While a child shares our pages, moving buckets only makes the kernel copy them.
  int64_t rehash_us = state_.persistence.child_active() ? 0 : 1000;
  state_.keyspace.cron(250'000 / hz, rehash_us, state_.active_expire_enabled);
  uint64_t expire_us = state_.keyspace.stats().expire_cycle_time_us - expire_us_before;
  state_.latency.add_if_needed("expire-cycle", static_cast<int64_t>(expire_us / 1000),
                               s.latency_monitor_threshold, clock_.now_ms() / 1000);
  state_.sample_ops(clock_.now_ms());
  state_.persistence.cron();
  if (s.timeout > 0) {
    int64_t now = clock_.now_ms();
    std::vector<std::shared_ptr<Connection>> idle;
    for (auto& [id, c] : connections_) {
      // Blocked clients are waiting on purpose (their command has its own timeout), and so
      // are subscribers, whatever their protocol: Redis exempts both.
      if (!c->monitor && !c->is_blocked() && !c->in_pubsub_mode() &&
          now - c->last_interaction_ms > s.timeout * 1000)
        idle.push_back(c);
    }
    for (auto& c : idle) c->close();
  }
}

void Server::log(bool warning, const std::string& text) {
  if (warning) {
    spdlog::warn("{}", text);
  } else {
    spdlog::info("{}", text);
  }
}

void Server::fatal(const std::string& text) {
  spdlog::critical("{}", text);
  spdlog::shutdown();
  std::_Exit(1);
}

bool Server::shutdown(bool save, bool force) {
  if (stopping_) return true;
  spdlog::warn("User requested shutdown...");
  // As Redis: the AOF being switched on has no base yet, so exiting now would lose the data.
  if (state_.persistence.child_kind() == cmd::Persistence::ChildKind::kAofRewrite &&
      state_.persistence.aof().state() == cmd::Aof::State::kWaitRewrite) {
    if (!force) {
      spdlog::warn("Writing initial AOF, can't exit.");
      return false;
    }
    spdlog::warn("Writing initial AOF. Exit anyway.");
  }
  state_.persistence.kill_child();
  state_.persistence.aof().flush_and_sync();
  if (save) {
    spdlog::info("Saving the final RDB snapshot before exiting.");
    try {
      cmd::save_snapshot(state_);
      spdlog::info("DB saved on disk");
    } catch (const std::exception& e) {
      spdlog::warn("Error trying to save the DB ({}){}", e.what(),
                   force ? ", exiting anyway (FORCE)." : ", can't exit.");
      if (!force) return false;
    }
  }
  stopping_ = true;
  boost::system::error_code ec;
  for (Listener& l : listeners_) {
    poller_.remove(l.acceptor->native_handle());
    l.acceptor->close(ec);
  }
  if (!config_.settings().unixsocket.empty()) ::unlink(config_.settings().unixsocket.c_str());
  signals_.cancel();
  std::vector<std::shared_ptr<Connection>> all;
  for (auto& [id, c] : connections_) all.push_back(c);
  for (auto& c : all) c->flush_and_close();
  io_.stop();
  spdlog::warn("cardinal is now ready to exit, bye bye...");
  return true;
}

void Server::wait_for_signals() {
  signals_.async_wait([this](const boost::system::error_code& ec, int signo) {
    if (ec) return;
    spdlog::warn("Received {} scheduling shutdown...", signo == SIGINT ? "SIGINT" : "SIGTERM");
    // As Redis: save when save points exist; a failed save keeps the server up.
    if (!shutdown(cmd::save_points_configured(config_.settings()), false)) {
      spdlog::warn("Errors trying to shut down the server. Check the logs for more information.");
      wait_for_signals();
    }
  });
}

void Server::run() {
  wait_for_signals();
  next_cron_ = LoopClock::now() + cron_period();
  bool asio_turn = true;
  while (!stopping_) {
    if (asio_turn) io_.poll();
    run_deferred();
    if (stopping_) break;
    int timeout_ms = fire_timers();
    run_deferred();
    if (stopping_) break;
    flush_queued_replies();
    if (!deferred_.empty() || !queued_replies_.empty()) timeout_ms = 0;
    listener_ready_ = false;
    int events = poller_.wait(timeout_ms);
    asio_turn = events < 0 || listener_ready_;  // a signal, or a connection to accept
  }
}

}  // namespace cardinal::server
