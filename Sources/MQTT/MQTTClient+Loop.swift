#if canImport(Glibc)
import Glibc
#endif
import CMosquitto
import Foundation

extension MQTTClient {
    /// The network loop: connect, run `mosquitto_loop` while connected, and on any failure
    /// wait a jittered, capped exponential backoff and reconnect. While paused it does not
    /// read, so the socket fills and the broker holds the messages (a long pause ends in a
    /// keep-alive timeout; the persistent session keeps queueing and we reconnect later).
    func runLoop() {
        let raw = handle.raw
        var backoff = ReconnectBackoff(minimum: options.reconnectMinSeconds, maximum: options.reconnectMaxSeconds)
        var everConnected = false
        while !events.stopping.load(ordering: .acquiring) {
            events.loopHeartbeatMs.store(Int64(Date().timeIntervalSince1970 * 1000), ordering: .relaxed)
            if !events.socketOpen {
                events.setState(.connecting)
                let rc = everConnected
                    ? mosquitto_reconnect(raw)
                    : mosquitto_connect(raw, options.host, Int32(options.port), Int32(options.keepAliveSeconds))
                guard rc == MOSQ_ERR_SUCCESS.rawValue else {
                    let reason = rc == MOSQ_ERR_ERRNO.rawValue ? String(cString: strerror(errno)) : String(cString: mosquitto_strerror(rc))
                    events.setState(.disconnected(reason: "connect to \(options.host):\(options.port) failed: \(reason)"))
                    sleepInterruptibly(backoff.nextDelay(jitter: Double.random(in: 0...1)))
                    continue
                }
                everConnected = true
                events.socketOpen = true
                // A new socket, perhaps with the old one's number: nothing buffered carries over.
                burst?.reset(socket: mosquitto_socket(raw))
            }
            if events.paused.load(ordering: .relaxed) {
                _ = exclusive { mosquitto_loop_misc(raw) }
                usleep(20_000)
                continue
            }
            let rc = pump(raw, timeoutMs: 10)
            if events.consumeConnackSuccess() { backoff.reset() }
            if events.consumeRefused() {
                // CONNACK refused (bad credentials, not authorised): close and back off.
                mosquitto_disconnect(raw)
            }
            if rc != MOSQ_ERR_SUCCESS.rawValue {
                // Marked down under the socket lock: a publishing thread that writes for itself
                // sees the link down before the reconnect below replaces the socket.
                exclusive {
                    events.socketOpen = false
                    if !events.stopping.load(ordering: .acquiring), events.isConnected || events.state == .connecting {
                        events.setState(.disconnected(reason: "connection lost: \(String(cString: mosquitto_strerror(rc)))"))
                    }
                }
                if events.stopping.load(ordering: .acquiring) { break }
                sleepInterruptibly(backoff.nextDelay(jitter: Double.random(in: 0...1)))
            }
        }
        // Let the DISCONNECT (and the offline availability before it) reach the socket.
        let deadline = Date().addingTimeInterval(1)
        while events.socketOpen, Date() < deadline {
            if pump(raw, timeoutMs: 50) != MOSQ_ERR_SUCCESS.rawValue { break }
        }
        events.setState(.disconnected(reason: "stopped"))
    }

    /// One round of the loop, in place of `mosquitto_loop`: wait for the socket, write what
    /// other threads queued meanwhile, read while each read delivers a message (a burst, at
    /// most 256), let `beforeAcknowledging` make the burst durable, and only then write the
    /// queued PUBACKs. Compared with one `mosquitto_loop` per message this saves a `select`,
    /// a wake-up read and a journal `write` per message; `burst` then serves the burst's reads
    /// from one `recv` and sends its PUBACKs with one `send`. A publish from another thread
    /// wakes the poll through `wakeup`.
    func pump(_ raw: OpaquePointer, timeoutMs: Int32) -> Int32 {
        let socket = mosquitto_socket(raw)
        guard socket >= 0 else { return MOSQ_ERR_NO_CONN.rawValue }
        if let burst, burst.socket != socket { burst.reset(socket: socket) }
        // Bytes already in the read buffer are invisible to poll: look, but do not wait.
        let unread = burst?.unreadBytes ?? 0
        let unsent = burst?.unsentBytes ?? 0
        let wantsOut = mosquitto_want_write(raw) || unsent > 0
        let (ready, socketEvents) = waitForSocket(socket, wantsOut: wantsOut, timeoutMs: unread > 0 ? 0 : timeoutMs)
        return exclusive { serve(raw, socket: socket, ready: ready, socketEvents: socketEvents, unread: unread, unsent: unsent) }
    }

    /// The rest of a round once the poll has answered: reads, durability, writes, keep-alive.
    private func serve(_ raw: OpaquePointer, socket: Int32, ready: Int32, socketEvents: Int16, unread: Int, unsent: Int) -> Int32 {
        let success = MOSQ_ERR_SUCCESS.rawValue
        // A publishing thread's failed write may have closed the socket while this one polled.
        guard mosquitto_socket(raw) == socket else { return MOSQ_ERR_NO_CONN.rawValue }
        var rc = success
        // What other threads queued since the last round (a publish) leaves before this round's
        // burst is read and journaled: at 16,500 messages a second that burst held an alert back
        // by up to 4 ms (bench/alert-latency), when alerts still went out on the ingest session.
        // Every PUBACK queued so far belongs to a burst already made durable; this round's are
        // queued only by the reads below.
        if unsent == 0, mosquitto_want_write(raw) {
            rc = writeBurst(raw, socket: socket)
            if rc != success { return rc }
        }
        if unread > 0 || (ready > 0 && socketEvents & Int16(POLLIN | POLLHUP | POLLERR) != 0) {
            rc = readBurst(raw)
        }
        // Also after a failed read: what was staged reaches the disk (its PUBACKs never leave,
        // so the broker redelivers and the duplicate is dropped at store time).
        if let beforeAcknowledging, !beforeAcknowledging() {
            // Not durable: the queued PUBACKs must never be written. The socket is cut and the
            // loop ends for good (no reconnect on this handle, whose queue still holds them);
            // the owner makes a new client, and the broker redelivers to it.
            shutdown(socket, Int32(SHUT_RDWR))
            events.stopping.store(true, ordering: .releasing)
            events.socketOpen = false
            return MOSQ_ERR_CONN_LOST.rawValue
        }
        if rc != success { return rc }
        if let burst, unsent > 0, !burst.flush() { return MOSQ_ERR_CONN_LOST.rawValue }
        if mosquitto_want_write(raw) {
            rc = writeBurst(raw, socket: socket)
            if rc != success { return rc }
        }
        return mosquitto_loop_misc(raw)
    }

    /// Polls the socket and the wake-up pipe (drained here); returns poll's answer and the
    /// socket's events. On the stack: this runs once per burst, on the path every message takes.
    private func waitForSocket(_ socket: Int32, wantsOut: Bool, timeoutMs: Int32) -> (Int32, Int16) {
        withUnsafeTemporaryAllocation(of: pollfd.self, capacity: 2) { descriptors in
            descriptors[0] = pollfd(fd: socket, events: Int16(POLLIN) | (wantsOut ? Int16(POLLOUT) : 0), revents: 0)
            descriptors[1] = pollfd(fd: wakeup.read, events: Int16(POLLIN), revents: 0)
            let ready = poll(descriptors.baseAddress, wakeup.read >= 0 ? 2 : 1, timeoutMs)
            if ready > 0, wakeup.read >= 0, descriptors[1].revents != 0 {
                withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 64) { drain in
                    while read(wakeup.read, drain.baseAddress, 64) == 64 {}
                }
            }
            return (ready, descriptors[0].revents)
        }
    }

    /// Reads packets while each one delivers a message, at most 256.
    private func readBurst(_ raw: OpaquePointer) -> Int32 {
        let readPackets = {
            var rc = MOSQ_ERR_SUCCESS.rawValue
            for _ in 0..<256 {
                let before = self.events.delivered.load(ordering: .relaxed)
                rc = mosquitto_loop_read(raw, 1)
                if rc != MOSQ_ERR_SUCCESS.rawValue || self.events.delivered.load(ordering: .relaxed) == before { break }
            }
            return rc
        }
        return burst?.reading(readPackets) ?? readPackets()
    }

    /// Writes the queued packets (the burst's PUBACKs, publishes, pings) with one send.
    private func writeBurst(_ raw: OpaquePointer, socket: Int32) -> Int32 {
        if let burst {
            let (rc, sent) = burst.writing { mosquitto_loop_write(raw, 1) }
            return sent ? rc : MOSQ_ERR_CONN_LOST.rawValue
        }
        // Without the buffer (TLS, or publishes written on their own threads): libmosquitto
        // writes each queued packet with a send of its own, and with TCP_NODELAY each send
        // leaves as a segment. Corked, they leave together when the cork comes off.
        cork(socket, true)
        let rc = mosquitto_loop_write(raw, 1)
        cork(socket, false)
        return rc
    }

    private func cork(_ socket: Int32, _ on: Bool) {
        var value: Int32 = on ? 1 : 0
        // A socket that refuses (not TCP: a Unix socket to a local broker) just sends as before.
        _ = setsockopt(socket, Int32(IPPROTO_TCP), TCP_CORK, &value, socklen_t(MemoryLayout<Int32>.size))
    }

    private func sleepInterruptibly(_ seconds: Double) {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline, !events.stopping.load(ordering: .acquiring) {
            events.loopHeartbeatMs.store(Int64(Date().timeIntervalSince1970 * 1000), ordering: .relaxed)
            usleep(20_000)
        }
    }
}
