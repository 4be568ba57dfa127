import Foundation

/// The whole digital twin as one stream: the fleet's device messages and the staff's
/// positions, merged in simulated-time order, with ticket events steering the staff.
///
/// Staff positions are worked out only when they fall due, not ahead, so a ticket event
/// applied between two messages changes every position after it.
public struct TwinStream: Sendable {
    public private(set) var fleet: FleetSimulator
    public private(set) var staff: StaffTwin?
    private var pendingDevice: SimulatedMessage?
    /// Positions due at one instant (several people may report together), or overdue ones a
    /// ticket event brought out; always in time order.
    private var pendingStaff: [SimulatedMessage] = []
    /// Device messages handed out so far.
    public private(set) var deviceMessageCount = 0
    /// Staff positions handed out so far.
    public private(set) var staffMessageCount = 0
    /// The time of the latest message handed out (the fleet's start before the first).
    public private(set) var nowMs: Int64

    /// One message of the stream, and whether it is a staff position.
    public struct Item: Sendable {
        public var message: SimulatedMessage
        public var isStaff: Bool
    }

    public init(fleet: FleetSimulator, staff: StaffTwin?) {
        self.fleet = fleet
        self.staff = staff
        nowMs = Int64((fleet.start.timeIntervalSince1970 * 1000).rounded())
    }

    /// When the next message is due; nil once neither the fleet nor the staff has more.
    public mutating func nextDueMs() -> Int64? {
        if let first = pendingStaff.first { return min(first.atMilliseconds, deviceDueMs() ?? .max) }
        let staffDue = staff?.nextDueMs
        let deviceDue = deviceDueMs()
        switch (staffDue, deviceDue) {
        case let (s?, d?): return min(s, d)
        case let (s?, nil): return s
        case let (nil, d): return d
        }
    }

    /// The next message in simulated-time order (a device message first on a tie).
    public mutating func next() -> Item? {
        guard let due = nextDueMs() else { return nil }
        if let device = pendingDevice, device.atMilliseconds <= due {
            pendingDevice = nil
            deviceMessageCount += 1
            return handOut(Item(message: device, isStaff: false))
        }
        if pendingStaff.isEmpty, staff != nil {
            pendingStaff = staff?.advance(toMs: due) ?? []
        }
        guard !pendingStaff.isEmpty else { return nil }
        staffMessageCount += 1
        return handOut(Item(message: pendingStaff.removeFirst(), isStaff: true))
    }

    /// Applies a ticket event at `atMs` (never before the latest message handed out). The
    /// positions it brings out come next.
    public mutating func apply(_ notice: TicketNotice, atMs: Int64) {
        guard staff != nil else { return }
        let overdue = staff?.apply(notice, atMs: max(atMs, nowMs)) ?? []
        guard !overdue.isEmpty else { return }
        pendingStaff = (overdue + pendingStaff).enumerated()
            .sorted { ($0.element.atMilliseconds, $0.offset) < ($1.element.atMilliseconds, $1.offset) }
            .map(\.element)
    }

    private mutating func deviceDueMs() -> Int64? {
        if pendingDevice == nil { pendingDevice = fleet.next() }
        return pendingDevice?.atMilliseconds
    }

    private mutating func handOut(_ item: Item) -> Item {
        nowMs = max(nowMs, item.message.atMilliseconds)
        return item
    }
}
