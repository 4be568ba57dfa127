import Foundation
import Yams

/// A YAML mapping being read key by key; each typed accessor reports a wrong value at its
/// own line and column and returns nil, so the reader goes on to find the next error.
public struct YAMLMapping {
    public let source: YAMLSource
    public let node: Node
    let mapping: Node.Mapping

    /// Wraps `node`, or reports `"<what> must be a mapping"` when it is not one.
    public init?(_ node: Node?, in source: YAMLSource, what: String, diagnostics: inout DiagnosticList) {
        guard let node else { return nil }
        guard let mapping = node.mapping else {
            diagnostics.append(source.diagnostic(at: node, "\(what) must be a mapping"))
            return nil
        }
        self.source = source
        self.node = node
        self.mapping = mapping
    }

    /// Keys in document order with their nodes.
    public var entries: [(key: String, keyNode: Node, value: Node)] {
        mapping.map { ($0.key.string ?? "\($0.key)", $0.key, $0.value) }
    }

    public subscript(key: String) -> Node? { mapping[key] }

    public func keyNode(_ key: String) -> Node? { mapping.first { $0.key.string == key }?.key }

    /// Reports every key that is not in `allowed` (a typo must not be silently ignored).
    public func rejectUnknownKeys(_ allowed: Set<String>, what: String, diagnostics: inout DiagnosticList) {
        for (key, keyNode, _) in entries where !allowed.contains(key) {
            let hint = allowed.sorted().joined(separator: ", ")
            diagnostics.append(source.diagnostic(at: keyNode, "unknown key '\(key)' in \(what) (expected one of: \(hint))"))
        }
    }

    /// Reports a missing required key at the mapping itself.
    public func require(_ key: String, what: String, diagnostics: inout DiagnosticList) -> Node? {
        if let value = mapping[key] { return value }
        diagnostics.append(source.diagnostic(at: node, "\(what) is missing required key '\(key)'"))
        return nil
    }

    public func string(_ key: String, diagnostics: inout DiagnosticList) -> String? {
        guard let value = mapping[key] else { return nil }
        guard let scalar = value.scalar else {
            diagnostics.append(source.diagnostic(at: value, "'\(key)' must be a string"))
            return nil
        }
        return scalar.string
    }

    public func bool(_ key: String, diagnostics: inout DiagnosticList) -> Bool? {
        guard let value = mapping[key] else { return nil }
        guard let bool = value.bool else {
            diagnostics.append(source.diagnostic(at: value, "'\(key)' must be true or false"))
            return nil
        }
        return bool
    }

    public func int(_ key: String, diagnostics: inout DiagnosticList) -> Int? {
        guard let value = mapping[key] else { return nil }
        guard let int = value.int else {
            diagnostics.append(source.diagnostic(at: value, "'\(key)' must be a whole number"))
            return nil
        }
        return int
    }

    /// A whole number within `range`; one outside it is reported at its value and ignored.
    public func int(_ key: String, in range: ClosedRange<Int>, diagnostics: inout DiagnosticList) -> Int? {
        guard let value = int(key, diagnostics: &diagnostics) else { return nil }
        guard range.contains(value) else {
            diagnostics.append(source.diagnostic(at: mapping[key], "'\(key)' must be between \(range.lowerBound) and \(range.upperBound)"))
            return nil
        }
        return value
    }

    public func number(_ key: String, diagnostics: inout DiagnosticList) -> Double? {
        guard let value = mapping[key] else { return nil }
        guard let number = value.float ?? value.int.map(Double.init) else {
            diagnostics.append(source.diagnostic(at: value, "'\(key)' must be a number"))
            return nil
        }
        return number
    }

    /// A duration such as `90s`, `15m`, `1h30m` or `3d`, in seconds.
    public func duration(_ key: String, diagnostics: inout DiagnosticList) -> Double? {
        guard let value = mapping[key] else { return nil }
        guard let text = value.string, let seconds = DurationText.seconds(text) else {
            diagnostics.append(source.diagnostic(at: value, "'\(key)' must be a duration such as 30s, 15m, 2h or 1d"))
            return nil
        }
        return seconds
    }

    /// A byte size such as `16KiB`, `1MiB` or a plain number of bytes.
    public func byteSize(_ key: String, diagnostics: inout DiagnosticList) -> Int? {
        guard let value = mapping[key] else { return nil }
        guard let text = value.string, let bytes = DurationText.bytes(text) else {
            diagnostics.append(source.diagnostic(at: value, "'\(key)' must be a size such as 4096, 16KiB, 64MiB or 2GiB"))
            return nil
        }
        return bytes
    }

    public func stringList(_ key: String, diagnostics: inout DiagnosticList) -> [String]? {
        guard let value = mapping[key] else { return nil }
        guard let sequence = value.sequence else {
            diagnostics.append(source.diagnostic(at: value, "'\(key)' must be a list"))
            return nil
        }
        var result: [String] = []
        for item in sequence {
            guard let text = item.scalar?.string else {
                diagnostics.append(source.diagnostic(at: item, "items of '\(key)' must be strings"))
                continue
            }
            result.append(text)
        }
        return result
    }
}
