import Devices
import Foundation
import GridDispatch
import Rules
import Tickets

/// The rules engine and the ticket desk over a capture, in virtual time: what `gridwatch
/// replay` runs, item by item. Alerts become tickets as they happen and the tickets' clocks
/// (warnings, transfers, dispatch again) run on the same virtual time as the readings.
public struct ReplaySession {
    /// One decoded capture line, in capture order.
    public enum Item: Sendable {
        case reading(RuleReading, newDevice: Device?)
        /// A message that carries no reading (an availability status) still moves time on.
        case tick(Int64)
        case rejected(Int64)
        /// A staff member's accepted live position: dispatch measures from it, arrival follows it.
        case staffPosition(StaffPositionReport)
        /// The capture cannot be read further (a line that is not a capture line).
        case failed(String)
        /// How far into the capture the decoder is, in bytes (for a progress bar).
        case progress(Int)
    }

    /// What the replay produced so far.
    public struct Result: Sendable {
        public var events: [AlertEvent] = []
        public var tickets: [TicketDesk.Happening] = []
        public var readings = 0
        public var rejected = 0
        public var staffPositions = 0
        public var bytesDone = 0
    }

    /// Why a replay stopped early.
    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    let rules: RuleSet
    let catalog: DeviceTypeCatalog
    let inventory: [Device]
    var desk: TicketDesk
    var ledger = MemoryTicketLedger()
    var engine: RuleEngine?
    let devices: [String: Device]
    /// The live positions seen so far, for a desk that dispatches from a fixed roster.
    var livePositions: [String: StaffPosition] = [:]
    public private(set) var result = Result()

    public init(rules: RuleSet, catalog: DeviceTypeCatalog, inventory: [Device], desk: TicketDesk) {
        self.rules = rules
        self.catalog = catalog
        self.inventory = inventory
        self.desk = desk
        devices = Dictionary(inventory.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
    }

    /// The tickets as the replay left them.
    public var tickets: [String: Ticket] { ledger.tickets }

    public mutating func handle(_ item: Item) throws {
        switch item {
        case let .reading(reading, newDevice):
            if engine == nil { engine = RuleEngine(ruleSet: rules, catalog: catalog, devices: inventory, startMs: reading.atMs) }
            if let newDevice { engine?.register(newDevice) }
            result.readings += 1
            try deliver(engine?.readingArrived(reading) ?? [], upTo: reading.atMs)
        case let .tick(atMs):
            try deliver(engine?.advance(to: atMs) ?? [], upTo: atMs)
        case .rejected:
            result.rejected += 1
        case let .staffPosition(report):
            try staffPositionArrived(report)
        case let .failed(message):
            throw Failure(description: message)
        case let .progress(offset):
            result.bytesDone = offset
        }
    }

    /// After the last line: virtual time runs on to `untilMs`, so deadlines fall due.
    public mutating func finish(untilMs: Int64?) throws {
        guard let untilMs else { return }
        try deliver(engine?.advance(to: untilMs) ?? [], upTo: untilMs)
    }

    private mutating func deliver(_ events: [AlertEvent], upTo atMs: Int64) throws {
        result.events += events
        for event in events {
            guard let rule = rules.rule(id: event.ruleID), let device = devices[event.deviceID] else { continue }
            switch event.kind {
            case .firing where event.inhibitedBy == nil:
                result.tickets += try desk.alertFired(TicketDesk.Alert(event, rule: rule, device: device), at: event.atMs, in: &ledger)
            case .resolved:
                result.tickets += try desk.alertCleared(rule: rule.id, device: device.id, at: event.atMs, in: &ledger)
            default:
                break
            }
        }
        result.tickets += try desk.timePassed(to: atMs, in: &ledger)
    }

    private mutating func staffPositionArrived(_ report: StaffPositionReport) throws {
        result.staffPositions += 1
        let atMs = report.receivedAtMs
        // The newest by position time: a late or redelivered report does not move anyone back.
        if report.position.atMs > livePositions[report.staffID]?.atMs ?? .min { livePositions[report.staffID] = report.position }
        if var dispatch = desk.dispatch, var roll = dispatch.roll as? FixedStaffRoll {
            roll.livePositions = livePositions
            dispatch.roll = roll
            desk.dispatch = dispatch
        }
        try deliver(engine?.advance(to: atMs) ?? [], upTo: atMs)
        result.tickets += try desk.positionReported(report, at: atMs, in: &ledger)
    }
}
