import Devices
import Foundation
import Testing

/// `gridwatch check` on the `dispatch:` section and its resources file: every mistake at its
/// line and column, all at once, through the real binary.
@Suite struct DispatchCommandLineTests {
    @Test func checkReportsEveryDispatchAndResourceMistakeAtItsPlace() throws {
        let directory = try TestPaths.temporaryDirectory("check-dispatch")
        try """
        id,name,class,lat,lon,phone,hours
        aed-1,Gate defibrillator,aed,32.06,118.78,,24h
        clinic-1,Health station,clinic,95.1,118.78,025-1,08:00-20:00
        ,Nameless,pharmacy,32.06,118.78,,
        aed-1,Duplicate,aed,32.06,118.78,,
        """.write(toFile: directory + "/resources.csv", atomically: true, encoding: .utf8)
        let config = try CommandLineTests.writeConfig(in: directory, extra: """
        dispatch:
          max_distance: far
          arrival_radius: 0m
          candidates: 0
          resources: resources.csv
          radius: 3km
        """)
        let result = try CommandLineTests.gridwatch(["check", "--config", config], in: directory)
        #expect(result.status == 1)
        let lines = result.output.split(separator: "\n").map(String.init)
        func expectLine(_ prefix: String) { #expect(lines.contains { $0.hasPrefix(prefix) }, "\(prefix)\n\(result.output)") }
        expectLine("\(config):7:17: error: 'max_distance' must be a distance such as 3km or 50m")
        expectLine("\(config):8:19: error: 'arrival_radius' must be a distance")
        expectLine("\(config):9:15: error: 'candidates' must be between 1 and 100")
        expectLine("\(config):11:3: error: unknown key 'radius'")
        let resources = directory + "/resources.csv"
        #expect(lines.contains { $0.hasPrefix("\(resources):3:") && $0.contains("error:") && $0.contains("lat") }, "\(result.output)")
        #expect(lines.contains { $0.hasPrefix("\(resources):4:1: error:") }, "\(result.output)")
        #expect(lines.contains { $0.hasPrefix("\(resources):5:1: error:") && $0.contains("aed-1") }, "\(result.output)")
    }

    @Test func theShippedResourcesCheckClean() throws {
        let directory = try TestPaths.temporaryDirectory("check-resources")
        let config = try CommandLineTests.writeConfig(in: directory, extra: """
        dispatch:
          resources: \(TestPaths.repository)/config/resources.csv
        """)
        let result = try CommandLineTests.gridwatch(["check", "--config", config], in: directory)
        #expect(result.status == 0, "\(result.output)")
    }
}
