#include "cardinal/server/client_poller.h"

#include <unistd.h>

#include <cerrno>
#include <system_error>

namespace cardinal::server {

namespace {

uint32_t interest(bool read, bool write) {
  return (read ? EPOLLIN : 0u) | (write ? EPOLLOUT : 0u);
}

}  // namespace

ClientPoller::ClientPoller() : epoll_fd_(::epoll_create1(EPOLL_CLOEXEC)) {
  if (epoll_fd_ < 0) throw std::system_error(errno, std::generic_category(), "epoll_create1");
}

ClientPoller::~ClientPoller() {
  ::close(epoll_fd_);
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

int ClientPoller::wait(int timeout_ms) {
  int n = ::epoll_wait(epoll_fd_, events_.data(), static_cast<int>(events_.size()), timeout_ms);
  if (n < 0) return -1;  // EINTR: a signal arrived
  for (int i = 0; i < n; ++i) {
    static_cast<Handler*>(events_[i].data.ptr)->on_events(events_[i].events);
  }
  return n;
}

}  // namespace cardinal::server
