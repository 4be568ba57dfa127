import Foundation
import GridDispatch
import XCTest

/// Positions and great-circle distances against figures known independently.
final class GeoPointTests: XCTestCase {
    func testHaversineMatchesKnownDistances() throws {
        let cases: [(name: String, from: (Double, Double), to: (Double, Double), metres: Double, tolerance: Double)] = [
            ("one degree of latitude", (0, 0), (1, 0), 111_195, 5),
            ("one degree of latitude further north", (45, 10), (46, 10), 111_195, 5),
            ("one degree of longitude at the equator", (0, 0), (0, 1), 111_195, 5),
            ("one degree of longitude at 60° north is half", (60, 0), (60, 1), 55_597, 50),
            ("across the antimeridian", (0, 179.5), (0, -179.5), 111_195, 5),
            ("pole to pole", (90, 0), (-90, 0), Double.pi * GeoPoint.earthRadiusMetres, 1),
            // Beijing Tiananmen to Shanghai People's Square: about 1,067 km as published.
            ("Beijing to Shanghai", (39.9087, 116.3975), (31.2304, 121.4737), 1_067_000, 3_000),
            ("same point", (31.2304, 121.4737), (31.2304, 121.4737), 0, 0),
        ]
        for test in cases {
            let from = try XCTUnwrap(GeoPoint(latitude: test.from.0, longitude: test.from.1))
            let to = try XCTUnwrap(GeoPoint(latitude: test.to.0, longitude: test.to.1))
            XCTAssertEqual(from.distanceMetres(to: to), test.metres, accuracy: test.tolerance, test.name)
            XCTAssertEqual(to.distanceMetres(to: from), from.distanceMetres(to: to), accuracy: 1e-6, "\(test.name) is symmetric")
        }
    }

    func testShortDistancesStayAccurate() {
        // A responder 50 m away: the arrival radius must not be blurred by rounding.
        let site = DispatchFixture.site
        XCTAssertEqual(site.distanceMetres(to: DispatchFixture.point(north: 50)), 50, accuracy: 0.05)
        XCTAssertEqual(site.distanceMetres(to: DispatchFixture.point(east: 420)), 420, accuracy: 0.5)
        XCTAssertEqual(site.distanceMetres(to: DispatchFixture.point(north: 300, east: 400)), 500, accuracy: 0.5)
    }

    func testOutOfRangeOrNonFiniteCoordinatesMakeNoPoint() {
        let cases: [(Double, Double, String?)] = [
            (90, 180, nil), (-90, -180, nil), (31.23, 121.47, nil),
            (90.0001, 0, "latitude 90.0001 is outside -90...90"),
            (-91, 0, "latitude -91.0 is outside -90...90"),
            (0, 180.5, "longitude 180.5 is outside -180...180"),
            (.nan, 0, "latitude nan is outside -90...90"),
            (0, .infinity, "longitude inf is outside -180...180"),
        ]
        for (latitude, longitude, problem) in cases {
            XCTAssertEqual(GeoPoint.problem(latitude: latitude, longitude: longitude), problem, "\(latitude),\(longitude)")
            XCTAssertEqual(GeoPoint(latitude: latitude, longitude: longitude) == nil, problem != nil, "\(latitude),\(longitude)")
        }
    }

    func testCodableUsesLatLonAndRefusesOutOfRange() throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let data = try encoder.encode(DispatchFixture.site)
        XCTAssertEqual(String(decoding: data, as: UTF8.self), #"{"lat":31.2304,"lon":121.4737}"#)
        XCTAssertEqual(try JSONDecoder().decode(GeoPoint.self, from: data), DispatchFixture.site)
        XCTAssertThrowsError(try JSONDecoder().decode(GeoPoint.self, from: Data(#"{"lat":121.47,"lon":31.23}"#.utf8)))
    }

    func testDistanceTextReadsAsPeopleSayIt() {
        let cases: [(Double, String)] = [
            (0, "0 m"), (49.6, "50 m"), (420.4, "420 m"), (999.4, "999 m"), (999.6, "1 km"),
            (1000, "1 km"), (1249, "1.2 km"), (2500, "2.5 km"), (3000, "3 km"), (3449, "3.4 km"), (12_000, "12 km"),
        ]
        for (metres, text) in cases { XCTAssertEqual(DistanceText.format(metres: metres), text, "\(metres)") }
    }
}
