// See CSocketBurst.h for what this is for. The interposition: with glibc, this file defines
// read(2), write(2) and close(2). The executable's definitions come first in the dynamic
// linker's search (an unversioned definition answers libmosquitto's read@GLIBC_2.2.5), so
// libmosquitto's calls, and everyone else's, arrive here; all but the loop thread's calls on
// its socket, inside a burst, go on at once to glibc's own __read, __write and __close.
#define _GNU_SOURCE
#include "CSocketBurst.h"

#include <errno.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <unistd.h>

#ifdef __GLIBC__

// glibc exports these (GLIBC_2.2.5) as the same functions as read and write.
extern ssize_t __read(int fd, void *buf, size_t count);
extern ssize_t __write(int fd, const void *buf, size_t count);
extern int __close(int fd);

enum { capacity = 64 * 1024 };

struct gw_socket_burst {
    int fd;
    size_t read_start, read_end;
    size_t write_start, write_end;
    // Written by the loop thread, read by /metrics: relaxed atomics.
    _Atomic uint64_t reads_served, refills, writes_gathered, sends;
    unsigned char in[capacity];
    unsigned char out[capacity];
};

enum section { none, reading, writing };
static __thread gw_socket_burst *current;
static __thread enum section current_section;

gw_socket_burst *gw_socket_burst_create(void) {
    gw_socket_burst *burst = calloc(1, sizeof *burst);
    if (burst) burst->fd = -1;
    return burst;
}

void gw_socket_burst_destroy(gw_socket_burst *burst) {
    if (current == burst) gw_socket_burst_end();
    free(burst);
}

void gw_socket_burst_reset(gw_socket_burst *burst, int fd) {
    burst->fd = fd;
    burst->read_start = burst->read_end = 0;
    burst->write_start = burst->write_end = 0;
}

int gw_socket_burst_fd(const gw_socket_burst *burst) { return burst->fd; }
size_t gw_socket_burst_unread(const gw_socket_burst *burst) { return burst->read_end - burst->read_start; }
size_t gw_socket_burst_unsent(const gw_socket_burst *burst) { return burst->write_end - burst->write_start; }

void gw_socket_burst_begin_reading(gw_socket_burst *burst) { current = burst; current_section = reading; }
void gw_socket_burst_begin_writing(gw_socket_burst *burst) { current = burst; current_section = writing; }
void gw_socket_burst_end(void) { current = NULL; current_section = none; }

static void bump(_Atomic uint64_t *counter) { atomic_fetch_add_explicit(counter, 1, memory_order_relaxed); }

gw_socket_burst_counts gw_socket_burst_get_counts(const gw_socket_burst *burst) {
    gw_socket_burst_counts counts = {
        atomic_load_explicit(&burst->reads_served, memory_order_relaxed),
        atomic_load_explicit(&burst->refills, memory_order_relaxed),
        atomic_load_explicit(&burst->writes_gathered, memory_order_relaxed),
        atomic_load_explicit(&burst->sends, memory_order_relaxed),
    };
    return counts;
}

static ssize_t burst_read(gw_socket_burst *burst, void *buf, size_t count) {
    if (count == 0) return 0;
    if (burst->read_start == burst->read_end) {
        // A request as large as the buffer goes straight to the socket: no copy to save.
        int large = count >= capacity;
        ssize_t got = large ? recv(burst->fd, buf, count, 0) : recv(burst->fd, burst->in, capacity, 0);
        // EOF, EAGAIN or an error: libmosquitto sees exactly what read(2) would have said.
        // After EOF or an error it closes the socket, and its number may soon name another
        // file: nothing more is taken for it until the loop resets the buffer.
        if (got == 0 || (got < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)) burst->fd = -1;
        if (got <= 0) return got;
        bump(&burst->refills);
        if (large) {
            bump(&burst->reads_served);
            return got;
        }
        burst->read_start = 0;
        burst->read_end = (size_t)got;
    }
    size_t available = burst->read_end - burst->read_start;
    size_t taken = count < available ? count : available;
    memcpy(buf, burst->in + burst->read_start, taken);
    burst->read_start += taken;
    bump(&burst->reads_served);
    return (ssize_t)taken;
}

int gw_socket_burst_flush(gw_socket_burst *burst) {
    while (burst->write_start < burst->write_end) {
        // MSG_NOSIGNAL: a closed connection is an error to report, not a SIGPIPE.
        ssize_t sent = send(burst->fd, burst->out + burst->write_start,
                            burst->write_end - burst->write_start, MSG_NOSIGNAL);
        bump(&burst->sends);
        if (sent < 0) {
            if (errno == EINTR) continue;
            if (errno == EAGAIN || errno == EWOULDBLOCK) break;
            return -1;
        }
        burst->write_start += (size_t)sent;
    }
    size_t left = burst->write_end - burst->write_start;
    if (left > 0 && burst->write_start > 0) memmove(burst->out, burst->out + burst->write_start, left);
    burst->write_start = 0;
    burst->write_end = left;
    return 0;
}

static ssize_t burst_write(gw_socket_burst *burst, const void *buf, size_t count) {
    if (count > capacity - burst->write_end) {
        if (gw_socket_burst_flush(burst) != 0) return -1;
        if (count > capacity - burst->write_end) {
            // Larger than the buffer: straight out, after what was gathered before it.
            if (burst->write_end == 0) {
                bump(&burst->writes_gathered);
                bump(&burst->sends);
                return send(burst->fd, buf, count, MSG_NOSIGNAL);
            }
            // The socket is full: libmosquitto keeps its place and tries again later.
            errno = EAGAIN;
            return -1;
        }
    }
    memcpy(burst->out + burst->write_end, buf, count);
    burst->write_end += count;
    bump(&burst->writes_gathered);
    return (ssize_t)count;
}

ssize_t read(int fd, void *buf, size_t count) {
    gw_socket_burst *burst = current;
    if (burst != NULL && current_section == reading && fd == burst->fd && fd >= 0) return burst_read(burst, buf, count);
    return __read(fd, buf, count);
}

ssize_t write(int fd, const void *buf, size_t count) {
    gw_socket_burst *burst = current;
    if (burst != NULL && current_section == writing && fd == burst->fd && fd >= 0) return burst_write(burst, buf, count);
    return __write(fd, buf, count);
}

int close(int fd) {
    gw_socket_burst *burst = current;
    if (burst != NULL && fd == burst->fd && fd >= 0) {
        // libmosquitto closes its socket right after writing a DISCONNECT, inside the
        // writing section: what was gathered (the DISCONNECT too) leaves first. And the
        // number is free again, so nothing more is taken for it. A flush that fails (the
        // socket full: the broker then publishes the will instead) leaves close's errno alone.
        int saved = errno;
        (void)gw_socket_burst_flush(burst);
        errno = saved;
        burst->fd = -1;
    }
    return __close(fd);
}

#else
// Without glibc's __read/__write/__close to pass calls on to, nothing is interposed: no
// buffer is made, and the loop corks the socket instead (MQTTClient+Loop.swift).
gw_socket_burst *gw_socket_burst_create(void) { return NULL; }
void gw_socket_burst_destroy(gw_socket_burst *burst) { (void)burst; }
void gw_socket_burst_reset(gw_socket_burst *burst, int fd) { (void)burst; (void)fd; }
int gw_socket_burst_fd(const gw_socket_burst *burst) { (void)burst; return -1; }
size_t gw_socket_burst_unread(const gw_socket_burst *burst) { (void)burst; return 0; }
size_t gw_socket_burst_unsent(const gw_socket_burst *burst) { (void)burst; return 0; }
void gw_socket_burst_begin_reading(gw_socket_burst *burst) { (void)burst; }
void gw_socket_burst_begin_writing(gw_socket_burst *burst) { (void)burst; }
void gw_socket_burst_end(void) {}
int gw_socket_burst_flush(gw_socket_burst *burst) { (void)burst; return 0; }
gw_socket_burst_counts gw_socket_burst_get_counts(const gw_socket_burst *burst) {
    (void)burst;
    gw_socket_burst_counts none = {0, 0, 0, 0};
    return none;
}
#endif
