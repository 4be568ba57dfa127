import Devices
import Formats

/// How the expression was written as a YAML scalar; decides how an offset inside the
/// expression maps to a column in the file.
public enum RuleScalarStyle: Sendable, Hashable {
    /// `when: hr_bpm > 120`: the expression starts at the scalar's column.
    case plain
    /// `when: 'event == "tamper"'` or `when: "open"`: one column for the opening quote.
    /// Escapes (`''`, `\"`) before the error shift it by a column each; this is not corrected.
    case singleQuoted, doubleQuoted
    /// Block (`|`, `>`) or multi-line scalars: offsets cannot be mapped to one line, so the
    /// diagnostic points at the scalar itself.
    case block
}

/// One problem found in an expression: a syntax error from the parser or a type error from
/// the checker, with the offsets (Unicode scalars, 0-based, end exclusive) it is about.
public struct RuleExpressionIssue: Sendable, Hashable, CustomStringConvertible {
    /// Offsets in the expression text of the part that is wrong.
    public var range: Range<Int>
    /// The message without any position of a second place (see `relatedOffset`).
    public var summary: String
    /// A second place the message names ("to close '(' at column 12"); kept as an offset
    /// so it can be rendered both relative to the expression and as a file column.
    public var relatedOffset: Int?
    /// Text that follows the related place in the message (", found 'x'").
    public var suffix: String

    public init(_ summary: String, at range: Range<Int>, relatedOffset: Int? = nil, suffix: String = "") {
        self.summary = summary
        self.range = range
        self.relatedOffset = relatedOffset
        self.suffix = suffix
    }

    /// The message with columns counted from the start of the expression (1-based).
    public var message: String { message(columnOfFirstCharacter: 1) }

    /// The message with the related place given as the column it has when the expression's
    /// first character sits at `columnOfFirstCharacter`.
    public func message(columnOfFirstCharacter origin: Int) -> String {
        guard let relatedOffset else { return summary + suffix }
        return "\(summary) at column \(origin + relatedOffset)\(suffix)"
    }

    /// `start..<end: message`, relative to the expression, for tests and logs.
    public var description: String { "\(range.lowerBound)..<\(range.upperBound): \(message)" }

    /// The file diagnostic for this issue, given where the YAML scalar holding the expression
    /// starts (`line`/`column` 1-based, as Yams marks report them). Expressions sit on one
    /// line in practice, so the column is the scalar's column plus the offset (plus one for
    /// an opening quote).
    public func diagnostic(file: String, line: Int, column: Int, style: RuleScalarStyle = .plain,
                           severity: Diagnostic.Severity = .error) -> Diagnostic {
        let origin: Int
        switch style {
        case .plain: origin = column
        case .singleQuoted, .doubleQuoted: origin = column + 1
        case .block:
            // No reliable column inside the block: point at the scalar, name the place in words.
            let text = message + " (at character \(range.lowerBound + 1) of the expression)"
            return Diagnostic(file: file, line: line, column: column, severity: severity, message: text)
        }
        return Diagnostic(file: file, line: line, column: origin + range.lowerBound, severity: severity,
                          message: message(columnOfFirstCharacter: origin))
    }
}

/// A parse or check result's issues turned into file diagnostics in one call.
extension Array where Element == RuleExpressionIssue {
    /// File diagnostics for every issue, in the order they appear in the expression.
    public func diagnostics(file: String, line: Int, column: Int, style: RuleScalarStyle = .plain) -> [Diagnostic] {
        sorted { ($0.range.lowerBound, $0.range.upperBound) < ($1.range.lowerBound, $1.range.upperBound) }
            .map { $0.diagnostic(file: file, line: line, column: column, style: style) }
    }
}
