import Foundation
import Gateway
import Logging
import Storage
import Testing

/// The broker's dropped-messages watch: a rise over the first value heard raises the alert,
/// even when the rules clock's first one-second sample comes after the drops.
@Suite struct BrokerDropWatchUnitTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static func evaluation() throws -> (RuleEvaluation, GatewayDatabase) {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("gw-dropwatch-\(UUID().uuidString.prefix(8))").path
        let setup = GatewaySetup.load(configPath: root.appendingPathComponent("config/gridwatch.yaml").path) { config in
            config.databasePath = directory + "/gridwatch.db"
        }
        let database = try GatewayDatabase(path: setup.config.databasePath)
        return (try RuleEvaluation(setup: setup, database: database, devices: [], nowMs: 1_795_000_000_000, logger: Logger(label: "test")), database)
    }

    @Test func dropsBeforeTheFirstSampleStillRaiseTheAlert() throws {
        let (rules, database) = try Self.evaluation()
        // Heard 0 at subscription; the first sample already sees 290.
        rules.brokerDroppedCounter(290, firstHeard: 0, nowMs: 1_795_000_001_000)
        #expect(try database.alertEvents(rule: "broker_dropped_messages").map(\.kind) == [.firing])
    }

    @Test func aCounterThatWasAlreadyHighAtStartIsOnlyTheBaseline() throws {
        let (rules, database) = try Self.evaluation()
        rules.brokerDroppedCounter(290, firstHeard: 290, nowMs: 1_795_000_001_000)
        rules.brokerDroppedCounter(290, firstHeard: 290, nowMs: 1_795_000_002_000)
        #expect(try database.alertEvents(rule: "broker_dropped_messages").isEmpty, "drops from before this start are not news")
        rules.brokerDroppedCounter(300, firstHeard: 290, nowMs: 1_795_000_003_000)
        #expect(try database.alertEvents(rule: "broker_dropped_messages").map(\.kind) == [.firing])
    }
}
