#if canImport(Glibc)
import Formats
import Glibc
#endif
import Devices
import Foundation
import Testing

/// `gridwatch simulate` with a staff roster: positions in captures, and on a real broker a
/// ticket event sends the assignee walking to the ticket's location.
@Suite struct SimulateStaffTests {
    /// s1's base; the ticket lies 200 m north of it.
    static let base = (lat: 31.2300, lon: 121.4700)
    static let scene = (lat: 31.2300 + 200 / 111_195.08, lon: 121.4700)

    /// A roster of two and a configuration naming it by a relative path.
    static func writeRoster(in directory: String) throws -> (roster: String, config: String) {
        let roster = directory + "/staff.csv"
        try """
        id,name,team,grids,skills,phone,lat,lon
        s1,Wang Li,community,g1,medical,13800000001,\(base.lat),\(base.lon)
        s2,Zhao Min,security,g2,fire,13800000002,31.2350,121.4750
        s3,no position,community,g1,,,,
        """.write(toFile: roster, atomically: true, encoding: .utf8)
        let config = directory + "/gridwatch.yaml"
        try "staff:\n  roster: staff.csv\n".write(toFile: config, atomically: true, encoding: .utf8)
        return (roster, config)
    }

    /// Metres between two positions (equirectangular; exact enough within a compound).
    static func metres(_ a: (lat: Double, lon: Double), _ b: (lat: Double, lon: Double)) -> Double {
        let radians = Double.pi / 180
        let north = (b.lat - a.lat) * radians * 6_371_008.8
        let east = (b.lon - a.lon) * radians * cos((a.lat + b.lat) / 2 * radians) * 6_371_008.8
        return (north * north + east * east).squareRoot()
    }

    /// A staff position payload's latitude and longitude, if it is one (`ts`, `lat`, `lon`).
    static func position(_ payload: JSONValue?) -> (lat: Double, lon: Double)? {
        guard case let .object(object)? = payload, object["ts"] != nil,
              let lat = object["lat"]?.number, let lon = object["lon"]?.number else { return nil }
        return (lat, lon)
    }

    /// Topic and payload of each capture line.
    static func captureItems(_ path: String) throws -> [(at: Int64?, topic: String, payload: JSONValue?)] {
        try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map { line in
            guard case let .object(item) = try JSONParser.parse(Array(line.utf8)), case let .string(topic)? = item["topic"] else {
                throw TestFailure("bad capture line: \(line)")
            }
            var at: Int64?
            if case let .string(text)? = item["at"] { at = RFC3339.parseMilliseconds(text) }
            return (at, topic, item["payload"])
        }
    }

    @Test func captureCarriesStaffPositionsFromTheConfiguredRosterUnlessTurnedOff() throws {
        let directory = try TestPaths.temporaryDirectory("simulate-staff")
        let (roster, config) = try Self.writeRoster(in: directory)
        let common = ["simulate", "--devices", "20", "--start", "2026-11-23T08:00:00+08:00", "--duration", "1h"]
        let viaConfig = try CommandLineTests.gridwatch(common + ["--config", config, "--output", directory + "/a.jsonl"], in: directory)
        #expect(viaConfig.status == 0, "\(viaConfig.output)")
        #expect(viaConfig.output.contains("staff.csv: line 4: no base position (lat, lon) for s3; skipped"), "\(viaConfig.output)")
        let items = try Self.captureItems(directory + "/a.jsonl")
        let staffTopics = items.map(\.topic).filter { $0.contains("/staff/") }
        // Idle at base: one report within 15 s, then one every 5 minutes.
        #expect(staffTopics.filter { $0 == "gridwatch/demo/staff/s1/location" }.count == 12, "\(staffTopics)")
        #expect(staffTopics.filter { $0 == "gridwatch/demo/staff/s2/location" }.count == 12)
        let times = items.compactMap(\.at)
        #expect(times.count == items.count && times == times.sorted(), "device messages and staff positions interleave in time order")
        let s1 = items.filter { $0.topic.hasSuffix("/s1/location") }.compactMap { Self.position($0.payload) }
        #expect(s1.count == 12 && s1.allSatisfy { Self.metres($0, Self.base) < 15 })

        let counted = try CommandLineTests.gridwatch(common + ["--staff", roster, "--count", "30", "--output", directory + "/b.jsonl"], in: directory)
        #expect(counted.status == 0, "\(counted.output)")
        #expect(try Self.captureItems(directory + "/b.jsonl").filter { !$0.topic.contains("/staff/") }.count == 30, "--count counts device messages")

        let off = try CommandLineTests.gridwatch(common + ["--config", config, "--no-staff", "--output", directory + "/c.jsonl"], in: directory)
        #expect(off.status == 0, "\(off.output)")
        #expect(try !String(contentsOfFile: directory + "/c.jsonl", encoding: .utf8).contains("/staff/"))
        let both = try CommandLineTests.gridwatch(common + ["--staff", roster, "--no-staff", "--output", directory + "/d.jsonl"], in: directory)
        #expect(both.status != 0 && both.output.contains("exclude each other"), "\(both.output)")
        try "id,name,lat,lon\nx,nobody,,\n".write(toFile: directory + "/empty.csv", atomically: true, encoding: .utf8)
        let empty = try CommandLineTests.gridwatch(common + ["--staff", directory + "/empty.csv", "--output", directory + "/e.jsonl"], in: directory)
        #expect(empty.status != 0 && empty.output.contains("no usable staff"), "\(empty.output)")
    }

    @Test func aTicketEventSendsTheAssigneeWalkingToTheTicketOnTheBroker() throws {
        let directory = try TestPaths.temporaryDirectory("simulate-walk")
        let (_, config) = try Self.writeRoster(in: directory)
        let broker = try TestBroker(directory: directory)
        defer { broker.stop() }
        let watcher = try subscribe(broker: broker, topic: "gridwatch/+/staff/+/location", directory: directory)
        defer { watcher.stop() }
        // 60 simulated seconds a second: the 200 m walk (154 s) takes under 3 s.
        let simulator = try ChildProcess(name: "simulate", executable: TestPaths.gridwatch, arguments: [
            "simulate", "--config", config, "--devices", "10", "--mqtt-url", broker.url, "--speed", "60", "--duration", "6h",
            "--client-id", "twin-\(UUID().uuidString.prefix(6))",
        ], logDirectory: directory)
        defer { simulator.stop() }
        func s1Positions() -> [(lat: Double, lon: Double)] {
            watcher.log.split(separator: "\n").compactMap { line in
                guard let space = line.firstIndex(of: " "), line[..<space] == "gridwatch/demo/staff/s1/location" else { return nil }
                return Self.position(try? JSONParser.parse(Array(line[line.index(after: space)...].utf8)))
            }
        }
        // Seeing s1 report means the simulator is connected and subscribed (it subscribes first).
        #expect(eventually(timeout: 30) { !s1Positions().isEmpty }, "no staff position: \(simulator.log)")
        let before = s1Positions().count
        let event = """
            {"seq": 1, "event": "ticket_opened", "ticket_id": "T-000001", "ticket": {"id": "T-000001", "state": "open", "assignee": "s1", \
            "location": {"community": "demo", "building": "b01", "unit": "0101", "latitude": \(Self.scene.lat), "longitude": \(Self.scene.lon)}}}
            """
        let pub = try ChildProcess(name: "pub", executable: "/usr/bin/mosquitto_pub", arguments: [
            "-h", "127.0.0.1", "-p", String(broker.port), "-q", "1", "-t", "gridwatch/demo/alerts/T-000001", "-m", event,
        ], logDirectory: directory)
        #expect(pub.waitForExit(timeout: 10) == 0, "\(pub.log)")
        let arrived = eventually(timeout: 60) { s1Positions().contains { Self.metres($0, Self.scene) < 50 } }
        #expect(arrived, "s1 never came within 50 m of the ticket: \(s1Positions().map { Int(Self.metres($0, Self.scene)) })\n\(simulator.log)")
        let walk = Array(s1Positions().dropFirst(before))
        let distances = walk.map { Self.metres($0, Self.scene) }
        guard let end = distances.firstIndex(where: { $0 < 50 }) else { return }
        let approach = Array(distances[...end])
        // Setting off is reported at once, then every 15 s (19.5 m) until within 50 m.
        #expect(approach.first.map { $0 > 180 } == true, "\(approach)")
        #expect(approach.count >= 8, "\(approach)")
        // The first may be the last report from base, as far off as the start of the walk.
        let walking = approach.dropFirst()
        #expect(zip(walking.dropFirst(), walking).allSatisfy { later, earlier in later < earlier }, "\(approach)")
        #expect(simulator.isRunning, "\(simulator.log)")
    }
}
