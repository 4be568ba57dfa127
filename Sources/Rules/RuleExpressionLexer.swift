import Devices
import Formats

/// Splits an expression into tokens. It works on Unicode scalars so that offsets are
/// columns even when a string literal holds Chinese text.
///
/// Common slips from other languages (`&&`, `||`, `!`, `=`, single quotes) are reported and
/// then read as what was meant, so the parser can go on and report the remaining errors.
struct RuleExpressionLexer {
    /// The kinds of token; keywords (`and`, `attr`, `true`) arrive as words.
    enum TokenKind: Equatable {
        case number(Double)
        case duration(seconds: Double, text: String)
        case string(String)
        case word(String)
        case symbol(Symbol)
        /// An unreadable character, already reported.
        case invalid
        case end
    }

    /// Punctuation and operators.
    enum Symbol: String, Equatable {
        case openParen = "(", closeParen = ")", comma = ",", dot = "."
        case plus = "+", minus = "-", star = "*", slash = "/"
        case equal = "==", notEqual = "!=", less = "<", lessOrEqual = "<=", greater = ">", greaterOrEqual = ">="
    }

    /// One token and where it is.
    struct Token: Equatable {
        var kind: TokenKind
        var range: Range<Int>
    }

    private let scalars: [Unicode.Scalar]
    private var index = 0
    private(set) var tokens: [Token] = []
    private(set) var issues: [RuleExpressionIssue] = []

    init(_ text: String) {
        scalars = Array(text.unicodeScalars)
    }

    /// Tokens of `text`, ending with `.end`, and every lexical error.
    static func tokenize(_ text: String) -> (tokens: [Token], issues: [RuleExpressionIssue]) {
        var lexer = RuleExpressionLexer(text)
        lexer.run()
        return (lexer.tokens, lexer.issues)
    }

    private mutating func run() {
        while index < scalars.count {
            let start = index
            let scalar = scalars[index]
            if scalar.properties.isWhitespace {
                index += 1
            } else if Self.isDigit(scalar) {
                lexNumber(from: start)
            } else if Self.isIdentifierStart(scalar) {
                while index < scalars.count, Self.isIdentifierPart(scalars[index]) { index += 1 }
                add(.word(String(String.UnicodeScalarView(scalars[start..<index]))), from: start)
            } else if scalar == "\"" || scalar == "'" {
                lexString(from: start, quote: scalar)
            } else {
                lexSymbol(scalar, from: start)
            }
        }
        tokens.append(Token(kind: .end, range: scalars.count..<scalars.count))
    }

    private mutating func lexNumber(from start: Int) {
        while index < scalars.count, Self.isDigit(scalars[index]) { index += 1 }
        if index + 1 < scalars.count, scalars[index] == ".", Self.isDigit(scalars[index + 1]) {
            index += 1
            while index < scalars.count, Self.isDigit(scalars[index]) { index += 1 }
        }
        let numberEnd = index
        // Letters glued to the number make a duration (`10m`, `1h30m`); spaces do not.
        while index < scalars.count, Self.isIdentifierPart(scalars[index]) || (scalars[index] == "." && index + 1 < scalars.count && Self.isDigit(scalars[index + 1])) {
            index += 1
        }
        let text = String(String.UnicodeScalarView(scalars[start..<index]))
        if index == numberEnd {
            add(.number(Double(text) ?? 0), from: start)
        } else if let seconds = DurationText.seconds(text) {
            add(.duration(seconds: seconds, text: text), from: start)
        } else {
            issues.append(RuleExpressionIssue("invalid number or duration '\(text)' (durations look like 500ms, 45s, 10m, 4h, 1d)", at: start..<index))
            add(.invalid, from: start)
        }
    }

    private mutating func lexString(from start: Int, quote: Unicode.Scalar) {
        index += 1
        var value = String.UnicodeScalarView()
        var closed = false
        while index < scalars.count {
            let scalar = scalars[index]
            index += 1
            if scalar == quote { closed = true; break }
            if scalar == "\\", index < scalars.count {
                // Only the two escapes a condition can need: a quote and a backslash.
                value.append(scalars[index])
                index += 1
            } else {
                value.append(scalar)
            }
        }
        if !closed {
            issues.append(RuleExpressionIssue("unterminated string: add the closing \"", at: start..<index))
        } else if quote == "'" {
            issues.append(RuleExpressionIssue("strings use double quotes: \"\(String(value))\"", at: start..<index))
        }
        add(.string(String(value)), from: start)
    }

    private mutating func lexSymbol(_ scalar: Unicode.Scalar, from start: Int) {
        let next: Unicode.Scalar? = index + 1 < scalars.count ? scalars[index + 1] : nil
        let pair = next.map { String(scalar) + String($0) }
        if let pair, let symbol = Symbol(rawValue: pair) {
            index += 2
            add(.symbol(symbol), from: start)
            return
        }
        if let pair, let (kind, message) = Self.slips[pair] {
            index += 2
            issues.append(RuleExpressionIssue(message, at: start..<index))
            add(kind, from: start)
            return
        }
        index += 1
        if let symbol = Symbol(rawValue: String(scalar)) {
            add(.symbol(symbol), from: start)
        } else if scalar == "=" {
            issues.append(RuleExpressionIssue("use '==' to compare ('=' is not an operator)", at: start..<index))
            add(.symbol(.equal), from: start)
        } else if scalar == "!" {
            issues.append(RuleExpressionIssue("use 'not' instead of '!'", at: start..<index))
            add(.word("not"), from: start)
        } else {
            issues.append(RuleExpressionIssue("unexpected character '\(scalar)'", at: start..<index))
            add(.invalid, from: start)
        }
    }

    /// Slips from other languages: reported, then read as the operator meant, so parsing goes on.
    private static let slips: [String: (TokenKind, String)] = [
        "&&": (.word("and"), "use 'and' instead of '&&'"), "||": (.word("or"), "use 'or' instead of '||'"),
        "=<": (.symbol(.lessOrEqual), "use '<=' instead of '=<'"), "=>": (.symbol(.greaterOrEqual), "use '>=' instead of '=>'"),
    ]

    private mutating func add(_ kind: TokenKind, from start: Int) {
        tokens.append(Token(kind: kind, range: start..<index))
    }

    private static func isDigit(_ scalar: Unicode.Scalar) -> Bool { scalar >= "0" && scalar <= "9" }
    private static func isIdentifierStart(_ scalar: Unicode.Scalar) -> Bool {
        (scalar >= "a" && scalar <= "z") || (scalar >= "A" && scalar <= "Z") || scalar == "_"
    }
    private static func isIdentifierPart(_ scalar: Unicode.Scalar) -> Bool { isIdentifierStart(scalar) || isDigit(scalar) }
}
