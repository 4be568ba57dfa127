import CSocketBurst

/// The network loop's burst buffers for libmosquitto's socket (CSocketBurst): while the loop
/// reads a burst, libmosquitto's byte-at-a-time reads are served from one `recv`, and while
/// it writes the burst's PUBACKs they are gathered into one `send`. perf put those calls at
/// about a fifth of gridwatch's CPU at full ingest: three or four `read`s and one `write`
/// a message, each a trip through the kernel's TCP path.
///
/// `@unchecked Sendable` is safe because the buffers are touched only on the loop thread
/// (the sections, `flush`, `reset` and the byte counts are all called from `runLoop`), and
/// the counts that other threads read (`counts`) are C11 atomics read relaxed.
final class SocketBurst: @unchecked Sendable {
    private let raw: OpaquePointer

    init?() {
        guard let raw = gw_socket_burst_create() else { return nil }
        self.raw = raw
    }

    deinit { gw_socket_burst_destroy(raw) }

    /// The socket the buffers belong to (-1: none, or given up after EOF or an error).
    var socket: Int32 { gw_socket_burst_fd(raw) }
    /// Received and not yet read: the socket's poll no longer shows these bytes.
    var unreadBytes: Int { gw_socket_burst_unread(raw) }
    /// Gathered and not yet taken by the socket.
    var unsentBytes: Int { gw_socket_burst_unsent(raw) }

    /// A new connection, or none: whatever was buffered belonged to the old one.
    func reset(socket: Int32) { gw_socket_burst_reset(raw, socket) }

    /// Runs `body` with this thread's reads of the socket served from the buffer.
    func reading<T>(_ body: () -> T) -> T {
        gw_socket_burst_begin_reading(raw)
        defer { gw_socket_burst_end() }
        return body()
    }

    /// Runs `body` with this thread's writes to the socket gathered, then sends them.
    /// False when the send failed: the connection is lost.
    func writing(_ body: () -> Int32) -> (rc: Int32, sent: Bool) {
        gw_socket_burst_begin_writing(raw)
        let rc = body()
        gw_socket_burst_end()
        return (rc, flush())
    }

    /// Sends what is gathered; false when the connection failed. What the socket cannot
    /// take yet stays (`unsentBytes`) for the next flush.
    func flush() -> Bool { gw_socket_burst_flush(raw) == 0 }

    /// How often each path ran since the buffer was made.
    var counts: gw_socket_burst_counts { gw_socket_burst_get_counts(raw) }
}

/// What the loop's burst buffers did since the client was made: libmosquitto's reads of the
/// broker socket and the `recv`s that served them, its writes and the `send`s that took them.
public struct MQTTSocketCounts: Sendable, Equatable {
    public var readsServed: UInt64
    public var receives: UInt64
    public var writesGathered: UInt64
    public var sends: UInt64

    public init(readsServed: UInt64 = 0, receives: UInt64 = 0, writesGathered: UInt64 = 0, sends: UInt64 = 0) {
        self.readsServed = readsServed
        self.receives = receives
        self.writesGathered = writesGathered
        self.sends = sends
    }
}

extension MQTTClient {
    /// The burst buffers' counts; nil without them (TLS, or publishes written on their own threads).
    public var socketCounts: MQTTSocketCounts? {
        burst.map { burst in
            let counts = burst.counts
            return MQTTSocketCounts(readsServed: counts.reads_served, receives: counts.refills, writesGathered: counts.writes_gathered, sends: counts.sends)
        }
    }
}
