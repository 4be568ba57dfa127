/// Parses the human-written durations and sizes used across gridwatch's YAML files and
/// command lines (`45s`, `15m`, `1h30m`, `1.5h`, `3d`, `2w`, `500ms`, `10min`; `16KiB`, `2GiB`).
///
/// The one duration grammar, for configuration, rules and the simulator's anomaly specs alike:
/// surrounding spaces are ignored; then either a bare non-negative number (seconds) or one or
/// more `NUMBER UNIT` parts, where NUMBER may have decimals and UNIT is `ms`, `s`, `m` or
/// `min`, `h`, `d` or `w`, in any letter case. Parts add up (`1h30m` is 5400 s); a trailing
/// bare number after a part (`1h30`) is rejected as a likely typo rather than read as seconds.
public enum DurationText {
    /// Seconds in `text`, or nil when it is not a duration. A bare number means seconds.
    public static func seconds(_ text: String) -> Double? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if let plain = Double(trimmed) { return plain >= 0 ? plain : nil }
        let scalars = Array(trimmed.lowercased().unicodeScalars)
        var total = 0.0
        var index = 0
        while index < scalars.count {
            let numberStart = index
            while index < scalars.count, scalars[index] == "." || ("0"..."9").contains(scalars[index]) { index += 1 }
            let unitStart = index
            while index < scalars.count, ("a"..."z").contains(scalars[index]) { index += 1 }
            let number = String(String.UnicodeScalarView(scalars[numberStart..<unitStart]))
            let unit = String(String.UnicodeScalarView(scalars[unitStart..<index]))
            guard let value = Double(number), let scale = unitSeconds[unit] else { return nil }
            total += value * scale
        }
        return scalars.isEmpty ? nil : total
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

    private static let unitSeconds: [String: Double] = [
        "ms": 0.001, "s": 1, "m": 60, "min": 60, "h": 3600, "d": 86_400, "w": 604_800,
    ]
    private static let byteUnits: [String: Int] = [
        "b": 1, "k": 1024, "kb": 1000, "kib": 1024, "m": 1 << 20, "mb": 1_000_000, "mib": 1 << 20,
        "g": 1 << 30, "gb": 1_000_000_000, "gib": 1 << 30,
    ]
}
