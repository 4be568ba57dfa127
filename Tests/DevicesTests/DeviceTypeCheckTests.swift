@testable import Devices
import Formats
import Foundation
import Testing

/// `DeviceType.check(named:)`, the search validation makes for every member of every message,
/// against the table it replaced on that path.
@Suite struct DeviceTypeCheckTests {
    static func agree(_ type: DeviceType, names: [String]) {
        for name in names {
            let searched = type.check(named: name)
            let looked = type.checks[name]
            #expect((searched == nil) == (looked == nil), "\(type.name).\(name)")
            guard let searched, let looked else { continue }
            #expect(searched.kind == looked.kind && searched.range == looked.range && searched.fieldIndex == looked.fieldIndex, "\(type.name).\(name)")
            #expect(type.checkedFields[searched.fieldIndex].name == name)
        }
    }

    @Test func agreesWithTheTableForEveryShippedType() {
        var diagnostics = DiagnosticList()
        let catalog = DeviceTypeCatalog.load(directory: DeviceTypeCatalogTests.repositoryRoot.appendingPathComponent("devices").path, diagnostics: &diagnostics)
        #expect(diagnostics.items.isEmpty)
        for name in catalog.names {
            guard let type = catalog[name] else { continue }
            Self.agree(type, names: Array(type.fields.keys) + ["", "unknown", "ts ", "Battery"])
        }
    }

    /// A declared name and a member spelled another, canonically equivalent way are one field,
    /// as they are to the table: "température" composed and decomposed, the Kelvin sign and K.
    @Test func canonicallyEquivalentSpellingsFindTheirField() {
        let fields = [DeviceType.Field(name: "temp\u{E9}rature", kind: .number, range: 0...50), DeviceType.Field(name: "K", kind: .bool)]
        let type = DeviceType(name: "spelled", description: "", reportingInterval: 60, heartbeat: 120, fields: fields)
        Self.agree(type, names: ["tempe\u{301}rature", "temp\u{E9}rature", "\u{212A}", "K", "k"])
        #expect(type.check(named: "tempe\u{301}rature")?.kind == .number)
        #expect(type.check(named: "\u{212A}")?.kind == .bool)
    }

    @Test func aTypeOfManyFieldsIsLookedUpInTheTable() {
        var fields: [DeviceType.Field] = []
        for index in 0..<40 {
            let range: ClosedRange<Double>? = index % 2 == 0 ? 0...Double(index) : nil
            fields.append(DeviceType.Field(name: "f\(index)", kind: index % 2 == 0 ? .number : .bool, range: range))
        }
        let type = DeviceType(name: "many", description: "", reportingInterval: 60, heartbeat: 120, fields: fields)
        let names: [String] = fields.map { $0.name } + ["ts", "seq", "battery", "f40", "f"]
        Self.agree(type, names: names)
    }
}
