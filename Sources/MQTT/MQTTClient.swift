#if canImport(Glibc)
import Glibc
#endif
import CMosquitto
import Dispatch
import Foundation
import Logging
import Synchronization

/// Runs libmosquitto's init exactly once per process.
private let mosquittoLibraryReady: Bool = { mosquitto_lib_init() == MOSQ_ERR_SUCCESS.rawValue }()

/// An MQTT client on libmosquitto, in threaded mode with a network loop thread of its own.
/// In threaded mode libmosquitto only queues the QoS 1 PUBACK before calling `on_message`;
/// it is written by `mosquitto_loop_write`, which our loop calls only after
/// `beforeAcknowledging`, so whatever the handlers make durable is durable before the broker
/// hears "received" (docs/design.md §5).
public final class MQTTClient: Sendable {
    /// Called on the network thread for every message; must return within microseconds.
    public typealias MessageHandler = @Sendable (MQTTMessageView) -> Void
    /// Called on the network thread after a burst of messages went to the handler and before
    /// their PUBACKs are written: the place to make them durable with one write. Returning
    /// false says the burst is not durable: the connection is cut before any of its PUBACKs
    /// leaves, so the broker keeps the messages and redelivers them after the reconnect.
    public typealias BurstHandler = @Sendable () -> Bool

    let options: MQTTOptions
    let logger: Logger
    let handle: MosquittoHandle
    let events: MQTTClientEvents
    let beforeAcknowledging: BurstHandler?
    /// Wakes the network loop's `poll` when another thread queues a message: libmosquitto's
    /// own wake-up socket is private, and without this a publish would wait for the poll's
    /// timeout (alerts must leave within milliseconds).
    let wakeup: (read: Int32, write: Int32)
    /// The loop's burst buffers for the broker socket; nil over TLS, where OpenSSL reads and
    /// writes the socket by records of its own and libmosquitto's calls never reach it, and
    /// when publishes write on their own threads (their bytes would overtake those gathered).
    let burst: SocketBurst?
    /// Whether `publish` writes on the publishing thread (`MQTTOptions.writesOnPublishingThread`).
    /// Never for a client with `beforeAcknowledging`: its queue holds PUBACKs that must wait for
    /// their burst to be durable, and a write from another thread would send them. Never for
    /// one that receives (a handler that published would wait for the lock its round holds),
    /// nor over TLS, where the loop's reads and such a write would share one OpenSSL session.
    let writesOnPublishingThread: Bool
    /// When publishes write on their own threads: held by the loop around everything it asks of
    /// libmosquitto between polls (reads, writes, keep-alive, marking the link down), and by a
    /// publishing thread around its write. libmosquitto closes its socket inside those calls
    /// (a failed read, a keep-alive timeout) without a lock of its own, so without this a
    /// publish could write to a closed descriptor, or to whatever file reused its number. A new
    /// socket is never written to early for another reason: the link is marked down (under this
    /// lock) before the loop reconnects, and a publishing thread writes only while it is up.
    let socketLock = Mutex<Void>(())
    private let loopDone = DispatchSemaphore(value: 0)

    public init(options: MQTTOptions, logger: Logger, onMessage: MessageHandler? = nil,
                beforeAcknowledging: BurstHandler? = nil) throws(MQTTError) {
        guard mosquittoLibraryReady else { throw MQTTError("libmosquitto failed to initialise") }
        self.options = options
        self.beforeAcknowledging = beforeAcknowledging
        wakeup = Self.makeWakeupPipe()
        writesOnPublishingThread = options.writesOnPublishingThread && options.tls == nil && beforeAcknowledging == nil && onMessage == nil
        if options.writesOnPublishingThread && !writesOnPublishingThread {
            logger.info("MQTT publishes go through the network loop on this connection (TLS, or it receives)",
                        metadata: ["client_id": "\(options.clientID)"])
        }
        // A publishing thread's write would slip past bytes the loop had gathered: no buffer then.
        burst = options.tls == nil && !writesOnPublishingThread ? SocketBurst() : nil
        self.logger = logger
        self.events = MQTTClientEvents(options: options, logger: logger, onMessage: onMessage)
        let context = Unmanaged.passUnretained(events).toOpaque()
        guard let raw = mosquitto_new(options.clientID, options.cleanSession, context) else {
            throw MQTTError("mosquitto_new failed: \(String(cString: strerror(errno)))")
        }
        handle = MosquittoHandle(raw)
        events.handle = handle
        try configure()
    }

    deinit {
        mosquitto_destroy(handle.raw)
        if wakeup.read >= 0 {
            close(wakeup.read)
            close(wakeup.write)
        }
    }

    private func configure() throws(MQTTError) {
        let raw = handle.raw
        mosquitto_threaded_set(raw, true)
        mosquitto_int_option(raw, MOSQ_OPT_PROTOCOL_VERSION, MQTT_PROTOCOL_V311)
        // Without it Nagle's algorithm holds a small publish (an alert) back until the broker
        // acknowledges earlier data, about 40 ms with delayed ACKs: measured by bench/alert-latency.
        mosquitto_int_option(raw, MOSQ_OPT_TCP_NODELAY, 1)
        mosquitto_max_inflight_messages_set(raw, UInt32(max(1, options.maxInflight)))
        if let username = options.username {
            try check(mosquitto_username_pw_set(raw, username, options.password), "username/password")
        }
        if let tls = options.tls {
            try check(mosquitto_tls_set(raw, tls.caFile, tls.caPath, tls.certFile, tls.keyFile, nil), "TLS settings")
            if tls.insecureSkipHostnameCheck { mosquitto_tls_insecure_set(raw, true) }
        }
        if let availability = options.availability {
            let payload = Array(availability.offline.utf8)
            try check(mosquitto_will_set(raw, availability.topic, Int32(payload.count), payload, 1, true), "last will")
        }
        mosquitto_connect_callback_set(raw) { _, context, rc in MQTTClientEvents.from(context).connected(rc: rc) }
        mosquitto_disconnect_callback_set(raw) { _, context, rc in MQTTClientEvents.from(context).disconnected(rc: rc) }
        mosquitto_message_callback_set(raw) { _, context, message in
            guard let message else { return }
            MQTTClientEvents.from(context).received(message.pointee)
        }
        mosquitto_publish_callback_set(raw) { _, context, _ in MQTTClientEvents.from(context).acknowledged() }
    }

    private func check(_ rc: Int32, _ what: String) throws(MQTTError) {
        guard rc == MOSQ_ERR_SUCCESS.rawValue else { throw MQTTError("\(what): \(String(cString: mosquitto_strerror(rc)))") }
    }

    public var state: MQTTConnectionState { events.state }
    /// When the network loop last went round (epoch ms): it does at least every 20 ms while it runs.
    public var loopHeartbeatMs: Int64 { events.loopHeartbeatMs.load(ordering: .relaxed) }
    public var isConnected: Bool { events.isConnected }

    /// Starts the network loop thread: connect, reconnect with backoff, deliver messages.
    /// `onThread` runs first on that thread (the gateway names it there: `SystemThreadName`).
    public func start(onThread: @escaping @Sendable () -> Void = {}) {
        let thread = Thread { [self] in
            onThread()
            runLoop()
            loopDone.signal()
        }
        thread.start()
    }

    /// While paused the loop stops reading from the socket, so the broker queues for us.
    public func setPaused(_ paused: Bool) { events.paused.store(paused, ordering: .relaxed) }

    /// Publishes the offline availability, disconnects cleanly and ends the loop thread.
    /// A loop that already ended by itself (a burst that could not be made durable) is only
    /// waited for: nothing more is written on its connection.
    public func stop(timeout: Double = 5) {
        if !events.stopping.exchange(true, ordering: .acquiringAndReleasing) {
            if isConnected, let availability = options.availability {
                _ = publish(topic: availability.topic, payload: Array(availability.offline.utf8), qos: 1, retain: true)
            }
            _ = waitForAcknowledgements(timeout: min(timeout, 2))
            mosquitto_disconnect(handle.raw)
        }
        // Signalled again, so a second `stop` (or one after the loop ended) returns at once too.
        if loopDone.wait(timeout: .now() + timeout) == .success { loopDone.signal() }
    }

    /// Whether the network loop has ended (stopped, or cut off after a burst was not durable).
    public var hasStopped: Bool { events.stopping.load(ordering: .acquiring) }

    /// Queues a message; returns false when libmosquitto refuses it (too large, bad topic).
    /// While disconnected a QoS 1 message is still queued: libmosquitto answers NO_CONN but
    /// keeps it in its outgoing queue and sends it after reconnecting, so that answer counts
    /// as queued here (publishing it again would send it twice).
    @discardableResult
    public func publish(topic: String, payload: [UInt8], qos: Int32 = 1, retain: Bool = false) -> Bool {
        if qos > 0 { events.outstanding.add(1, ordering: .relaxed) }
        let rc = payload.withUnsafeBytes { bytes in
            mosquitto_publish(handle.raw, nil, topic, Int32(bytes.count), bytes.baseAddress, qos, retain)
        }
        if rc == MOSQ_ERR_SUCCESS.rawValue || (qos > 0 && rc == MOSQ_ERR_NO_CONN.rawValue) {
            if !writesOnPublishingThread || !writeQueued() { wakeLoop() }
            return true
        }
        if qos > 0 { events.outstanding.subtract(1, ordering: .relaxed) }
        logger.error("publish refused", metadata: ["topic": "\(topic)", "error": "\(String(cString: mosquitto_strerror(rc)))"])
        return false
    }

    /// Writes what libmosquitto has queued, here and now, while the link is up (CONNACK
    /// received): true when nothing is left for the loop. libmosquitto stays in threaded mode,
    /// so `mosquitto_publish` only queued the message; this is the loop's own write
    /// (`mosquitto_loop_write`, under libmosquitto's packet mutexes) made on this thread, and
    /// the socket lock keeps the loop from closing the socket meanwhile (see `socketLock`).
    private func writeQueued() -> Bool {
        socketLock.withLock { _ in
            let raw = handle.raw
            guard events.isConnected, mosquitto_socket(raw) >= 0 else { return false }
            // A failed write closes the socket and says so (`disconnected`); the loop reconnects.
            let rc = mosquitto_loop_write(raw, 1)
            return rc == MOSQ_ERR_SUCCESS.rawValue && !mosquitto_want_write(raw)
        }
    }

    /// Runs `body` holding the socket lock when publishes write on their own threads.
    func exclusive<T: Sendable>(_ body: () -> T) -> T {
        guard writesOnPublishingThread else { return body() }
        return socketLock.withLock { _ in body() }
    }

    /// Makes the network loop look at its queue now instead of at its next poll timeout.
    func wakeLoop() {
        guard wakeup.write >= 0 else { return }
        var byte: UInt8 = 1
        // Non-blocking: a full pipe already holds a wake-up.
        _ = write(wakeup.write, &byte, 1)
    }

    /// A non-blocking pipe; (-1, -1) if none could be made (the loop then polls on its timeout).
    static func makeWakeupPipe() -> (read: Int32, write: Int32) {
        var fds: [Int32] = [-1, -1]
        guard pipe(&fds) == 0 else { return (-1, -1) }
        for fd in fds {
            _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
            _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
        }
        return (fds[0], fds[1])
    }

    /// QoS 1 messages published and not yet acknowledged by the broker.
    public var outstandingCount: Int { events.outstanding.load(ordering: .relaxed) }

    /// Waits until every published QoS 1 message is acknowledged; false on timeout.
    public func waitForAcknowledgements(timeout: Double) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while outstandingCount > 0 {
            if Date() > deadline { return false }
            usleep(2_000)
        }
        return true
    }

    /// Blocks until connected (CONNACK received) or `timeout` passes.
    public func waitUntilConnected(timeout: Double) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while !isConnected {
            if Date() > deadline { return false }
            usleep(5_000)
        }
        return true
    }
}

/// An error from libmosquitto or the client's configuration.
public struct MQTTError: Error, CustomStringConvertible, Sendable {
    public var description: String
    public init(_ description: String) { self.description = description }
}
