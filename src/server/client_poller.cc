#include "cardinal/server/client_poller.h"

#include <unistd.h>

#include <cerrno>
#include <system_error>

namespace cardinal::server {

namespace {

uint32_t interest(bool read, bool write) {
  return (read ? EPOLLIN : 0u) | (write ? EPOLLOUT : 0u);
}

int create_epoll() {
  int fd = ::epoll_create1(EPOLL_CLOEXEC);
  if (fd < 0) throw std::system_error(errno, std::generic_category(), "epoll_create1");
  return fd;
}

}  // namespace

ClientPoller::ClientPoller(boost::asio::io_context& io)
    : epoll_fd_(create_epoll()), watcher_(io, epoll_fd_) {
  wait();
}

ClientPoller::~ClientPoller() {
  boost::system::error_code ec;
  watcher_.close(ec);  // closes epoll_fd_
}

bool ClientPoller::add(int fd, Handler& handler, bool read, bool write) {
  epoll_event ev{};
  ev.events = interest(read, write);
  ev.data.ptr = &handler;
  return ::epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, fd, &ev) == 0;
}

void ClientPoller::modify(int fd, Handler& handler, bool read, bool write) {
  epoll_event ev{};
  ev.events = interest(read, write);
  ev.data.ptr = &handler;
  ::epoll_ctl(epoll_fd_, EPOLL_CTL_MOD, fd, &ev);
}

void ClientPoller::remove(int fd) {
  ::epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, fd, nullptr);
}

void ClientPoller::stop() {
  boost::system::error_code ec;
  watcher_.cancel(ec);
}

void ClientPoller::wait() {
  watcher_.async_wait(boost::asio::posix::stream_descriptor::wait_read,
                      [this](const boost::system::error_code& ec) {
                        if (ec) return;  // cancelled: the server is stopping
                        dispatch();
                        wait();
                      });
}

void ClientPoller::dispatch() {
  int n = ::epoll_wait(epoll_fd_, events_.data(), static_cast<int>(events_.size()), 0);
  for (int i = 0; i < n; ++i) {
    static_cast<Handler*>(events_[i].data.ptr)->on_events(events_[i].events);
  }
}

}  // namespace cardinal::server
