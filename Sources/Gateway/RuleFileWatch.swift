import Foundation

/// Notices edits to rule files by their size and modification time (polled; no inotify
/// dependency, and editors that replace files are handled the same way).
struct RuleFileWatch {
    let directory: String
    private var signature: [String: String]

    init(directory: String) {
        self.directory = directory
        signature = Self.read(directory)
    }

    mutating func changed() -> Bool {
        let now = Self.read(directory)
        defer { signature = now }
        return now != signature
    }

    static func read(_ directory: String) -> [String: String] {
        var result: [String: String] = [:]
        for name in (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? [] where name.hasSuffix(".yaml") || name.hasSuffix(".yml") {
            result[name] = signature(of: directory + "/" + name)
        }
        return result
    }

    /// A file's modification time and size ("0/0" when it cannot be read).
    static func signature(of path: String) -> String {
        let attributes = try? FileManager.default.attributesOfItem(atPath: path)
        let modified = (attributes?[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0
        return "\(modified)/\(attributes?[.size] as? Int ?? 0)"
    }
}
