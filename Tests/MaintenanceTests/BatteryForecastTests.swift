import Maintenance
import Testing

/// Run-out forecasts on simulated histories: noise, wild readings, a new battery, a daily
/// charger, too little data and a flat battery.
@Suite("Battery forecast")
struct BatteryForecastTests {
    let settings = BatterySettings()
    let dayMs = BatteryHistory.dayMs
    let startMs = BatteryHistory.startMs

    @Test func steadyDrainWithNoise() {
        var simulated = BatteryHistory()
        // 80 % falling 1 point a day for 30 days: 5 % is reached on day 75.
        let history = simulated.draining(days: 30, startPercent: 80, drainPerDay: 1, noisePercent: 3)
        let now = startMs + 30 * dayMs
        let forecast = BatteryForecast(history: history, nowMs: now, settings: settings)
        #expect(forecast.state == .forecast)
        #expect(forecast.samples == history.count)
        #expect(abs((forecast.drainPerDay ?? 0) - 1) < 0.1)
        #expect(abs((forecast.levelPercent ?? 0) - 50) < 2)
        let runOutDay = Double((forecast.runOutAtMs ?? 0) - startMs) / Double(dayMs)
        #expect(abs(runOutDay - 75) < 3)
        #expect(forecast.isDue(nowMs: startMs + 69 * dayMs, leadMs: 7 * dayMs))
        #expect(!forecast.isDue(nowMs: startMs + 60 * dayMs, leadMs: 7 * dayMs))
        #expect(forecast.replacedAtMs == nil)
    }

    @Test func wildReadingsDoNotTiltTheLine() {
        var simulated = BatteryHistory()
        var history = simulated.draining(days: 20, startPercent: 60, drainPerDay: 0.5, noisePercent: 1)
        // One reading in ten is garbage: 0 % (a brown-out) or 100 % (a bad ADC read).
        for i in stride(from: 3, to: history.count, by: 10) { history[i].percent = i % 20 == 3 ? 0 : 100 }
        let forecast = BatteryForecast(history: history, nowMs: startMs + 20 * dayMs, settings: settings)
        #expect(forecast.state == .forecast)
        #expect(forecast.replacedAtMs == nil, "a lone 100 % reading that falls back is no new battery")
        #expect(abs((forecast.drainPerDay ?? 0) - 0.5) < 0.1)
        #expect(abs((forecast.levelPercent ?? 0) - 50) < 2)
    }

    @Test func replacementMidHistoryStartsAFreshLine() {
        var simulated = BatteryHistory()
        // The old battery drains fast down to 10 %, then a new one drains slowly from 95 %.
        let old = simulated.draining(days: 20, startPercent: 50, drainPerDay: 2)
        let new = simulated.draining(fromMs: startMs + 20 * dayMs, days: 15, startPercent: 95, drainPerDay: 0.3)
        let forecast = BatteryForecast(history: old + new, nowMs: startMs + 35 * dayMs, settings: settings)
        #expect(forecast.state == .forecast)
        #expect(forecast.replacedAtMs == startMs + 20 * dayMs)
        #expect(forecast.samples == new.count)
        #expect(abs((forecast.drainPerDay ?? 0) - 0.3) < 0.03, "\(forecast)")
        // 90 points at 0.3 a day from day 20: day 320.
        let runOutDay = Double((forecast.runOutAtMs ?? 0) - startMs) / Double(dayMs)
        #expect(runOutDay > 290 && runOutDay < 355, "\(runOutDay)")
    }

    @Test func dailyChargedWristbandGivesNoForecast() {
        var simulated = BatteryHistory()
        // Worn for 18 h losing 4 points an hour, then charged for 6 h, every day.
        var history: [BatterySample] = []
        for day in 0..<14 {
            let dayStart = startMs + Int64(day) * dayMs
            history += simulated.draining(fromMs: dayStart, days: 1, startPercent: 95, drainPerDay: 96, noisePercent: 1)
                .prefix(18)
            history += (0..<6).map { BatterySample(atMs: dayStart + Int64(18 + $0) * BatteryHistory.hourMs, percent: Double(25 + 14 * $0)) }
        }
        let forecast = BatteryForecast(history: history, nowMs: startMs + 14 * dayMs - BatteryHistory.hourMs * 7, settings: settings)
        #expect(forecast.state == .notEnoughData)
        #expect(forecast.runOutAtMs == nil)
        #expect(forecast.replacedAtMs != nil)
        #expect(BatteryReplacement.detect(in: history, settings: settings).count == 14)
    }

    @Test func tooLittleData() {
        var simulated = BatteryHistory()
        let hours = simulated.draining(days: 2, startPercent: 90, drainPerDay: 5)
        #expect(BatteryForecast(history: hours, nowMs: startMs + 2 * dayMs, settings: settings).state == .notEnoughData)
        let few = simulated.draining(days: 10, startPercent: 90, drainPerDay: 5, everyMs: 3 * dayMs)
        #expect(few.count < settings.minimumSamples)
        #expect(BatteryForecast(history: few, nowMs: startMs + 10 * dayMs, settings: settings).state == .notEnoughData)
        #expect(BatteryForecast(history: [], nowMs: startMs, settings: settings).samples == 0)
    }

    @Test func flatBatteryHasNoRunOut() {
        var simulated = BatteryHistory()
        let history = simulated.draining(days: 30, startPercent: 97, drainPerDay: 0, noisePercent: 2)
        let forecast = BatteryForecast(history: history, nowMs: startMs + 30 * dayMs, settings: settings)
        #expect(forecast.state == .noRunOut)
        #expect(forecast.runOutAtMs == nil)
        #expect(!forecast.isDue(nowMs: startMs + 1000 * dayMs, leadMs: 7 * dayMs))
    }

    @Test func readingsAfterNowAreIgnoredAndLongHistoriesThinned() {
        var simulated = BatteryHistory()
        let history = simulated.draining(days: 120, startPercent: 100, drainPerDay: 0.5, everyMs: BatteryHistory.hourMs / 2)
        let forecast = BatteryForecast(history: history, nowMs: startMs + 60 * dayMs, settings: settings)
        #expect(forecast.samples == 60 * 48 + 1)
        #expect(abs((forecast.drainPerDay ?? 0) - 0.5) < 0.05)
    }
}
