/// One position a staff member's phone reports.
public struct StaffReport: Sendable, Hashable {
    public var staffID: String
    public var atMs: Int64
    public var position: MapPoint
}
