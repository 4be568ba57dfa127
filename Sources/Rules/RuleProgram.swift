/// A checked expression lowered to flat, typed code: an array of instructions that refer to
/// each other by index, with every name already resolved to a slot.
///
/// Why not walk the tree: tree nodes are boxed, so walking them chases pointers and retains
/// strings. These instructions are plain values (no references), typed by what they compute
/// (truth, number or text), so evaluation is a switch per node with no lookups, no
/// allocation and no dynamic type tests. A final class, so an evaluation holds one
/// reference rather than copying six arrays; `@usableFromInline` so that callers in other
/// modules get the evaluator specialised for their context type.
@usableFromInline
final class RuleProgram: Sendable {
    @usableFromInline typealias Index = Int32

    /// One computation. Operands are indices of earlier instructions.
    @usableFromInline
    enum Instruction: Sendable {
        // Truth-valued.
        case truthConstant(Truth)
        case truthField(Index)
        case truthAttribute(Index)
        case not(Index)
        /// Operands are `operands[start ..< start + count]`.
        case and(start: Index, count: Index)
        case or(start: Index, count: Index)
        case compareNumbers(RuleExpression.ComparisonOperator, Index, Index)
        case compareTexts(equal: Bool, Index, Index)
        case compareTruths(equal: Bool, Index, Index)
        /// `is_true` / `is_false`: whether the operand is known to be `value`; never unknown.
        case definitely(Index, value: Bool)
        /// `a <= x <= b`: `count` operators from `chainOperators[operatorStart...]`,
        /// `count + 1` number operands from `operands[operandStart...]`.
        case chain(operatorStart: Index, operandStart: Index, count: Index)
        // Number-valued (durations are seconds).
        case numberConstant(Double)
        case numberField(Index)
        case numberAttribute(Index)
        case negate(Index)
        case arithmetic(RuleExpression.BinaryOperator, Index, Index)
        case abs(Index)
        case min(Index, Index)
        case max(Index, Index)
        case delta(field: Index)
        /// A window function over a field's history; `length` computes the window in seconds.
        case window(RuleFunction, field: Index, length: Index)
        // Text-valued (strings and enum values).
        case textConstant(Index)
        case textField(Index)
        case textAttribute(Index)
    }

    /// The three run-time shapes a result can have.
    @usableFromInline
    enum Shape: Sendable { case truth, number, text }

    /// The parts as the builder assembles them.
    struct Parts {
        var instructions: ContiguousArray<Instruction> = []
        var operands: ContiguousArray<Index> = []
        var chainOperators: ContiguousArray<RuleExpression.ComparisonOperator> = []
        var strings: ContiguousArray<String> = []
        var fields: ContiguousArray<RuleField> = []
        var attributes: ContiguousArray<RuleAttribute> = []
    }

    @usableFromInline let instructions: ContiguousArray<Instruction>
    @usableFromInline let operands: ContiguousArray<Index>
    @usableFromInline let chainOperators: ContiguousArray<RuleExpression.ComparisonOperator>
    @usableFromInline let strings: ContiguousArray<String>
    @usableFromInline let fields: ContiguousArray<RuleField>
    @usableFromInline let attributes: ContiguousArray<RuleAttribute>
    /// The instruction that computes the whole expression, and what it computes.
    @usableFromInline let root: Index
    @usableFromInline let shape: Shape

    init(_ parts: Parts, root: Index, shape: Shape) {
        instructions = parts.instructions
        operands = parts.operands
        chainOperators = parts.chainOperators
        strings = parts.strings
        fields = parts.fields
        attributes = parts.attributes
        self.root = root
        self.shape = shape
    }
}

/// Builds a `RuleProgram` while the checker walks the tree: children first, so every
/// instruction's operands are already there, and each name gets one slot however often
/// the expression mentions it.
struct RuleProgramBuilder {
    private(set) var program = RuleProgram.Parts()
    private var fieldSlots: [String: RuleProgram.Index] = [:]
    private var attributeSlots: [String: RuleProgram.Index] = [:]
    private var stringSlots: [String: RuleProgram.Index] = [:]
    private(set) var windows: [RuleWindowUse] = []
    private(set) var previousFields: [String] = []

    mutating func emit(_ instruction: RuleProgram.Instruction) -> RuleProgram.Index {
        program.instructions.append(instruction)
        return RuleProgram.Index(program.instructions.count - 1)
    }

    mutating func field(_ name: String) -> RuleProgram.Index {
        if let slot = fieldSlots[name] { return slot }
        let slot = RuleProgram.Index(program.fields.count)
        program.fields.append(RuleField(slot: Int(slot), name: name))
        fieldSlots[name] = slot
        return slot
    }

    mutating func attribute(_ name: String) -> RuleProgram.Index {
        if let slot = attributeSlots[name] { return slot }
        let slot = RuleProgram.Index(program.attributes.count)
        program.attributes.append(RuleAttribute(slot: Int(slot), name: name))
        attributeSlots[name] = slot
        return slot
    }

    mutating func string(_ value: String) -> RuleProgram.Index {
        if let slot = stringSlots[value] { return slot }
        let slot = RuleProgram.Index(program.strings.count)
        program.strings.append(value)
        stringSlots[value] = slot
        return slot
    }

    /// Appends an operand list (for `and`/`or` and chains) and returns where it starts.
    mutating func operands(_ indices: [RuleProgram.Index]) -> RuleProgram.Index {
        let start = RuleProgram.Index(program.operands.count)
        program.operands.append(contentsOf: indices)
        return start
    }

    mutating func chainOperators(_ operators: [RuleExpression.ComparisonOperator]) -> RuleProgram.Index {
        let start = RuleProgram.Index(program.chainOperators.count)
        program.chainOperators.append(contentsOf: operators)
        return start
    }

    mutating func noteWindow(_ use: RuleWindowUse) {
        if !windows.contains(use) { windows.append(use) }
    }

    mutating func notePrevious(_ field: String) {
        if !previousFields.contains(field) { previousFields.append(field) }
    }

    func finish(root: RuleProgram.Index, type: RuleType) -> RuleProgram {
        RuleProgram(program, root: root, shape: type.shape)
    }
}
