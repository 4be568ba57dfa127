import Devices
import Formats
import Foundation
import Gateway
import Rules
import Storage
import Testing

/// `rules explain` from the database on both engines: the stored readings of the history
/// before the instant are replayed, those after it are not, and the verdict follows.
@Suite struct RuleExplainerStoreTests {
    static let startMs: Int64 = 1_767_578_400_000  // 2026-01-05T10:00:00+08:00
    static let zone = TimeZone(identifier: "Asia/Shanghai") ?? .gmt
    static let rulesYAML = """
        attributes: {hr_low: 45, hr_high: 120}
        rules:
          - id: heart_rate
            match: {type: wristband}
            when: hr_bpm > attr.hr_high or hr_bpm < attr.hr_low
            for: 5m
            severity: general
        """

    static func explainer(_ yaml: String = rulesYAML, inventory: [Device] = []) throws -> RuleExplainer {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("gw-explain-\(UUID().uuidString).yaml").path
        try yaml.write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        var diagnostics = DiagnosticList()
        let rules = RuleFileParser.load(files: [path], catalog: RetentionFixture.catalog, tiers: ["general"], diagnostics: &diagnostics)
        #expect(!diagnostics.hasErrors, "\(diagnostics.items)")
        return RuleExplainer(rules: rules, catalog: RetentionFixture.catalog, inventory: inventory)
    }

    @Test(arguments: StoreKind.allCases) func theHistoryUpToTheInstantIsReplayedAndNothingAfterIt(kind: StoreKind) throws {
        let test = try TestStore(kind)
        defer { test.remove() }
        let database = test.store
        try database.upsertDevices([Device(id: "band-1", type: "wristband", community: "demo", building: "b01")], source: "inventory", nowMs: 1)
        var batch = IngestBatch(journalPosition: 1)
        // High at 0, 1 and 2 min; back to normal at 4 min, after the instant asked about.
        batch.readings = [130.0, 131, 132].enumerated().map { minute, hr in
            RetentionFixture.reading("band-1", type: "wristband", receivedAt: Self.startMs + Int64(minute) * 60_000, values: ["hr_bpm": .double(hr)])
        } + [RetentionFixture.reading("band-1", type: "wristband", receivedAt: Self.startMs + 240_000, values: ["hr_bpm": .double(80)])]
        _ = try database.store(batch)
        let explainer = try Self.explainer()

        let pending = try #require(try explainer.fromStore(database, device: "band-1", rule: "heart_rate", atMs: Self.startMs + 170_000).first)
        #expect(pending.phase == .pending && pending.pendingSinceMs == Self.startMs)
        #expect(pending.verdict(timeZone: Self.zone) == "fires in 2 min 10 s unless hr_bpm drops to 120 or below, and only if a reading confirms it by 10:04")
        #expect(pending.condition(.when)?.terms.first { $0.text == "hr_bpm" }?.value == "132")

        let after = try #require(try explainer.fromStore(database, device: "band-1", rule: "heart_rate", atMs: Self.startMs + 300_000).first)
        #expect(after.phase == .inactive && after.verdict(timeZone: Self.zone) == "did not fire: hr_bpm > attr.hr_high or hr_bpm < attr.hr_low is false")
        #expect(throws: RuleEngine.ExplainError.unknownDevice("band-2")) {
            try explainer.fromStore(database, device: "band-2", rule: nil, atMs: Self.startMs)
        }
    }

    /// Without the readings of the device an inhibition's source watches, that device would
    /// look never heard, hence offline, and the explanation would show a hold-back that was not.
    @Test(arguments: StoreKind.allCases) func theReadingsOfDevicesThatCouldInhibitAreReplayedToo(kind: StoreKind) throws {
        let test = try TestStore(kind)
        defer { test.remove() }
        let database = test.store
        let bands = ["band-1", "band-2"].map { Device(id: $0, type: "wristband", community: "demo", building: "b01") }
        try database.upsertDevices(bands, source: "inventory", nowMs: 1)
        var batch = IngestBatch(journalPosition: 1)
        batch.readings = (0..<5).flatMap { minute in
            ["band-1", "band-2"].map { id in
                RetentionFixture.reading(id, type: "wristband", receivedAt: Self.startMs + Int64(minute) * 60_000, values: ["hr_bpm": .double(130)])
            }
        }
        _ = try database.store(batch)
        let explainer = try Self.explainer(Self.rulesYAML + """

              - id: band_offline
                match: {type: wristband}
                absent: {for: 3 * interval}
                severity: general
            inhibit:
              - {source: band_offline, targets: [heart_rate], equal: [building]}
            """, inventory: bands)
        let explanation = try #require(try explainer.fromStore(database, device: "band-1", rule: "heart_rate", atMs: Self.startMs + 270_000).first)
        #expect(explanation.inhibitions.map(\.source) == ["band_offline"])
        #expect(explanation.inhibitedBy == nil, "\(explanation.inhibitions)")
        #expect(explanation.phase == .pending)
    }
}
