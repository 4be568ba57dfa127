/// Whether the gateway can do its job now: each named check is "ok" or the reason it is not.
public struct ReadinessReport: Sendable, Codable {
    public var ready: Bool { checks.values.allSatisfy { $0 == "ok" } }
    public var checks: [String: String]
    public var stats: [String: Int]
    /// Degradations that do not make the gateway unready (a rejected rules reload).
    public var warnings: [String: String]

    public init(checks: [String: String], stats: [String: Int] = [:], warnings: [String: String] = [:]) {
        self.checks = checks
        self.stats = stats
        self.warnings = warnings
    }

    enum CodingKeys: String, CodingKey { case ready, checks, stats, warnings }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(ready, forKey: .ready)
        try container.encode(checks, forKey: .checks)
        try container.encode(stats, forKey: .stats)
        try container.encode(warnings, forKey: .warnings)
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        checks = try container.decode([String: String].self, forKey: .checks)
        stats = try container.decodeIfPresent([String: Int].self, forKey: .stats) ?? [:]
        warnings = try container.decodeIfPresent([String: String].self, forKey: .warnings) ?? [:]
    }
}
