/// Arithmetic and comparisons: which operand types go together, and the messages when
/// they do not.
extension RuleExpressionChecker.Walk {
    typealias Typed = RuleExpressionChecker.Typed

    /// `+ - * /` on numbers; durations add to durations and scale by numbers, and a
    /// duration divided by a duration is a plain number (a ratio).
    mutating func arithmetic(_ op: RuleExpression.BinaryOperator, _ left: RuleExpression, _ right: RuleExpression,
                             _ range: Range<Int>) -> Typed? {
        let lhs = visit(left), rhs = visit(right)
        var operandsAreNumeric = true
        for (typed, expression) in [(lhs, left), (rhs, right)] {
            if let typed, !typed.type.isNumeric {
                report("'\(op.rawValue)' needs numbers; this is \(typed.type.phrase)", expression.range)
                operandsAreNumeric = false
            }
        }
        guard let lhs, let rhs, operandsAreNumeric else { return nil }
        guard let type = Self.arithmeticType(op, lhs.type, rhs.type) else {
            var message = "cannot apply '\(op.rawValue)' to \(lhs.type) and \(rhs.type)"
            if op == .add || op == .subtract { message += "; write the number as a duration such as 10m" }
            report(message, range)
            return nil
        }
        return Typed(type: type, code: builder.emit(.arithmetic(op, lhs.code, rhs.code)))
    }

    static func arithmeticType(_ op: RuleExpression.BinaryOperator, _ left: RuleType, _ right: RuleType) -> RuleType? {
        switch (left, right, op) {
        case (.number, .number, _): .number
        case (.duration, .duration, .add), (.duration, .duration, .subtract): .duration
        case (.duration, .duration, .divide): .number
        case (.duration, .number, .multiply), (.duration, .number, .divide), (.number, .duration, .multiply): .duration
        default: nil
        }
    }

    /// A comparison or a chain (`a <= x <= b`); each operand is checked once, each adjacent
    /// pair for compatible types.
    mutating func comparison(_ first: RuleExpression, _ steps: [RuleExpression.ComparisonStep]) -> Typed? {
        let expressions = [first] + steps.map(\.operand)
        let typed = expressions.map { visit($0) }
        var valid = !typed.contains { $0 == nil }
        for (index, step) in steps.enumerated() {
            guard let lhs = typed[index], let rhs = typed[index + 1] else { continue }
            if !comparable(step.op, lhs.type, rhs.type, expressions[index], expressions[index + 1]) { valid = false }
        }
        let operands = typed.compactMap { $0 }
        guard valid, operands.count == expressions.count else { return nil }
        if steps.count == 1 {
            let (lhs, rhs, op) = (operands[0], operands[1], steps[0].op)
            let instruction: RuleProgram.Instruction
            switch lhs.type.shape {
            case .number: instruction = .compareNumbers(op, lhs.code, rhs.code)
            case .text: instruction = .compareTexts(equal: op == .equal, lhs.code, rhs.code)
            case .truth: instruction = .compareTruths(equal: op == .equal, lhs.code, rhs.code)
            }
            return Typed(type: .bool, code: builder.emit(instruction))
        }
        // A chain only orders (the parser refuses `==` in chains), so every operand is a
        // number here; anything else was reported as an ordering error above.
        guard operands.allSatisfy({ $0.type.isNumeric }) else { return nil }
        let operandStart = builder.operands(operands.map(\.code))
        let operatorStart = builder.chainOperators(steps.map(\.op))
        let chain = RuleProgram.Instruction.chain(operatorStart: operatorStart, operandStart: operandStart,
                                                  count: RuleProgram.Index(steps.count))
        return Typed(type: .bool, code: builder.emit(chain))
    }

    /// Whether `lhs op rhs` makes sense, reporting why not.
    mutating func comparable(_ op: RuleExpression.ComparisonOperator, _ lhs: RuleType, _ rhs: RuleType,
                             _ left: RuleExpression, _ right: RuleExpression) -> Bool {
        let range = left.range.lowerBound..<right.range.upperBound
        if lhs.isNumeric && rhs.isNumeric {
            guard lhs == rhs else {
                report("cannot compare \(lhs) with \(rhs); write the number as a duration such as 10m", range)
                return false
            }
            return true
        }
        let bothText = lhs.isText && rhs.isText
        guard bothText || (lhs == .bool && rhs == .bool) else {
            report("cannot compare \(lhs) with \(rhs)", range)
            return false
        }
        var valid = true
        if op.isOrdering {
            let values = lhs == .bool ? "bool values" : (lhs == .string && rhs == .string ? "strings" : "\(lhs) values")
            report("cannot order \(values) with '\(op.rawValue)'; only == and != apply", range)
            valid = false
        }
        if bothText {
            valid = literalIsValue(left, of: rhs) && valid
            valid = literalIsValue(right, of: lhs) && valid
        }
        return valid
    }

    /// A string literal compared with an enum field must be one of the field's values:
    /// `event == "forced"` would otherwise be silently never true.
    mutating func literalIsValue(_ literal: RuleExpression, of type: RuleType) -> Bool {
        guard case let .string(text) = literal.kind, case let .enumeration(enumeration) = type,
              !enumeration.values.contains(text) else { return true }
        let values = enumeration.values.joined(separator: ", ")
        report("'\(text)' is not a value of \(enumeration.qualifiedName) (\(values))", literal.range)
        return false
    }
}
