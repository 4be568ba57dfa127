import Devices
import Formats
import Foundation
import Rules
import Simulation
import Testing

/// Small rule sets written as YAML, loaded with the real parser and device types, and the
/// engine driven by hand in virtual time.
enum EngineFixture {
    /// 2026-01-05T00:00:00Z, a Monday (08:00 in Shanghai, the rules' default time zone).
    static let t0: Int64 = 1_767_571_200_000
    static let second: Int64 = 1000
    static let minute: Int64 = 60_000
    static let hour: Int64 = 3_600_000

    /// The real device types of `devices/` (three levels up from this file).
    static let catalog: DeviceTypeCatalog = {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        var diagnostics = DiagnosticList()
        let catalog = DeviceTypeCatalog.load(directory: root.appendingPathComponent("devices").path, diagnostics: &diagnostics)
        precondition(!diagnostics.hasErrors, "devices/: \(diagnostics.items)")
        return catalog
    }()

    /// Loads `yaml` as one rule file (written to a temporary file); errors fail the test.
    static func rules(_ yaml: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> RuleSet {
        let (set, diagnostics) = try load(yaml)
        #expect(diagnostics.errors.isEmpty, "\(diagnostics.errors.map(\.description).joined(separator: "\n"))", sourceLocation: sourceLocation)
        return set
    }

    /// Loads `yaml` as one rule file and returns what the parser said, errors included.
    static func load(_ yaml: String) throws -> (RuleSet, DiagnosticList) {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("gridwatch-engine-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("rules.yaml").path
        try yaml.write(toFile: file, atomically: true, encoding: .utf8)
        var diagnostics = DiagnosticList()
        let set = RuleFileParser.load(files: [file], catalog: catalog, tiers: ["emergency", "general", "complex"], diagnostics: &diagnostics)
        return (set, diagnostics)
    }

    static func engine(_ set: RuleSet, _ devices: [Device], startMs: Int64 = t0) -> RuleEngine {
        RuleEngine(ruleSet: set, catalog: catalog, devices: devices, startMs: startMs)
    }

    static func band(_ id: String, community: String = "demo", building: String = "b01") -> Device {
        Device(id: id, type: "wristband", community: community, building: building)
    }

    static func reading(_ device: String, at atMs: Int64, _ values: JSONFields) -> RuleReading {
        RuleReading(deviceID: device, atMs: atMs, values: values)
    }

    /// `kind rule device @offset` per event, offsets from `t0` in whole seconds: compact to compare.
    static func describe(_ events: [AlertEvent]) -> [String] {
        events.map { event in
            let kind = event.kind.rawValue.replacingOccurrences(of: "alert_", with: "")
            let inhibited = event.inhibitedBy.map { " inhibited by \($0)" } ?? ""
            return "\(kind) \(event.ruleID) \(event.deviceID) @\((event.atMs - t0) / second)s\(inhibited)"
        }
    }
}

/// The engine end to end: attribute inheritance, inhibition, the broker link and absence, reload, manual resolution, event order.
@Suite struct RuleEngineTests {
    typealias F = EngineFixture
    static let t0 = F.t0, second = F.second, minute = F.minute, hour = F.hour

    // MARK: - attributes

    static let inheritanceRules = """
        attributes: {hr_high: 100, hr_low: 40}
        overrides:
          communities: {north: {hr_high: 110}}
          buildings: {b2: {hr_high: 120}}
          devices: {wb-4: {hr_high: 130}}
        rules:
          - id: hr_high
            match: {type: wristband}
            when: hr_bpm > attr.hr_high
            severity: general
        """

    @Test func attributesInheritDefaultsThenCommunityThenBuildingThenDevice() throws {
        let set = try F.rules(Self.inheritanceRules)
        let devices = [
            F.band("wb-1", community: "south", building: "b1"),  // default 100
            F.band("wb-2", community: "north", building: "b1"),  // community 110
            F.band("wb-3", community: "north", building: "b2"),  // building 120 beats community
            F.band("wb-4", community: "north", building: "b2"),  // device 130 beats all
            F.band("wb-5", community: "south", building: "b2"),  // building 120 beats the default
        ]
        for (device, high) in zip(devices, [100.0, 110, 120, 130, 120]) {
            #expect(set.attributes(for: device) == ["hr_high": .number(high), "hr_low": .number(40)], "\(device.id)")
        }
        var engine = F.engine(set, devices)
        var firingAt: [Int: [String]] = [:]
        for (step, bpm) in [105, 115, 125, 135].enumerated() {
            let at = Self.t0 + Int64(step) * Self.minute
            for device in devices { _ = engine.readingArrived(F.reading(device.id, at: at, ["hr_bpm": .int(Int64(bpm))])) }
            firingAt[bpm] = engine.firing.map(\.device).sorted()
        }
        #expect(firingAt[105] == ["wb-1"])
        #expect(firingAt[115] == ["wb-1", "wb-2"])
        #expect(firingAt[125] == ["wb-1", "wb-2", "wb-3", "wb-5"])
        #expect(firingAt[135] == ["wb-1", "wb-2", "wb-3", "wb-4", "wb-5"])
    }

    /// `for: attr.door_open_max` takes each device's own value: default 10m, door-2
    /// overridden to 20m, both open from t0 and reporting every 5 minutes.
    @Test
    func holdNamedByAnAttributeFollowsTheDevicesOverride() throws {
        let set = try F.rules("""
            attributes: {door_open_max: 10m}
            overrides:
              devices: {door-2: {door_open_max: 20m}}
            rules:
              - id: door_left_open
                match: {type: door}
                when: open
                for: attr.door_open_max
                severity: general
            """)
        let doors = ["door-1", "door-2"].map { Device(id: $0, type: "door", community: "demo", building: "b01") }
        var engine = F.engine(set, doors)
        var events: [AlertEvent] = []
        for step in 0...4 {
            for door in doors { events += engine.readingArrived(F.reading(door.id, at: Self.t0 + Int64(step) * 5 * Self.minute, ["open": .bool(true)])) }
        }
        #expect(F.describe(events.filter { $0.kind == .firing }) == ["firing door_left_open door-1 @600s", "firing door_left_open door-2 @1200s"])
    }

    // MARK: - inhibition

    static let deviceInhibitionRules = """
        inhibit:
          - {source: band_power_low, targets: [hr_high], equal: [device]}
        rules:
          - id: band_power_low
            match: {type: wristband}
            when: battery < 5
            severity: general
          - id: hr_high
            match: {type: wristband}
            when: hr_bpm > 150
            severity: general
        """

    @Test func inhibitionMarksTheTargetFiringOnTheSameDeviceWhileTheSourceFires() throws {
        var engine = F.engine(try F.rules(Self.deviceInhibitionRules), [F.band("wb-1"), F.band("wb-2")])
        var events: [AlertEvent] = []
        func send(_ device: String, _ minutes: Int64, battery: Int64, bpm: Int64) {
            events += engine.readingArrived(F.reading(device, at: Self.t0 + minutes * Self.minute, ["battery": .int(battery), "hr_bpm": .int(bpm)]))
        }
        send("wb-1", 0, battery: 3, bpm: 80)
        send("wb-1", 1, battery: 3, bpm: 160)    // wb-1's own source fires: held back
        send("wb-2", 1, battery: 80, bpm: 160)   // another device: not held back
        send("wb-1", 2, battery: 50, bpm: 160)   // the source resolves; the target stays as it was
        send("wb-1", 3, battery: 50, bpm: 80)
        send("wb-1", 4, battery: 50, bpm: 160)   // fires again, now nothing holds it back
        #expect(F.describe(events) == [
            "firing band_power_low wb-1 @0s",
            "firing hr_high wb-1 @60s inhibited by band_power_low",
            "firing hr_high wb-2 @60s",
            "resolved band_power_low wb-1 @120s",
            "resolved hr_high wb-1 @180s",
            "firing hr_high wb-1 @240s",
        ])
    }

    @Test func inhibitionByBuildingHoldsBackTargetsOfOtherDevicesInTheSameBuildingOnly() throws {
        let set = try F.rules("""
            inhibit:
              - {source: smoke_alarm, targets: [door_open], equal: [building]}
            rules:
              - id: smoke_alarm
                match: {type: smoke}
                when: alarm
                clear: manual
                severity: emergency
              - id: door_open
                match: {type: door}
                when: open
                severity: general
            """)
        let devices = [
            Device(id: "smoke-b01", type: "smoke", community: "demo", building: "b01"),
            Device(id: "door-b01", type: "door", community: "demo", building: "b01"),
            Device(id: "door-b02", type: "door", community: "demo", building: "b02"),
            Device(id: "door-other-b01", type: "door", community: "other", building: "b01"),  // same building name, other community
        ]
        var engine = F.engine(set, devices)
        var events = engine.readingArrived(F.reading("smoke-b01", at: Self.t0, ["alarm": .bool(true)]))
        for door in ["door-b01", "door-b02", "door-other-b01"] {
            events += engine.readingArrived(F.reading(door, at: Self.t0 + Self.minute, ["open": .bool(true)]))
        }
        events += engine.resolveManually(rule: "smoke_alarm", device: "smoke-b01", at: Self.t0 + 2 * Self.minute)
        events += engine.readingArrived(F.reading("door-b01", at: Self.t0 + 3 * Self.minute, ["open": .bool(false)]))
        events += engine.readingArrived(F.reading("door-b01", at: Self.t0 + 4 * Self.minute, ["open": .bool(true)]))
        #expect(F.describe(events) == [
            "firing smoke_alarm smoke-b01 @0s",
            "firing door_open door-b01 @60s inhibited by smoke_alarm",
            "firing door_open door-b02 @60s",
            "firing door_open door-other-b01 @60s",
            "resolved smoke_alarm smoke-b01 @120s",
            "resolved door_open door-b01 @180s",
            "firing door_open door-b01 @240s",
        ])
    }

    /// The inhibition target listed before its source in the file.
    static let targetBeforeSource = """
        inhibit:
          - {source: band_power_low, targets: [hr_high], equal: [device]}
        rules:
          - id: hr_high
            match: {type: wristband}
            when: hr_bpm > 150
            severity: general
          - id: band_power_low
            match: {type: wristband}
            when: battery < 5
            severity: general
        """

    /// Whether a target is held back must not depend on the order of the rules in the file:
    /// with the target listed first and one reading making both true, the target's firing
    /// event is still marked (it once was not: its event was built before the source fired).
    @Test
    func inhibitionDoesNotDependOnRuleOrderWhenBothFireOnOneReading() throws {
        let set = try F.rules(Self.targetBeforeSource)
        var engine = F.engine(set, [F.band("wb-1")])
        let events = engine.readingArrived(F.reading("wb-1", at: Self.t0, ["battery": .int(3), "hr_bpm": .int(160)]))
        #expect(F.describe(events).sorted() == ["firing band_power_low wb-1 @0s", "firing hr_high wb-1 @0s inhibited by band_power_low"])
    }

    @Test func inhibitionWorksWhateverTheRuleOrderOnceTheSourceIsFiring() throws {
        // The same rules as above, but the source fired on an earlier reading.
        let set = try F.rules(Self.targetBeforeSource)
        var engine = F.engine(set, [F.band("wb-1")])
        var events = engine.readingArrived(F.reading("wb-1", at: Self.t0, ["battery": .int(3), "hr_bpm": .int(80)]))
        events += engine.readingArrived(F.reading("wb-1", at: Self.t0 + Self.minute, ["battery": .int(3), "hr_bpm": .int(160)]))
        #expect(F.describe(events) == ["firing band_power_low wb-1 @0s", "firing hr_high wb-1 @60s inhibited by band_power_low"])
    }

    // MARK: - the broker link and absence

    static let absenceRules = """
        rules:
          - id: band_offline
            match: {type: wristband}
            absent: {for: 3 * interval}
            severity: general
        """

    @Test func silentDeviceIsAbsentExactlyAfterItsSilencePeriod() throws {
        var engine = F.engine(try F.rules(Self.absenceRules), [F.band("wb-1")])
        var events = engine.readingArrived(F.reading("wb-1", at: Self.t0, ["hr_bpm": .int(70)]))
        events += engine.advance(to: Self.t0 + 3 * Self.minute - 1)
        #expect(events.isEmpty)
        events += engine.advance(to: Self.t0 + 10 * Self.minute)
        events += engine.readingArrived(F.reading("wb-1", at: Self.t0 + 11 * Self.minute, ["hr_bpm": .int(70)]))
        #expect(F.describe(events) == ["firing band_offline wb-1 @180s", "resolved band_offline wb-1 @660s"])
    }

    @Test func deviceThatCameBackIsWatchedForTheNextSilence() throws {
        var engine = F.engine(try F.rules(Self.absenceRules), [F.band("wb-1")])
        var events = engine.readingArrived(F.reading("wb-1", at: Self.t0, ["hr_bpm": .int(70)]))
        events += engine.readingArrived(F.reading("wb-1", at: Self.t0 + 10 * Self.minute, ["hr_bpm": .int(70)]))
        events += engine.advance(to: Self.t0 + 30 * Self.minute)
        #expect(F.describe(events) == ["firing band_offline wb-1 @180s", "resolved band_offline wb-1 @600s", "firing band_offline wb-1 @780s"])
    }

    @Test func resolvingAnAbsenceByHandGivesTheDeviceAFullSilencePeriodFromThen() throws {
        var engine = F.engine(try F.rules(Self.absenceRules), [F.band("wb-1")])
        var events = engine.readingArrived(F.reading("wb-1", at: Self.t0, ["hr_bpm": .int(70)]))
        events += engine.resolveManually(rule: "band_offline", device: "wb-1", at: Self.t0 + 5 * Self.minute)
        events += engine.advance(to: Self.t0 + 8 * Self.minute - 1)
        #expect(F.describe(events) == ["firing band_offline wb-1 @180s", "resolved band_offline wb-1 @300s"])
        events += engine.advance(to: Self.t0 + 10 * Self.minute)
        #expect(F.describe(events).last == "firing band_offline wb-1 @480s", "still silent 3 minutes after the resolution")
    }

    @Test func linkDownHoldsBackAbsenceAndLinkUpGivesEveryDeviceAFullSilencePeriod() throws {
        var engine = F.engine(try F.rules(Self.absenceRules), [F.band("wb-1"), F.band("wb-2")])
        var events: [AlertEvent] = []
        events += engine.readingArrived(F.reading("wb-1", at: Self.t0, ["hr_bpm": .int(70)]))
        events += engine.readingArrived(F.reading("wb-2", at: Self.t0, ["hr_bpm": .int(70)]))
        events += engine.linkChanged(up: false, at: Self.t0 + 1 * Self.minute)
        events += engine.advance(to: Self.t0 + 10 * Self.minute)
        #expect(events.isEmpty, "nobody is absent while our own link is down: \(F.describe(events))")
        #expect(!engine.linkUp)

        events += engine.linkChanged(up: true, at: Self.t0 + 10 * Self.minute)
        events += engine.readingArrived(F.reading("wb-2", at: Self.t0 + 12 * Self.minute, ["hr_bpm": .int(70)]))
        events += engine.advance(to: Self.t0 + 13 * Self.minute - 1)
        #expect(events.isEmpty, "3 minutes from link up, not from the last reading: \(F.describe(events))")
        events += engine.advance(to: Self.t0 + 20 * Self.minute)
        #expect(F.describe(events) == ["firing band_offline wb-1 @780s", "firing band_offline wb-2 @900s"])
    }

    @Test func absenceDueBeforeTheLinkWentDownStillFires() throws {
        var engine = F.engine(try F.rules(Self.absenceRules), [F.band("wb-1")])
        var events = engine.readingArrived(F.reading("wb-1", at: Self.t0, ["hr_bpm": .int(70)]))
        events += engine.linkChanged(up: false, at: Self.t0 + 5 * Self.minute)
        #expect(F.describe(events) == ["firing band_offline wb-1 @180s"])
        events += engine.linkChanged(up: false, at: Self.t0 + 6 * Self.minute)
        events += engine.linkChanged(up: true, at: Self.t0 + 7 * Self.minute)
        events += engine.advance(to: Self.t0 + 30 * Self.minute)
        #expect(events.count == 1, "already firing: no second alert after the link is back: \(F.describe(events))")
    }

    @Test func deviceNeverHeardIsAbsentOneSilencePeriodAfterTheEngineStarted() throws {
        var engine = F.engine(try F.rules(Self.absenceRules), [F.band("wb-1")])
        #expect(F.describe(engine.advance(to: Self.t0 + Self.hour)) == ["firing band_offline wb-1 @180s"])
    }

    // MARK: - reload

    static let reloadRulesBefore = """
        rules:
          - id: sos
            match: {type: wristband}
            when: sos
            clear: manual
            severity: emergency
          - id: fall
            match: {type: wristband}
            when: fall
            clear: manual
            severity: emergency
          - id: hr_hold
            match: {type: wristband}
            when: hr_bpm > 150
            for: 5m
            severity: general
          - id: not_worn
            match: {type: wristband}
            when: not worn
            severity: general
        """

    /// `sos` and `hr_hold` unchanged (moved, with a comment), `fall` edited, `not_worn` removed.
    static let reloadRulesAfter = """
        rules:
          - id: fall
            match: {type: wristband}
            when: fall
            clear: manual
            severity: emergency
            title: Fall detected
          # moved below, otherwise the same
          - id: hr_hold
            match: {type: wristband}
            when: hr_bpm > 150
            for: 5m
            severity: general
          - id: sos
            match: {type: wristband}
            when: sos
            clear: manual
            severity: emergency
        """

    @Test func reloadKeepsTheStateOfUnchangedRulesAndDropsThatOfChangedAndRemovedOnes() throws {
        var engine = F.engine(try F.rules(Self.reloadRulesBefore), [F.band("wb-1")])
        var events = engine.readingArrived(F.reading("wb-1", at: Self.t0, ["sos": .bool(true), "fall": .bool(true), "worn": .bool(false), "hr_bpm": .int(80)]))
        events += engine.readingArrived(F.reading("wb-1", at: Self.t0 + Self.minute, ["sos": .bool(false), "fall": .bool(false), "worn": .bool(false), "hr_bpm": .int(160)]))
        #expect(F.describe(events) == ["firing sos wb-1 @0s", "firing fall wb-1 @0s", "firing not_worn wb-1 @0s", "pending hr_hold wb-1 @60s"])

        engine.reload(try F.rules(Self.reloadRulesAfter))
        #expect(engine.phase(rule: "sos", device: "wb-1") == .firing)
        #expect(engine.phase(rule: "hr_hold", device: "wb-1") == .pending)
        #expect(engine.phase(rule: "fall", device: "wb-1") == .inactive, "an edited rule starts over")
        #expect(!engine.instances.keys.contains { $0.rule == "not_worn" }, "a removed rule's state is gone")

        // The kept hold still counts from 1 min: it completes on its timer at 6 min.
        events = []
        for step in Int64(2)...5 {
            events += engine.readingArrived(F.reading("wb-1", at: Self.t0 + step * Self.minute, ["sos": .bool(false), "fall": .bool(false), "worn": .bool(true), "hr_bpm": .int(160)]))
        }
        events += engine.advance(to: Self.t0 + 6 * Self.minute)
        #expect(F.describe(events) == ["firing hr_hold wb-1 @360s"])
        #expect(engine.phase(rule: "sos", device: "wb-1") == .firing, "manual: still waiting for a person")
    }

    @Test func reloadWithAnIdenticalSetChangesNothing() throws {
        var engine = F.engine(try F.rules(Self.reloadRulesBefore), [F.band("wb-1")])
        _ = engine.readingArrived(F.reading("wb-1", at: Self.t0, ["sos": .bool(true), "fall": .bool(false), "worn": .bool(false), "hr_bpm": .int(160)]))
        let before = engine.instances
        engine.reload(try F.rules(Self.reloadRulesBefore))
        #expect(engine.instances == before)
    }

    // MARK: - manual resolution

    @Test func resolveManuallyEndsAManualAlertWhichMayThenFireAgain() throws {
        let set = try F.rules("""
            rules:
              - id: sos
                match: {type: wristband}
                when: sos
                clear: manual
                severity: emergency
            """)
        var engine = F.engine(set, [F.band("wb-1"), F.band("wb-2")])
        var events = engine.readingArrived(F.reading("wb-1", at: Self.t0, ["sos": .bool(true)]))
        for step in Int64(1)...4 { events += engine.readingArrived(F.reading("wb-1", at: Self.t0 + step * Self.minute, ["sos": .bool(false)])) }
        #expect(engine.phase(rule: "sos", device: "wb-1") == .firing, "false readings do not clear a manual alert")
        events += engine.resolveManually(rule: "sos", device: "wb-1", at: Self.t0 + 5 * Self.minute + 30 * Self.second)
        #expect(engine.phase(rule: "sos", device: "wb-1") == .inactive)
        #expect(engine.resolveManually(rule: "sos", device: "wb-2", at: Self.t0 + 6 * Self.minute).isEmpty, "nothing to resolve")
        #expect(engine.resolveManually(rule: "no_such_rule", device: "wb-1", at: Self.t0 + 6 * Self.minute).isEmpty)
        events += engine.readingArrived(F.reading("wb-1", at: Self.t0 + 7 * Self.minute, ["sos": .bool(true)]))
        #expect(F.describe(events) == ["firing sos wb-1 @0s", "resolved sos wb-1 @330s", "firing sos wb-1 @420s"])
    }

    // MARK: - timers

    /// Firing with `clear: {when: hr_bpm < 100, for: 10m}` on a wristband (tolerance 2 min),
    /// one clear-true reading at 1 min, then silence: `advance` must return (a stale clear
    /// hold is unknown, the alert stays firing), and a later clear run of 10 minutes resolves.
    @Test
    func staleClearHoldDoesNotStopTheClock() throws {
        let set = try F.rules("""
            rules:
              - id: hr_high
                match: {type: wristband}
                when: hr_bpm > 150
                clear:
                  when: hr_bpm < 100
                  for: 10m
                severity: general
            """)
        var engine = F.engine(set, [F.band("wb-1")])
        var events = engine.readingArrived(F.reading("wb-1", at: Self.t0, ["hr_bpm": .int(160)]))
        events += engine.readingArrived(F.reading("wb-1", at: Self.t0 + Self.minute, ["hr_bpm": .int(90)]))
        events += engine.advance(to: Self.t0 + 30 * Self.minute)
        #expect(engine.phase(rule: "hr_high", device: "wb-1") == .firing)
        for minutes in Int64(31)...41 {
            events += engine.readingArrived(F.reading("wb-1", at: Self.t0 + minutes * Self.minute, ["hr_bpm": .int(90)]))
        }
        #expect(F.describe(events) == ["firing hr_high wb-1 @0s", "resolved hr_high wb-1 @2460s"])
    }

    @Test func holdCompletesOnItsTimerBetweenReadings() throws {
        let set = try F.rules("""
            rules:
              - id: hr_hold
                match: {type: wristband}
                when: hr_bpm > 150
                for: 90s
                severity: general
            """)
        var engine = F.engine(set, [F.band("wb-1")])
        var events = engine.readingArrived(F.reading("wb-1", at: Self.t0, ["hr_bpm": .int(160)]))
        events += engine.readingArrived(F.reading("wb-1", at: Self.t0 + Self.minute, ["hr_bpm": .int(160)]))
        events += engine.advance(to: Self.t0 + 2 * Self.minute)
        #expect(F.describe(events) == ["pending hr_hold wb-1 @0s", "firing hr_hold wb-1 @90s"])
    }

    /// "Outside [the active window] the rule starts nothing new": not on a reading, and not
    /// on the timer that completes a hold either. Active 23:00–05:00 (Shanghai), `for: 45m`,
    /// water meter (tolerance 30 min), flow at 04:20, 04:35, 04:50 local; the hold would end
    /// at 05:05, after the window closed.
    @Test
    func holdCompletingAfterTheActiveWindowClosedDoesNotFire() throws {
        let set = try F.rules("""
            rules:
              - id: night_flow
                match: {type: water_meter}
                when: flow_lph > 30
                for: 45m
                active: {from: "23:00", to: "05:00"}
                severity: general
            """)
        var engine = F.engine(set, [Device(id: "wm-1", type: "water_meter", community: "demo", building: "b01")])
        let localMidnight = Self.t0 - 8 * Self.hour + Self.hour * 24  // 2026-01-06 00:00 in Shanghai
        var events: [AlertEvent] = []
        for minutes: Int64 in [260, 275, 290, 305, 320] {  // 04:20 ... 05:20
            events += engine.readingArrived(F.reading("wm-1", at: localMidnight + minutes * Self.minute, ["flow_lph": .int(50)]))
        }
        #expect(!events.contains { $0.kind == .firing }, "\(F.describe(events))")
    }

    // MARK: - order

    @Test func eventsComeOutInTimeOrderAcrossManyDevices() throws {
        let set = try F.rules("""
            rules:
              - id: hr_hold
                match: {type: wristband}
                when: hr_bpm > 150
                for: 3m
                clear: {quiet_for: 5m}
                severity: general
              - id: band_offline
                match: {type: wristband}
                absent: {for: 3 * interval}
                severity: general
              - id: low_battery
                match: {type: wristband}
                when: battery < 20
                for: 150s
                severity: general
            """)
        let devices = (0..<60).map { F.band("wb-\($0)", building: "b\($0 % 4)") }
        var engine = F.engine(set, devices)
        var random = SplitMix64(seed: 42)
        var events: [AlertEvent] = []
        var batchesOutOfOrder = 0
        // Each device reports every minute at its own offset, with runs of high heart rate and
        // its own moment to fall silent; big advances in between fire many timers at once.
        for step in Int64(0)..<40 {
            var batch: [(Int64, RuleReading)] = []
            for (index, device) in devices.enumerated() where step < 20 + Int64(index % 17) {
                let at = Self.t0 + step * Self.minute + Int64(index) * 997
                let bpm: Int64 = (step / 4 + Int64(index)) % 3 == 0 ? 160 : 70 + Int64(random.next() % 20)
                batch.append((at, F.reading(device.id, at: at, ["hr_bpm": .int(bpm), "battery": .int(Int64(random.next() % 100))])))
            }
            for (_, reading) in batch.sorted(by: { $0.0 < $1.0 }) {
                let produced = engine.readingArrived(reading)
                if zip(produced, produced.dropFirst()).contains(where: { $0.atMs > $1.atMs }) { batchesOutOfOrder += 1 }
                events += produced
            }
            if step % 10 == 9 { events += engine.advance(to: Self.t0 + (step + 1) * Self.minute - 1) }  // just before the next round
        }
        events += engine.advance(to: Self.t0 + 2 * Self.hour)
        #expect(batchesOutOfOrder == 0)
        let outOfOrder = zip(events, events.dropFirst()).filter { $0.atMs > $1.atMs }
        #expect(outOfOrder.isEmpty, "\(outOfOrder.prefix(3).map { F.describe([$0.0, $0.1]) })")
        #expect(Set(events.map(\.deviceID)).count == devices.count)
        #expect(Set(events.map(\.kind)) == [.pending, .firing, .resolved])
        #expect(events.filter { $0.ruleID == "band_offline" && $0.kind == .firing }.count == devices.count)
    }
}

/// How many readings a second the engine takes with the shipped kinds of rules. Prints the figure and asserts nothing about time.
@Suite struct RuleEngineSpeedTests {
    @Test func readingsPerSecondThroughTheEngine() throws {
        typealias F = EngineFixture
        let set = try F.rules("""
            attributes: {hr_low: 45, hr_high: 120, battery_low: 20}
            inhibit:
              - {source: device_offline, targets: [heart_rate, low_battery], equal: [device]}
            rules:
              - id: heart_rate
                match: {type: wristband}
                require: worn
                when: hr_bpm > attr.hr_high or hr_bpm < attr.hr_low
                for: 2m
                clear:
                  when: attr.hr_low + 5 <= hr_bpm <= attr.hr_high - 5
                  for: 60s
                severity: general
              - id: fall_or_sos
                match: {type: wristband}
                when: sos or fall
                clear: manual
                severity: emergency
              - id: water_flow
                match: {type: water_meter}
                when: rate(total_m3, 30m) * 1000 > 30
                for: 1h
                clear:
                  when: rate(total_m3, 30m) * 1000 < 5
                  for: 15m
                severity: general
              - id: device_offline
                match: {type: any}
                absent: {for: 3 * interval}
                severity: general
              - id: low_battery
                match: {type: any}
                when: battery < attr.battery_low
                for: 1h
                clear: {when: battery > attr.battery_low + 10}
                severity: general
            """)
        let bands = (0..<800).map { EngineFixture.band("wb-\($0)", building: "b\($0 % 20)") }
        let meters = (0..<200).map { Device(id: "wm-\($0)", type: "water_meter", community: "demo", building: "b\($0 % 20)") }
        var random = SplitMix64(seed: 7)
        // 200 rounds of one reading per device, a minute apart: 200,000 readings, built first.
        var readings: [RuleReading] = []
        readings.reserveCapacity(200_000)
        var totals = [Double](repeating: 100, count: meters.count)
        for round in Int64(0)..<200 {
            let base = F.t0 + round * F.minute
            for (index, band) in bands.enumerated() {
                let r = random.next()
                let bpm: Int64 = r % 50 == 0 ? 140 : 60 + Int64(r % 40)
                readings.append(F.reading(band.id, at: base + Int64(index) * 50, [
                    "hr_bpm": .int(bpm), "worn": .bool(r % 97 != 0), "sos": .bool(r % 5000 == 0), "fall": .bool(false),
                    "battery": .int(Int64(100 - round / 4 - Int64(index % 90))),
                ]))
            }
            for (index, meter) in meters.enumerated() {
                totals[index] += Double(random.next() % 10) / 1000
                readings.append(F.reading(meter.id, at: base + 40_000 + Int64(index) * 50, [
                    "total_m3": .double(totals[index]), "flow_lph": .int(10), "battery": .int(80),
                ]))
            }
        }
        var engine = F.engine(set, bands + meters)
        var events = 0
        let clock = ContinuousClock()
        let elapsed = clock.measure {
            for reading in readings { events += engine.readingArrived(reading).count }
            events += engine.advance(to: F.t0 + 201 * F.minute).count
        }
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        print("RuleEngine: \(readings.count) readings through \(set.rules.count) rules on \(bands.count + meters.count) devices in "
              + "\(String(format: "%.3f", seconds)) s = \(Int(Double(readings.count) / seconds)) readings/s, \(events) events")
        #expect(events > 0)
    }
}
