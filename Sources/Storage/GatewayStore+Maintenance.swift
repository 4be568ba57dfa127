import Devices
import Foundation
import Maintenance

/// What the maintenance round and the indicator "replacements made before failure" read: the
/// fleet's battery histories and self-tests, from the hourly roll-ups. They are kept for years
/// (`retention.rollup_1h`) where raw readings go after 90 days, and an hour is fine enough for
/// a battery that lasts months. Each read is one range scan for the whole fleet.
extension GatewayStore {
    /// Each device's battery history in `[fromMs, toMs)`: every hourly bucket's newest level at
    /// its time, oldest first. Devices that never reported a battery level are absent.
    public func batteryHistories(fromMs: Int64, toMs: Int64) throws -> [String: [BatterySample]] {
        try rollupSeries(field: "battery", widthSeconds: 3600, fromMs: fromMs, toMs: toMs)
            .mapValues { points in points.map { BatterySample(atMs: $0.lastMs, percent: $0.last) } }
    }

    /// Each device's newest hour in `[fromMs, toMs)` with a `test: true` reading (its start).
    public func lastSelfTests(fromMs: Int64, toMs: Int64) throws -> [String: Int64] {
        try rollupSeries(field: "test", widthSeconds: 3600, fromMs: fromMs, toMs: toMs)
            .compactMapValues { points in points.last { $0.max >= 1 }?.bucketStartMs }
    }

    /// Battery replacements in `[fromMs, toMs)` of the devices of `community` (all when nil),
    /// and how many were made before failure (see `BatteryReplacement.wasBeforeFailure`): each
    /// device's heartbeat from its type plus the hour of the roll-up (the history knows each
    /// hour's newest reading, so two readings of a healthy device can be an hour apart), the
    /// history read from a week before `fromMs`.
    public func batteryReplacementTally(community: String?, fromMs: Int64, toMs: Int64, catalog: DeviceTypeCatalog,
                                        settings: BatterySettings = BatterySettings()) throws -> ReplacementTally {
        let histories = try batteryHistories(fromMs: fromMs - Self.replacementLookBackMs, toMs: toMs)
        return Self.replacementTally(devices: try devices(type: nil, community: community), histories: histories, fromMs: fromMs, toMs: toMs,
                                     catalog: catalog, settings: settings)
    }

    /// How far before a period the histories are read, so a swap early in it has its old battery
    /// (a device silent for longer before its swap shows no rise, and is not counted).
    public static var replacementLookBackMs: Int64 { 30 * 86_400_000 }

    /// The tally of `devices` from histories already read (at least from `replacementLookBackMs`
    /// before `fromMs`): one read serves a report's every community.
    public static func replacementTally(devices: [StoredDevice], histories: [String: [BatterySample]], fromMs: Int64, toMs: Int64,
                                        catalog: DeviceTypeCatalog, settings: BatterySettings) -> ReplacementTally {
        var tally = ReplacementTally()
        // A rechargeable battery's every charge would count as a replacement made in time.
        for stored in devices where catalog[stored.device.type]?.rechargeable != true {
            guard let history = histories[stored.device.id] else { continue }
            let heartbeatMs = Int64((catalog[stored.device.type]?.heartbeat ?? 3600) * 1000) + 3_600_000
            tally = tally + ReplacementTally(history: history, fromMs: fromMs, toMs: toMs, heartbeatMs: heartbeatMs, settings: settings)
        }
        return tally
    }
}
