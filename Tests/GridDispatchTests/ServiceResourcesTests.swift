import Devices
import Formats
import Foundation
import GridDispatch
import XCTest

/// The resources CSV and the nearest-of-class query a ticket's resource list comes from.
final class ServiceResourcesTests: XCTestCase {
    typealias F = DispatchFixture

    static func csvLine(_ id: String, _ resourceClass: String, north: Double = 0, east: Double = 0) -> String {
        let point = F.point(north: north, east: east)
        return "\(id),Name of \(id),\(resourceClass),\(point.latitude),\(point.longitude),021-5555-0000,24h"
    }

    static func resources() throws -> ServiceResources {
        let text = (["id,name,class,lat,lon,phone,hours"] + [
            csvLine("AED-2", "aed", north: 900),
            csvLine("AED-1", "aed", east: 120),
            csvLine("AED-3", "aed", north: -400),
            csvLine("CLINIC-FAR", "clinic", east: 3500),
            csvLine("CLINIC-1", "clinic", north: 2000),
            csvLine("PHARMACY-1", "pharmacy", north: 10),
        ]).joined(separator: "\n")
        var diagnostics = DiagnosticList()
        let resources = ServiceResources.parse(text, path: "resources.csv", diagnostics: &diagnostics)
        XCTAssertEqual(F.rendered(diagnostics), [])
        return resources
    }

    func testNearestOfEachNamedClassWithinTheRadius() throws {
        let resources = try Self.resources()
        XCTAssertEqual(resources.resources.count, 6)
        let nearest = resources.nearest(classes: ["aed", "clinic"], to: F.site, maxDistanceMetres: 3000)
        XCTAssertEqual(nearest.map(\.id), ["AED-1", "CLINIC-1"], "one per class, pharmacy not asked for")
        XCTAssertEqual(nearest.map(\.distanceMetres), [120, 2000])
        XCTAssertEqual(nearest.first?.resourceClass, "aed")
    }

    func testSeveralPerClassNearestFirstAndTheRadiusCuts() throws {
        let resources = try Self.resources()
        let cases: [(classes: [String], radius: Double, perClass: Int, ids: [String])] = [
            (["aed"], 3000, 2, ["AED-1", "AED-3"]),
            (["aed"], 3000, 5, ["AED-1", "AED-3", "AED-2"]),
            (["aed"], 300, 5, ["AED-1"]),
            (["clinic"], 3000, 5, ["CLINIC-1"]),
            (["clinic"], 1000, 5, []),
            (["clinic"], 4000, 5, ["CLINIC-1", "CLINIC-FAR"]),
            (["fire_station"], 3000, 5, []),
            ([], 3000, 5, []),
        ]
        for test in cases {
            let ids = resources.nearest(classes: test.classes, to: F.site, maxDistanceMetres: test.radius, perClass: test.perClass).map(\.id)
            XCTAssertEqual(ids, test.ids, "\(test.classes) within \(test.radius) m, \(test.perClass) per class")
        }
    }

    func testMatchEncodesWithTheContractKeys() throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let data = try encoder.encode(ResourceMatch(id: "AED-1", resourceClass: "aed", distanceMetres: 120))
        XCTAssertEqual(String(decoding: data, as: UTF8.self), #"{"class":"aed","distance_m":120,"id":"AED-1"}"#)
    }

    func testEveryRowErrorIsReportedAtItsLineAndColumnAtOnce() {
        let text = """
        id,name,class,lat,lon,phone,hours
        R1,Clinic,clinic,31.23,121.47,021-1234,08:00-20:00
        R1,Pharmacy,,-91,121.47,,
        R3,,aed,31.23,200,,24h
        R4,AED,aed,31.23,121.47,ext. 12,24h
        """
        var diagnostics = DiagnosticList()
        let resources = ServiceResources.parse(text, path: "resources.csv", diagnostics: &diagnostics)
        XCTAssertEqual(F.rendered(diagnostics), [
            "resources.csv:3:13: error: 'class' must not be empty",
            "resources.csv:3:1: error: resource 'R1' is already listed on line 2",
            "resources.csv:3:14: error: 'lat' -91 is outside -90...90",
            "resources.csv:4:4: error: 'name' must not be empty",
            "resources.csv:4:15: error: 'lon' 200 is outside -180...180",
            "resources.csv:5:25: error: 'phone' may hold only digits, spaces, '+', '-' and brackets, got 'ext. 12'",
        ])
        XCTAssertEqual(resources.resources.map(\.id), ["R1"])
        XCTAssertEqual(resources.resources.first?.hours, "08:00-20:00")
    }

    func testHeaderLackingClassIsReported() {
        var diagnostics = DiagnosticList()
        let resources = ServiceResources.parse("id,name,lat,lon\nR1,Clinic,31.23,121.47\n", path: "resources.csv", diagnostics: &diagnostics)
        XCTAssertEqual(F.rendered(diagnostics), ["resources.csv:1:1: error: service resources header lacks required column 'class'"])
        XCTAssertEqual(resources.resources, [])
    }
}
