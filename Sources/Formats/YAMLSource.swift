import Foundation
import Yams

/// A YAML file read with positions kept, so that every value can be traced back to its
/// line and column when it is wrong.
public struct YAMLSource {
    public let path: String
    public let root: Node?

    /// Parses `text`; a syntax error becomes a diagnostic at the position libyaml reports.
    public static func parse(_ text: String, path: String, into diagnostics: inout DiagnosticList) -> YAMLSource {
        do {
            return YAMLSource(path: path, root: try Yams.compose(yaml: text))
        } catch let error as YamlError {
            let (mark, problem) = Self.describe(error)
            diagnostics.append(Diagnostic(file: path, line: mark?.line ?? 1, column: mark?.column ?? 1,
                                          message: "invalid YAML: \(problem)"))
        } catch {
            diagnostics.append(Diagnostic(file: path, line: 1, column: 1, message: "invalid YAML: \(error)"))
        }
        return YAMLSource(path: path, root: nil)
    }

    /// Reads and parses the file at `path`.
    public static func load(path: String, into diagnostics: inout DiagnosticList) -> YAMLSource {
        guard let data = FileManager.default.contents(atPath: path) else {
            diagnostics.append(Diagnostic(file: path, line: 1, column: 1, message: "cannot read file"))
            return YAMLSource(path: path, root: nil)
        }
        guard let text = String(data: data, encoding: .utf8) else {
            diagnostics.append(Diagnostic(file: path, line: 1, column: 1, message: "file is not valid UTF-8"))
            return YAMLSource(path: path, root: nil)
        }
        return parse(text, path: path, into: &diagnostics)
    }

    private static func describe(_ error: YamlError) -> (Mark?, String) {
        switch error {
        case let .scanner(context, problem, mark, _), let .parser(context, problem, mark, _),
             let .composer(context, problem, mark, _):
            let prefix = context.map { "\($0.text) " } ?? ""
            return (mark, prefix + problem)
        case let .duplicatedKeysInMapping(duplicates, context):
            return (context.mark, "duplicate key " + duplicates.sorted().map { "'\($0)'" }.joined(separator: ", "))
        default:
            return (nil, "\(error)")
        }
    }
}

extension YAMLSource {
    /// A diagnostic pointing at `node` (or the start of the file when it has no position).
    public func diagnostic(at node: Node?, _ message: String, severity: Diagnostic.Severity = .error) -> Diagnostic {
        let mark = node?.mark
        return Diagnostic(file: path, line: mark?.line ?? 1, column: mark?.column ?? 1, severity: severity, message: message)
    }
}
