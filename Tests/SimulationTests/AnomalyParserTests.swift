import Foundation
import Testing
import Simulation

/// Specs as typed on the command line: offsets, absolute times, durations, errors.
@Suite("Anomaly specs")
struct AnomalyParserTests {
    let start = Fixture.start

    @Test func offsetWithDefaultDuration() throws {
        let a = try AnomalyParser.parse("smoke@10m", start: start)
        #expect(a.kind == .smoke)
        #expect(a.deviceID == nil)
        #expect(a.at == start.addingTimeInterval(600))
        #expect(a.duration == AnomalyKind.smoke.defaultDuration)
    }

    @Test func deviceAndDuration() throws {
        let a = try AnomalyParser.parse("silence:door-0003@1h+6h", start: start)
        #expect(a.kind == .silence)
        #expect(a.deviceID == "door-0003")
        #expect(a.at == start.addingTimeInterval(3600))
        #expect(a.duration == 6 * 3600)
        let b = try AnomalyParser.parse("fall:wb-0042@2h", start: start)
        #expect(b.kind == .fall && b.deviceID == "wb-0042" && b.at == start.addingTimeInterval(7200))
    }

    @Test func compoundAndDecimalDurations() throws {
        // The grammar itself is DurationText's (FormatsTests); here, that specs use all of it.
        let week = try AnomalyParser.parse("leak@1.5h+1w", start: start)
        #expect(week.at == start.addingTimeInterval(5400) && week.duration == 604_800)
        let minutes = try AnomalyParser.parse("smoke@10min+250ms", start: start)
        #expect(minutes.at == start.addingTimeInterval(600) && minutes.duration == 0.25)
        #expect(throws: AnomalyParseError.self) { try AnomalyParser.parse("smoke@1h30", start: start) }
        let a = try AnomalyParser.parse("heart_rate@+1h30m+0s", start: start)
        #expect(a.at == start.addingTimeInterval(5400) && a.duration == 0)
    }

    @Test func absoluteTimes() throws {
        let a = try AnomalyParser.parse("leak@2026-11-22T06:30:00+08:00", start: start)
        #expect(a.at == start.addingTimeInterval(6.5 * 3600))
        #expect(a.duration == AnomalyKind.leak.defaultDuration)
        let b = try AnomalyParser.parse("forced-door:door-b01-0101@2026-11-21T22:30:00Z+15m", start: start)
        #expect(b.kind == .forcedDoor && b.deviceID == "door-b01-0101")
        #expect(b.at == start.addingTimeInterval(6.5 * 3600) && b.duration == 900)
    }

    @Test func everyKindParsesByItsName() throws {
        for kind in AnomalyKind.allCases {
            #expect(try AnomalyParser.parse("\(kind.rawValue)@1m", start: start).kind == kind)
        }
    }

    @Test(arguments: ["smoke", "smoke@", "fire@10m", "smoke:@10m", "smoke@10q", "smoke@10m+", "smoke@10m+abc",
                      "leak@2026-13-01T00:00:00Z", "fall:wb/1@1m"])
    func rejectsBadSpecs(spec: String) {
        #expect(throws: AnomalyParseError.self) { try AnomalyParser.parse(spec, start: start) }
    }

    @Test func errorsExplainThemselves() {
        do {
            _ = try AnomalyParser.parse("fire@10m", start: start)
            Issue.record("accepted an unknown kind")
        } catch {
            #expect("\(error)".contains("unknown kind 'fire'"))
            #expect("\(error)".contains("heart_rate"))
        }
    }
}
