import Foundation

/// A WGS-84 position (degrees) on the twin's map, with the flat-earth geometry a walk
/// across a residential compound needs.
///
/// Distances use the equirectangular approximation: over a few kilometres it differs from
/// the great circle by well under a metre, and moving along a straight line in degrees is
/// then the same as walking the straight line the distance measures.
public struct MapPoint: Sendable, Hashable {
    public var latitude: Double
    public var longitude: Double

    /// The mean earth radius (IUGG), the one great-circle formulas use.
    public static let earthRadiusMetres = 6_371_008.8

    public init(latitude: Double, longitude: Double) {
        self.latitude = latitude
        self.longitude = longitude
    }

    /// Whether both coordinates are finite and within the WGS-84 ranges.
    public var isValid: Bool {
        latitude.isFinite && longitude.isFinite && abs(latitude) <= 90 && abs(longitude) <= 180
    }

    /// The distance to `other` in metres.
    public func distanceMetres(to other: MapPoint) -> Double {
        let (north, east) = offsetMetres(to: other)
        return (north * north + east * east).squareRoot()
    }

    /// How far `other` lies to the north and to the east, in metres.
    func offsetMetres(to other: MapPoint) -> (north: Double, east: Double) {
        let radiansPerDegree = Double.pi / 180
        let meanLatitude = (latitude + other.latitude) / 2 * radiansPerDegree
        let north = (other.latitude - latitude) * radiansPerDegree * Self.earthRadiusMetres
        let east = (other.longitude - longitude) * radiansPerDegree * cos(meanLatitude) * Self.earthRadiusMetres
        return (north, east)
    }

    /// The point `metres` along the straight line to `target`; `target` itself once the
    /// line is shorter than that.
    public func moved(toward target: MapPoint, metres: Double) -> MapPoint {
        let total = distanceMetres(to: target)
        guard total > metres, total > 0 else { return target }
        let fraction = max(0, metres) / total
        return MapPoint(latitude: latitude + (target.latitude - latitude) * fraction,
                        longitude: longitude + (target.longitude - longitude) * fraction)
    }

    /// This point shifted by the given metres north and east.
    public func shifted(northMetres: Double, eastMetres: Double) -> MapPoint {
        let degreesPerRadian = 180 / Double.pi
        let latitudeStep = northMetres / Self.earthRadiusMetres * degreesPerRadian
        let cosine = max(cos(latitude * Double.pi / 180), 1e-6)
        let longitudeStep = eastMetres / (Self.earthRadiusMetres * cosine) * degreesPerRadian
        return MapPoint(latitude: latitude + latitudeStep, longitude: longitude + longitudeStep)
    }
}
