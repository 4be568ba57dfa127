#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Storage
import Testing

/// Live staff positions end to end: a staff app publishes on the staff topic of a real
/// mosquitto; good positions are stored and shown by the API and `gridwatch staff`, an
/// unknown id, a position out of range and a far-off clock are stored as rejected with
/// their reasons, and viewers never see phones or positions.
@Suite(.serialized) struct StaffIntegrationTests {
    static func publish(_ broker: TestBroker, staff: String, payload: String, directory: String) throws -> Bool {
        let pub = try ChildProcess(name: "pub-\(staff)", executable: "/usr/bin/mosquitto_pub", arguments: [
            "-h", "127.0.0.1", "-p", String(broker.port), "-q", "1", "-t", "gridwatch/demo/staff/\(staff)/location", "-m", payload,
        ], logDirectory: directory)
        return pub.waitForExit(timeout: 10) == 0
    }

    @Test func positionsAreStoredOrRejectedWithTheirReasonAndShownByRole() throws {
        let directory = try TestPaths.temporaryDirectory("staff-live")
        let broker = try TestBroker(directory: directory)
        defer { broker.stop() }
        let staffFiles = TestPaths.repository + "/config/staff"
        let config = try CommandLineTests.writeConfig(in: directory, extra: "staff: {roster: \(staffFiles)/roster.csv, shifts: \(staffFiles)/shifts.yaml}\n")
        let gateway = TestGateway(broker: broker, directory: directory, configPath: config)
        let responder = try createToken(name: "wang", role: "responder", config: config, directory: directory)
        let viewer = try createToken(name: "screen", role: "viewer", config: config, directory: directory)
        try gateway.start()
        defer { _ = gateway.terminate() }

        let nowMs = Int64(Date().timeIntervalSince1970 * 1000)
        #expect(try Self.publish(broker, staff: "S01", payload: #"{"ts": \#(nowMs - 60_000), "lat": 32.0605, "lon": 118.7801}"#, directory: directory))
        #expect(try Self.publish(broker, staff: "S01", payload: #"{"ts": \#(nowMs), "lat": 32.0607, "lon": 118.7803}"#, directory: directory))
        #expect(try Self.publish(broker, staff: "S99", payload: #"{"ts": \#(nowMs), "lat": 32.06, "lon": 118.78}"#, directory: directory))
        #expect(try Self.publish(broker, staff: "S02", payload: #"{"ts": \#(nowMs), "lat": 118.78, "lon": 32.06}"#, directory: directory))
        #expect(try Self.publish(broker, staff: "S03", payload: #"{"ts": \#(nowMs - 7_200_000), "lat": 32.06, "lon": 118.78}"#, directory: directory))

        #expect(eventually(timeout: 15) { ((try? gateway.database().rejections().count) ?? 0) >= 3 })
        let database = try gateway.database()
        let reasons = try database.rejections().map { "\($0.reason) \($0.deviceID ?? "-")" }.sorted()
        #expect(reasons == ["clock_skew S03", "out_of_range S02", "unknown_staff S99"], "\(reasons)")
        #expect(eventually(timeout: 10) { ((try? database.staffPositions(staffID: "S01", fromMs: 0, toMs: .max, limit: 10).count) ?? 0) == 2 })
        let trajectory = try database.staffPositions(staffID: "S01", fromMs: 0, toMs: .max, limit: 10)
        #expect(trajectory.map(\.point.latitude) == [32.0605, 32.0607])
        #expect(try database.latestStaffPositions().keys.sorted() == ["S01"])

        // The API: the board recorded the newest position after the commit.
        let api = APIClient(port: gateway.httpPort)
        let full = api.object("GET", "/api/v1/staff/S01", token: responder)
        #expect(full.status == 200 && full.object["phone"] as? String == "+86 138 0000 0101", "\(full)")
        let position = full.object["position"] as? [String: Any]
        #expect(position?["lat"] as? Double == 32.0607 && position?["at"] as? String != nil, "\(full.object)")
        let list = api.object("GET", "/api/v1/staff", token: responder).object["staff"] as? [[String: Any]] ?? []
        #expect(list.count == 10 && list.allSatisfy { $0["on_duty"] is Bool && $0["base"] != nil })
        let redacted = api.call("GET", "/api/v1/staff", token: viewer)
        #expect(redacted.status == 200 && redacted.body.contains("\"S01\""))
        for personal in ["phone", "base", "position", "+86"] { #expect(!redacted.body.contains(personal), "\(personal) shown to a viewer") }
        #expect(api.call("GET", "/api/v1/staff/S99", token: viewer).status == 404)
        #expect(api.call("GET", "/api/v1/staff", token: nil).status == 401)

        // The command line reads the same roster and the stored position.
        let shown = try CommandLineTests.gridwatch(["staff", "show", "S01", "--config", config, "--format", "json"], in: directory)
        #expect(shown.status == 0 && shown.output.contains("\"lat\":32.0607"), "\(shown.output)")
        let listed = try CommandLineTests.gridwatch(["staff", "list", "--config", config], in: directory)
        #expect(listed.status == 0 && listed.output.contains("S10") && listed.output.contains("of 10 on duty"), "\(listed.output)")
    }

    @Test func checkReportsEveryRosterAndShiftMistakeAtOnce() throws {
        let directory = try TestPaths.temporaryDirectory("staff-check")
        try "id,name,team,lat,lon\nS1,Wang,grid,32.06,118.78\nS1,Li,grid,32.06,200\n"
            .write(toFile: directory + "/roster.csv", atomically: true, encoding: .utf8)
        try "- {staff: S2, days: [mon], from: \"08:00\", to: \"18:00\"}\n- {team: grid, from: \"8\", to: \"18:00\"}\n"
            .write(toFile: directory + "/shifts.yaml", atomically: true, encoding: .utf8)
        let config = try CommandLineTests.writeConfig(in: directory, extra: "staff: {roster: roster.csv, shifts: shifts.yaml}\n")
        let result = try CommandLineTests.gridwatch(["check", "--config", config], in: directory)
        #expect(result.status == 1)
        for line in ["/roster.csv:3:1: error: staff 'S1' is already listed on line 2", "/roster.csv:3:18: error: 'lon' 200 is outside -180...180",
                     "/shifts.yaml:1:11: error: unknown staff 'S2'", "/shifts.yaml:2:22: error: 'from' must be a time HH:MM"] {
            #expect(result.output.contains(line), "missing \(line) in \(result.output)")
        }
        let clean = try CommandLineTests.gridwatch(["check", "--config", TestPaths.repository + "/config/gridwatch.yaml"], in: directory)
        #expect(clean.status == 0 && clean.output.contains("10 staff, 10 shifts"), "\(clean.output)")
    }

    /// In cluster mode each community's owner subscribes to that community's staff topic and
    /// stores its positions fenced, with the batch; the instance's board and API show them.
    @Test func aClusterPartitionStoresItsCommunitysPositions() throws {
        let directory = try TestPaths.temporaryDirectory("staff-cluster")
        let broker = try TestBroker(directory: directory)
        defer { broker.stop() }
        let staffFiles = TestPaths.repository + "/config/staff"
        let cluster = try TestCluster(broker: broker, directory: directory, extra: "staff: {roster: \(staffFiles)/roster.csv}")
        defer { cluster.stopAll() }
        try cluster.start("gw-1")
        #expect(eventually(timeout: 30) { (try? cluster.owners().count) == TestCluster.communities.count + 1 })
        let nowMs = Int64(Date().timeIntervalSince1970 * 1000)
        func publish(_ community: String, _ staff: String) throws -> Bool {
            let pub = try ChildProcess(name: "pub-\(community)-\(staff)", executable: "/usr/bin/mosquitto_pub", arguments: [
                "-h", "127.0.0.1", "-p", String(broker.port), "-q", "1", "-t", "gridwatch/\(community)/staff/\(staff)/location",
                "-m", #"{"ts": \#(nowMs), "lat": 32.0609, "lon": 118.7809}"#,
            ], logDirectory: directory)
            return pub.waitForExit(timeout: 10) == 0
        }
        // A partition's subscription is made once its client connects: publish until stored.
        #expect(eventually(timeout: 30) {
            _ = try? publish("hexi", "S01")
            return ((try? cluster.store.staffPositions(staffID: "S01", fromMs: 0, toMs: .max, limit: 10)) ?? []).count == 1
        }, "the hexi partition stored no position")
        #expect(try publish("lanyuan", "S77"))
        #expect(eventually(timeout: 15) { ((try? cluster.store.rejections(reason: "unknown_staff")) ?? []).map(\.deviceID) == ["S77"] })

        let create = try ChildProcess(name: "token", executable: TestPaths.gridwatch, arguments: [
            "token", "create", "--store", cluster.storeURL, "--name", "duty-li", "--role", "responder",
        ], logDirectory: directory)
        #expect(create.waitForExit(timeout: 30) == 0, "\(create.log)")
        let token = try #require(create.log.split(separator: "\n").last { $0.hasPrefix("gw_") }.map(String.init))
        let instance = try #require(cluster.instance("gw-1"))
        let shown = APIClient(port: instance.httpPort).object("GET", "/api/v1/staff/S01", token: token)
        #expect((shown.object["position"] as? [String: Any])?["lat"] as? Double == 32.0609, "\(shown)")
    }
}
