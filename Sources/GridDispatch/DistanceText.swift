import Foundation

/// Distances as people read them in a reason: `420 m`, `1.2 km`, `3 km`.
public enum DistanceText {
    /// Reads a distance as configured: `3km`, `2.5 km`, `50m` or a plain number of metres.
    public static func metres(_ text: String) -> Double? {
        let trimmed = text.trimmingCharacters(in: .whitespaces).lowercased()
        for (unit, scale) in [("km", 1000.0), ("m", 1.0)] where trimmed.hasSuffix(unit) {
            guard let value = Double(trimmed.dropLast(unit.count).trimmingCharacters(in: .whitespaces)), value >= 0 else { return nil }
            return value * scale
        }
        return Double(trimmed).flatMap { $0 >= 0 ? $0 : nil }
    }

    public static func format(metres: Double) -> String {
        let whole = Int(metres.rounded())
        if whole < 1000 { return "\(whole) m" }
        let tenths = Int((metres / 100).rounded())
        return tenths % 10 == 0 ? "\(tenths / 10) km" : "\(tenths / 10).\(tenths % 10) km"
    }
}
