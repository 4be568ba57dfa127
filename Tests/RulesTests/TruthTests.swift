import Devices
import Rules
import Testing

/// Three-valued logic: the truth tables, and unknown data (absent, null, stale, wrong kind,
/// division by zero) staying unknown through every operator, `not` included.
@Suite struct TruthTests {
    private static let all: [Truth] = [.true, .false, .unknown]

    @Test func kleeneTables() {
        // Rows: self; columns: other; order true, false, unknown.
        let and: [[Truth]] = [[.true, .false, .unknown], [.false, .false, .false], [.unknown, .false, .unknown]]
        let or: [[Truth]] = [[.true, .true, .true], [.true, .false, .unknown], [.true, .unknown, .unknown]]
        for (i, lhs) in Self.all.enumerated() {
            for (j, rhs) in Self.all.enumerated() {
                #expect(lhs.and(rhs) == and[i][j], "\(lhs) and \(rhs)")
                #expect(lhs.or(rhs) == or[i][j], "\(lhs) or \(rhs)")
            }
        }
        #expect(Truth.true.negated == .false)
        #expect(Truth.false.negated == .true)
        #expect(Truth.unknown.negated == .unknown)
    }

    private static func value(_ truth: Truth) -> RuleValue {
        switch truth {
        case .true: .bool(true)
        case .false: .bool(false)
        case .unknown: .unknown
        }
    }

    /// The same tables through the whole engine: fields `a` and `b` carrying each truth.
    @Test func tablesThroughExpressions() {
        for lhs in Self.all {
            for rhs in Self.all {
                let values: [String: RuleValue] = ["a": Self.value(lhs), "b": Self.value(rhs)]
                #expect(RuleTestSupport.truth("a and b", values) == lhs.and(rhs), "\(lhs) and \(rhs)")
                #expect(RuleTestSupport.truth("a or b", values) == lhs.or(rhs), "\(lhs) or \(rhs)")
                #expect(RuleTestSupport.truth("not a", values) == lhs.negated)
                #expect(RuleTestSupport.truth("a == b", values) == (lhs.isKnown && rhs.isKnown ? Truth(lhs == rhs) : .unknown))
                #expect(RuleTestSupport.truth("a != b", values) == (lhs.isKnown && rhs.isKnown ? Truth(lhs != rhs) : .unknown))
            }
        }
        // n-ary: one false decides `and`, one true decides `or`, whatever else is unknown.
        #expect(RuleTestSupport.truth("a and b and x > 1", ["a": true, "b": false]) == .false)
        #expect(RuleTestSupport.truth("x > 1 or a or b", ["b": true]) == .true)
        #expect(RuleTestSupport.truth("a and b and a", ["a": true, "b": true]) == .true)
        #expect(RuleTestSupport.truth("a or b or x > 1", ["a": false, "b": false, "x": 0]) == .false)
    }

    @Test func unknownNeverBecomesTrueThroughNot() {
        let conditions = ["not a", "not not a", "not (a and b)", "not (a or b)", "not (x > 1)", "not (x <= 1)",
                          "not (x == 1)", "not (x != 1)", "not (mode == \"auto\")", "not (0 <= x <= 10)", "not a == b"]
        let unknowns: [[String: RuleValue]] = [
            [:], ["a": .unknown, "b": .unknown, "x": .unknown, "mode": .unknown],
            ["a": 5, "b": "yes", "x": "ten", "mode": true],  // present but the wrong kind
        ]
        for condition in conditions {
            for values in unknowns {
                #expect(RuleTestSupport.truth(condition, values) == .unknown, "\(condition) over \(values)")
            }
        }
        // Stale fields are unknown whatever they hold.
        #expect(RuleTestSupport.truth("not a", ["a": false], stale: ["a"]) == .unknown)
        #expect(RuleTestSupport.truth("not (x > 100)", ["x": 5], stale: ["x"]) == .unknown)
    }

    @Test func arithmeticAndComparisonWithUnknown() {
        #expect(RuleTestSupport.truth("x + 1 > 2", [:]) == .unknown)
        #expect(RuleTestSupport.truth("x * 0 == 0", [:]) == .unknown)  // not "obviously zero"
        #expect(RuleTestSupport.truth("x > attr.high", ["x": 200]) == .unknown)  // attribute missing
        #expect(RuleTestSupport.truth("x > attr.high", ["x": 200], attributes: ["high": 120]) == .true)
        #expect(RuleTestSupport.truth("-x < 0", ["x": 3]) == .true)
        #expect(RuleTestSupport.truth("-x < 0", [:]) == .unknown)
        #expect(RuleTestSupport.truth("label == \"a\"", [:]) == .unknown)
        #expect(RuleTestSupport.truth("mode != \"off\"", ["mode": "auto"]) == .true)
    }

    @Test func divisionByZeroIsUnknown() {
        #expect(RuleTestSupport.truth("x / y > 1", ["x": 5, "y": 0]) == .unknown)
        #expect(RuleTestSupport.truth("x / y > 1 or a", ["x": 5, "y": 0, "a": true]) == .true)
        #expect(RuleTestSupport.truth("x / y > 1", ["x": 5, "y": 2]) == .true)
        #expect(RuleTestSupport.truth("x / (y - y) < 1", ["x": 5, "y": 2]) == .unknown)
    }

    @Test func chainedComparisonIsAnAndOfItsSteps() {
        let attributes: [String: RuleValue] = ["low": 45, "high": 120]
        let band = "attr.low + 5 <= x <= attr.high - 5"
        #expect(RuleTestSupport.truth(band, ["x": 50], attributes: attributes) == .true)
        #expect(RuleTestSupport.truth(band, ["x": 115], attributes: attributes) == .true)
        #expect(RuleTestSupport.truth(band, ["x": 49], attributes: attributes) == .false)
        #expect(RuleTestSupport.truth(band, ["x": 116], attributes: attributes) == .false)
        #expect(RuleTestSupport.truth(band, [:], attributes: attributes) == .unknown)
        // One side unknown: false still decides, otherwise unknown (never true).
        #expect(RuleTestSupport.truth(band, ["x": 30], attributes: ["high": 120]) == .unknown)
        #expect(RuleTestSupport.truth(band, ["x": 130], attributes: ["high": 120]) == .false)
        #expect(RuleTestSupport.truth("0 < x < y < 10", ["x": 1, "y": 2]) == .true)
        #expect(RuleTestSupport.truth("0 < x < y < 10", ["x": 2, "y": 1]) == .false)
        #expect(RuleTestSupport.truth("0 < x <= 1", ["x": 1]) == .true)
        #expect(RuleTestSupport.truth("1 > x >= 0", ["x": 0]) == .true)
    }

    @Test func valuesOfNonBooleanExpressions() {
        let context = InMemoryRuleContext(values: ["x": 4, "label": "hall", "mode": "auto", "a": true])
        #expect(RuleTestSupport.value("x * 2 + 1", context) == .number(9))
        #expect(RuleTestSupport.value("label", context) == .string("hall"))
        #expect(RuleTestSupport.value("mode", context) == .string("auto"))
        #expect(RuleTestSupport.value("y + 1", context) == .unknown)
        #expect(RuleTestSupport.value("a", context) == .bool(true))
        #expect(RuleTestSupport.value("attr.window * 2", InMemoryRuleContext(attributes: ["window": 600])) == .number(1200))
        // A number expression has no truth: the caller asked the wrong question, so unknown.
        #expect((try? RuleTestSupport.compile("x", expecting: nil))?.truth(in: context) == .unknown)
    }

    @Test func jsonValuesBecomeRuleValues() {
        #expect(RuleValue(.int(3)) == .number(3))
        #expect(RuleValue(.double(2.5)) == .number(2.5))
        #expect(RuleValue(.bool(true)) == .bool(true))
        #expect(RuleValue(.string("x")) == .string("x"))
        #expect(RuleValue(.null) == .unknown)
        #expect(RuleValue(nil) == .unknown)
        #expect(RuleValue(.array([])) == .unknown)
        #expect(RuleValue(.object([:])) == .unknown)
        #expect(RuleValue.bool(true).sampleValue == 1)
        #expect(RuleValue.string("x").sampleValue == nil)
    }

    @Test func isTrueAndIsFalseAreNeverUnknown() {
        #expect(RuleTestSupport.truth("is_true(a)", ["a": true]) == .true)
        #expect(RuleTestSupport.truth("is_true(a)", ["a": false]) == .false)
        #expect(RuleTestSupport.truth("is_true(a)") == .false)
        #expect(RuleTestSupport.truth("is_false(a)", ["a": false]) == .true)
        #expect(RuleTestSupport.truth("is_false(a)") == .false)
        // "Unless known to be true": fires when `b` is absent, not when it is true.
        #expect(RuleTestSupport.truth("a and not is_true(b)", ["a": true]) == .true)
        #expect(RuleTestSupport.truth("a and not is_true(b)", ["a": true, "b": true]) == .false)
        #expect(RuleTestSupport.truth("is_true(x > 3)", ["x": 5]) == .true)
        #expect(!RuleTestSupport.errors("is_true(x)").isEmpty)
    }
}
