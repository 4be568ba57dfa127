import Devices
import Formats

/// The compact series notation of rule tests: `hr_bpm=80 hr_bpm=130*4 _*2 open=true,locked=false`.
/// Each step is one reading `every` apart; `_` is a step with no reading (a gap); `*N`
/// repeats a step N times. Values are JSON scalars: numbers, true/false, null, "text".
public enum RuleTestSeries {
    /// One step: the fields of a reading, or nil for a gap.
    public typealias Step = [String: JSONValue]?

    public static func parse(_ text: String) throws(RuleTestError) -> [Step] {
        var steps: [Step] = []
        for token in text.split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "\t" }) {
            var body = Substring(token)
            var repeats = 1
            if let star = body.lastIndex(of: "*"), let count = Int(body[body.index(after: star)...]) {
                guard count >= 1 else { throw RuleTestError("repeat count in '\(token)' must be 1 or more") }
                repeats = count
                body = body[..<star]
            }
            let step: Step
            if body == "_" {
                step = nil
            } else {
                var fields: [String: JSONValue] = [:]
                for assignment in body.split(separator: ",") {
                    let parts = assignment.split(separator: "=", maxSplits: 1)
                    guard parts.count == 2, !parts[0].isEmpty else { throw RuleTestError("'\(assignment)' in '\(token)' must be field=value") }
                    fields[String(parts[0])] = try value(String(parts[1]), token: String(token))
                }
                step = fields
            }
            steps += Array(repeating: step, count: repeats)
        }
        return steps
    }

    static func value(_ text: String, token: String) throws(RuleTestError) -> JSONValue {
        if let parsed = try? JSONParser.parse(Array(text.utf8)) {
            switch parsed {
            case .object, .array: break
            default: return parsed
            }
        }
        if text.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" }) { return .string(text) }
        throw RuleTestError("cannot read value '\(text)' in '\(token)'")
    }
}

/// A problem in a rule test file or a failed expectation.
public struct RuleTestError: Error, Sendable, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
