/// Reads an expression into a `RuleExpression` tree by recursive descent, one function per
/// precedence level (low to high): `or`, `and`, `not`, comparisons (chained), `+ -`, `* /`,
/// unary `-`, then literals, references, calls and parentheses.
///
/// It never stops at the first error: a missing operand becomes an `.invalid` node and a
/// missing `)` is assumed, so one pass reports every syntax error it can tell apart.
public struct RuleExpressionParser {
    private typealias Token = RuleExpressionLexer.Token
    private typealias Symbol = RuleExpressionLexer.Symbol

    private let tokens: [Token]
    private var position = 0
    private var issues: [RuleExpressionIssue]

    /// Parses `text`. The tree is returned even when there are issues (with `.invalid`
    /// nodes where the text was unreadable) so the checker can report type errors too.
    public static func parse(_ text: String) -> (expression: RuleExpression, issues: [RuleExpressionIssue]) {
        let (tokens, lexIssues) = RuleExpressionLexer.tokenize(text)
        var parser = RuleExpressionParser(tokens: tokens, issues: lexIssues)
        let expression = parser.parseWhole()
        return (expression, parser.issues.sorted { $0.range.lowerBound < $1.range.lowerBound })
    }

    private init(tokens: [Token], issues: [RuleExpressionIssue]) {
        self.tokens = tokens
        self.issues = issues
    }

    private var current: Token { tokens[position] }

    private mutating func parseWhole() -> RuleExpression {
        if current.kind == .end {
            report("empty expression", at: current.range)
            return RuleExpression(.invalid, current.range)
        }
        let expression = parseOr()
        if current.kind != .end {
            report("unexpected \(describe(current)) after a complete expression; is an operator missing?", at: current.range)
        }
        return expression
    }

    private mutating func parseOr() -> RuleExpression {
        var left = parseAnd()
        while isWord("or") {
            advance()
            let right = parseAnd()
            left = RuleExpression(.binary(.or, left, right), left.range.lowerBound..<right.range.upperBound)
        }
        return left
    }

    private mutating func parseAnd() -> RuleExpression {
        var left = parseNot()
        while isWord("and") {
            advance()
            let right = parseNot()
            left = RuleExpression(.binary(.and, left, right), left.range.lowerBound..<right.range.upperBound)
        }
        return left
    }

    private mutating func parseNot() -> RuleExpression {
        guard isWord("not") else { return parseComparison() }
        let start = current.range.lowerBound
        advance()
        let operand = parseNot()
        return RuleExpression(.unary(.not, operand), start..<operand.range.upperBound)
    }

    private mutating func parseComparison() -> RuleExpression {
        let first = parseAdditive()
        var steps: [RuleExpression.ComparisonStep] = []
        while case let .symbol(symbol) = current.kind, let op = RuleExpression.ComparisonOperator(rawValue: symbol.rawValue) {
            let operatorRange = current.range
            advance()
            let operand = parseAdditive()
            if let previous = steps.last {
                // `a < x > b` or `a == b == c` reads as something it is not: refuse it.
                if op.direction == 0 || previous.op.direction != op.direction {
                    report("chained comparisons must all go one way, like 'low <= x < high'; use 'and' to combine '\(previous.op.rawValue)' and '\(op.rawValue)'", at: operatorRange)
                }
            }
            steps.append(RuleExpression.ComparisonStep(op: op, operatorRange: operatorRange, operand: operand))
        }
        guard let last = steps.last else { return first }
        return RuleExpression(.comparison(first, steps), first.range.lowerBound..<last.operand.range.upperBound)
    }

    private mutating func parseAdditive() -> RuleExpression {
        var left = parseMultiplicative()
        while let op = binaryOperator([.plus: .add, .minus: .subtract]) {
            advance()
            let right = parseMultiplicative()
            left = RuleExpression(.binary(op, left, right), left.range.lowerBound..<right.range.upperBound)
        }
        return left
    }

    private mutating func parseMultiplicative() -> RuleExpression {
        var left = parseUnary()
        while let op = binaryOperator([.star: .multiply, .slash: .divide]) {
            advance()
            let right = parseUnary()
            left = RuleExpression(.binary(op, left, right), left.range.lowerBound..<right.range.upperBound)
        }
        return left
    }

    private mutating func parseUnary() -> RuleExpression {
        guard current.kind == .symbol(.minus) else { return parsePrimary() }
        let start = current.range.lowerBound
        advance()
        let operand = parseUnary()
        // Fold `-5` into a literal: it reads as one number, and evaluates as one.
        if case let .number(value) = operand.kind { return RuleExpression(.number(-value), start..<operand.range.upperBound) }
        return RuleExpression(.unary(.negate, operand), start..<operand.range.upperBound)
    }

    private mutating func parsePrimary() -> RuleExpression {
        let token = current
        switch token.kind {
        case let .number(value):
            advance()
            return RuleExpression(.number(value), token.range)
        case let .duration(seconds, text):
            advance()
            return RuleExpression(.duration(seconds: seconds, text: text), token.range)
        case let .string(value):
            advance()
            return RuleExpression(.string(value), token.range)
        case .symbol(.openParen):
            advance()
            let inner = parseOr()
            let end = expectClose(openedAt: token.range.lowerBound, what: "'('")
            // The parentheses belong to the node's range, so errors cover what was written.
            return RuleExpression(inner.kind, token.range.lowerBound..<max(end, inner.range.upperBound))
        case let .word(word):
            return parseWord(word, token)
        case .invalid:
            advance()
            return RuleExpression(.invalid, token.range)
        case .end, .symbol:
            report(missingValueMessage(), at: token.range)
            return RuleExpression(.invalid, token.range)
        }
    }

    private mutating func parseWord(_ word: String, _ token: Token) -> RuleExpression {
        if ["and", "or", "not"].contains(word) {
            report(missingValueMessage(), at: token.range)
            return RuleExpression(.invalid, token.range)
        }
        advance()
        switch word {
        case "true": return RuleExpression(.bool(true), token.range)
        case "false": return RuleExpression(.bool(false), token.range)
        case "attr":
            guard current.kind == .symbol(.dot) else {
                report("'attr' must be followed by '.NAME', like attr.hr_high", at: token.range)
                return RuleExpression(.invalid, token.range)
            }
            advance()
            guard case let .word(name) = current.kind else {
                report("expected an attribute name after 'attr.'", at: current.range)
                return RuleExpression(.invalid, token.range.lowerBound..<current.range.lowerBound)
            }
            let end = current.range.upperBound
            advance()
            return RuleExpression(.attribute(name), token.range.lowerBound..<end)
        default:
            guard current.kind == .symbol(.openParen) else { return RuleExpression(.field(word), token.range) }
            return parseCall(word, token)
        }
    }

    private mutating func parseCall(_ name: String, _ nameToken: Token) -> RuleExpression {
        let openOffset = current.range.lowerBound
        advance()
        var arguments: [RuleExpression] = []
        if current.kind != .symbol(.closeParen) {
            while true {
                arguments.append(parseOr())
                guard current.kind == .symbol(.comma) else { break }
                advance()
            }
        }
        let end = expectClose(openedAt: openOffset, what: "the '(' of \(name)")
        let upper = max(end, arguments.last?.range.upperBound ?? openOffset + 1)
        return RuleExpression(.call(name: name, nameRange: nameToken.range, arguments: arguments), nameToken.range.lowerBound..<upper)
    }

    /// Consumes `)` and returns the offset after it; when it is missing, reports it and
    /// carries on as if it were there.
    private mutating func expectClose(openedAt offset: Int, what: String) -> Int {
        if current.kind == .symbol(.closeParen) {
            let end = current.range.upperBound
            advance()
            return end
        }
        let found = current.kind == .end ? "" : ", found \(describe(current))"
        report("expected ')' to close \(what)", at: current.range, relatedOffset: offset, suffix: found)
        return current.range.lowerBound
    }

    private func missingValueMessage() -> String {
        let found = current.kind == .end ? "the end of the expression" : describe(current)
        if position > 0 { return "expected a value after \(describe(tokens[position - 1])), found \(found)" }
        return "expected a value, found \(found)"
    }

    private func describe(_ token: Token) -> String {
        switch token.kind {
        case let .number(value): "'\(RuleExpression.format(value))'"
        case let .duration(_, text): "'\(text)'"
        case let .string(value): "\"\(value)\""
        case let .word(word): "'\(word)'"
        case let .symbol(symbol): "'\(symbol.rawValue)'"
        case .invalid: "an invalid character"
        case .end: "the end of the expression"
        }
    }

    private func isWord(_ word: String) -> Bool { current.kind == .word(word) }

    private func binaryOperator(_ table: [Symbol: RuleExpression.BinaryOperator]) -> RuleExpression.BinaryOperator? {
        guard case let .symbol(symbol) = current.kind else { return nil }
        return table[symbol]
    }

    private mutating func advance() {
        if position < tokens.count - 1 { position += 1 }
    }

    /// Records a syntax error unless one is already reported at the same place (the lexer's
    /// slip reports, or a cascade of the same missing token).
    private mutating func report(_ message: String, at range: Range<Int>, relatedOffset: Int? = nil, suffix: String = "") {
        if issues.contains(where: { $0.range.lowerBound == range.lowerBound }) { return }
        issues.append(RuleExpressionIssue(message, at: range, relatedOffset: relatedOffset, suffix: suffix))
    }
}
