import Formats
import Foundation
import Yams

/// Every device type the gateway knows, loaded from the YAML files of a directory
/// (`devices/*.yaml`); adding a type is adding a file, not code.
public struct DeviceTypeCatalog: Sendable {
    public private(set) var types: [String: DeviceType]

    public init(_ types: [DeviceType]) {
        self.types = Dictionary(types.map { ($0.name, $0) }, uniquingKeysWith: { _, last in last })
    }

    public subscript(name: String) -> DeviceType? { types[name] }
    public var names: [String] { types.keys.sorted() }

    /// Loads every `*.yaml` file in `directory`, collecting all errors of all files.
    public static func load(directory: String, diagnostics: inout DiagnosticList) -> DeviceTypeCatalog {
        let files: [String]
        do {
            files = try FileManager.default.contentsOfDirectory(atPath: directory)
                .filter { $0.hasSuffix(".yaml") || $0.hasSuffix(".yml") }
                .sorted()
        } catch {
            diagnostics.append(Diagnostic(file: directory, line: 1, column: 1, message: "cannot read device types directory: \(error.localizedDescription)"))
            return DeviceTypeCatalog([])
        }
        var loaded: [DeviceType] = []
        var seen: [String: String] = [:]
        for file in files {
            let path = (directory as NSString).appendingPathComponent(file)
            let source = YAMLSource.load(path: path, into: &diagnostics)
            guard let type = DeviceTypeFile.read(source, diagnostics: &diagnostics) else { continue }
            if let earlier = seen[type.name] {
                diagnostics.append(Diagnostic(file: path, line: 1, column: 1, message: "device type '\(type.name)' is already defined in \(earlier)"))
                continue
            }
            seen[type.name] = path
            loaded.append(type)
        }
        if loaded.isEmpty && files.isEmpty {
            diagnostics.append(Diagnostic(file: directory, line: 1, column: 1, message: "no device type files (*.yaml) found"))
        }
        return DeviceTypeCatalog(loaded)
    }
}
