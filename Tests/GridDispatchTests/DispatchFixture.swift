import Devices
import Formats
import Foundation
import GridDispatch
import XCTest

/// Shared fixtures for the dispatch tests: a ticket location in Shanghai, points placed by
/// metres north and east of it, staff, and virtual time in epoch ms.
enum DispatchFixture {
    static let minute: Int64 = 60_000
    static let zone = TimeZone(identifier: "Asia/Shanghai") ?? .gmt
    /// Monday 2 March 2026, 10:00 in Shanghai.
    static let now: Int64 = 1_772_416_800_000
    /// The ticket's location (People's Square).
    static let site = GeoPoint(latitude: 31.2304, longitude: 121.4737)!

    /// Metres per degree of latitude on the sphere the code uses.
    static let metresPerDegree = GeoPoint.earthRadiusMetres * Double.pi / 180

    /// A point `north` and `east` metres from `site` (accurate to well under a metre here).
    static func point(north: Double = 0, east: Double = 0) -> GeoPoint {
        let latitude = site.latitude + north / metresPerDegree
        let longitude = site.longitude + east / (metresPerDegree * cos(site.latitude * Double.pi / 180))
        return GeoPoint(latitude: latitude, longitude: longitude)!
    }

    static func member(_ id: String, team: String = "grid", grids: [String] = [], skills: [String] = [],
                       north: Double = 0, east: Double = 0) -> StaffMember {
        StaffMember(id: id, name: "Staff \(id)", team: team, grids: grids, skills: skills, phone: "138-0000-0000",
                    base: point(north: north, east: east))
    }

    static func state(_ member: StaffMember, onDuty: Bool = true, live: StaffPosition? = nil, activeTickets: Int = 0) -> StaffState {
        StaffState(member: member, onDuty: onDuty, livePosition: live, activeTickets: activeTickets)
    }

    static func ms(_ text: String, file: StaticString = #filePath, line: UInt = #line) throws -> Int64 {
        try XCTUnwrap(RFC3339.parseMilliseconds(text), "bad time \(text)", file: file, line: line)
    }

    /// Diagnostics rendered as `FILE:LINE:COL: severity: message`, the form `check` prints.
    static func rendered(_ diagnostics: DiagnosticList) -> [String] { diagnostics.items.map(\.description) }
}

/// Positioned values for shift entries, written the way the configuration loader will.
extension Positioned where Value == String {
    static func at(_ line: Int, _ column: Int, _ value: String) -> Positioned<String> {
        Positioned(value, line: line, column: column)
    }
}
