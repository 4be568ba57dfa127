import Foundation
import Storage
import Testing

/// `gridwatch backup` while the gateway ingests, and the restore the README documents: stop,
/// put the copy in place of the database, start. The journal still holds what arrived after
/// the backup, so the restarted gateway stores it again: nothing acknowledged is lost.
@Suite(.serialized) struct BackupIntegrationTests {
    static func readings(_ path: String) -> Int {
        (try? GatewayDatabase(path: path, readOnly: true).readingCount()) ?? -1
    }

    @Test func aBackupTakenWhileIngestingRestoresAndTheJournalFillsTheGap() throws {
        let directory = try TestPaths.temporaryDirectory("backup")
        let broker = try TestBroker(directory: directory)
        defer { broker.stop() }
        let config = try CommandLineTests.writeConfig(in: directory)
        let gateway = TestGateway(broker: broker, directory: directory, configPath: config)
        let database = directory + "/gridwatch.db"
        try gateway.start()
        defer { gateway.terminate() }

        let first = try startSimulator(broker: broker, count: 2000, rate: 4000, clientID: "sim-backup-1", directory: directory)
        #expect(first.waitForExit(timeout: 60) == 0)
        #expect(eventually(timeout: 20) { Self.readings(database) >= 2000 })
        let backup = directory + "/backup.db"
        let copied = try CommandLineTests.gridwatch(["backup", backup, "--config", config], in: directory)
        #expect(copied.status == 0, "\(copied.output)")
        // The copy is consistent on its own: a database with exactly what was stored then.
        #expect(Self.readings(backup) == 2000)

        let second = try startSimulator(broker: broker, count: 2000, rate: 4000, clientID: "sim-backup-2", directory: directory)
        #expect(second.waitForExit(timeout: 60) == 0)
        #expect(eventually(timeout: 20) { Self.readings(database) >= 4000 })
        #expect(gateway.terminate() == 0)

        // Restore: the copy replaces the database and its WAL; the journal stays.
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: database + suffix) }
        try FileManager.default.copyItem(atPath: backup, toPath: database)
        #expect(Self.readings(database) == 2000)
        try gateway.start()
        #expect(eventually(timeout: 30) { Self.readings(database) >= 4000 })
        // SIGTERM drains the journal completely: whatever it replays is in the count after it.
        #expect(gateway.terminate() == 0)
        #expect(Self.readings(database) == 4000, "the 2,000 readings after the backup came back from the journal, once")
        #expect(gateway.process?.log.contains("replaying journal after restart") == true)
    }
}
