import Foundation
import Testing

/// The follow-up (回访) from the command line on a real database: the queue, a dissatisfied
/// answer reopening the ticket, a satisfied one closing it, the figures in `report sla`, and
/// configuration mistakes at their line and column.
@Suite struct FollowUpCommandLineTests {
    static func run(_ arguments: [String], in directory: String) throws -> (status: Int32, output: String) {
        try CommandLineTests.gridwatch(arguments, in: directory)
    }

    @Test func theQueueRemediationAndTheFigures() throws {
        let directory = try TestPaths.temporaryDirectory("follow-up-cli")
        let config = try CommandLineTests.writeConfig(in: directory, extra: "tickets: {catalogue: \(TestPaths.repository)/config/catalogue.yaml}\n"
            + "sla: {calendar: \(TestPaths.repository)/config/calendars/cn-2026.yaml}\n")
        let base = ["--config", config]
        // Importing the inventory creates the database, as a fresh installation's first command would.
        let imported = try Self.run(["devices", "import", TestPaths.repository + "/devices/demo-community.csv"] + base, in: directory)
        #expect(imported.status == 0, "\(imported.output)")
        let created = try Self.run(["tickets", "create", "--item", "noise_complaint", "--community", "demo", "--building", "b02",
                                    "--text", "楼上装修噪音", "--by", "desk-li", "--at", "2026-03-02T10:00:00+08:00", "--format", "json"] + base, in: directory)
        #expect(created.status == 0, "\(created.output)")
        let id = try #require(Self.ticket(created.output)?["id"] as? String)
        #expect(try Self.run(["tickets", "resolve", id, "--by", "wang", "--at", "2026-03-02T11:00:00+08:00"] + base, in: directory).status == 0)
        for (filter, count) in [(["--item", "noise_complaint"], 1), (["--category", "neighbourhood"], 1), (["--item", "lock_repair"], 0)] {
            let listed = try Self.run(["tickets", "list", "--state", "all", "--format", "json"] + filter + base, in: directory)
            #expect((try? JSONSerialization.jsonObject(with: Data(listed.output.utf8)) as? [Any])?.count == count, "\(filter): \(listed.output)")
        }

        let queue = try Self.run(["tickets", "follow-ups", "--format", "json"] + base, in: directory)
        let listed = (try JSONSerialization.jsonObject(with: Data(queue.output.utf8)) as? [[String: Any]]) ?? []
        #expect(listed.map { $0["id"] as? String } == [id], "\(queue.output)")
        let due = (listed.first?["follow_up"] as? [String: Any])?["due_at"] as? String
        #expect(due == "2026-03-05T18:00:00+08:00", "three working days after Monday's resolution")
        let text = try Self.run(["tickets", "follow-ups"] + base, in: directory)
        #expect(text.output.contains(id) && text.output.contains("(overdue)"), "\(text.output)")

        let refused = try Self.run(["tickets", "follow-up", id, "--by", "chen", "--reached", "yes", "--satisfaction", "7"] + base, in: directory)
        #expect(refused.status != 0 && refused.output.contains("satisfaction must be 1 to 5"), "\(refused.output)")
        let unhappy = try Self.run(["tickets", "follow-up", id, "--by", "chen", "--reached", "yes", "--satisfaction", "2", "--recommend", "4",
                                    "--comment", "还是很吵", "--at", "2026-03-03T09:00:00+08:00"] + base, in: directory)
        #expect(unhappy.status == 0 && unhappy.output.contains("now open"), "\(unhappy.output)")
        #expect(try Self.run(["tickets", "resolve", id, "--by", "wang", "--at", "2026-03-03T15:00:00+08:00"] + base, in: directory).status == 0)
        let happy = try Self.run(["tickets", "follow-up", id, "--by", "chen", "--reached", "yes", "--satisfaction", "5", "--recommend", "10",
                                  "--at", "2026-03-04T09:00:00+08:00", "--format", "json"] + base, in: directory)
        let closed = try #require(Self.ticket(happy.output), "\(happy.output)")
        #expect(closed["state"] as? String == "closed" && closed["cycle"] as? Int == 2)
        #expect((closed["follow_up_history"] as? [[String: Any]])?.first?["satisfaction"] as? Int == 2)

        let report = try Self.run(["report", "sla", "--from", "2026-03-01", "--to", "2026-03-31", "--now", "2026-03-10T00:00:00+08:00",
                                   "--format", "json"] + base, in: directory)
        let residents = (try JSONSerialization.jsonObject(with: Data(report.output.utf8)) as? [String: Any])?["residents"] as? [String: Any] ?? [:]
        #expect(residents["satisfaction_answers"] as? Int == 2 && residents["satisfaction_mean"] as? Double == 3.5, "\(report.output.prefix(3000))")
        #expect(residents["reopened_by_dissatisfaction"] as? Int == 1 && residents["complaints"] as? Int == 1)
        #expect(residents["net_promoter_score"] as? Double == 0, "one promoter (10), one detractor (4)")
        let page = try Self.run(["report", "sla", "--from", "2026-03-01", "--to", "2026-03-31", "--now", "2026-03-10T00:00:00+08:00"] + base,
                                in: directory)
        #expect(page.output.contains("Reopened by the alarm: 0, by dissatisfaction: 1, by staff: 0"), "\(page.output)")
    }

    @Test func checkReportsFollowUpSettingsAtTheirLineAndColumn() throws {
        let directory = try TestPaths.temporaryDirectory("follow-up-check")
        let config = try CommandLineTests.writeConfig(in: directory, extra: """
        tickets:
          follow_up: soon
          follow_up_attempts: 0
          resolve_warnings: [50%, 80%]
        """)
        let result = try Self.run(["check", "--config", config], in: directory)
        #expect(result.status == 1)
        #expect(result.output.contains("\(config):7:14: error: 'follow_up' must be a duration"), "\(result.output)")
        #expect(result.output.contains("\(config):8:23: error: 'follow_up_attempts' must be 1 to 20"), "\(result.output)")
        #expect(result.output.contains("\(config):9:21: error: 'resolve_warnings' must be three"), "\(result.output)")
    }

    static func ticket(_ output: String) -> [String: Any]? {
        try? JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Any]
    }
}
