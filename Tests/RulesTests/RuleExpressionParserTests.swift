import Rules
import Testing

/// Parsing: precedence, chained comparisons, literals, offsets, and syntax errors with
/// their positions (every one the parser can tell apart).
@Suite struct RuleExpressionParserTests {
    private func parsed(_ text: String) -> String {
        let (expression, issues) = RuleExpressionParser.parse(text)
        #expect(issues.isEmpty, "\(text): \(issues)")
        return expression.description
    }

    private func issues(_ text: String) -> [String] {
        RuleExpressionParser.parse(text).issues.map(\.description)
    }

    @Test(arguments: [
        ("a or b and c", "(a or (b and c))"),
        ("a and b or c", "((a and b) or c)"),
        ("not a and b", "((not a) and b)"),
        ("not a == b", "(not (a == b))"),
        ("not not a", "(not (not a))"),
        ("a + b * c > d - e / f", "((a + (b * c)) > (d - (e / f)))"),
        ("(a + b) * c", "((a + b) * c)"),
        ("a - b - c", "((a - b) - c)"),
        ("a / b / c", "((a / b) / c)"),
        ("-a * b", "((-a) * b)"),
        ("- -a", "(-(-a))"),
        ("-5 + 2", "(-5 + 2)"),
        ("a > 1 or b < 2 and not c", "((a > 1) or ((b < 2) and (not c)))"),
        ("sos or fall", "(sos or fall)"),
        ("open", "open"),
        ("alarm == true and not test", "((alarm == true) and (not test))"),
    ])
    func precedence(_ text: String, _ expected: String) {
        #expect(parsed(text) == expected)
    }

    @Test func chainedComparisonsKeepEveryStep() {
        #expect(parsed("attr.hr_low + 5 <= hr_bpm <= attr.hr_high - 5") == "((attr.hr_low + 5) <= hr_bpm <= (attr.hr_high - 5))")
        #expect(parsed("0 < x < 10 and y") == "((0 < x < 10) and y)")
        #expect(parsed("a >= b > c >= d") == "(a >= b > c >= d)")
        let (expression, _) = RuleExpressionParser.parse("1 <= x < 2")
        guard case let .comparison(first, steps) = expression.kind else { Issue.record("not a comparison"); return }
        #expect(first.range == 0..<1)
        #expect(steps.map(\.op) == [.lessOrEqual, .less])
        #expect(steps.map(\.operatorRange) == [2..<4, 7..<8])
        #expect(steps.map(\.operand.range) == [5..<6, 9..<10])
    }

    @Test func literalsAndReferences() {
        #expect(parsed("rate(total_m3, 10m) * 1000 > attr.night_flow_lph") == "((rate(total_m3, 10m) * 1000) > attr.night_flow_lph)")
        #expect(parsed("x == 1.25") == "(x == 1.25)")
        #expect(parsed(#"event == "forced_open""#) == #"(event == "forced_open")"#)
        #expect(parsed(#"name == "楼 \"A\"""#) == #"(name == "楼 "A"")"#)
        #expect(parsed("min(a, max(b, 2))") == "min(a, max(b, 2))")
        #expect(parsed("f()") == "f()")
        let (expression, _) = RuleExpressionParser.parse("increase(steps, 1h30m)")
        guard case let .call(name, nameRange, arguments) = expression.kind else { Issue.record("not a call"); return }
        #expect(name == "increase" && nameRange == 0..<8 && expression.range == 0..<22)
        #expect(arguments.last?.kind == .duration(seconds: 5400, text: "1h30m"))
        for (text, seconds) in [("500ms", 0.5), ("45s", 45.0), ("10m", 600.0), ("4h", 14_400.0), ("1d", 86_400.0)] {
            #expect(RuleExpressionParser.parse("rate(x, \(text))").expression == RuleExpressionParser.parse("rate(x, \(text))").expression)
            guard case let .call(_, _, args) = RuleExpressionParser.parse("rate(x, \(text))").expression.kind else { continue }
            #expect(args.last?.kind == .duration(seconds: seconds, text: text))
        }
    }

    @Test func everyNodeKnowsItsOffsets() {
        let (expression, _) = RuleExpressionParser.parse("(a + b) * attr.k")
        #expect(expression.range == 0..<16)
        guard case let .binary(.multiply, left, right) = expression.kind else { Issue.record("not a product"); return }
        #expect(left.range == 0..<7)  // the parentheses belong to the operand
        #expect(right.range == 10..<16)
        guard case let .binary(.add, a, b) = left.kind else { Issue.record("not a sum"); return }
        #expect(a.range == 1..<2 && b.range == 5..<6)
        // Offsets count characters, not bytes, so a Chinese string does not shift what follows.
        let (withText, _) = RuleExpressionParser.parse(#"note == "门" and x"#)
        guard case let .binary(.and, _, x) = withText.kind else { Issue.record("not an and"); return }
        #expect(x.range == 16..<17)
    }

    @Test func unclosedParenthesisNamesWhereItOpened() {
        #expect(issues("(a > 1 and (b < 2)") == ["18..<18: expected ')' to close '(' at column 1"])
        #expect(issues("x and (a > 1 or b") == ["17..<17: expected ')' to close '(' at column 7"])
        #expect(issues("rate(total_m3, 10m > 1") == ["22..<22: expected ')' to close the '(' of rate at column 5"])
        #expect(issues("(a b)") == ["3..<4: expected ')' to close '(' at column 1, found 'b'"])
    }

    @Test func missingOperandsAndStrayTokens() {
        #expect(issues("hr_bpm >") == ["8..<8: expected a value after '>', found the end of the expression"])
        #expect(issues("a and or b") == ["6..<8: expected a value after 'and', found 'or'"])
        #expect(issues("a > )") == ["4..<5: expected a value after '>', found ')'"])
        #expect(issues("a b") == ["2..<3: unexpected 'b' after a complete expression; is an operator missing?"])
        #expect(issues("") == ["0..<0: empty expression"])
        #expect(issues("   ") == ["3..<3: empty expression"])
        #expect(issues("attr") == ["0..<4: 'attr' must be followed by '.NAME', like attr.hr_high"])
        #expect(issues("attr.5") == ["5..<6: expected an attribute name after 'attr.'"])
    }

    @Test func slipsFromOtherLanguagesAreReportedAndRecovered() {
        #expect(issues("a && b") == ["2..<4: use 'and' instead of '&&'"])
        #expect(issues("a || !b") == ["2..<4: use 'or' instead of '||'", "5..<6: use 'not' instead of '!'"])
        #expect(issues("x = 1") == ["2..<3: use '==' to compare ('=' is not an operator)"])
        #expect(issues("x => 1") == ["2..<4: use '>=' instead of '=>'"])
        #expect(issues("event == 'tamper'") == [#"9..<17: strings use double quotes: "tamper""#])
        #expect(issues(#"event == "tamper"#) == ["9..<16: unterminated string: add the closing \""])
        #expect(issues("x # 1") == ["2..<3: unexpected character '#'"])
        #expect(issues("rate(x, 10x)") == ["8..<11: invalid number or duration '10x' (durations look like 500ms, 45s, 10m, 4h, 1d)"])
        // Recovery means the rest of the expression is still read and checked.
        #expect(RuleExpressionParser.parse("a && b").expression.description == "(a and b)")
    }

    @Test func chainsMustGoOneWay() {
        #expect(issues("a < x > b") == ["6..<7: chained comparisons must all go one way, like 'low <= x < high'; use 'and' to combine '<' and '>'"])
        #expect(issues("a == b == c") == ["7..<9: chained comparisons must all go one way, like 'low <= x < high'; use 'and' to combine '==' and '=='"])
    }

    @Test func severalSyntaxErrorsInOnePass() {
        let found = issues("a && (b > ) or c = 2")
        #expect(found == [
            "2..<4: use 'and' instead of '&&'",
            "10..<11: expected a value after '>', found ')'",
            "17..<18: use '==' to compare ('=' is not an operator)",
        ])
    }
}
