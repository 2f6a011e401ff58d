// ClientPoller: readiness for client sockets from one level-triggered epoll set, which the
// io_context watches as a single descriptor. A client is read only when the kernel says it has
// data: Asio's socket operations try every read at once, and in request-reply traffic that read
// fails with EAGAIN on every round trip (one wasted syscall per request). One wake-up serves all
// ready clients; a handler must stay alive until the batch it is in has been dispatched (the
// server defers destroying closed connections). Event-loop thread only.
#pragma once

#include <sys/epoll.h>

#include <array>
#include <cstdint>

#include "cardinal/server/asio.h"

namespace cardinal::server {

class ClientPoller {
 public:
  class Handler {
   public:
    // `events`: the epoll bits (EPOLLIN, EPOLLOUT, EPOLLHUP, EPOLLERR) this wake-up reported.
    virtual void on_events(uint32_t events) = 0;

   protected:
    ~Handler() = default;
  };

  explicit ClientPoller(boost::asio::io_context& io);
  ~ClientPoller();
  ClientPoller(const ClientPoller&) = delete;
  ClientPoller& operator=(const ClientPoller&) = delete;

  // Starts watching `fd` for the given interest; false (errno set) when epoll refused it.
  bool add(int fd, Handler& handler, bool read, bool write);
  // Changes what `fd` is watched for.
  void modify(int fd, Handler& handler, bool read, bool write);
  // Stops watching `fd` (before it is closed).
  void remove(int fd);
  // Stops waiting for readiness (server shutdown).
  void stop();

 private:
  void wait();
  void dispatch();

  int epoll_fd_;
  boost::asio::posix::stream_descriptor watcher_;
  std::array<epoll_event, 256> events_{};
};

}  // namespace cardinal::server
