import Foundation
import Indicators
import Testing

/// Periods as the director names them, bounded at midnight in the calendar's zone.
@Suite struct ReportPeriodTests {
    static let shanghai = TimeZone(identifier: "Asia/Shanghai") ?? .gmt

    @Test func parsesMonthsQuartersAndYears() throws {
        #expect(ReportPeriod(parsing: "2026-11") == ReportPeriod(kind: .month, year: 2026, firstMonth: 11))
        #expect(ReportPeriod(parsing: "2026-Q4") == ReportPeriod(kind: .quarter, year: 2026, firstMonth: 10))
        #expect(ReportPeriod(parsing: "2026-q1") == ReportPeriod(kind: .quarter, year: 2026, firstMonth: 1))
        #expect(ReportPeriod(parsing: "2026") == ReportPeriod(kind: .year, year: 2026, firstMonth: 1))
        for bad in ["2026-13", "2026-Q5", "2026-Q0", "26-11", "2026-1", "2026-11-01", "Q4", "", "2026-", "2026-Q"] {
            #expect(ReportPeriod(parsing: bad) == nil, "\(bad)")
        }
        #expect(try #require(ReportPeriod(parsing: "2026-03")).description == "2026-03")
        #expect(try #require(ReportPeriod(parsing: "2026-Q3")).description == "2026-Q3")
    }

    @Test func boundsAreLocalMidnights() throws {
        let november = try #require(ReportPeriod(parsing: "2026-11"))
        let (from, to) = november.bounds(in: Self.shanghai)
        // 2026-11-01T00:00+08:00 and 2026-12-01T00:00+08:00.
        #expect(from == 1_793_462_400_000)
        #expect(to == 1_796_054_400_000)
        let q4 = try #require(ReportPeriod(parsing: "2026-Q4")).bounds(in: Self.shanghai)
        #expect(q4.toMs == 1_798_732_800_000)   // 2027-01-01T00:00+08:00
    }

    @Test func stepsAcrossYearEnds() throws {
        let january = try #require(ReportPeriod(parsing: "2027-01"))
        #expect(january.advanced(by: -1).description == "2026-12")
        #expect(january.withPrevious(6).map(\.description) == ["2026-07", "2026-08", "2026-09", "2026-10", "2026-11", "2026-12", "2027-01"])
        let q1 = try #require(ReportPeriod(parsing: "2027-Q1"))
        #expect(q1.withPrevious(2).map(\.description) == ["2026-Q3", "2026-Q4", "2027-Q1"])
        #expect(try #require(ReportPeriod(parsing: "2026")).advanced(by: -6).description == "2020")
    }

    @Test func findsThePeriodHoldingAMoment() {
        // 2026-10-31T23:30+08:00: October in Shanghai; an hour later it is November there,
        // though still October in UTC.
        let lateOctober: Int64 = 1_793_460_600_000
        #expect(ReportPeriod.containing(lateOctober, kind: .month, zone: Self.shanghai).description == "2026-10")
        #expect(ReportPeriod.containing(lateOctober + 3_600_000, kind: .month, zone: Self.shanghai).description == "2026-11")
        #expect(ReportPeriod.containing(lateOctober, kind: .quarter, zone: Self.shanghai).description == "2026-Q4")
        #expect(ReportPeriod.containing(lateOctober, kind: .year, zone: Self.shanghai).description == "2026")
    }
}
