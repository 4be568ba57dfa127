import Foundation

/// How `simulate` maps the twin's simulated time onto the wall clock when publishing:
/// `--speed` simulated seconds per real second, or `--rate` messages per second whatever
/// the simulated time (0 for either: as fast as possible).
struct PublishClock: Sendable {
    let startMs: Int64
    let wallStart: Date
    let speed: Double
    let rate: Double?

    /// The longest single sleep: a ticket event must be able to cut a wait short quickly.
    static let sliceSeconds = 0.05

    init(startDate: Date, wallStart: Date, speed: Double, rate: Double?) {
        startMs = Int64((startDate.timeIntervalSince1970 * 1000).rounded())
        self.wallStart = wallStart
        self.speed = speed
        self.rate = rate
    }

    /// The simulated time at `wall` under `--speed`; nil when simulated time is not tied to
    /// the wall clock (`--rate`, or speed 0).
    func simulatedNowMs(at wall: Date = Date()) -> Int64? {
        guard rate == nil, speed > 0 else { return nil }
        return startMs + Int64((wall.timeIntervalSince(wallStart) * speed * 1000).rounded())
    }

    /// When a message due at simulated `dueMs`, after `published` others, should go out;
    /// nil for at once.
    func wallDue(forMs dueMs: Int64, published: Int) -> Date? {
        if let rate {
            guard rate > 0 else { return nil }
            return wallStart.addingTimeInterval(Double(published) / rate)
        }
        guard speed > 0 else { return nil }
        return wallStart.addingTimeInterval(Double(dueMs - startMs) / 1000 / speed)
    }

    /// Sleeps until the message is due, in short slices; false as soon as `interrupted`
    /// holds before then (the caller then re-plans), true once it is due.
    func wait(untilMs dueMs: Int64, published: Int, interrupted: () -> Bool) -> Bool {
        guard let due = wallDue(forMs: dueMs, published: published) else { return true }
        while true {
            let wait = due.timeIntervalSinceNow
            if wait <= 0.0005 { return true }
            if interrupted() { return false }
            usleep(UInt32(min(wait, Self.sliceSeconds) * 1_000_000))
        }
    }
}
