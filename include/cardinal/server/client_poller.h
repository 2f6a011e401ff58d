// ClientPoller: the event loop's blocking wait — one level-triggered epoll set holding every
// client socket, plus the listening sockets as wake-up sources for Asio. A client is read only
// when the kernel says it has data (Asio's socket operations try every read at once, which in
// request-reply traffic fails with EAGAIN on every round trip), and one epoll_wait serves all
// ready clients, so a request costs epoll_wait + recv + send as in Redis. A handler must stay
// alive until the batch it is in has been dispatched (the server defers destroying closed
// connections). Event-loop thread only.
#pragma once

#include <sys/epoll.h>

#include <array>
#include <cstdint>

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

  ClientPoller();
  ~ClientPoller();
  ClientPoller(const ClientPoller&) = delete;
  ClientPoller& operator=(const ClientPoller&) = delete;

  // Starts watching `fd` for the given interest; false (errno set) when epoll refused it.
  bool add(int fd, Handler& handler, bool read, bool write);
  // Changes what `fd` is watched for.
  void modify(int fd, Handler& handler, bool read, bool write);
  // Stops watching `fd` (before it is closed).
  void remove(int fd);
  // Waits up to `timeout_ms` (-1: no limit) and dispatches what is ready. Returns the number
  // of events, or -1 when a signal interrupted the wait.
  int wait(int timeout_ms);

 private:
  int epoll_fd_;
  std::array<epoll_event, 256> events_{};
};

}  // namespace cardinal::server
