import Devices
import Foundation
import GridDispatch
import Storage

/// The ingest decode step for live staff positions: a message on the staff topic is checked
/// against the board's roster (`StaffPositionCheck`); an accepted one joins the batch's
/// positions, a refused one its rejections with the reason, like a bad reading.
public struct StaffIntake: Sendable {
    public let layout: TopicLayout
    public let board: StaffBoard
    let clockSkewToleranceMs: Int64
    let maxPayloadBytes: Int

    public init(layout: TopicLayout, board: StaffBoard, clockSkewToleranceMs: Int64, maxPayloadBytes: Int) {
        self.layout = layout
        self.board = board
        self.clockSkewToleranceMs = clockSkewToleranceMs
        self.maxPayloadBytes = maxPayloadBytes
    }

    /// The intake for `setup`'s staff topic and limits, feeding `board`.
    public init(setup: GatewaySetup, board: StaffBoard) throws {
        self.init(layout: try setup.config.staffTopicLayout(), board: board,
                  clockSkewToleranceMs: Int64(setup.config.clockSkewToleranceSeconds * 1000), maxPayloadBytes: setup.config.maxPayloadBytes)
    }

    /// Adds a message on the staff topic to `batch`; false (and nothing added) for any other topic.
    func append(topic: String, payload: [UInt8], receivedAtMs: Int64, to batch: inout IngestBatch, statistics: IngestStatistics) -> Bool {
        guard let parts = layout.parts(of: topic) else { return false }
        // The message's own receipt time is "now": a journal replayed after a restart judges
        // each clock against when the message arrived, not against the replay.
        let check = StaffPositionCheck(roster: board.roster, clockSkewToleranceMs: clockSkewToleranceMs, maxPayloadBytes: maxPayloadBytes)
        switch check.check(staffID: parts.device, payload: payload, nowMs: receivedAtMs) {
        case let .accepted(position):
            batch.staffPositions.append(StaffPositionReport(staffID: parts.device, community: parts.community ?? "", position: position,
                                                            receivedAtMs: receivedAtMs))
        case let .rejected(rejection):
            statistics.countRejected(rejection.reason.rawValue)
            batch.rejections.append(Rejection(topic: topic, reason: rejection.reason, detail: rejection.detail, receivedAtMs: receivedAtMs,
                                              deviceID: parts.device, payloadPrefix: Array(payload.prefix(Rejection.keptBytes)),
                                              payloadSize: payload.count))
        }
        return true
    }
}
