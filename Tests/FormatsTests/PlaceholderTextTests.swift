import Formats
import Foundation
import Testing

/// Placeholders filled in one pass, as `replacingOccurrences` did one name at a time.
@Suite struct PlaceholderTextTests {
    static let values = ["device": "smoke-b01-0101", "community": "maple", "unit": "", "rule": "smoke_alarm"]

    static func fill(_ template: String) -> String { PlaceholderText.fill(template) { values[String($0)] } }

    @Test(arguments: [
        ("Smoke at {device}", "Smoke at smoke-b01-0101"),
        ("{community}/{device}: {rule}", "maple/smoke-b01-0101: smoke_alarm"),
        ("{device}{device}", "smoke-b01-0101smoke-b01-0101"),
        ("unit [{unit}]", "unit []"),
        ("no placeholders", "no placeholders"),
        ("{unknown} stays, {device} goes", "{unknown} stays, smoke-b01-0101 goes"),
        ("{{device}}", "{smoke-b01-0101}"),
        ("open { brace {device", "open { brace {device"),
        ("close } brace {device}", "close } brace smoke-b01-0101"),
        ("烟感 {device} 报警", "烟感 smoke-b01-0101 报警"),
        ("{}", "{}"),
        ("{device\u{301}}", "{device\u{301}}"),
        ("{\u{301}device}", "{\u{301}device}"),
        ("{device}\u{301} after", "smoke-b01-0101\u{301} after"),
    ])
    func fillsWhatItKnows(template: String, expected: String) {
        #expect(Self.fill(template) == expected)
    }

    /// The same answers as the chain of `replacingOccurrences` it replaced, on every title shape above.
    @Test func agreesWithReplacingOccurrences() {
        for template in ["{device} in {community}", "{rule}: {unit}{device}", "{{community}", "x{device}y{nope}z"] {
            var chained = template
            for (name, value) in Self.values.sorted(by: { $0.key < $1.key }) { chained = chained.replacingOccurrences(of: "{\(name)}", with: value) }
            #expect(Self.fill(template) == chained, "\(template)")
        }
    }
}
