/// Function calls: the function exists, has its number of arguments, field functions name a
/// field of a suitable type, and windows are durations.
extension RuleExpressionChecker.Walk {
    mutating func call(_ name: String, _ nameRange: Range<Int>, _ arguments: [RuleExpression], _ range: Range<Int>) -> Typed? {
        guard let function = RuleFunction(rawValue: name) else {
            var message = "unknown function '\(name)'"
            if let near = RuleSchema.nearest(to: name, among: RuleFunction.allCases.map(\.rawValue)) {
                message += "; did you mean '\(near)'?"
            } else {
                message += " (functions: \(RuleFunction.allCases.map(\.rawValue).sorted().joined(separator: ", ")))"
            }
            report(message, nameRange)
            // Still check the arguments, so their own errors are reported in the same pass.
            for argument in arguments { _ = visit(argument) }
            return nil
        }
        let parameters = function.parameters
        guard arguments.count == parameters.count else {
            let plural = parameters.count == 1 ? "argument" : "arguments"
            report("\(name) takes \(parameters.count) \(plural) (\(parameters.joined(separator: ", "))), got \(arguments.count)", range)
            for argument in arguments { _ = visit(argument) }
            return nil
        }
        return function.takesField ? fieldFunction(function, arguments) : numericFunction(function, arguments)
    }

    /// `delta(f)`, `rate(f, w)`, `increase(f, w)`, `changes(f, w)`, `count_true(f, w)`.
    private mutating func fieldFunction(_ function: RuleFunction, _ arguments: [RuleExpression]) -> Typed? {
        let name = function.rawValue
        let target = arguments[0]
        var fieldSlot: RuleProgram.Index?
        switch target.kind {
        case let .field(fieldName):
            if let type = fieldType(fieldName, target.range) {
                if function.accepts(type) {
                    fieldSlot = builder.field(fieldName)
                } else {
                    report("\(name) needs \(function.expectedFieldKind); '\(fieldName)' is \(type.phrase)", target.range)
                }
            }
        case .invalid:
            break
        default:
            let example = function.isWindowed ? "\(name)(total_m3, 10m)" : "\(name)(total_m3)"
            report("the first argument of \(name) must be a field name, such as \(example)", target.range)
            _ = visit(target)
        }
        guard function.isWindowed else {
            guard let fieldSlot else { return nil }
            builder.notePrevious(builder.program.fields[Int(fieldSlot)].name)
            return Typed(type: .number, code: builder.emit(.delta(field: fieldSlot)))
        }
        let window = arguments[1]
        let length = visit(window)
        if let length, length.type != .duration {
            report("the window of \(name) must be a duration such as 10m; this is \(length.type.phrase)", window.range)
            return nil
        }
        if case let .duration(seconds, _) = window.kind, seconds <= 0 {
            report("the window of \(name) must be longer than zero", window.range)
            return nil
        }
        guard let fieldSlot, let length else { return nil }
        builder.noteWindow(RuleWindowUse(field: builder.program.fields[Int(fieldSlot)].name, function: function,
                                         length: Self.windowLength(window)))
        return Typed(type: .number, code: builder.emit(.window(function, field: fieldSlot, length: length.code)))
    }

    private static func windowLength(_ window: RuleExpression) -> RuleWindowUse.Length {
        switch window.kind {
        case let .duration(seconds, _): .fixed(seconds)
        case let .attribute(name): .attribute(name)
        default: .computed
        }
    }

    /// `abs(x)`, `min(a, b)`, `max(a, b)`: numbers or durations, not mixed.
    private mutating func numericFunction(_ function: RuleFunction, _ arguments: [RuleExpression]) -> Typed? {
        let typed = arguments.map { visit($0) }
        var valid = true
        for (argument, expression) in zip(typed, arguments) {
            if let argument, !function.accepts(argument.type) {
                report("\(function.rawValue) needs \(function.expectedFieldKind); this is \(argument.type.phrase)", expression.range)
                valid = false
            }
        }
        let known = typed.compactMap { $0 }
        guard valid, known.count == arguments.count else { return nil }
        switch function {
        case .isTrue, .isFalse:
            return Typed(type: .bool, code: builder.emit(.definitely(known[0].code, value: function == .isTrue)))
        case .min, .max:
            guard known[0].type == known[1].type else {
                let range = arguments[0].range.lowerBound..<arguments[1].range.upperBound
                report("\(function.rawValue) needs two numbers or two durations; got \(known[0].type) and \(known[1].type)", range)
                return nil
            }
            let instruction: RuleProgram.Instruction = function == .min ? .min(known[0].code, known[1].code) : .max(known[0].code, known[1].code)
            return Typed(type: known[0].type, code: builder.emit(instruction))
        default:
            return Typed(type: known[0].type, code: builder.emit(.abs(known[0].code)))
        }
    }
}
