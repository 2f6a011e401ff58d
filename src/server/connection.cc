#include "cardinal/server/connection.h"

#include <arpa/inet.h>
#include <sys/socket.h>
#include <sys/un.h>

#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <spdlog/spdlog.h>

#include "cardinal/cmd/dispatcher.h"
#include "cardinal/cmd/output_limit.h"
#include "cardinal/server/server.h"
#include "cardinal/util/clock.h"

namespace cardinal::server {

namespace {

constexpr size_t kInitialBuffer = 16 * 1024;
constexpr size_t kReadChunk = 16 * 1024;
// Buffers that grew past this are given back once idle, so one huge request does not pin
// memory for the connection's lifetime.
constexpr size_t kKeepCapacity = 64 * 1024;
constexpr size_t kKeepSendCapacity = 1024 * 1024;

std::string format_endpoint(const boost::asio::generic::stream_protocol::endpoint& ep) {
  const sockaddr* sa = ep.data();
  char host[INET6_ADDRSTRLEN] = {0};
  if (sa->sa_family == AF_INET) {
    const auto* in = reinterpret_cast<const sockaddr_in*>(sa);
    ::inet_ntop(AF_INET, &in->sin_addr, host, sizeof(host));
    return std::string(host) + ":" + std::to_string(ntohs(in->sin_port));
  }
  if (sa->sa_family == AF_INET6) {
    const auto* in6 = reinterpret_cast<const sockaddr_in6*>(sa);
    ::inet_ntop(AF_INET6, &in6->sin6_addr, host, sizeof(host));
    return std::string(host) + ":" + std::to_string(ntohs(in6->sin6_port));
  }
  if (sa->sa_family == AF_UNIX) {
    const auto* un = reinterpret_cast<const sockaddr_un*>(sa);
    return std::string(un->sun_path) + ":0";
  }
  return "?:0";
}

}  // namespace

Connection::Connection(Server& server, Socket socket, uint64_t id)
    : cmd::Session(id), server_(server) {
  boost::system::error_code ec;
  auto remote = socket.remote_endpoint(ec);
  addr = ec ? "?:0" : format_endpoint(remote);
  auto local = socket.local_endpoint(ec);
  laddr = ec ? "?:0" : format_endpoint(local);
  unix_socket = !ec && local.data()->sa_family == AF_UNIX;
  if (unix_socket) addr = laddr;
  // From here on the descriptor is ours: the ClientPoller, not Asio, watches it.
  socket.non_blocking(true, ec);
  fd_ = socket.release(ec);
  fd = fd_;
  block_timer_ = server_.no_block_timer();
}

Connection::~Connection() {
  disarm_block_timeout();
  if (fd_ >= 0) ::close(fd_);
}

void Connection::start() {
  in_ = std::make_unique_for_overwrite<char[]>(kInitialBuffer);
  in_capacity_ = kInitialBuffer;
  if (fd_ < 0 || !server_.poller().add(fd_, *this, true, false)) return close();
  watching_read_ = true;
}

void Connection::reserve_input(size_t want) {
  size_t used = in_end_ - in_start_;
  if (in_start_ > 0) {  // keep the unconsumed bytes at the front; parser offsets stay valid
    std::memmove(in_.get(), in_.get() + in_start_, used);
    in_start_ = 0;
    in_end_ = used;
  }
  if (in_capacity_ - in_end_ >= want) return;
  size_t capacity = std::max(in_capacity_ * 2, in_end_ + want);
  auto bigger = std::make_unique_for_overwrite<char[]>(capacity);
  std::memcpy(bigger.get(), in_.get(), in_end_);
  in_ = std::move(bigger);
  in_capacity_ = capacity;
}

void Connection::on_events(uint32_t events) {
  if (closed_) return;
  if (events & EPOLLOUT) {
    flush();
    if (closed_) return;
  }
  if (events & (EPOLLIN | EPOLLHUP | EPOLLERR)) {
    // Not reading any more (a reply-then-close is pending): a hang-up ends it now.
    if (!watching_read_) return close();
    read_once();
  }
}

void Connection::read_once() {
  size_t want = kReadChunk;
  if (parser_.bytes_wanted() > query_buffer_bytes())
    want = std::max(want, parser_.bytes_wanted() - query_buffer_bytes());
  if (in_start_ == in_end_) {
    in_start_ = in_end_ = 0;
    if (in_capacity_ > kKeepCapacity && want <= kReadChunk) {
      in_ = std::make_unique_for_overwrite<char[]>(kInitialBuffer);
      in_capacity_ = kInitialBuffer;
    }
  }
  reserve_input(want);
  ssize_t n = ::recv(fd_, in_.get() + in_end_, in_capacity_ - in_end_, 0);
  if (n == 0) return close();  // the client hung up
  if (n < 0) {
    if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) return;
    return close();
  }
  in_end_ += static_cast<size_t>(n);
  server_.state().stats.total_net_input_bytes += static_cast<uint64_t>(n);
  server_.refresh_clock();
  process_input();
  if (closed_) return;
  // Replies to this client's own commands count toward its output buffer limit too.
  if (cmd::enforce_output_limit(server_.state().settings(), server_.state().clock.now_ms(), *this))
    return;
  if (query_buffer_bytes() >
      static_cast<size_t>(server_.state().settings().client_query_buffer_limit)) {
    return close();  // as Redis: the client is dropped without a reply
  }
  flush();
}

void Connection::process_input() {
  cmd::ServerState& state = server_.state();
  // One clock reading opens the batch; each command's end then starts the next one's timing.
  struct BatchClock {
    int64_t& mark;
    explicit BatchClock(int64_t& m) : mark(m) { mark = util::monotonic_ns(); }
    ~BatchClock() { mark = 0; }
  } batch_clock{state.batch_clock_ns};
  resp::ParserLimits limits;
  while (in_start_ < in_end_ && !closed_ && !close_after_write_ && !is_blocked()) {
    limits.max_bulk_len = state.settings().proto_max_bulk_len;
    limits.authenticated = authenticated || !state.auth_required();
    resp::ParseStatus status = parser_.parse(in_.get() + in_start_, in_end_ - in_start_, limits);
    if (status == resp::ParseStatus::NeedMore) break;
    if (status == resp::ParseStatus::Error) {
      reply().error("ERR " + parser_.error());
      close_after_write_ = true;
      in_start_ = in_end_;
      break;
    }
    if (status == resp::ParseStatus::Command) {
      cmd::execute(state, *this, parser_.args());
      if (closed_) return;  // SHUTDOWN or a kill from within
    }
    in_start_ += parser_.consumed();
  }
}

void Connection::flush() {
  // Past its output limit: nothing more is sent, the close is on its way.
  if (closed_ || output_limit_hit_) return;
  // No reply leaves before the writes it acknowledges are in the AOF. Rather than one write
  // (and one fsync, with appendfsync always) per client, the server writes the AOF once before
  // it next waits for events, then sends every reply that waited for it.
  if (server_.state().persistence.aof().replies_must_wait()) {
    if (!reply_queued_) {
      reply_queued_ = true;
      server_.queue_reply(shared_from_this());
    }
    return;
  }
  auto send_some = [this](const char* data, size_t size) -> ssize_t {
    ssize_t n = ::send(fd_, data, size, MSG_NOSIGNAL);
    if (n >= 0) {
      server_.state().stats.total_net_output_bytes += static_cast<uint64_t>(n);
      return n;
    }
    return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR ? 0 : -1;
  };
  while (!unsent_.empty()) {  // older replies go first
    ssize_t n = send_some(unsent_.data() + unsent_offset_, unsent_.size() - unsent_offset_);
    if (n < 0) return close();
    if (n == 0) return update_interest();
    unsent_offset_ += static_cast<size_t>(n);
    if (unsent_offset_ == unsent_.size()) {
      unsent_.clear();
      unsent_offset_ = 0;
      if (unsent_.capacity() > kKeepSendCapacity) unsent_.shrink_to_fit();
    }
  }
  std::string& out = output();
  if (!out.empty()) {
    ssize_t n = send_some(out.data(), out.size());
    if (n < 0) return close();
    if (static_cast<size_t>(n) < out.size()) {
      unsent_.swap(out);  // keeps the bytes without copying; the session writes into a fresh one
      unsent_offset_ = static_cast<size_t>(n);
    } else {
      out.clear();
      if (out.capacity() > kKeepSendCapacity) out.shrink_to_fit();
    }
  }
  if (unsent_.empty() && close_after_write_) return close();
  update_interest();
}

void Connection::update_interest() {
  if (closed_) return;
  bool read = !close_after_write_;
  bool write = !unsent_.empty();
  if (read == watching_read_ && write == watching_write_) return;
  watching_read_ = read;
  watching_write_ = write;
  server_.poller().modify(fd_, *this, read, write);
}

void Connection::flush_queued_reply() {
  reply_queued_ = false;
  flush();
}

void Connection::request_flush() {
  // Called from another client's command; the write starts once that command's batch ends.
  // One queued flush serves every message a batch of PUBLISHes (or MONITOR lines) adds.
  if (flush_posted_) return;
  flush_posted_ = true;
  auto self = shared_from_this();
  server_.defer([self] {
    self->flush_posted_ = false;
    self->flush();
  });
}

void Connection::arm_block_timeout(int64_t ms) {
  // Beyond ~30 years the wait is forever for any practical purpose, and steady_clock's
  // nanosecond count cannot hold Redis's largest accepted timeouts anyway.
  constexpr int64_t kForever = int64_t{1'000'000'000'000};
  if (ms >= kForever) return;
  disarm_block_timeout();
  block_timer_ = server_.add_block_timer(LoopClock::now() + std::chrono::milliseconds(ms), *this);
}

void Connection::disarm_block_timeout() {
  if (block_timer_ == server_.no_block_timer()) return;
  server_.cancel_block_timer(block_timer_);
  block_timer_ = server_.no_block_timer();
}

void Connection::on_block_timeout() {
  block_timer_ = server_.no_block_timer();  // the loop has removed the entry
  if (closed_ || !is_blocked()) return;
  server_.refresh_clock();
  server_.state().blocking.time_out(*this);
}

void Connection::on_unblocked() {
  disarm_block_timeout();
  // The reply counts as interaction, as in Redis: the idle `timeout` starts again from here.
  last_interaction_ms = server_.state().clock.now_ms();
  // The reply is in the output buffer; commands pipelined behind the blocked one run now.
  auto self = shared_from_this();
  server_.defer([self] {
    if (self->closed_) return;
    self->process_input();
    if (self->closed_) return;
    self->flush();
  });
}

void Connection::close_for_output_limit() {
  if (output_limit_hit_) return;
  spdlog::warn("Client id={} addr={} name={} closed for overcoming of output buffer limits.", id(),
               addr, name);
  output_limit_hit_ = true;
  closing = true;
  close_after_write_ = true;  // run nothing more of its input
  // Not closed here: this runs inside another client's command (PUBLISH), which may still be
  // walking a list this client is on.
  auto self = shared_from_this();
  server_.defer([self] { self->close(); });
}

void Connection::request_close() {
  // A killed client must not be served on the way out (it would take an element with it).
  if (is_blocked()) server_.state().blocking.unblock(*this);
  // Nor counted by a PUBLISH: Redis frees a killed client at once.
  server_.state().pubsub.remove(*this);
  closing = true;
  close_after_write_ = true;
  auto self = shared_from_this();
  server_.defer([self] { self->flush(); });
}

void Connection::flush_and_close() {
  if (closed_) return;
  flush();  // best effort: whatever the socket takes without blocking
  close();
}

void Connection::close() {
  if (closed_) return;
  closed_ = true;
  disarm_block_timeout();
  if (fd_ >= 0) {
    server_.poller().remove(fd_);
    ::shutdown(fd_, SHUT_RDWR);
    ::close(fd_);
    fd_ = -1;
  }
  server_.on_connection_closed(*this);
}

}  // namespace cardinal::server
