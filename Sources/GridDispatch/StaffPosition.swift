/// Where a staff member was at a moment (epoch ms): a live position report.
public struct StaffPosition: Sendable, Hashable, Codable {
    public var point: GeoPoint
    public var atMs: Int64

    public init(point: GeoPoint, atMs: Int64) {
        self.point = point
        self.atMs = atMs
    }
}
