/// Parses the human-written durations and sizes used across gridwatch's YAML files
/// (`45s`, `15m`, `1h30m`, `3d`, `500ms`; `16KiB`, `2GiB`).
public enum DurationText {
    /// Seconds in `text`, or nil when it is not a duration. A bare number means seconds.
    public static func seconds(_ text: String) -> Double? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if let plain = Double(trimmed) { return plain >= 0 ? plain : nil }
        var total = 0.0
        var digits = ""
        var index = trimmed.startIndex
        var sawUnit = false
        while index < trimmed.endIndex {
            let character = trimmed[index]
            if character.isNumber || character == "." {
                digits.append(character)
                index = trimmed.index(after: index)
                continue
            }
            var unit = String(character)
            index = trimmed.index(after: index)
            if unit == "m", index < trimmed.endIndex, trimmed[index] == "s" {
                unit = "ms"
                index = trimmed.index(after: index)
            }
            guard let value = Double(digits), let scale = unitSeconds[unit] else { return nil }
            total += value * scale
            digits = ""
            sawUnit = true
        }
        return sawUnit && digits.isEmpty ? total : nil
    }

    /// Renders seconds back in the shortest common form (`90` -> `1m30s`).
    public static func format(_ seconds: Double) -> String {
        if seconds < 1 { return "\(Int((seconds * 1000).rounded()))ms" }
        var rest = Int(seconds.rounded())
        var parts = ""
        for (unit, size) in [("d", 86_400), ("h", 3600), ("m", 60), ("s", 1)] where rest >= size {
            parts += "\(rest / size)\(unit)"
            rest %= size
        }
        return parts
    }

    /// Bytes in `text` (`4096`, `16KiB`, `64MB`), or nil.
    public static func bytes(_ text: String) -> Int? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if let plain = Int(trimmed) { return plain >= 0 ? plain : nil }
        let number = trimmed.prefix { $0.isNumber }
        let unit = trimmed.dropFirst(number.count).trimmingCharacters(in: .whitespaces).lowercased()
        guard let value = Int(number), let scale = byteUnits[unit] else { return nil }
        return value * scale
    }

    private static let unitSeconds: [String: Double] = ["ms": 0.001, "s": 1, "m": 60, "h": 3600, "d": 86_400, "w": 604_800]
    private static let byteUnits: [String: Int] = [
        "b": 1, "k": 1024, "kb": 1000, "kib": 1024, "m": 1 << 20, "mb": 1_000_000, "mib": 1 << 20,
        "g": 1 << 30, "gb": 1_000_000_000, "gib": 1 << 30,
    ]
}
