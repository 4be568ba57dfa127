/// The static type check of an expression against a `RuleSchema`: unknown names, operands
/// of the wrong type, enum literals that are not values, windows that are not durations.
///
/// It reports every error in one pass, each with the offsets of the offending part; an
/// operand that already failed is not complained about again (it has no type), so one typo
/// gives one message. The same walk lowers a clean expression to a `RuleProgram`.
public struct RuleExpressionChecker: Sendable {
    public let schema: RuleSchema

    public init(schema: RuleSchema) {
        self.schema = schema
    }

    /// The type of `expression` (nil when it has errors) and every error found. `expecting`
    /// is the type the place requires: `.bool` for conditions, nil for any.
    public func check(_ expression: RuleExpression, expecting expected: RuleType? = .bool) -> RuleCheckResult {
        compile(expression, expecting: expected).result
    }

    func compile(_ expression: RuleExpression, expecting expected: RuleType?) -> (result: RuleCheckResult, lowered: Lowered?) {
        var walk = Walk(schema: schema)
        let typed = walk.visit(expression)
        if let typed, let expected, typed.type != expected, !(expected == .string && typed.type.isText) {
            let what = expected == .bool ? "a condition must be true or false" : "expected \(expected.phrase)"
            walk.report("\(what); this expression is \(typed.type.phrase)", expression.range)
        }
        let result = RuleCheckResult(type: typed?.type, issues: walk.issues)
        guard let typed, walk.issues.isEmpty else { return (result, nil) }
        let program = walk.builder.finish(root: typed.code, type: typed.type)
        return (result, Lowered(program: program, windows: walk.builder.windows, previousFields: walk.builder.previousFields))
    }

    /// What a successful check hands to `CompiledRuleExpression`.
    struct Lowered {
        var program: RuleProgram
        var windows: [RuleWindowUse]
        var previousFields: [String]
    }

    /// A checked subexpression: its type and the instruction that computes it.
    struct Typed {
        var type: RuleType
        var code: RuleProgram.Index
    }

    /// The state of one check: the issues so far and the program being built.
    struct Walk {
        let schema: RuleSchema
        var builder = RuleProgramBuilder()
        var issues: [RuleExpressionIssue] = []

        mutating func report(_ message: String, _ range: Range<Int>) {
            issues.append(RuleExpressionIssue(message, at: range))
        }

        mutating func visit(_ expression: RuleExpression) -> Typed? {
            let range = expression.range
            switch expression.kind {
            case let .number(value): return Typed(type: .number, code: builder.emit(.numberConstant(value)))
            case let .duration(seconds, _): return Typed(type: .duration, code: builder.emit(.numberConstant(seconds)))
            case let .string(value): return Typed(type: .string, code: builder.emit(.textConstant(builder.string(value))))
            case let .bool(value): return Typed(type: .bool, code: builder.emit(.truthConstant(Truth(value))))
            case let .field(name): return field(name, range)
            case let .attribute(name): return attribute(name, range)
            case let .unary(.not, operand):
                guard let code = condition(operand, for: "'not'") else { return nil }
                return Typed(type: .bool, code: builder.emit(.not(code)))
            case let .unary(.negate, operand):
                guard let typed = visit(operand) else { return nil }
                guard typed.type.isNumeric else {
                    report("'-' needs a number; this is \(typed.type.phrase)", operand.range)
                    return nil
                }
                return Typed(type: typed.type, code: builder.emit(.negate(typed.code)))
            case let .binary(op, _, _) where op.isLogical: return logical(op, expression)
            case let .binary(op, left, right): return arithmetic(op, left, right, range)
            case let .comparison(first, steps): return comparison(first, steps)
            case let .call(name, nameRange, arguments): return call(name, nameRange, arguments, range)
            case .invalid: return nil
            }
        }

        mutating func field(_ name: String, _ range: Range<Int>) -> Typed? {
            guard let type = fieldType(name, range) else { return nil }
            let slot = builder.field(name)
            switch type.shape {
            case .truth: return Typed(type: type, code: builder.emit(.truthField(slot)))
            case .number: return Typed(type: type, code: builder.emit(.numberField(slot)))
            case .text: return Typed(type: type, code: builder.emit(.textField(slot)))
            }
        }

        /// The field's type, or nil after reporting it unknown with the nearest name.
        mutating func fieldType(_ name: String, _ range: Range<Int>) -> RuleType? {
            if let type = schema.fieldType(name) { return type }
            var message = "unknown field '\(name)' for type \(schema.typeName)"
            if let near = schema.suggestField(for: name) {
                message += "; did you mean '\(near)'?"
            } else if schema.attributes[name] != nil {
                message += "; did you mean 'attr.\(name)'?"
            } else {
                message += " (fields: \(schema.fields.keys.sorted().joined(separator: ", ")))"
            }
            report(message, range)
            return nil
        }

        mutating func attribute(_ name: String, _ range: Range<Int>) -> Typed? {
            guard let type = schema.attributeType(name) else {
                var message = "unknown attribute '\(name)'"
                if let near = schema.suggestAttribute(for: name) {
                    message += "; did you mean 'attr.\(near)'?"
                } else {
                    message += " (declare it under 'attributes:')"
                }
                report(message, range)
                return nil
            }
            let slot = builder.attribute(name)
            switch type.shape {
            case .truth: return Typed(type: type, code: builder.emit(.truthAttribute(slot)))
            case .number: return Typed(type: type, code: builder.emit(.numberAttribute(slot)))
            case .text: return Typed(type: type, code: builder.emit(.textAttribute(slot)))
            }
        }

        /// An operand of `and`, `or` or `not`: it must be a condition itself.
        mutating func condition(_ operand: RuleExpression, for op: String) -> RuleProgram.Index? {
            guard let typed = visit(operand) else { return nil }
            guard typed.type == .bool else {
                report("\(op) needs a condition (true or false); this is \(typed.type.phrase)", operand.range)
                return nil
            }
            return typed.code
        }

        /// `a or b or c` becomes one n-ary instruction, so evaluation loops instead of recursing.
        mutating func logical(_ op: RuleExpression.BinaryOperator, _ expression: RuleExpression) -> Typed? {
            var parts: [RuleExpression] = []
            Self.flatten(op, expression, into: &parts)
            let codes = parts.map { condition($0, for: "'\(op.rawValue)'") }
            let known = codes.compactMap { $0 }
            guard known.count == codes.count else { return nil }
            let start = builder.operands(known)
            let count = RuleProgram.Index(known.count)
            return Typed(type: .bool, code: builder.emit(op == .and ? .and(start: start, count: count) : .or(start: start, count: count)))
        }

        static func flatten(_ op: RuleExpression.BinaryOperator, _ expression: RuleExpression, into parts: inout [RuleExpression]) {
            if case let .binary(inner, left, right) = expression.kind, inner == op {
                flatten(op, left, into: &parts)
                flatten(op, right, into: &parts)
            } else {
                parts.append(expression)
            }
        }
    }
}

/// What `RuleExpressionChecker.check` found.
public struct RuleCheckResult: Sendable {
    /// The expression's type; nil when an error made it unknowable.
    public var type: RuleType?
    public var issues: [RuleExpressionIssue]

    public init(type: RuleType?, issues: [RuleExpressionIssue]) {
        self.type = type
        self.issues = issues
    }
}
