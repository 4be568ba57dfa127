import Devices
import Formats
import Foundation
import Storage
import Testing

/// `gridwatch webhooks list|retry` on a database holding a delivery that ran out of attempts
/// and one for a webhook since removed from the configuration: both visible, the failed one
/// retryable, nothing deleted.
@Suite struct WebhooksCommandLineTests {
    @Test func failedAndOrphanedDeliveriesAreListedAndFailedOnesRetried() throws {
        let directory = try TestPaths.temporaryDirectory("webhooks-cli")
        let config = try CommandLineTests.writeConfig(in: directory, extra: """
            notifications:
              webhooks:
                - {name: ops, url: "http://127.0.0.1:9/hook"}

            """)
        let database = try GatewayDatabase(path: directory + "/gridwatch.db")
        let body = #"{"event":"ticket_opened","ticket_id":"T-000001","ticket":{"id":"T-000001","title":"Smoke alarm"}}"#
        try database.appendTicketEventsForTesting([StoredTicketEvent(seq: 0, atMs: 1_795_000_000_000, event: "ticket_opened", ticketID: "T-000001",
                                                                     community: "demo", severity: "emergency", body: body)])
        try database.enqueueWebhookDeliveries(nowMs: 1_795_000_000_000) { _ in ["ops", "old"] }
        let ops = try #require(try database.webhookDeliveries().first { $0.webhook == "ops" })
        try database.recordWebhookAttempt(id: ops.id, outcome: .failed(error: "HTTP 503", status: 503), nowMs: 1_795_000_001_000)

        let listed = try CommandLineTests.gridwatch(["webhooks", "list", "--config", config, "--format", "json"], in: directory)
        #expect(listed.status == 0, "\(listed.output)")
        let line = try #require(listed.output.split(separator: "\n").first { $0.hasPrefix("[") })
        guard case let .array(rows) = try JSONParser.parse(Array(line.utf8)) else { Issue.record("not an array: \(line)"); return }
        let byName = Dictionary(uniqueKeysWithValues: rows.compactMap { row -> (String, [String: JSONValue])? in
            guard case let .object(object) = row, case let .string(name)? = object["webhook"] else { return nil }
            return (name, object)
        })
        #expect(byName["ops"]?["state"] == .string("failed") && byName["ops"]?["last_status"] == .int(503))
        #expect(byName["ops"]?["last_error"] == .string("HTTP 503") && byName["ops"]?["attempts"] == .int(1))
        #expect(byName["old"]?["state"] == .string("pending") && byName["old"]?["configured"] == .bool(false))

        let text = try CommandLineTests.gridwatch(["webhooks", "list", "--config", config], in: directory)
        #expect(text.output.contains("old (not configured)") && text.output.contains("last: HTTP 503"), "\(text.output)")
        #expect(text.output.contains("pending for webhooks no longer configured, kept until configured again: old (1)"), "\(text.output)")

        let wrong = try CommandLineTests.gridwatch(["webhooks", "retry", "--config", config, "\(ops.id + 1)"], in: directory)
        #expect(wrong.status != 0 && wrong.output.contains("is pending; only failed deliveries are retried"), "\(wrong.output)")
        let retried = try CommandLineTests.gridwatch(["webhooks", "retry", "--config", config, "--all-failed"], in: directory)
        #expect(retried.status == 0 && retried.output.contains("1 failed delivery is pending again"), "\(retried.output)")
        let failed = try CommandLineTests.gridwatch(["webhooks", "list", "--config", config, "--state", "failed"], in: directory)
        #expect(failed.output.contains("no webhook deliveries"), "\(failed.output)")
        #expect(try database.webhookDelivery(id: ops.id)?.state == .pending)
    }
}
