import Formats

/// Times as the contract writes them: RFC 3339 with the local offset.
enum TimeText {
    static func format(milliseconds: Int64?) -> JSONValue {
        guard let milliseconds else { return .null }
        return .string(RFC3339.format(milliseconds: milliseconds, timeZone: .current))
    }

    static func text(milliseconds: Int64?) -> String {
        milliseconds.map { RFC3339.format(milliseconds: $0, timeZone: .current) } ?? "-"
    }
}
