import Foundation

/// One accepted live position of a staff member, as ingest hands it on: who, in which
/// community, where and when (device time), and when the gateway received it.
public struct StaffPositionReport: Sendable, Hashable {
    public var staffID: String
    public var community: String
    public var position: StaffPosition
    public var receivedAtMs: Int64

    public init(staffID: String, community: String, position: StaffPosition, receivedAtMs: Int64) {
        self.staffID = staffID
        self.community = community
        self.position = position
        self.receivedAtMs = receivedAtMs
    }
}
