import Foundation

/// A finished period's report as published for one community (`""`: all communities): its
/// files and index. Recorded in the transaction that announces the period and opens its alarm
/// tickets, with (period, community) unique, so a period is published once whoever tries again.
public struct ReportPublication: Sendable, Hashable, Codable {
    /// `2026-11`, `2026-Q4`, `2026`.
    public var period: String
    /// Empty for the all-communities report.
    public var community: String
    public var publishedAtMs: Int64
    /// The composite index, nil when no indicator had data.
    public var index: Double?
    /// The written files' names, relative to the reports folder.
    public var files: [String]

    public init(period: String, community: String, publishedAtMs: Int64, index: Double?, files: [String]) {
        self.period = period
        self.community = community
        self.publishedAtMs = publishedAtMs
        self.index = index
        self.files = files
    }

    /// The files as the table keeps them: a JSON array.
    public var filesJSON: String {
        String(decoding: (try? JSONEncoder().encode(files)) ?? Data("[]".utf8), as: UTF8.self)
    }

    public static func files(fromJSON text: String) -> [String] {
        (try? JSONDecoder().decode([String].self, from: Data(text.utf8))) ?? []
    }

    enum CodingKeys: String, CodingKey {
        case period, community, publishedAtMs = "published_at_ms", index, files
    }
}
