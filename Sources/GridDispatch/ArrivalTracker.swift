import Foundation

/// Follows the assignee from dispatch to the ticket's location: the first live position
/// within the arrival radius is the arrival (`arrived_at`), and the positions on the way are
/// kept as the trajectory. One tracker per dispatch; a re-dispatch starts a new one.
public struct ArrivalTracker: Sendable, Hashable {
    /// What one position report did.
    public enum Action: Sendable, Hashable {
        /// Recorded on the way; still this far from the location.
        case enRoute(distanceMetres: Int)
        /// The first report inside the radius: the ticket records `arrived_at = atMs`.
        case arrived(atMs: Int64, distanceMetres: Int)
        /// Arrival is recorded once; later reports change nothing.
        case alreadyArrived
        case ignored(IgnoredReason)
    }

    /// Why a report was not taken into the trajectory.
    public enum IgnoredReason: String, Sendable, Hashable {
        /// Someone else's position: only the assignee can arrive.
        case otherStaff = "other_staff"
        /// Taken before the dispatch, so not on the way to this ticket.
        case beforeDispatch = "before_dispatch"
        /// Not newer than the last point (a QoS 1 redelivery or a late message).
        case outOfOrder = "out_of_order"
    }

    public let assignee: String
    public let destination: GeoPoint
    public let dispatchedAtMs: Int64
    public let radiusMetres: Double
    /// Past this many points the trajectory is thinned to every other point, so an
    /// hours-long trip keeps its whole shape in bounded memory.
    public let maxTrajectoryPoints: Int
    public private(set) var arrivedAtMs: Int64?
    /// Points from dispatch up to and including the arrival, oldest first.
    public private(set) var trajectory: [StaffPosition] = []

    public init(assignee: String, destination: GeoPoint, dispatchedAtMs: Int64, radiusMetres: Double = 50,
                maxTrajectoryPoints: Int = 500) {
        self.assignee = assignee
        self.destination = destination
        self.dispatchedAtMs = dispatchedAtMs
        self.radiusMetres = radiusMetres
        self.maxTrajectoryPoints = max(maxTrajectoryPoints, 2)
    }

    public var hasArrived: Bool { arrivedAtMs != nil }

    /// A live position of `staffID` (already checked by `StaffPositionCheck`) received at
    /// `nowMs`. A device clock running slightly ahead is held to `nowMs`, so `arrived_at` is
    /// never later than the moment the gateway learnt of it.
    public mutating func positionReported(staffID: String, at position: StaffPosition, nowMs: Int64) -> Action {
        guard staffID == assignee else { return .ignored(.otherStaff) }
        guard arrivedAtMs == nil else { return .alreadyArrived }
        let atMs = min(position.atMs, nowMs)
        guard atMs >= dispatchedAtMs else { return .ignored(.beforeDispatch) }
        if let last = trajectory.last, atMs <= last.atMs { return .ignored(.outOfOrder) }
        record(StaffPosition(point: position.point, atMs: atMs))
        let distanceMetres = position.point.distanceMetres(to: destination)
        let whole = Int(distanceMetres.rounded())
        guard distanceMetres <= radiusMetres else { return .enRoute(distanceMetres: whole) }
        arrivedAtMs = atMs
        return .arrived(atMs: atMs, distanceMetres: whole)
    }

    private mutating func record(_ point: StaffPosition) {
        if trajectory.count >= maxTrajectoryPoints {
            // Keep the first point (where the trip began) and every other one after it.
            trajectory = trajectory.enumerated().filter { $0.offset % 2 == 0 }.map(\.element)
        }
        trajectory.append(point)
    }
}
