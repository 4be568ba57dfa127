import Foundation

/// Builds a plausible residential community: buildings of two-unit floors, each unit with a
/// door sensor and a water meter, smoke detectors in most units, wristbands for elderly residents.
/// Every unit is in a grid and has a position (`SiteLayout`).
///
/// Ids are readable and stable: `door-b01-0101`, `smoke-b01-0101`, `wm-b01-0101`,
/// `wb-b01-0101` (building 01, floor 01, unit 01) and `wb-b01-0101-2` for a second resident.
public enum FleetGenerator {
    /// Households per floor per stairwell, the usual layout of a Chinese residential block.
    static let unitsPerFloor = 2
    /// Share of units with a smoke detector (older units were never retrofitted).
    static let smokeShare = 0.85
    /// Share of units where an elderly resident wears a monitored wristband.
    static let wristbandShare = 0.28
    /// Share of wristband units where a second resident (a couple) has one too.
    static let secondWristbandShare = 0.25

    /// Exactly `devices` devices for one community, deterministic for the seed.
    ///
    /// Without `buildings`, one building per 50 devices (300 devices → 6 buildings). Floors are
    /// filled across all buildings in turn, so buildings end up the same height (±1 floor).
    public static func community(
        devices: Int,
        community: String = "demo",
        buildings: Int? = nil,
        seed: UInt64 = 1
    ) -> [FleetDevice] {
        guard devices > 0 else { return [] }
        let buildingCount = max(1, buildings ?? Int((Double(devices) / 50).rounded(.up)))
        var rng = SplitMix64(seed: seed, label: "fleet/\(community)")
        let site = SiteLayout(community: community, buildingCount: buildingCount, seed: seed)
        var placed: [(order: Int, device: FleetDevice)] = []
        placed.reserveCapacity(devices)

        var floor = 1
        generation: while true {
            for building in 1...buildingCount {
                for unitOnFloor in 1...unitsPerFloor {
                    let unit = twoDigits(floor) + twoDigits(unitOnFloor)
                    let buildingLabel = "b" + twoDigits(building)
                    let place = site.position(building: building, flat: unitOnFloor)
                    // Sorting key: building first, then floor and unit, then the device order below.
                    let order = ((building * 10_000 + floor) * 100 + unitOnFloor) * 10
                    for (slot, kind) in unitDevices(rng: &rng) {
                        let suffix = slot >= 4 ? "-2" : ""
                        let id = "\(kind.idPrefix)-\(buildingLabel)-\(unit)\(suffix)"
                        let device = FleetDevice(
                            id: id, type: kind.typeName, community: community, building: buildingLabel, unit: unit,
                            grid: site.grid(building: building), latitude: place.latitude, longitude: place.longitude)
                        placed.append((order + slot, device))
                        if placed.count == devices { break generation }
                    }
                }
            }
            floor += 1
        }
        return placed.sorted { $0.order < $1.order }.map(\.device)
    }

    /// The inventory rows (with resident references and install dates) for a generated community.
    public static func inventory(
        devices: Int,
        community: String = "demo",
        buildings: Int? = nil,
        seed: UInt64 = 1
    ) -> [InventoryRow] {
        Self.community(devices: devices, community: community, buildings: buildings, seed: seed)
            .map { InventoryRow(device: $0, seed: seed) }
    }

    /// The whole inventory as CSV text with a header line, ready for `gridwatch devices import`.
    public static func inventoryCSV(
        devices: Int,
        community: String = "demo",
        buildings: Int? = nil,
        seed: UInt64 = 1
    ) -> String {
        let rows = inventory(devices: devices, community: community, buildings: buildings, seed: seed)
        var text = InventoryRow.csvHeader + "\n"
        for row in rows {
            text += row.csvLine + "\n"
        }
        return text
    }

    /// Zero-padded to at least two digits; `String(format:)` is slow on Linux.
    private static func twoDigits(_ n: Int) -> String {
        n < 10 ? "0\(n)" : "\(n)"
    }

    /// The devices of one unit with their fixed slots: door 0, smoke 1, water meter 2,
    /// wristband 3, second wristband 4. Fixed slots keep ids and sort order stable.
    private static func unitDevices(rng: inout SplitMix64) -> [(slot: Int, kind: DeviceKind)] {
        // Draw all choices every time so one unit's layout never shifts the next unit's draws.
        let hasSmoke = rng.chance(smokeShare)
        let hasBand = rng.chance(wristbandShare)
        let hasSecondBand = rng.chance(secondWristbandShare)
        var kinds: [(slot: Int, kind: DeviceKind)] = [(0, .door)]
        if hasSmoke { kinds.append((1, .smoke)) }
        kinds.append((2, .waterMeter))
        if hasBand {
            kinds.append((3, .wristband))
            if hasSecondBand { kinds.append((4, .wristband)) }
        }
        return kinds
    }
}
