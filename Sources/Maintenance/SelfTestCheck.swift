/// A smoke detector's self-test: when the last one was seen and when the next is due. A device
/// never seen testing is counted from when it was registered, so a new one is not due at once.
public struct SelfTestCheck: Sendable, Hashable {
    /// The newest reading with `test: true`; nil when none is stored.
    public var lastTestAtMs: Int64?
    public var dueAtMs: Int64

    public init(lastTestAtMs: Int64?, registeredAtMs: Int64, intervalMs: Int64) {
        self.lastTestAtMs = lastTestAtMs
        dueAtMs = (lastTestAtMs ?? registeredAtMs) + intervalMs
    }

    /// The self-test is overdue: an inspection is due.
    public func isOverdue(nowMs: Int64) -> Bool { nowMs >= dueAtMs }
}
