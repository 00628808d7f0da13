#ifndef CEPOLL_H
#define CEPOLL_H
#include <stdint.h>

/// epoll and eventfd for the HTTP server's event loops. Glibc's Swift module
/// leaves out <sys/epoll.h> and <sys/eventfd.h>, and `struct epoll_event` is
/// packed on x86_64 only; these wrappers have fixed, plain signatures and
/// hand back ready events as (events, fd) pairs on every architecture.

/// One ready descriptor, as reported by `msgflo_epoll_wait`.
typedef struct {
    uint32_t events;
    int32_t fd;
} msgflo_epoll_ready;

/// Event bits (the kernel's EPOLLIN, EPOLLOUT, ...).
extern const uint32_t msgflo_epoll_in;
extern const uint32_t msgflo_epoll_out;
extern const uint32_t msgflo_epoll_err;
extern const uint32_t msgflo_epoll_hup;
extern const uint32_t msgflo_epoll_rdhup;
extern const uint32_t msgflo_epoll_exclusive;

/// epoll_create1(EPOLL_CLOEXEC): a descriptor, or -1 with errno.
int msgflo_epoll_create(void);
/// epoll_ctl ADD / MOD / DEL of `fd`, with `fd` itself as the event data.
int msgflo_epoll_add(int epfd, int fd, uint32_t events);
int msgflo_epoll_modify(int epfd, int fd, uint32_t events);
int msgflo_epoll_remove(int epfd, int fd);
/// epoll_wait into `ready` (at most `max_events`, capped at 1024): the count,
/// or -1 with errno.
int msgflo_epoll_wait(int epfd, msgflo_epoll_ready *ready, int max_events, int timeout_ms);
/// eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC): a descriptor, or -1 with errno.
int msgflo_eventfd(void);

#endif
