/// A service resource near the community (clinic, defibrillator, pharmacy, canteen ...): the
/// "matching resources within 3 km" of the service standard.
public struct ServiceResource: Sendable, Hashable, Codable {
    public var id: String
    public var name: String
    /// The `class` column (a Swift keyword, hence the longer name).
    public var resourceClass: String
    public var location: GeoPoint
    public var phone: String
    /// Opening hours as written (`24h`, `08:00-20:00`): shown to people, not interpreted.
    public var hours: String

    public init(id: String, name: String, resourceClass: String, location: GeoPoint, phone: String = "", hours: String = "") {
        self.id = id
        self.name = name
        self.resourceClass = resourceClass
        self.location = location
        self.phone = phone
        self.hours = hours
    }
}
