/// One device's readings among the ids of a step: their ids ascending, the range of the
/// device times its clock was trusted for, with the id of the newest (the later stored on a
/// tie), the newest receipt, and the (device time, id) of the readings whose clock was not
/// trusted (`readings_off_clock`). With no trusted reading the range is empty: `minTs` above
/// every time, `maxTs` below.
struct ReadingRun: Sendable {
    let device: String
    var ids: [Int64] = []
    var minTs = Int64.max
    var maxTs = Int64.min
    var maxTsID: Int64 = 0
    var maxReceivedAt = Int64.min
    var offClock: [(Int64, Int64)] = []

    init(device: String) { self.device = device }

    mutating func add(id: Int64, deviceTimeMs: Int64, receivedAtMs: Int64, clockTrusted: Bool) {
        ids.append(id)
        maxReceivedAt = max(maxReceivedAt, receivedAtMs)
        guard clockTrusted else {
            offClock.append((deviceTimeMs, id))
            return
        }
        minTs = min(minTs, deviceTimeMs)
        if deviceTimeMs >= maxTs { maxTs = deviceTimeMs; maxTsID = id }
    }

    var idsJSON: String { "[" + ids.map(String.init).joined(separator: ",") + "]" }
}
