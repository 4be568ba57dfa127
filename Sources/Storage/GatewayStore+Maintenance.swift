import Devices
import Foundation
import Maintenance

/// What the maintenance round and the indicator "replacements made before failure" read: a
/// device's battery history and self-tests, from the hourly roll-ups. They are kept for years
/// (`retention.rollup_1h`) where raw readings go after 90 days, and an hour is fine enough for
/// a battery that lasts months.
extension GatewayStore {
    /// Each hourly bucket's newest battery level at its time, oldest first; empty for a device
    /// that never reported one.
    public func batteryHistory(device: String, sinceMs: Int64? = nil) throws -> [BatterySample] {
        try rollups(device: device, field: "battery", widthSeconds: 3600)
            .filter { $0.lastMs >= (sinceMs ?? .min) }
            .map { BatterySample(atMs: $0.lastMs, percent: $0.last) }
            .sorted { $0.atMs < $1.atMs }
    }

    /// The start of the newest hour with a `test: true` reading; nil when none is stored.
    public func lastSelfTestMs(device: String) throws -> Int64? {
        try rollups(device: device, field: "test", widthSeconds: 3600).filter { $0.max >= 1 }.map(\.bucketStartMs).max()
    }

    /// Battery replacements in `[fromMs, toMs)` of the devices of `community` (all when nil),
    /// and how many were made before failure (see `BatteryReplacement.wasBeforeFailure`): each
    /// device's heartbeat from its type plus the hour of the roll-up (the history knows each
    /// hour's newest reading, so two readings of a healthy device can be an hour apart), the
    /// history read from a week before `fromMs`.
    public func batteryReplacementTally(community: String?, fromMs: Int64, toMs: Int64, catalog: DeviceTypeCatalog,
                                        settings: BatterySettings = BatterySettings()) throws -> ReplacementTally {
        var tally = ReplacementTally()
        for stored in try devices(type: nil, community: community) {
            let history = try batteryHistory(device: stored.device.id, sinceMs: fromMs - 7 * 86_400_000).filter { $0.atMs < toMs }
            guard !history.isEmpty else { continue }
            let heartbeatMs = Int64((catalog[stored.device.type]?.heartbeat ?? 3600) * 1000) + 3_600_000
            tally = tally + ReplacementTally(history: history, fromMs: fromMs, toMs: toMs, heartbeatMs: heartbeatMs, settings: settings)
        }
        return tally
    }
}
