import Formats
import Foundation

/// One line of a device inventory CSV (`id,type,community,building,unit,resident,installed,grid,lat,lon`).
///
/// `resident` is an opaque reference into the community office's own records (`R-01-0101-1`:
/// building 01, unit 0101, first resident), never a name: the inventory travels to places
/// personal data must not. Only doors (the household) and wristbands (the wearer) carry one.
public struct InventoryRow: Sendable, Hashable {
    /// The CSV header, matching the field order of `csvLine`.
    public static let csvHeader = "id,type,community,building,unit,resident,installed,grid,lat,lon"

    public var device: FleetDevice
    public var resident: String
    /// The install date, `YYYY-MM-DD`.
    public var installed: String

    public init(device: FleetDevice, resident: String, installed: String) {
        self.device = device
        self.resident = resident
        self.installed = installed
    }

    /// Derives the resident reference and a plausible install date from the device alone,
    /// so the same device gets the same row from any tool that knows the seed.
    public init(device: FleetDevice, seed: UInt64 = 1) {
        self.device = device
        self.resident = Self.residentReference(for: device)
        self.installed = Self.installDate(for: device, seed: seed)
    }

    /// The row as one CSV line (RFC 4180 quoting where a field needs it), without a newline.
    public var csvLine: String {
        [device.id, device.type, device.community, device.building, device.unit, resident, installed, device.grid,
         device.latitude.map { "\($0)" } ?? "", device.longitude.map { "\($0)" } ?? ""]
            .map(CSVText.escape)
            .joined(separator: ",")
    }

    static func residentReference(for device: FleetDevice) -> String {
        guard device.type == "door" || device.type == "wristband" else { return "" }
        let building = device.building.hasPrefix("b") ? String(device.building.dropFirst()) : device.building
        let person = device.type == "wristband" && device.id.hasSuffix("-2") ? 2 : 1
        return "R-\(building)-\(device.unit)-\(person)"
    }

    /// Buildings were fitted out in one campaign each (2023–2025); wristbands were handed out
    /// to elderly residents later, as the pilot programme reached them.
    static func installDate(for device: FleetDevice, seed: UInt64) -> String {
        let campaignStart = CaptureTime.daysFromCivil(year: 2023, month: 3, day: 1)
        let latest = CaptureTime.daysFromCivil(year: 2025, month: 10, day: 31)
        let buildingHash = StableHash.mix(seed, StableHash.fnv1a("\(device.community)/\(device.building)"))
        let deviceHash = StableHash.mix(seed, StableHash.fnv1a(device.id))
        var day = campaignStart + Int64(buildingHash % 700) + Int64(deviceHash % 21)
        if device.type == "wristband" {
            day += 60 + Int64((deviceHash >> 8) % 340)
        }
        let (y, m, d) = CaptureTime.civil(fromDays: min(day, latest))
        var out: [UInt8] = []
        CaptureTime.appendDigits(y, width: 4, to: &out)
        out.append(UInt8(ascii: "-"))
        CaptureTime.appendDigits(m, width: 2, to: &out)
        out.append(UInt8(ascii: "-"))
        CaptureTime.appendDigits(d, width: 2, to: &out)
        return String(decoding: out, as: UTF8.self)
    }
}
