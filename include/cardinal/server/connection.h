// Connection: one client socket (TCP or unix) bound to a cmd::Session. Reads (when the
// ClientPoller reports data) into a growable buffer, runs every complete command the read
// delivered, then writes all their replies with one send straight from the session's buffer;
// what the socket does not take waits for writability while new replies queue behind it. A protocol
// error replies and closes this connection only. While the client is blocked (BLPOP ...) its later
// commands wait unparsed, but reading goes on so a disconnect is noticed and the waiter dropped.
// Event-loop thread only; owned by Server through shared_ptr while I/O is pending.
#pragma once

#include <cstddef>
#include <memory>
#include <string>

#include "cardinal/cmd/session.h"
#include "cardinal/resp/parser.h"
#include "cardinal/server/asio.h"
#include "cardinal/server/client_poller.h"
#include "cardinal/server/server.h"

namespace cardinal::server {

class Server;
using Socket = boost::asio::generic::stream_protocol::socket;

class Connection final : public cmd::Session,
                         public ClientPoller::Handler,
                         public std::enable_shared_from_this<Connection> {
 public:
  Connection(Server& server, Socket socket, uint64_t id);
  ~Connection() override;

  void start();
  // Closes at once; pending output is dropped.
  void close();
  // Best effort: writes pending output without blocking, then closes (server shutdown).
  void flush_and_close();
  bool closed() const { return closed_; }

  void on_events(uint32_t events) override;
  // The AOF write its replies waited for is done (Server::flush_queued_replies).
  void flush_queued_reply();
  void request_flush() override;
  void request_close() override;
  size_t query_buffer_bytes() const override { return in_end_ - in_start_; }
  size_t pending_output_bytes() const override {
    return output().size() + (unsent_.size() - unsent_offset_);
  }
  void close_for_output_limit() override;
  void arm_block_timeout(int64_t ms) override;
  void on_unblocked() override;
  // The loop found this connection's block deadline passed (and removed it).
  void on_block_timeout();

 private:
  void read_once();
  void process_input();
  // Sends what is pending (the unsent rest first, then the session's output) until the socket
  // would block; then waits for writability.
  void flush();
  // Tells the poller what this connection waits for now.
  void update_interest();
  // Makes room for at least `want` more bytes after the unconsumed data.
  void reserve_input(size_t want);

  Server& server_;
  int fd_ = -1;  // owned: taken from the accepted socket
  std::unique_ptr<char[]> in_;
  size_t in_capacity_ = 0;
  size_t in_start_ = 0;  // first unconsumed byte
  size_t in_end_ = 0;    // one past the last received byte
  resp::RequestParser parser_;
  void disarm_block_timeout();
  // This connection's entry in the server's block timers, or no_block_timer().
  BlockTimers::iterator block_timer_;
  std::string unsent_;  // a reply batch the socket took only part of
  size_t unsent_offset_ = 0;
  bool watching_read_ = false;
  bool watching_write_ = false;
  bool close_after_write_ = false;
  bool output_limit_hit_ = false;  // closing without sending what is pending
  bool flush_posted_ = false;      // a request_flush() is queued; more need not queue again
  bool reply_queued_ = false;      // waiting in the server's queue for the AOF write
  bool closed_ = false;
};

}  // namespace cardinal::server
