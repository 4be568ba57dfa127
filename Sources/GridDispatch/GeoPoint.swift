import Devices
import Foundation

/// A WGS-84 position (degrees), always within range: the only way to make one checks it,
/// so distances never run on a swapped or garbled coordinate.
public struct GeoPoint: Sendable, Hashable, Codable {
    public let latitude: Double
    public let longitude: Double

    /// Mean Earth radius (IUGG): the haversine error it leaves (≤ 0.5 %) is far below what a
    /// "nearest responder within 3 km" decision can notice.
    public static let earthRadiusMetres = 6_371_008.8

    /// The ranges every file that places something is read against (`CoordinateText`).
    public static let latitudeRange = CoordinateText.latitudeRange
    public static let longitudeRange = CoordinateText.longitudeRange

    /// Nil when either value is not finite or out of range.
    public init?(latitude: Double, longitude: Double) {
        guard Self.problem(latitude: latitude, longitude: longitude) == nil else { return nil }
        self.latitude = latitude
        self.longitude = longitude
    }

    /// Why `latitude`/`longitude` cannot make a point, or nil when they can.
    public static func problem(latitude: Double, longitude: Double) -> String? {
        if !latitude.isFinite || !latitudeRange.contains(latitude) { return "latitude \(latitude) is outside -90...90" }
        if !longitude.isFinite || !longitudeRange.contains(longitude) { return "longitude \(longitude) is outside -180...180" }
        return nil
    }

    /// Great-circle distance in metres (haversine), stable for the short distances dispatch
    /// works with, where the spherical law of cosines loses precision.
    public func distanceMetres(to other: GeoPoint) -> Double {
        let radians = Double.pi / 180
        let deltaLatitude = (other.latitude - latitude) * radians
        let deltaLongitude = (other.longitude - longitude) * radians
        let sinLatitude = sin(deltaLatitude / 2)
        let sinLongitude = sin(deltaLongitude / 2)
        let a = sinLatitude * sinLatitude
            + cos(latitude * radians) * cos(other.latitude * radians) * sinLongitude * sinLongitude
        return 2 * Self.earthRadiusMetres * atan2(a.squareRoot(), max(0, 1 - a).squareRoot())
    }

    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let latitude = try container.decode(Double.self, forKey: .latitude)
        let longitude = try container.decode(Double.self, forKey: .longitude)
        if let problem = Self.problem(latitude: latitude, longitude: longitude) {
            throw DecodingError.dataCorruptedError(forKey: .latitude, in: container, debugDescription: problem)
        }
        self.latitude = latitude
        self.longitude = longitude
    }

    /// `lat`/`lon`, as positions are written everywhere in the contract.
    enum CodingKeys: String, CodingKey {
        case latitude = "lat"
        case longitude = "lon"
    }
}
