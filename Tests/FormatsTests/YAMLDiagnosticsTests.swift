import Formats
import Testing

/// YAML read with positions: every wrong value is reported at its own line and column, all at once.
@Suite struct YAMLDiagnosticsTests {
    @Test func reportsEachWrongValueWhereItIs() throws {
        var diagnostics = DiagnosticList()
        let source = YAMLSource.parse("name: ok\nevery: soon\nsize: huge\ncolour: red\n", path: "x.yaml", into: &diagnostics)
        let mapping = try #require(YAMLMapping(source.root, in: source, what: "the file", diagnostics: &diagnostics))
        #expect(mapping.string("name", diagnostics: &diagnostics) == "ok")
        #expect(mapping.duration("every", diagnostics: &diagnostics) == nil)
        #expect(mapping.byteSize("size", diagnostics: &diagnostics) == nil)
        mapping.rejectUnknownKeys(["name", "every", "size"], what: "the file", diagnostics: &diagnostics)
        #expect(diagnostics.errors.map(\.description) == [
            "x.yaml:2:8: error: 'every' must be a duration such as 30s, 15m, 2h or 1d",
            "x.yaml:3:7: error: 'size' must be a size such as 4096, 16KiB, 64MiB or 2GiB",
            "x.yaml:4:1: error: unknown key 'colour' in the file (expected one of: every, name, size)",
        ])
    }

    @Test func aSyntaxErrorIsOneDiagnosticAtItsPlace() {
        var diagnostics = DiagnosticList()
        let source = YAMLSource.parse("a: [1, 2\nb: 3\n", path: "bad.yaml", into: &diagnostics)
        #expect(source.root == nil)
        #expect(diagnostics.items.count == 1)
        #expect(diagnostics.items.first?.description.hasPrefix("bad.yaml:") == true)
        #expect(diagnostics.items.first?.message.hasPrefix("invalid YAML") == true)
    }

    @Test func warningsAreNotErrors() {
        var diagnostics = DiagnosticList()
        diagnostics.append(Diagnostic(file: "f", line: 1, column: 2, severity: .warning, message: "odd"))
        #expect(!diagnostics.hasErrors)
        #expect(DiagnosticsError(diagnostics.items).description == "f:1:2: warning: odd")
    }
}
