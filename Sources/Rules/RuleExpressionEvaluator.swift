/// Runs a `RuleProgram` against a context under three-valued logic.
///
/// One function per run-time shape (truth, number, text): the checker proved each
/// instruction's type, so a number is a `Double?` (nil = unknown) and never a boxed value;
/// only fields and attributes pass through `RuleValue`, as the context hands them in.
/// Operands are evaluated lazily: `and` stops at the first false, `or` at the first true,
/// arithmetic at the first unknown operand, so a context is asked only what matters.
///
/// `@inlinable` (with the program `@usableFromInline`) so a caller in another module gets
/// it specialised for its own context type: unspecialised generic code reaches every
/// context method through witness tables and costs several times more.
@usableFromInline
struct RuleExpressionEvaluator<Context: RuleContext> {
    @usableFromInline typealias Index = RuleProgram.Index

    @usableFromInline let program: RuleProgram
    @usableFromInline let context: Context

    @inlinable
    init(program: RuleProgram, context: Context) {
        self.program = program
        self.context = context
    }

    @inlinable
    func truth(_ index: Index) -> Truth {
        switch program.instructions[Int(index)] {
        case let .truthConstant(value): return value
        case let .truthField(slot): return context.value(field: program.fields[Int(slot)]).truth
        case let .truthAttribute(slot): return context.attribute(program.attributes[Int(slot)]).truth
        case let .not(operand): return truth(operand).negated
        case let .and(start, count):
            var result = Truth.true
            for position in start..<(start + count) {
                switch truth(program.operands[Int(position)]) {
                case .false: return .false
                case .unknown: result = .unknown
                case .true: break
                }
            }
            return result
        case let .or(start, count):
            var result = Truth.false
            for position in start..<(start + count) {
                switch truth(program.operands[Int(position)]) {
                case .true: return .true
                case .unknown: result = .unknown
                case .false: break
                }
            }
            return result
        case let .compareNumbers(op, left, right):
            guard let lhs = number(left), let rhs = number(right) else { return .unknown }
            return Truth(Self.compare(op, lhs, rhs))
        case let .compareTexts(equal, left, right):
            guard let lhs = text(left), let rhs = text(right) else { return .unknown }
            return Truth((lhs == rhs) == equal)
        case let .compareTruths(equal, left, right):
            let lhs = truth(left), rhs = truth(right)
            guard lhs != .unknown, rhs != .unknown else { return .unknown }
            return Truth((lhs == rhs) == equal)
        case let .chain(operatorStart, operandStart, count):
            return chain(operatorStart: Int(operatorStart), operandStart: Int(operandStart), count: Int(count))
        case let .definitely(operand, value):
            return Truth(truth(operand) == Truth(value))
        case .numberConstant, .numberField, .numberAttribute, .negate, .arithmetic, .abs, .min, .max, .delta, .window,
             .textConstant, .textField, .textAttribute:
            // Not a truth: the checker never emits this, but unknown is the safe answer.
            return .unknown
        }
    }

    /// `a <= x <= b` as `a <= x and x <= b`, evaluating `x` once.
    @inlinable
    func chain(operatorStart: Int, operandStart: Int, count: Int) -> Truth {
        var result = Truth.true
        var lhs = number(program.operands[operandStart])
        for step in 0..<count {
            let rhs = number(program.operands[operandStart + step + 1])
            if let left = lhs, let right = rhs {
                if !Self.compare(program.chainOperators[operatorStart + step], left, right) { return .false }
            } else {
                result = .unknown
            }
            lhs = rhs
        }
        return result
    }

    @inlinable @inline(__always)
    static func compare(_ op: RuleExpression.ComparisonOperator, _ lhs: Double, _ rhs: Double) -> Bool {
        switch op {
        case .equal: lhs == rhs
        case .notEqual: lhs != rhs
        case .less: lhs < rhs
        case .lessOrEqual: lhs <= rhs
        case .greater: lhs > rhs
        case .greaterOrEqual: lhs >= rhs
        }
    }

    /// A number, or nil when unknown (an unknown operand, a division by zero, an overflow).
    @inlinable
    func number(_ index: Index) -> Double? {
        switch program.instructions[Int(index)] {
        case let .numberConstant(value): return value
        case let .numberField(slot): return context.value(field: program.fields[Int(slot)]).number
        case let .numberAttribute(slot): return context.attribute(program.attributes[Int(slot)]).number
        case let .negate(operand): return number(operand).map { -$0 }
        case let .arithmetic(op, left, right):
            guard let lhs = number(left), let rhs = number(right) else { return nil }
            let result: Double
            switch op {
            case .add: result = lhs + rhs
            case .subtract: result = lhs - rhs
            case .multiply: result = lhs * rhs
            case .divide:
                guard rhs != 0 else { return nil }
                result = lhs / rhs
            case .and, .or: return nil
            }
            return result.isFinite ? result : nil
        case let .abs(operand): return number(operand).map { Swift.abs($0) }
        case let .min(left, right):
            guard let lhs = number(left), let rhs = number(right) else { return nil }
            return Swift.min(lhs, rhs)
        case let .max(left, right):
            guard let lhs = number(left), let rhs = number(right) else { return nil }
            return Swift.max(lhs, rhs)
        case let .delta(slot):
            let field = program.fields[Int(slot)]
            guard let current = context.value(field: field).number, let before = context.previous(field: field).number else { return nil }
            return current - before
        case let .window(function, slot, length):
            guard let seconds = number(length), seconds > 0 else { return nil }
            return context.windowValue(function, field: program.fields[Int(slot)], windowSeconds: seconds)
        case .truthConstant, .truthField, .truthAttribute, .not, .and, .or, .compareNumbers, .compareTexts, .compareTruths, .definitely,
             .chain, .textConstant, .textField, .textAttribute:
            return nil
        }
    }

    /// A string or enum value, or nil when unknown.
    @inlinable
    func text(_ index: Index) -> String? {
        switch program.instructions[Int(index)] {
        case let .textConstant(slot): return program.strings[Int(slot)]
        case let .textField(slot): return context.value(field: program.fields[Int(slot)]).string
        case let .textAttribute(slot): return context.attribute(program.attributes[Int(slot)]).string
        default: return nil
        }
    }
}
