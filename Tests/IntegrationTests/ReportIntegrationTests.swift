import Foundation
import Indicators
import Storage
import TestServers
import Testing

/// Scheduled reports in the live gateway: a gateway that was down when periods ended publishes
/// the latest finished month, quarter and year when it starts, and a real webhook receiver
/// gets each announcement once, also after a restart.
@Suite(.serialized) struct ReportIntegrationTests {
    @Test func aStartPublishesTheFinishedPeriodsOnceAcrossARestart() throws {
        let directory = try TestPaths.temporaryDirectory("reports-live")
        let broker = try TestBroker(directory: directory)
        defer { broker.stop() }
        let port = TestPaths.freePort()
        let received = directory + "/received.txt"
        let receiver = try WebhookIntegrationTests.receiver(port: port, log: received, directory: directory)
        defer { receiver.stop(SIGKILL) }
        #expect(eventually(timeout: 10) { TestPaths.portAccepts(port) })
        let config = try CommandLineTests.writeConfig(in: directory, extra: """
            reports: {folder: \(directory)/reports, formats: [json, text]}
            notifications:
              webhooks:
                - name: director
                  url: http://127.0.0.1:\(port)/reports
                  events: [report_published]

            """)
        // This gateway has sampled device health since 2020: every finished period is its own.
        let day2020: Int64 = 1_577_808_000_000
        try GatewayDatabase(path: directory + "/gridwatch.db").recordDeviceHealthSamples([
            DeviceHealthSample(dayMs: day2020, community: "demo", healthy: 9, total: 10)])
        let gateway = TestGateway(broker: broker, directory: directory, configPath: config)
        try gateway.start()
        func announcements() -> [String] {
            let text = (try? String(contentsOfFile: received, encoding: .utf8)) ?? ""
            return text.components(separatedBy: "\n----\n").filter { $0.contains("X-Gridwatch-Event: report_published") }
        }
        #expect(eventually(timeout: 20) { announcements().count == 3 }, "\(announcements()) \(gateway.process?.log ?? "")")
        let now = Date()
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "Asia/Shanghai")!
        let month = ReportPeriod.containing(Int64(now.timeIntervalSince1970 * 1000), kind: .month, zone: calendar.timeZone).advanced(by: -1)
        #expect(announcements().contains { $0.contains("\"period\":\"\(month)\"") && $0.contains("\"kind\":\"month\"") }, "\(announcements())")
        for file in ["\(month)/kpi-\(month)-all.json", "\(month)/kpi-\(month)-demo.txt"] {
            #expect(FileManager.default.fileExists(atPath: "\(directory)/reports/\(file)"), "\(file)")
            #expect(announcements().contains { $0.contains(file) }, "the announcement names \(file)")
        }

        #expect(gateway.terminate() == 0)
        try gateway.start()
        // The service looks at once on start and shows the look's time once it is over: an
        // announcement made again would be committed by then.
        func lastLookSeconds() -> Double {
            gateway.metrics().split(separator: "\n").first { $0.hasPrefix("gridwatch_reports_last_look_time_seconds ") }
                .flatMap { Double($0.split(separator: " ").last ?? "") } ?? 0
        }
        #expect(eventually(timeout: 20) { lastLookSeconds() > 0 }, "\(gateway.metrics())")
        let events = try GatewayDatabase(path: directory + "/gridwatch.db").ticketEvents(after: 0).filter { $0.event == "report_published" }
        #expect(events.count == 3, "a restart announces nothing again: \(events.map(\.body))")
        #expect(announcements().count == 3, "\(announcements())")
        #expect(try GatewayDatabase(path: directory + "/gridwatch.db").reportPublications(period: month.description).count == 2)
        _ = gateway.terminate()
    }

    @Test func checkReportsEveryMistakeInReportsAtItsPlace() throws {
        let directory = try TestPaths.temporaryDirectory("reports-check")
        let config = try CommandLineTests.writeConfig(in: directory, extra: """
            reports:
              periods: [month, fortnight]
              formats: [json, docx]

            """)
        let result = try CommandLineTests.gridwatch(["check", "--config", config], in: directory)
        #expect(result.status == 1, "\(result.output)")
        #expect(result.output.contains("\(config):7:20: error: unknown period 'fortnight'"), "\(result.output)")
        #expect(result.output.contains("\(config):8:19: error: unknown format 'docx'"), "\(result.output)")
    }
}
