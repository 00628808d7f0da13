#include "CEpoll.h"
#include <errno.h>
#include <stddef.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>

const uint32_t msgflo_epoll_in = EPOLLIN;
const uint32_t msgflo_epoll_out = EPOLLOUT;
const uint32_t msgflo_epoll_err = EPOLLERR;
const uint32_t msgflo_epoll_hup = EPOLLHUP;
const uint32_t msgflo_epoll_rdhup = EPOLLRDHUP;
const uint32_t msgflo_epoll_exclusive = EPOLLEXCLUSIVE;

int msgflo_epoll_create(void) {
    return epoll_create1(EPOLL_CLOEXEC);
}

static int control(int epfd, int op, int fd, uint32_t events) {
    struct epoll_event event = {0};
    event.events = events;
    event.data.fd = fd;
    return epoll_ctl(epfd, op, fd, &event);
}

int msgflo_epoll_add(int epfd, int fd, uint32_t events) { return control(epfd, EPOLL_CTL_ADD, fd, events); }
int msgflo_epoll_modify(int epfd, int fd, uint32_t events) { return control(epfd, EPOLL_CTL_MOD, fd, events); }
int msgflo_epoll_remove(int epfd, int fd) { return control(epfd, EPOLL_CTL_DEL, fd, 0); }

int msgflo_epoll_wait(int epfd, msgflo_epoll_ready *ready, int max_events, int timeout_ms) {
    if (ready == NULL || max_events <= 0) {
        errno = EINVAL;
        return -1;
    }
    enum { limit = 1024 };
    struct epoll_event events[limit];
    int count = epoll_wait(epfd, events, max_events < limit ? max_events : limit, timeout_ms);
    for (int i = 0; i < count; i++) {
        ready[i].events = events[i].events;
        ready[i].fd = events[i].data.fd;
    }
    return count;
}

int msgflo_eventfd(void) {
    return eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
}
