#ifndef GRIDWATCH_CSOCKETBURST_H
#define GRIDWATCH_CSOCKETBURST_H

#include <stddef.h>
#include <stdint.h>

/// One socket's burst buffers, for the thread that runs libmosquitto's loop. libmosquitto
/// (2.0, no TLS) reads each packet with three or four read(2) calls (the command byte, the
/// remaining length a byte at a time, then the rest) and writes each packet with a write(2)
/// of its own. While a burst is read or written, this thread's reads and writes of the
/// socket go through here instead: a read is served from one recv(2) of up to 64 KiB, and
/// the writes are gathered and leave with one send(2) when the burst ends (or before the
/// socket is closed in a section: libmosquitto closes it right after writing a DISCONNECT).
/// Every other read, write and close in the process (other descriptors, other threads, or
/// this thread outside a burst) goes straight to the C library, as before.
typedef struct gw_socket_burst gw_socket_burst;

/// What a buffer has done since it was made: the tests and /metrics read these.
typedef struct gw_socket_burst_counts {
    uint64_t reads_served;   /// read(2) calls of the socket in a reading section
    uint64_t refills;        /// recv(2) calls that answered them (one of 64 KiB or more: its own)
    uint64_t writes_gathered; /// write(2) calls of the socket in a writing section
    uint64_t sends;          /// send(2) calls that took them, EAGAIN answers included
} gw_socket_burst_counts;

/// NULL without glibc (nothing is interposed there) or without memory.
gw_socket_burst *gw_socket_burst_create(void);
void gw_socket_burst_destroy(gw_socket_burst *burst);

/// A new connection on `fd` (or none, -1): what was buffered for the old one is dropped.
void gw_socket_burst_reset(gw_socket_burst *burst, int fd);
int gw_socket_burst_fd(const gw_socket_burst *burst);

/// Bytes received and not yet read by libmosquitto: poll(2) no longer sees them.
size_t gw_socket_burst_unread(const gw_socket_burst *burst);
/// Bytes written by libmosquitto that the socket has not taken yet.
size_t gw_socket_burst_unsent(const gw_socket_burst *burst);

/// Until the matching end, this thread's read(2) of the buffer's socket is served by it.
void gw_socket_burst_begin_reading(gw_socket_burst *burst);
/// Until the matching end, this thread's write(2) to the buffer's socket is gathered.
void gw_socket_burst_begin_writing(gw_socket_burst *burst);
/// Ends this thread's reading or writing section.
void gw_socket_burst_end(void);

/// Sends what was gathered. 0: all sent, or the socket is full and the rest stays for
/// the next flush (poll for POLLOUT while `unsent` is not 0); -1 with errno: the
/// connection failed.
int gw_socket_burst_flush(gw_socket_burst *burst);

gw_socket_burst_counts gw_socket_burst_get_counts(const gw_socket_burst *burst);

#endif
