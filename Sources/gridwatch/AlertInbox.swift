import Synchronization

/// Ticket events from the broker, waiting for the publish loop.
///
/// libmosquitto calls `add` on its network thread, which also answers keep-alives: it only
/// copies the bytes in under a lock; parsing and moving the staff happen on the publishing
/// thread when it drains the inbox between messages.
final class AlertInbox: Sendable {
    private let payloads = Mutex<[[UInt8]]>([])

    func add(_ payload: [UInt8]) {
        payloads.withLock { $0.append(payload) }
    }

    /// Everything received so far, oldest first, and the inbox emptied.
    func drain() -> [[UInt8]] {
        payloads.withLock { pending in
            defer { pending.removeAll() }
            return pending
        }
    }

    var isEmpty: Bool {
        payloads.withLock { $0.isEmpty }
    }
}
