import Devices
import GridDispatch
import Rules
import Tickets

/// Everything decoded from one slice of the journal, written in one transaction together
/// with the journal position it reaches, so a restart neither loses nor repeats a message.
public struct IngestBatch: Sendable {
    public var readings: [Reading] = []
    public var rejections: [Rejection] = []
    public var availability: [AvailabilityChange] = []
    public var newDevices: [Device] = []
    /// Accepted live staff positions: stored in the batch's transaction, like its readings.
    public var staffPositions: [StaffPositionReport] = []
    /// Accepted residents' requests: stored in the batch's transaction, so durable before the PUBACK.
    public var residentRequests: [ResidentRequest] = []
    /// The alerts its readings fired or resolved (not pending ones): stored in the batch's
    /// transaction, so an alarm's history commits with its reading and costs no commit of its own.
    public var alertEvents: [AlertEvent] = []
    public var journalPosition: UInt64
    /// Stored before by a call that failed: on PostgreSQL that COMMIT may have landed with its
    /// answer lost, so the store looks before storing it again (`PostgresStore.storeOnce`).
    public var isRetry = false
    /// Committed without moving the journal position past its entries (an alarm stored ahead
    /// of the readings waiting before it): a restart reads them again from the journal, so
    /// until a later commit moves the position on, the rules' warm-up leaves its readings out
    /// and each reaches the rules once. Only a store that `storesAheadOfPosition` is given one.
    public var storedAheadOfPosition = false

    public init(journalPosition: UInt64) { self.journalPosition = journalPosition }
    public var messageCount: Int { readings.count + rejections.count + availability.count + staffPositions.count + residentRequests.count }
}
