import Devices
import Foundation
import Indicators
import GridDispatch
import Maintenance
import Rules
import Tickets

/// The storage seam: everything the gateway and its commands keep or read, whatever engine
/// holds it. `GatewayDatabase` is the embedded SQLite store (the single-node default);
/// `PostgresStore` (target PostgresStorage) is the shared store of cluster mode. Calls are
/// synchronous: the ingest thread and the ticket office run on threads of their own, and the
/// PostgreSQL side waits on its own event loop, never on the cooperative pool's threads.
/// The storage tests run the same cases against both.
public protocol GatewayStore: AnyObject, Sendable {
    /// Where the data lives, safe to log: a file path, or a URL without its password.
    var location: String { get }

    // Ingest
    func store(_ batch: IngestBatch) throws -> IngestBatchResult
    func ingestTotals() throws -> IngestTotals
    /// Whether a write transaction can commit now (for `/readyz`); nil when it can.
    func checkWritable() -> String?
    /// Runs `body`, an emergency's commits, with the store's own upkeep held back until after
    /// it (SQLite: the log is not started over inside it; see `WALCheckpointer`).
    func urgently<T>(_ body: () throws -> T) rethrows -> T
    /// True while the store's upkeep asks ordinary commits to wait (SQLite: the thread is
    /// finishing a copy of the log, two syncs a copy; see `WALCheckpointer`). An emergency's
    /// do not, and the ingest pipeline waits at most `IngestPipeline.maxHoldNs` (50 ms).
    var commitsOnHold: Bool { get }
    /// Whether a batch may be stored ahead of entries journaled before it, the journal position
    /// left where the store stands (`IngestPipeline.alarmFirst`). SQLite: yes, a failed commit
    /// leaves nothing. PostgreSQL: no, a retried batch whose cursor already stands at its
    /// position is taken as stored (`PostgresStore.storeOnce`), and this one's always would.
    var storesAheadOfPosition: Bool { get }

    // Devices
    @discardableResult
    func upsertDevices(_ devices: [Device], source: String, nowMs: Int64) throws -> (inserted: Int, updated: Int)
    func devices(type: String?, community: String?, building: String?, grid: String?) throws -> [StoredDevice]
    func device(id: String) throws -> StoredDevice?
    /// Every device's community, type and last report, handed over one device at a time: the
    /// hourly health sample counts 100,000 devices without their `StoredDevice`s (grouped by
    /// community, ~77 MB passing through a gateway of ~280 MB, heaptrack). SQLite steps its rows;
    /// PostgreSQL's session reads the three columns of every row first.
    func forEachDeviceLastSeen(_ visit: (_ community: String, _ type: String, _ lastSeenMs: Int64?) throws -> Void) throws
    /// How many devices the store holds.
    func deviceCount() throws -> Int
    func newestReadingByType() throws -> [String: Int64]

    // Readings and rejections
    func readingCount(device: String?) throws -> Int
    func distinctSequenceCount() throws -> (withSeq: Int, distinct: Int)
    func readings(device: String, limit: Int, sinceMs: Int64?) throws -> [StoredReading]
    func rejections(reason: String?, limit: Int) throws -> [StoredRejection]
    /// Keeps a refusal that came by another way than the journal (the API), with its reason.
    func recordRejection(_ rejection: Rejection) throws
    func rejectionCounts() throws -> [String: Int]
    func latestReadings(device: String?, nowMs: Int64, skewMs: Int64) throws -> [String: StoredReading]

    // Live staff positions (stored by `store(_:)` with their batch)
    /// The newest position per staff id (to warm the staff board at start).
    func latestStaffPositions() throws -> [String: StaffPosition]
    /// One person's positions with device time in `[fromMs, toMs)`, oldest first: a trajectory.
    func staffPositions(staffID: String, fromMs: Int64, toMs: Int64, limit: Int) throws -> [StaffPosition]

    // Residents' requests (stored by `store(_:)` with their batch, or through the ticket ledger)
    /// A request id's stored requests: of `community`, or of any (ids are unique per community).
    func residentRequests(requestID: String, community: String?) throws -> [StoredResidentRequest]
    /// Stored requests without a ticket yet, oldest first (the office looks every tick).
    func residentRequestsWaiting(limit: Int) throws -> [ResidentRequest]

    // Rules
    func storeAlertEvents(_ events: [AlertEvent]) throws
    func alertEvents(rule: String?, device: String?, limit: Int) throws -> [AlertEvent]
    /// Replaces the saved rule state (`RuleEngine.encodedSnapshot()`, or a snapshot's `encoded()`).
    func saveRuleState(_ encoded: RuleEngine.EncodedSnapshot) throws
    func loadRuleState() throws -> RuleEngine.Snapshot?
    /// Readings received since `sinceMs` that `selection` wants, offered to it newest first
    /// (only those are parsed); returned oldest first.
    func ruleReadings(sinceMs: Int64, selecting selection: inout WarmSelection) throws -> [RuleReading]

    // Tickets
    /// Runs `body` with the tickets as a ledger in one write transaction: everything it
    /// changes, live events included, commits together or not at all.
    func updateTickets<T>(_ body: (inout any StoreTicketLedger) throws -> T) throws -> T
    func tickets(_ filter: TicketFilter, withTimeline: Bool) throws -> [Ticket]
    func ticket(id: String) throws -> Ticket?
    func hasTicketsDue(by nowMs: Int64) throws -> Bool
    func activeTicketCounts() throws -> [(severity: String, level: Int, count: Int)]
    /// Tickets opened since `fromMs` per building, grid and category; of one community when given.
    func ticketHeatmap(openedFromMs fromMs: Int64, community: String?) throws -> [TicketHeatCell]
    func activeTicketsByDevice() throws -> [String: Int]

    // Maintenance before failure
    /// Replaces the stored forecast of each device given (one row per device).
    func saveBatteryForecasts(_ forecasts: [String: BatteryForecast]) throws
    /// The latest forecast by device id: of `device` only, or of all.
    func batteryForecasts(device: String?) throws -> [String: BatteryForecast]

    // Live events and their consumers' cursors
    func ticketEvents(after seq: Int64, limit: Int) throws -> [StoredTicketEvent]
    func latestTicketEventSeq() throws -> Int64
    func outboxCursor(_ name: String) throws -> Int64?
    func advanceOutboxCursor(_ name: String, to seq: Int64) throws
    @discardableResult
    func appendTicketEventsForTesting(_ events: [StoredTicketEvent]) throws -> [StoredTicketEvent]

    // API tokens
    func createAPIToken(name: String, role: String, hash: String, nowMs: Int64) throws
    func apiTokens() throws -> [StoredAPIToken]
    func activeAPIToken(hash: String) throws -> StoredAPIToken?
    func revokeAPIToken(name: String, nowMs: Int64) throws
    func touchAPIToken(hash: String, nowMs: Int64) throws

    // Webhook outbox
    @discardableResult
    func enqueueWebhookDeliveries(nowMs: Int64, limit: Int, targets: (StoredTicketEvent) -> [String]) throws -> Int
    func dueWebhookDeliveries(nowMs: Int64, webhooks: [String], limit: Int) throws -> [DueWebhookDelivery]
    func recordWebhookAttempt(id: Int64, outcome: WebhookDelivery.Outcome, nowMs: Int64) throws
    func webhookDeliveries(state: WebhookDelivery.State?, limit: Int) throws -> [WebhookDelivery]
    func webhookDelivery(id: Int64) throws -> WebhookDelivery?
    func pendingWebhookDeliveryCounts() throws -> [String: Int]
    @discardableResult
    func retryFailedWebhookDeliveries(id: Int64?, nowMs: Int64) throws -> Int

    // Retention: roll-ups, pruning, personal data
    func rollUpStep(_ plan: RetentionPlan, nowMs: Int64) throws -> RollupStepResult
    func rollups(device: String, field: String?, widthSeconds: Int64?) throws -> [RollupBucket]
    /// Every device's `field` in the `widthSeconds` buckets starting in `[fromMs, toMs)`, oldest
    /// first: one range scan of the roll-ups' key for the whole fleet (a query per device would
    /// scan the width's every bucket each time: the key starts with the width and the time).
    func rollupSeries(field: String, widthSeconds: Int64, fromMs: Int64, toMs: Int64) throws -> [String: [RollupPoint]]
    func rolledUpReadingID() throws -> Int64
    func retentionStatus() throws -> RetentionStatus
    func pruneReadingsStep(_ plan: RetentionPlan, group index: Int, nowMs: Int64) throws -> RetentionStepResult
    func pruneRejectedStep(_ plan: RetentionPlan, nowMs: Int64) throws -> RetentionStepResult
    func pruneRollupsStep(_ plan: RetentionPlan, nowMs: Int64) throws -> RetentionStepResult
    func scrubReadingsStep(_ plan: RetentionPlan, type: String, nowMs: Int64) throws -> RetentionStepResult
    func scrubAlertEventsStep(_ plan: RetentionPlan, type: String, nowMs: Int64) throws -> RetentionStepResult
    func scrubRejectedStep(_ plan: RetentionPlan, nowMs: Int64) throws -> RetentionStepResult
    func scrubTicketsStep(_ plan: RetentionPlan, type: String, nowMs: Int64) throws -> RetentionStepResult
    /// Follow-up comments (the resident's words) past the personal period, tickets and event copies.
    func scrubFollowUpCommentsStep(_ plan: RetentionPlan, nowMs: Int64) throws -> RetentionStepResult
    /// Deletes live staff positions received before the personal period.
    func pruneStaffPositionsStep(_ plan: RetentionPlan, nowMs: Int64) throws -> RetentionStepResult
    /// Erases one device's readings, roll-ups and rejections and its personal values from
    /// alerts and tickets; returns the rows deleted.
    /// Daily device-health samples (the indicators' device health of past periods).
    func recordDeviceHealthSamples(_ samples: [DeviceHealthSample]) throws
    func deviceHealthSamples(fromMs: Int64, toMs: Int64, community: String?) throws -> [DeviceHealthSample]

    func forgetDevice(_ id: String, personalFields: [String]) throws -> Int

    /// Published reports (of one period, or all), oldest first.
    func reportPublications(period: String?) throws -> [ReportPublication]

    /// A consistent copy of the store (SQLite's online backup; PostgreSQL says to use its tools).
    func backup(to path: String) throws
}

/// The seam's arguments' defaults. A requirement cannot have defaults, and an extension
/// method with the requirement's own signature would call itself; so each overload here
/// leaves out the last argument, and a call that names every argument reaches the store.
extension GatewayStore {
    /// A store with no upkeep in its commits (PostgreSQL) runs the body as it is.
    public func urgently<T>(_ body: () throws -> T) rethrows -> T { try body() }

    /// A store whose upkeep needs no pause between commits (PostgreSQL) never holds them.
    public var commitsOnHold: Bool { false }

    /// A store that does not say otherwise commits its batches in journal order.
    public var storesAheadOfPosition: Bool { false }

    public func devices(type: String? = nil, community: String? = nil) throws -> [StoredDevice] {
        try devices(type: type, community: community, building: nil, grid: nil)
    }

    public func devices(type: String?, community: String?, building: String?) throws -> [StoredDevice] {
        try devices(type: type, community: community, building: building, grid: nil)
    }

    public func readingCount() throws -> Int { try readingCount(device: nil) }

    /// Every reading received since `sinceMs`, oldest first.
    public func ruleReadings(sinceMs: Int64) throws -> [RuleReading] {
        var everything = WarmSelection.everything
        return try ruleReadings(sinceMs: sinceMs, selecting: &everything)
    }

    public func readings(device: String, limit: Int = 100) throws -> [StoredReading] {
        try readings(device: device, limit: limit, sinceMs: nil)
    }

    public func rejections(reason: String? = nil) throws -> [StoredRejection] { try rejections(reason: reason, limit: 100) }

    public func latestReadings(device: String? = nil, nowMs: Int64) throws -> [String: StoredReading] {
        try latestReadings(device: device, nowMs: nowMs, skewMs: 300_000)
    }

    public func alertEvents(rule: String? = nil, device: String? = nil) throws -> [AlertEvent] {
        try alertEvents(rule: rule, device: device, limit: 1000)
    }

    public func tickets(_ filter: TicketFilter = TicketFilter()) throws -> [Ticket] { try tickets(filter, withTimeline: false) }

    public func ticketEvents(after seq: Int64) throws -> [StoredTicketEvent] { try ticketEvents(after: seq, limit: 1000) }

    @discardableResult
    public func enqueueWebhookDeliveries(nowMs: Int64, targets: (StoredTicketEvent) -> [String]) throws -> Int {
        try enqueueWebhookDeliveries(nowMs: nowMs, limit: 500, targets: targets)
    }

    public func webhookDeliveries(state: WebhookDelivery.State? = nil) throws -> [WebhookDelivery] {
        try webhookDeliveries(state: state, limit: 200)
    }

    public func rollups(device: String, field: String? = nil) throws -> [RollupBucket] {
        try rollups(device: device, field: field, widthSeconds: nil)
    }

    /// Every registered device with when it last reported and the interval it must keep,
    /// the input of the health figure (`report sla`, the API, the dashboard).
    public func deviceReportingStatuses(catalog: DeviceTypeCatalog) throws -> [DeviceReportingStatus] {
        try deviceReportingStatuses(catalog: catalog, community: nil)
    }

    /// The period's service figures: tickets opened in `[fromMs, toMs)`, devices as of now.
    public func slaReport(fromMs: Int64, toMs: Int64, nowMs: Int64, catalog: DeviceTypeCatalog, complaintItems: Set<String> = []) throws -> SLAReport {
        let tickets = try tickets(TicketFilter(openedFromMs: fromMs, openedBeforeMs: toMs, limit: Int.max), withTimeline: true)
        return SLAReport(tickets: tickets, devices: try deviceReportingStatuses(catalog: catalog), fromMs: fromMs, toMs: toMs, nowMs: nowMs,
                         complaintItems: complaintItems)
    }
}
