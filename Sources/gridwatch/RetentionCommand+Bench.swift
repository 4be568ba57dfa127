import ArgumentParser
import Devices
import Formats
import Foundation
import Gateway
import Simulation
import Storage

extension RetentionCommand {
    /// `gridwatch retention bench` (hidden; `bench/retention` drives it): the demo community's
    /// digital twin stored straight into a fresh database in virtual time, a retention round
    /// every virtual `--round-every`, the database measured once a virtual day. Periods are
    /// scaled down so the plateau shows within the simulated span. Prints one JSON object.
    struct MonthBench: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "bench", abstract: "Simulate a month of storage with retention (for bench/retention).",
                                                        shouldDisplay: false)
        @Option(help: "Configuration (device types, inventory).") var config: String = "config/gridwatch.yaml"
        @Option(help: "Fresh database to write.") var db: String
        @Option(help: "Virtual days to simulate.") var days: Int = 30
        @Option(help: "Raw retention in the bench.") var raw: String = "7d"
        @Option(help: "Personal-field retention in the bench.") var personal: String = "3d"
        @Option(name: .customLong("rollup-5m"), help: "5-minute roll-up retention in the bench.") var rollup5m: String = "14d"
        @Option(name: .customLong("round-every"), help: "Virtual time between retention rounds.") var roundEvery: String = "1h"
        @Option(help: "Simulated start, RFC 3339.") var start: String = "2026-11-01T00:00:00+08:00"

        /// What the bench counts while it runs.
        struct Tally {
            var messages = 0
            var sizes: [Int64] = []
            var longestStep = 0.0
            var longestStepJob = ""
            var totals = RetentionRound.Summary()
            /// The wall clock when the simulation started, for `wall_seconds`.
            let wallStart = Date()

            mutating func add(_ summary: RetentionRound.Summary) {
                if summary.longestStepSeconds > longestStep { (longestStep, longestStepJob) = (summary.longestStepSeconds, summary.longestStep) }
                totals.readingsRolledUp += summary.readingsRolledUp
                totals.readingsPruned += summary.readingsPruned
                totals.rollupsPruned += summary.rollupsPruned
                totals.payloadsScrubbed += summary.payloadsScrubbed
            }
        }

        func run() throws {
            let setup = GatewaySetup.load(configPath: config)
            if setup.hasErrors { throw CommandFailure(setup.diagnostics.map(\.description).joined(separator: "\n")) }
            guard let startDate = RFC3339.parse(start), let rawSeconds = DurationText.seconds(raw), let personalSeconds = DurationText.seconds(personal),
                  let rollupSeconds = DurationText.seconds(rollup5m), let roundSeconds = DurationText.seconds(roundEvery) else {
                throw ValidationError("bad --start or duration")
            }
            guard !FileManager.default.fileExists(atPath: db) else { throw CommandFailure("\(db) exists; the bench wants a fresh database") }
            var retention = setup.config.retention
            retention.rawSeconds = rawSeconds
            retention.rawSecondsByType = [:]
            retention.personalSeconds = personalSeconds
            retention.rollup5mSeconds = rollupSeconds
            let database = try GatewayDatabase(path: db)
            let tally = try simulate(setup: setup, database: database, plan: retention.plan(catalog: setup.catalog), startDate: startDate,
                                     roundMs: Int64(roundSeconds * 1000))
            let status = try database.retentionStatus()
            let result: JSONValue = .object([
                "days": .int(Int64(days)), "devices": .int(Int64(setup.inventory.count)), "messages": .int(Int64(tally.messages)),
                "raw_days": .double(rawSeconds / 86_400), "personal_days": .double(personalSeconds / 86_400), "rollup_5m_days": .double(rollupSeconds / 86_400),
                "size_by_day": .array(tally.sizes.map { .int($0) }), "final_bytes": .int(status.databaseBytes),
                "rows": .object(["readings": .int(Int64(status.readings)), "rollups_5m": .int(Int64(status.rollups5m)),
                                 "rollups_1h": .int(Int64(status.rollups1h)), "rejected": .int(Int64(status.rejected))]),
                "rolled_up": .int(Int64(tally.totals.readingsRolledUp)), "pruned": .int(Int64(tally.totals.readingsPruned)),
                "rollups_pruned": .int(Int64(tally.totals.rollupsPruned)), "payloads_scrubbed": .int(Int64(tally.totals.payloadsScrubbed)),
                "longest_step_ms": .double((tally.longestStep * 1000 * 10).rounded() / 10), "longest_step": .string(tally.longestStepJob),
                "wall_seconds": .double(Date().timeIntervalSince(tally.wallStart).rounded()),
            ])
            print(result.jsonText)
        }

        /// Stores the twin's traffic in virtual time, running the retention rounds that fall due.
        private func simulate(setup: GatewaySetup, database: GatewayDatabase, plan: RetentionPlan, startDate: Date, roundMs: Int64) throws -> Tally {
            let startMs = Int64(startDate.timeIntervalSince1970 * 1000)
            _ = try database.upsertDevices(setup.inventory, source: "inventory", nowMs: startMs)
            let decoder = try setup.makeDecoder()
            let registry = DeviceRegistry(setup.inventory)
            var simulator = FleetSimulator(devices: setup.inventory.map { FleetDevice(id: $0.id, type: $0.type, community: $0.community, building: $0.building, unit: $0.unit) },
                                           start: startDate)
            let endMs = startMs + Int64(days) * RetentionPlan.dayMs
            var nextRoundMs = startMs + roundMs
            var batch = IngestBatch(journalPosition: 0)
            var tally = Tally()
            func flush() throws {
                guard batch.messageCount > 0 else { return }
                _ = try database.store(batch)
                // Whole steps into per-device runs, as the gateway's ReadingRunService takes them.
                while try database.foldReadingRuns(minRows: 16_000, maxRows: 16_000).folded > 0 {}
                batch = IngestBatch(journalPosition: UInt64(tally.messages))
            }
            while let message = simulator.next() {
                let atMs = message.atMilliseconds
                while atMs >= nextRoundMs && nextRoundMs <= endMs {
                    try flush()
                    var round = RetentionRound(database: database, plan: plan, nowMs: nextRoundMs)
                    tally.add(try round.runToEnd())
                    if (nextRoundMs - startMs) % RetentionPlan.dayMs == 0 {
                        tally.sizes.append(try database.retentionStatus().databaseBytes)
                        FileHandle.standardError.write(Data("day \(tally.sizes.count): \(tally.sizes.last ?? 0) bytes\n".utf8))
                    }
                    nextRoundMs += roundMs
                }
                if atMs >= endMs { break }
                tally.messages += 1
                let outcome = decoder.decode(topic: message.topic, payload: message.payload, receivedAtMs: atMs, registry: registry)
                switch outcome {
                case let .reading(reading, _): batch.readings.append(reading)
                case let .availability(change): batch.availability.append(change)
                case let .rejected(rejection): batch.rejections.append(rejection)
                }
                if batch.messageCount >= 2000 { try flush() }
            }
            try flush()
            return tally
        }
    }
}
